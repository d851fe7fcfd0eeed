#include "exercises/check/programs.h"

#include <algorithm>
#include <csignal>
#include <utility>

#include "exercises/check/check_config.h"
#include "exercises/check/hints.h"

namespace chatkit::exercises {

namespace {

constexpr milliseconds kStartTimeout{10000};
constexpr milliseconds kStopTimeout{5000};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// One printed history item: " >> text" as the course prints it, or " >> \"text\"" as
// chat-server logs it (quoted, with \" and \\ escaped), which abbreviates long messages as
// " >> \"first bytes\"... (N bytes)".
struct PrintedItem {
  std::string text;
  std::size_t abbreviated_size = 0;  // N when abbreviated, else 0.

  bool matches(const std::string& message) const {
    if (abbreviated_size == 0) return text == message;
    return abbreviated_size == message.size() && message.compare(0, text.size(), text) == 0;
  }
};

PrintedItem printed_item(const std::string& line, std::size_t marker) {
  PrintedItem item{line.substr(marker + 4)};
  std::string& text = item.text;
  if (text.size() < 2 || text.front() != '"') return item;
  std::string unquoted;
  std::size_t i = 1;
  for (; i < text.size() && text[i] != '"'; ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\')) ++i;
    unquoted += text[i];
  }
  const std::string rest = i < text.size() ? text.substr(i + 1) : "";
  if (rest.empty()) {
    text = unquoted;
  } else if (rest.compare(0, 5, "... (") == 0) {
    try {
      item.abbreviated_size = static_cast<std::size_t>(std::stoull(rest.substr(5)));
      text = unquoted;
    } catch (const std::exception&) {
    }
  }
  return item;
}

struct PrintedHistory {
  bool found = false;
  long long length = -1;
  std::vector<PrintedItem> items;

  bool matches(const std::vector<std::string>& expected) const {
    if (!found || length != static_cast<long long>(expected.size()) ||
        items.size() != expected.size()) {
      return false;
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (!items[i].matches(expected[i])) return false;
    }
    return true;
  }
};

// The last "History length: N" line and the " >> " lines after it.
PrintedHistory last_printed_history(const std::string& output) {
  PrintedHistory history;
  const std::vector<std::string> lines = lines_of(output);
  for (std::size_t i = lines.size(); i-- > 0;) {
    const std::size_t at = lines[i].find("History length: ");
    if (at == std::string::npos) continue;
    history.found = true;
    try {
      history.length = std::stoll(lines[i].substr(at + 16));
    } catch (const std::exception&) {
      history.length = -1;
    }
    for (std::size_t j = i + 1; j < lines.size(); ++j) {
      const std::size_t marker = lines[j].find(" >> ");
      if (marker != std::string::npos) history.items.push_back(printed_item(lines[j], marker));
    }
    break;
  }
  return history;
}

std::string signal_text(int signum) {
  switch (signum) {
    case SIGKILL:
      return "SIGKILL";
    case SIGTERM:
      return "SIGTERM";
    case SIGSEGV:
      return "SIGSEGV (a crash: memory access out of bounds)";
    case SIGABRT:
      return "SIGABRT (an abort: an uncaught exception or a failed assert)";
  }
  return "signal " + std::to_string(signum);
}

}  // namespace

std::string clip_lines(const std::string& text, std::size_t max_line) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::size_t length = end - start;
    out.append(text, start, std::min(length, max_line));
    if (length > max_line) out += "... (" + std::to_string(length) + " characters in all)";
    if (end < text.size()) out += '\n';
    start = end + 1;
  }
  return out;
}

std::vector<std::string> client_argv(int port, const std::string& message, std::string* error) {
  std::vector<std::string> argv = split_command(check_config().client_command, error);
  if (argv.empty()) return argv;
  return substitute(argv,
                    {{"host", "127.0.0.1"}, {"port", std::to_string(port)}, {"message", message}});
}

ServerProcess::ServerProcess(TestLoop& loop, StepLog& log) : loop_(loop), log_(log) {
  log_.add_context([this] { return context(); });
}

ServerProcess::~ServerProcess() = default;

std::string ServerProcess::context() const {
  if (!process_) return "";
  return "The server under test:\n" + clip_lines(process_->describe());
}

std::string ServerProcess::stdout_text() const {
  return process_ ? process_->stdout_text() : "";
}

bool ServerProcess::start() {
  std::string error;
  std::vector<std::string> argv = split_command(check_config().server_command, &error);
  if (argv.empty()) return log_.fail("cannot use the server command (--server-cmd): " + error);
  argv = substitute(argv, {{"port", "0"}, {"data", data_path()}});
  ChildProcess::Options options;
  options.argv = argv;
  options.env = env_;
  process_ = std::make_unique<ChildProcess>(loop_, options);
  const std::string again = starts_++ > 0 ? " again, with the same data" : "";
  if (!process_->spawn_error().empty()) {
    return log_.fail("could not start the server: " + process_->spawn_error(), "",
                     "check the command (--server-cmd): the program must exist and be runnable.");
  }
  const std::optional<std::string> line =
      process_->wait_for_stdout_line("listening on ", kStartTimeout);
  if (!line) {
    const bool exited = !process_->running();
    return log_.fail(
        exited ? "the server exited before it printed \"listening on ADDR:PORT\""
               : "the server printed no line \"listening on ADDR:PORT\" within 10 s",
        "", exited ? "look at its output below: it says why it stopped." : kHintFlushListening);
  }
  const std::optional<int> port = process_->wait_for_listening_port(milliseconds(0));
  if (!port) {
    return log_.fail("the server's line \"" + *line + "\" names no port", "",
                     "print the real port: with --port 0 the system picks one, so ask the "
                     "listening socket (C++: s.local_address().port; Python: s.getsockname()[1]).");
  }
  port_ = *port;
  log_.step("started the server" + again + ": " + quote_command(argv) +
            "\n       it printed: " + *line);
  return true;
}

bool ServerProcess::wait_exit(milliseconds timeout, ExitStatus* status) {
  const std::optional<ExitStatus> exit = process_->wait_for_exit(timeout);
  if (exit) *status = *exit;
  return exit.has_value();
}

bool ServerProcess::stop() {
  if (!process_ || !process_->running()) return true;
  process_->kill(SIGTERM);
  ExitStatus status;
  if (!wait_exit(kStopTimeout, &status)) {
    process_->kill(SIGKILL);
    wait_exit(kStopTimeout, &status);
    log_.step("stopped the server: it ignored SIGTERM for 5 s, so it was killed (SIGKILL)");
  } else {
    log_.step("stopped the server with SIGTERM");
  }
  return true;
}

bool ServerProcess::kill_hard() {
  if (!process_ || !process_->running()) return true;
  // SIGKILL ends the process at once, as kill -9 does (uv_process_kill terminates it on Windows).
  process_->kill(SIGKILL);
  ExitStatus status;
  if (!wait_exit(kStopTimeout, &status)) return log_.fail("the server did not die on SIGKILL");
  log_.step("killed the server with SIGKILL (kill -9): it could not save or flush anything");
  return true;
}

bool ServerProcess::restart(bool hard) {
  if (!(hard ? kill_hard() : stop())) return false;
  return start();
}

bool ServerProcess::expect_printed_history(const std::vector<std::string>& items,
                                           milliseconds timeout) {
  PrintedHistory printed;
  loop_.run_until(
      [&] {
        printed = last_printed_history(stdout_text());
        return printed.matches(items) || !process_->running();
      },
      timeout);
  std::string expected_text = "History length: " + std::to_string(items.size()) + "\n";
  for (const std::string& item : items) expected_text += " >> " + clip_lines(item, 80) + "\n";
  if (printed.matches(items)) {
    log_.step("the server printed its history:\n       " + expected_text);
    return true;
  }
  std::string details = "expected the last history the server printed to be:\n" + expected_text;
  std::string hint;
  if (!printed.found) {
    details += "but its output has no line with \"History length: \" at all.";
    hint =
        "after storing a message, a stage-1 server prints \"History length: N\" and then each "
        "message on a line \" >> <message>\", as the course's server does (and flushes). ";
    hint += hint_not_started(Part::kServer);
  } else {
    details +=
        "but the last one it printed says History length: " + std::to_string(printed.length) +
        ", with these items:\n";
    for (const PrintedItem& item : printed.items)
      details += " >> " + clip_lines(item.text, 80) + "\n";
    for (std::size_t i = 0; i < items.size() && i < printed.items.size(); ++i) {
      if (!printed.items[i].matches(items[i])) {
        details += "item " + std::to_string(i + 1) + " differs:\n" +
                   describe_difference(items[i], printed.items[i].text);
        break;
      }
    }
    if (printed.length > static_cast<long long>(items.size())) {
      hint =
          "more messages were stored than expected: empty messages are never stored, and a "
          "rejected frame stores nothing.";
    } else {
      hint =
          "a message went missing or changed on the way: read exactly 4 length bytes "
          "(big-endian), then exactly that many payload bytes, however many receives it takes.";
    }
  }
  return log_.fail("the server did not print the expected history within " +
                       std::to_string(timeout.count()) + " ms",
                   details, hint);
}

ClientProcess::ClientProcess(TestLoop& loop, StepLog& log) : loop_(loop), log_(log) {
  log_.add_context([this] { return context(); });
}

ClientProcess::~ClientProcess() = default;

std::string ClientProcess::context() const {
  if (!process_) return "";
  return "The client under test:\n" + clip_lines(process_->describe());
}

bool ClientProcess::start(int port, const std::string& message) {
  std::string error;
  const std::vector<std::string> argv = client_argv(port, message, &error);
  if (argv.empty()) return log_.fail("cannot use the client command (--client-cmd): " + error);
  ChildProcess::Options options;
  options.argv = argv;
  process_ = std::make_unique<ChildProcess>(loop_, options);
  if (!process_->spawn_error().empty()) {
    return log_.fail("could not start the client: " + process_->spawn_error(), "",
                     "check the command (--client-cmd): the program must exist and be runnable.");
  }
  std::string shown = quote_command(argv);
  if (shown.size() > 300) shown = shown.substr(0, 300) + "...";
  log_.step("started the client: " + shown);
  return true;
}

bool ClientProcess::expect_exit(bool success, const std::string& why, milliseconds timeout) {
  const std::optional<ExitStatus> status = process_->wait_for_exit(timeout);
  if (!status) {
    return log_.fail(
        "the client did not exit within " + std::to_string(timeout.count()) + " ms (" + why + ")",
        "",
        success ? "a client that waits for something the server never sends "
                  "hangs: after sending its message (and reading what the stage "
                  "says comes back) it closes the socket and exits."
                : "a client must not wait forever: when the server breaks the "
                  "protocol or closes the connection, report it and exit.");
  }
  if (status->term_signal != 0) {
    return log_.fail(
        "the client was ended by " + signal_text(status->term_signal) + " (" + why + ")", "",
        "catch exceptions (std::exception) in main and exit with a code.");
  }
  if (success && status->exit_code != 0) {
    return log_.fail("the client exited with code " + std::to_string(status->exit_code) +
                         ", expected 0 (" + why + ")",
                     "", "its standard error (below) should say what went wrong.");
  }
  if (!success && status->exit_code == 0) {
    return log_.fail(
        "the client exited with code 0, but it should fail with a non-zero code (" + why + ")", "",
        "report a protocol error or a lost connection on standard error and "
        "exit with a non-zero code (1; stage 3: 3 when no acknowledgement came), "
        "so that scripts and people can tell.");
  }
  log_.step("the client exited with code " + std::to_string(status->exit_code) + " (" + why + ")");
  return true;
}

bool ClientProcess::expect_printed(const std::vector<std::string>& texts, const std::string& what) {
  const std::vector<std::string> lines = lines_of(process_->stdout_text());
  std::size_t next = 0;
  for (const std::string& line : lines) {
    if (next < texts.size() && ends_with(line, texts[next])) ++next;
  }
  if (next == texts.size()) {
    log_.step("the client printed " + what);
    return true;
  }
  std::string details = "expected, in this order, lines ending with:\n";
  for (std::size_t i = 0; i < texts.size(); ++i) {
    details += (i == next ? "  -> " : "     ") + describe_text(texts[i]) + "\n";
  }
  return log_.fail("the client did not print " + what + " (the line marked -> is missing)", details,
                   "print each history item on a line of its own, in the order received.");
}

}  // namespace chatkit::exercises
