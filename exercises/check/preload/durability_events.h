// The lines of the durability watch's log (durability_watch.c) as events, for the judge
// (durability_log.h): parsed, and described in words for the failure reports.
#ifndef CHATKIT_EXERCISES_CHECK_PRELOAD_DURABILITY_EVENTS_H_
#define CHATKIT_EXERCISES_CHECK_PRELOAD_DURABILITY_EVENTS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

namespace chatkit::exercises {

// One line of the log.
struct Event {
  int number = 0;  // Its line number in the log, from 1: "event 5" in the reports.
  std::string pid;
  std::string kind;  // hello, write, sync, send, ackfile
  std::map<std::string, std::string> fields;
  std::string path;

  std::string field(const std::string& key) const {
    const auto found = fields.find(key);
    return found == fields.end() ? "" : found->second;
  }
  long long integer(const std::string& key) const {
    try {
      return std::stoll(field(key));
    } catch (const std::exception&) {
      return -1;
    }
  }
  bool flag(const std::string& key) const { return field(key) == "1"; }
  bool holds_post() const { return field("holds") == "1"; }
};

// The log's lines, in order; empty lines skipped.
std::vector<Event> parse_durability_log(const std::string& text);

// Whether a sync event waits until the file's data is on the disk: fsync, fdatasync, sync,
// syncfs, msync with MS_SYNC; not sync_file_range, nor msync without MS_SYNC.
bool is_covering_sync(const Event& event);

// "event 5", and "fsync, event 5".
std::string event_ref(const Event& event);
std::string call_ref(const Event& event);

// One event in words: "fsync(fd 3) of /tmp/x/history, which held the post".
std::string describe_event(const Event& event);

// What render_events shows besides the events that always matter (sends, writes of the post,
// syncs of a file holding it).
struct EventsToShow {
  const Event* ack = nullptr;         // The acknowledgement's send; nullptr when none was seen.
  std::set<std::string> pids;         // Every process the library loaded into.
  std::set<std::string> written_ids;  // Files (device:inode) the post was written to.
  std::set<std::string> data_ids;     // Data files.
  std::vector<const Event*> marked;   // Shown whatever they are (the report names them).
};

// The log as numbered lines for a report, abridged: everything that matters before the
// acknowledgement, the last few events before it, the acknowledgement, the files as it left,
// and what the server did with the post afterwards.
std::string render_events(const std::vector<Event>& events, const EventsToShow& show);

}  // namespace chatkit::exercises

#endif  // CHATKIT_EXERCISES_CHECK_PRELOAD_DURABILITY_EVENTS_H_
