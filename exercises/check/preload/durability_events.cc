#include "exercises/check/preload/durability_events.h"

#include <cstddef>
#include <exception>
#include <set>

namespace chatkit::exercises {

namespace {

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(separator, start);
    if (end == std::string::npos) end = text.size();
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

}  // namespace

std::vector<Event> parse_durability_log(const std::string& text) {
  std::vector<Event> events;
  int number = 0;
  for (const std::string& line : split(text, '\n')) {
    if (line.empty()) continue;
    Event event;
    event.number = ++number;
    std::string rest = line;
    const std::size_t path_at = rest.find(" path=");
    if (path_at != std::string::npos) {
      event.path = rest.substr(path_at + 6);
      rest.resize(path_at);
    }
    const std::vector<std::string> tokens = split(rest, ' ');
    std::size_t first_field = 2;
    if (tokens[0] == "hello") {
      event.kind = "hello";
      first_field = 1;
    } else if (tokens.size() >= 2) {
      event.pid = tokens[0];
      event.kind = tokens[1];
    }
    for (std::size_t i = first_field; i < tokens.size(); ++i) {
      const std::size_t equals = tokens[i].find('=');
      if (equals != std::string::npos) {
        event.fields[tokens[i].substr(0, equals)] = tokens[i].substr(equals + 1);
      }
    }
    if (event.kind == "hello") event.pid = event.field("pid");
    events.push_back(std::move(event));
  }
  return events;
}

bool is_covering_sync(const Event& event) {
  const std::string call = event.field("call");
  if (call == "fsync" || call == "fdatasync" || call == "sync" || call == "syncfs") return true;
  constexpr long long kMsSync = 4;  // MS_SYNC on Linux
  return call == "msync" && (event.integer("flags") & kMsSync) != 0;
}

std::string event_ref(const Event& event) {
  return "event " + std::to_string(event.number);
}

std::string call_ref(const Event& event) {
  return event.field("call") + ", " + event_ref(event);
}

std::string describe_event(const Event& event) {
  std::string text;
  const std::string call = event.field("call");
  const std::string fd = event.field("fd");
  if (event.kind == "hello") return "the watch library loaded into process " + event.pid;
  if (event.kind == "write") {
    text = call + "(fd " + fd + ", " + event.field("bytes") + " bytes) to " + event.path;
    if (event.field("result") != event.field("bytes")) {
      text += ", returned " + event.field("result");
    }
    if (event.flag("osync")) text += " [O_SYNC/O_DSYNC]";
    if (event.flag("marker")) text += ": the post";
    return text;
  }
  if (event.kind == "sync") {
    if (call == "sync" || call == "syncfs") {
      text = call + "(), which covers " + event.path;
    } else if (call == "msync") {
      text = "msync(flags " + event.field("flags") + ") of a mapping of " + event.path;
    } else {
      text = call + "(fd " + fd + ") of " + event.path;
    }
    if (event.field("result") != "0") text += ": FAILED, returned " + event.field("result");
    const std::string holds = event.field("holds");
    if (holds == "dir") text += " (a folder)";
    if (holds == "1") text += ", which held the post";
    if (holds == "0") text += ", which did not hold the post";
    return text;
  }
  if (event.kind == "send") {
    text = call + "(fd " + fd + ", " + event.field("bytes") + " bytes) on a TCP connection";
    if (event.flag("marker")) text += ": the acknowledgement (it holds the post)";
    return text;
  }
  if (event.kind == "ackfile") {
    return "  as it left, " + event.path +
           (event.holds_post() ? " held the post" : " did not hold the post");
  }
  return event.kind;
}

namespace {

// Whether an event before the acknowledgement is worth showing.
bool matters(const Event& event, const EventsToShow& show) {
  if (event.kind == "hello") return false;  // Said once, in the first line of render().
  if (event.kind == "send") return true;
  if (event.flag("marker") || event.holds_post()) return true;
  if (event.kind == "sync" && event.field("holds") != "dir") {
    return show.written_ids.count(event.field("id")) > 0;
  }
  return false;
}

}  // namespace

std::string render_events(const std::vector<Event>& events, const EventsToShow& show) {
  constexpr std::size_t kRecent = 6;
  constexpr std::size_t kMaxLines = 40;
  const Event* ack = show.ack;
  const std::size_t ackindex = ack != nullptr ? static_cast<std::size_t>(ack->number - 1) : 0;
  const std::set<std::string>& pids = show.pids;
  const std::size_t end = ack != nullptr ? ackindex : events.size();
  std::vector<bool> shown(events.size(), false);
  for (std::size_t i = 0; i < end; ++i) {
    shown[i] = matters(events[i], show) || (i + kRecent >= end && events[i].kind != "hello");
  }
  for (const Event* event : show.marked) {
    if (event != nullptr) shown[static_cast<std::size_t>(event->number - 1)] = true;
  }
  if (ack != nullptr) {
    std::size_t after = 0;
    for (std::size_t i = ackindex; i < events.size(); ++i) {
      const Event& event = events[i];
      const bool interesting = i == ackindex || event.kind == "ackfile" || event.flag("marker") ||
                               event.holds_post() ||
                               (event.kind == "sync" && show.data_ids.count(event.field("id")) > 0);
      if (interesting && (i == ackindex || event.kind == "ackfile" || after++ < 4)) {
        shown[i] = true;
      }
    }
  }
  const bool several_processes = pids.size() > 1;
  std::string text =
      "What the server did, as the watch library saw it (event numbers are "
      "lines of its log):\n";
  const std::string sender = ack != nullptr ? ack->pid : *pids.begin();
  text += "  the watch library loaded into process " + sender +
          (ack != nullptr ? ", which sent the acknowledgement" : "") +
          (pids.size() > 1 ? ", and " + std::to_string(pids.size() - 1) + " other process" +
                                 (pids.size() == 2 ? "" : "es") + " the command started"
                           : "") +
          "\n";
  std::size_t lines = 0;
  std::size_t skipped = 0;
  bool after_acksaid = false;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (!shown[i] || lines >= kMaxLines) {
      if (events[i].kind != "hello") ++skipped;
      continue;
    }
    if (skipped > 0) {
      text +=
          "  ... (" + std::to_string(skipped) + " other event" + (skipped == 1 ? "" : "s") + ")\n";
      skipped = 0;
    }
    const Event& event = events[i];
    if (ack != nullptr && i > ackindex && event.kind != "ackfile" && !after_acksaid) {
      text += "  after the acknowledgement:\n";
      after_acksaid = true;
    }
    if (event.kind == "ackfile") {
      text += "     " + describe_event(event) + "\n";
    } else {
      text += "  " + std::to_string(event.number) + ". " +
              (several_processes && event.pid != sender ? "[pid " + event.pid + "] " : "") +
              describe_event(event) + "\n";
    }
    ++lines;
  }
  if (skipped > 0) {
    text +=
        "  ... (" + std::to_string(skipped) + " other event" + (skipped == 1 ? "" : "s") + ")\n";
  }
  return text;
}

}  // namespace chatkit::exercises
