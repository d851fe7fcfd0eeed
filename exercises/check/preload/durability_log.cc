#include "exercises/check/preload/durability_log.h"

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "exercises/check/preload/durability_events.h"

namespace chatkit::exercises {
namespace {

// What happened to one file (one device:inode) before the acknowledgement.
struct FileState {
  std::string path;
  bool data = false;
  bool held_at_ack = false;
  const Event* last_write = nullptr;   // The last write of the post to it.
  const Event* pending = nullptr;      // A write of the post no sync has covered since.
  const Event* synced = nullptr;       // The sync (or O_SYNC write) that made the post durable.
  const Event* early_sync = nullptr;   // A sync that began before the file held the post.
  const Event* failed_sync = nullptr;  // A sync that returned an error.
  const Event* weak_sync = nullptr;    // sync_file_range or msync(MS_ASYNC): not a sync.
};

class Judge {
 public:
  Judge(const std::string& log_text, std::string data_path)
      : events_(parse_durability_log(log_text)), data_path_(std::move(data_path)) {}

  DurabilityVerdict run() {
    DurabilityVerdict verdict;
    for (const Event& event : events_) {
      if (event.kind == "hello") pids_.insert(event.pid);
    }
    if (pids_.empty()) {
      verdict.headline =
          "could not run: the watch library did not load into the server (its log has no "
          "\"hello\" line), so nothing can be said about when the post reached the disk";
      verdict.hint =
          "the check preloads a library (LD_PRELOAD) into the server to see its file and socket "
          "calls. That works for a dynamically linked program (Python, a C or C++ program linked "
          "as usual); not for a statically linked one, nor a set-user-ID one, nor a command "
          "that clears its environment. The server's standard error (below) may say why.";
      return verdict;
    }
    for (std::size_t i = 0; i < events_.size(); ++i) {
      if (events_[i].kind == "send" && events_[i].flag("marker")) {
        ack_ = &events_[i];
        ack_index_ = i;
        break;
      }
    }
    if (ack_ == nullptr) {
      verdict.headline =
          "could not run: the watch library loaded (into " + process_count() +
          ") but never saw the acknowledgement leave, although it arrived: the process that sent "
          "it was out of its sight, so nothing can be said about when the post reached the disk";
      verdict.hint =
          "the library sees send, sendto, sendmsg, write and writev on TCP connections of the "
          "processes it loaded into. A server process that is statically linked (started by a "
          "script that was not), or that sends through another call (io_uring, sendfile, a "
          "raw system call), is out of its sight.";
      verdict.events = render({});
      return verdict;
    }
    collect();
    return decide();
  }

 private:
  std::string process_count() const {
    return pids_.size() == 1 ? "process " + *pids_.begin()
                             : std::to_string(pids_.size()) + " processes";
  }

  void collect() {
    for (std::size_t i = 0; i < ack_index_; ++i) {
      const Event& event = events_[i];
      if (event.kind != "write" && event.kind != "sync") continue;
      const std::string id = event.field("id");
      FileState& file = files_[id];
      file.path = event.path;
      file.data = file.data || event.flag("data");
      if (event.kind == "write") {
        if (event.integer("result") <= 0) continue;
        if (!event.flag("marker")) {
          // Other bytes reached the file since that sync: it was not simply too early for a
          // buffer that still held the post (SQLite syncs its WAL before writing a commit).
          file.early_sync = nullptr;
          continue;
        }
        file.last_write = &event;
        if (event.flag("osync")) {
          file.synced = &event;
          file.pending = nullptr;
        } else {
          file.pending = &event;
        }
        continue;
      }
      const std::string holds = event.field("holds");
      if (holds == "dir") continue;
      if (!is_covering_sync(event)) {
        if (holds == "1" || file.last_write != nullptr) file.weak_sync = &event;
        continue;
      }
      if (event.integer("result") != 0) {
        file.failed_sync = &event;
      } else if (holds == "1" || (holds == "?" && file.last_write != nullptr)) {
        file.synced = &event;
        file.pending = nullptr;
      } else if (holds == "0" && file.last_write == nullptr) {
        file.early_sync = &event;
      }
    }
    // The files named like {data} as the acknowledgement left: the lines right after it.
    for (std::size_t i = ack_index_ + 1; i < events_.size(); ++i) {
      const Event& event = events_[i];
      if (event.kind != "ackfile" || event.pid != ack_->pid) continue;
      FileState& file = files_[event.field("id")];
      file.data = true;
      if (file.path.empty()) file.path = event.path;
      file.held_at_ack = file.held_at_ack || event.holds_post();
    }
  }

  const FileState* find(bool (*wanted)(const FileState&)) const {
    for (const auto& entry : files_) {
      if (entry.second.data && wanted(entry.second)) return &entry.second;
    }
    return nullptr;
  }

  // The first covering sync of the file with this id after the acknowledgement, if the log has one.
  const Event* later_sync(const std::string& id) const {
    for (std::size_t i = ack_index_ + 1; i < events_.size(); ++i) {
      const Event& event = events_[i];
      if (event.kind == "sync" && event.field("id") == id && is_covering_sync(event)) {
        return &event;
      }
    }
    return nullptr;
  }

  std::string id_of(const FileState& wanted) const {
    for (const auto& entry : files_) {
      if (&entry.second == &wanted) return entry.first;
    }
    return "";
  }

  DurabilityVerdict decide() {
    DurabilityVerdict verdict;
    verdict.outcome = DurabilityVerdict::Outcome::kNotSynced;
    const std::string ack = "the acknowledgement (" + event_ref(*ack_) + ")";
    const std::string power_cut =
        "; a power cut after the acknowledgement would lose an acknowledged post";
    verdict.hint =
        "write the post, then sync the file (C++: the file's sync(), which calls fsync; "
        "Python: f.flush() if you write through a file object, then os.fsync(fd)), and send the "
        "acknowledgement only once the sync has returned. A file opened with O_SYNC or O_DSYNC, "
        "or SQLite with PRAGMA synchronous=FULL, syncs by itself.";

    if (const FileState* good = find([](const FileState& f) { return f.synced && !f.pending; })) {
      verdict.outcome = DurabilityVerdict::Outcome::kSynced;
      const Event& sync = *good->synced;
      if (sync.kind == "write") {
        verdict.headline = "the server wrote the post to " + good->path +
                           " through a descriptor "
                           "opened with O_SYNC/O_DSYNC (" +
                           call_ref(sync) + "), then sent " + ack;
      } else {
        verdict.headline = "the server wrote the post to " + good->path +
                           (good->last_write ? " (" + call_ref(*good->last_write) + ")" : "") +
                           ", synced it (" + call_ref(sync) + "), then sent " + ack;
      }
      verdict.hint.clear();
      verdict.events = render({good->last_write, good->synced});
      return verdict;
    }

    if (const FileState* file = find([](const FileState& f) { return f.failed_sync != nullptr; })) {
      verdict.headline = "the sync of " + file->path + " failed (" + call_ref(*file->failed_sync) +
                         " returned " + file->failed_sync->field("result") +
                         ") and the server sent " + ack + " all the same";
      verdict.hint =
          "a post whose sync failed is not stored: report the error and close the connection "
          "without an acknowledgement, so that the client knows.";
      verdict.events = render({file->failed_sync});
      return verdict;
    }

    if (const FileState* file = find([](const FileState& f) { return f.pending != nullptr; })) {
      const Event& write = *file->pending;
      if (file->early_sync != nullptr && file->early_sync->number < write.number) {
        verdict.headline =
            "the acknowledgement was sent before the post was synced to disk: the server synced " +
            file->path + " (" + call_ref(*file->early_sync) +
            ") before the post had reached the file, which happened only afterwards (" +
            call_ref(write) + "), and sent " + ack + " without another sync" + power_cut;
        verdict.hint =
            "a program's own buffer (a Python file object, a C FILE*, a C++ stream) is not the "
            "file yet, and a sync only covers what the file holds: flush the buffer first "
            "(f.flush()), then sync (os.fsync(f.fileno())), then acknowledge.";
      } else {
        verdict.headline =
            "the acknowledgement was sent before the post was synced to disk: the "
            "server wrote the post to " +
            file->path + " (" + call_ref(write) + ") and sent " + ack +
            " without an fsync in between" + power_cut;
        const Event* later = later_sync(id_of(*file));
        verdict.headline +=
            later != nullptr
                ? " (it synced the file only after the acknowledgement: " + call_ref(*later) +
                      ", too late)"
                : " (the log shows no sync of that file at all)";
      }
      add_weak_sync_note(*file, &verdict);
      add_sqlite_note(*file, &verdict);
      verdict.events = render({&write, file->early_sync});
      return verdict;
    }

    if (const FileState* file = find([](const FileState& f) { return f.held_at_ack; })) {
      verdict.headline = "the acknowledgement was sent before the post was synced to disk: as " +
                         ack + " left, " + file->path +
                         " held the post, but no sync of it had begun since the post was "
                         "written" +
                         power_cut;
      if (file->early_sync != nullptr) {
        verdict.headline +=
            " (" + call_ref(*file->early_sync) + " came before the post had reached the file)";
        verdict.hint =
            "a program's own buffer (a Python file object, a C FILE*, a C++ stream) is not the "
            "file yet, and a sync only covers what the file holds: flush the buffer first, "
            "then sync, then acknowledge.";
      }
      add_weak_sync_note(*file, &verdict);
      verdict.events = render({file->early_sync});
      return verdict;
    }

    // The post is in no data file as the acknowledgement leaves.
    for (std::size_t i = 0; i < ack_index_; ++i) {
      const Event& event = events_[i];
      const bool standard_output = event.field("fd") == "1" || event.field("fd") == "2";
      if (event.kind == "write" && event.flag("marker") && !event.flag("data") &&
          !standard_output) {
        verdict.headline = "the server stored the post in " + event.path + " (" + call_ref(event) +
                           "), not in the file it was given with --data (" + data_path_ +
                           ") nor in a file beside it whose name starts with that";
        verdict.hint =
            "keep the posts in the --data file: the checks give a path in a fresh folder and "
            "look for the posts there (a file beside it named like it, such as PATH-wal or "
            "PATH.tmp, counts too).";
        verdict.events = render({&event});
        return verdict;
      }
    }
    verdict.headline = "the acknowledgement was sent before the post was written: as " + ack +
                       " left, no file named like " + data_path_ + " held the post" + power_cut;
    for (std::size_t i = ack_index_ + 1; i < events_.size(); ++i) {
      const Event& event = events_[i];
      if (event.kind == "write" && event.flag("marker") && event.flag("data")) {
        verdict.headline +=
            " (the server wrote it to " + event.path + " only afterwards: " + call_ref(event) + ")";
        break;
      }
    }
    verdict.events = render({});
    return verdict;
  }

  void add_weak_sync_note(const FileState& file, DurabilityVerdict* verdict) const {
    if (file.weak_sync == nullptr) return;
    verdict->hint += " " + call_ref(*file.weak_sync) +
                     " does not count: it starts the writing but does not wait until the data "
                     "is on the disk.";
  }

  static void add_sqlite_note(const FileState& file, DurabilityVerdict* verdict) {
    const auto ends_with = [&](const std::string& suffix) {
      return file.path.size() >= suffix.size() &&
             file.path.compare(file.path.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (!ends_with("-wal") && !ends_with("-journal")) return;
    verdict->hint +=
        " With SQLite: PRAGMA synchronous=FULL syncs every commit; NORMAL, in WAL mode, does "
        "not.";
  }

  std::string render(const std::vector<const Event*>& marked) const {
    EventsToShow show;
    show.ack = ack_;
    show.pids = pids_;
    show.marked = marked;
    for (const auto& [id, file] : files_) {
      if (file.last_write != nullptr) show.written_ids.insert(id);
      if (file.data) show.data_ids.insert(id);
    }
    return render_events(events_, show);
  }

  std::vector<Event> events_;
  std::string data_path_;
  std::set<std::string> pids_;
  const Event* ack_ = nullptr;
  std::size_t ack_index_ = 0;
  std::map<std::string, FileState> files_;
};

}  // namespace

DurabilityVerdict judge_durability_log(const std::string& log_text, const std::string& data_path) {
  return Judge(log_text, data_path).run();
}

}  // namespace chatkit::exercises
