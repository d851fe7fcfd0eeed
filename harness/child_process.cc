#include "harness/child_process.h"

#include <algorithm>
#include <cctype>
#include <csignal>
#include <functional>
#include <utility>

#include "harness/buffered_socket.h"
#include "kit/net/uv_error.h"

namespace chatkit::testing {

namespace {

// How often poll_stdout reads the file: often enough to react quickly, rarely enough
// that a chatty server's log is not re-read on every loop iteration.
constexpr std::uint64_t kPollNanoseconds = 10 * 1000 * 1000;
constexpr std::size_t kDescribeLines = 40;

// Opens (creates, truncates) a file for the child to write; returns the fd or a libuv error.
int open_for_child(uv_loop_t* loop, const std::string& path) {
  uv_fs_t req;
  const int fd = uv_fs_open(loop, &req, path.c_str(),
                            UV_FS_O_WRONLY | UV_FS_O_CREAT | UV_FS_O_TRUNC, 0644, nullptr);
  uv_fs_req_cleanup(&req);
  return fd;
}

void close_file(uv_loop_t* loop, int fd) {
  uv_fs_t req;
  uv_fs_close(loop, &req, fd, nullptr);
  uv_fs_req_cleanup(&req);
}

// Complete lines only: a line still being written has no newline yet. "\r\n" counts as "\n".
std::vector<std::string> complete_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
    std::size_t length = end - start;
    if (length > 0 && text[end - 1] == '\r') --length;
    lines.push_back(text.substr(start, length));
    start = end + 1;
  }
  return lines;
}

std::optional<std::string> find_line(const std::string& text, std::string_view prefix) {
  for (std::string& line : complete_lines(text)) {
    if (line.compare(0, prefix.size(), prefix) == 0) return std::move(line);
  }
  return std::nullopt;
}

bool same_env_name(std::string_view a, std::string_view b) {
#ifdef _WIN32
  // Windows treats environment names case-insensitively.
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) ==
                  std::toupper(static_cast<unsigned char>(y));
         });
#else
  return a == b;
#endif
}

#ifdef _WIN32
// A path like "/work/build/server/chat-server.exe" is rooted but names no drive: Windows reads
// it on the current drive, which Options::cwd changes for the child, and which may differ from
// ours when we were started in another folder (a temporary one on C:). Such paths are what a
// cross build compiles in, naming programs of the same build tree as this one (the Wine drive
// Z: is the build machine's /), so they get the drive this program runs from.
std::string with_drive(const std::string& path) {
  const auto separator = [](char c) { return c == '/' || c == '\\'; };
  const bool rooted_without_drive =
      !path.empty() && separator(path[0]) && !(path.size() > 1 && separator(path[1]));
  if (!rooted_without_drive) return path;
  char exe[4096];
  std::size_t size = sizeof exe;
  if (uv_exepath(exe, &size) != 0 || size < 2 || exe[1] != ':') return path;
  return std::string(exe, 2) + path;
}
#else
std::string with_drive(const std::string& path) {
  return path;
}
#endif

std::string_view env_name(std::string_view entry) {
  return entry.substr(0, entry.find('='));
}

// The test's own environment with `extra` "NAME=value" entries added or replacing.
std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> entries;
  uv_env_item_t* items = nullptr;
  int count = 0;
  if (uv_os_environ(&items, &count) == 0) {
    for (int i = 0; i < count; ++i) {
      entries.push_back(std::string(items[i].name) + "=" + items[i].value);
    }
    uv_os_free_environ(items, count);
  }
  for (const std::string& entry : extra) {
    entries.erase(std::remove_if(entries.begin(), entries.end(),
                                 [&](const std::string& existing) {
                                   return same_env_name(env_name(existing), env_name(entry));
                                 }),
                  entries.end());
    entries.push_back(entry);
  }
  return entries;
}

std::string quote_argument(const std::string& arg) {
  const bool plain = !arg.empty() && arg.find_first_of(" \t\n'\"\\$") == std::string::npos;
  if (plain) return arg;
  std::string quoted = "'";
  for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string signal_name(int signum) {
  switch (signum) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGKILL:
      return "SIGKILL";
    case SIGABRT:
      return "SIGABRT";
    case SIGSEGV:
      return "SIGSEGV";
  }
  return "signal " + std::to_string(signum);
}

// "stdout: (empty)" or "stdout (last 40 of 52 lines):" and the lines, indented.
std::string describe_output(const char* name, const std::string& text) {
  if (text.empty()) return std::string(name) + ": (empty)";
  std::vector<std::string> lines = complete_lines(text);
  const std::size_t tail_start = text.back() == '\n' ? text.size() : text.rfind('\n') + 1;
  const bool unfinished = tail_start < text.size();
  if (unfinished) lines.push_back(text.substr(tail_start) + "  [no newline at the end]");
  const std::size_t first = lines.size() > kDescribeLines ? lines.size() - kDescribeLines : 0;
  std::string result = std::string(name) + " (" +
                       (first > 0 ? "last " + std::to_string(kDescribeLines) + " of " : "") +
                       std::to_string(lines.size()) + (lines.size() == 1 ? " line):" : " lines):");
  for (std::size_t i = first; i < lines.size(); ++i) result += "\n  | " + lines[i];
  return result;
}

}  // namespace

ChildProcess::ChildProcess(TestLoop& loop, Options options)
    : loop_(loop), options_(std::move(options)) {
  spawn();
}

void ChildProcess::spawn() {
  if (options_.argv.empty()) {
    spawn_error_ = "spawn: Options::argv is empty";
    return;
  }
  uv_loop_t* loop = loop_.get();

  if (dir_.path().empty()) {
    spawn_error_ = "spawn: could not create a temporary directory for the child's output";
    return;
  }

  const int out_fd = open_for_child(loop, stdout_path());
  const int err_fd = out_fd < 0 ? out_fd : open_for_child(loop, stderr_path());
  if (out_fd < 0 || err_fd < 0) {
    spawn_error_ =
        UvError("create the output files in " + dir_.path(), std::min(out_fd, err_fd)).message();
    if (out_fd >= 0) close_file(loop, out_fd);
    return;
  }

  std::vector<std::string> env = child_environment(options_.env);
  std::vector<char*> env_pointers;
  for (std::string& entry : env) env_pointers.push_back(entry.data());
  env_pointers.push_back(nullptr);
  std::vector<char*> args;
  for (std::string& arg : options_.argv) args.push_back(arg.data());
  args.push_back(nullptr);
  std::string program = with_drive(options_.argv[0]);
  args[0] = program.data();

  uv_stdio_container_t stdio[3];
  stdio[0].flags = UV_IGNORE;
  if (options_.stdin_pipe) {
    const int status = uv_pipe_init(loop, &stdin_, 0);
    if (status < 0) {
      spawn_error_ = UvError("stdin pipe init", status).message();
      close_file(loop, out_fd);
      close_file(loop, err_fd);
      return;
    }
    stdin_.data = this;
    stdin_initialized_ = true;
    // Readable from the child's side.
    stdio[0].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_READABLE_PIPE);
    stdio[0].data.stream = reinterpret_cast<uv_stream_t*>(&stdin_);
  }
  stdio[1].flags = UV_INHERIT_FD;
  stdio[1].data.fd = out_fd;
  stdio[2].flags = UV_INHERIT_FD;
  stdio[2].data.fd = err_fd;

  uv_process_options_t spawn_options{};
  spawn_options.exit_cb = on_exit;
  spawn_options.file = args[0];
  spawn_options.args = args.data();
  spawn_options.env = env_pointers.data();
  spawn_options.cwd = options_.cwd.empty() ? nullptr : options_.cwd.c_str();
  spawn_options.stdio_count = 3;
  spawn_options.stdio = stdio;
  spawn_options.flags = UV_PROCESS_WINDOWS_HIDE;

  // uv_spawn initializes the handle even when it fails, and then it must still be closed.
  process_initialized_ = true;
  const int status = uv_spawn(loop, &process_, &spawn_options);
  process_.data = this;
  // The child has its own copies now (or none, on failure).
  close_file(loop, out_fd);
  close_file(loop, err_fd);
  if (status < 0) {
    spawn_error_ = UvError("spawn " + options_.argv[0], status).message();
    return;
  }
  spawned_ = true;
  stdin_open_ = options_.stdin_pipe;
}

ChildProcess::~ChildProcess() {
  auto* process = reinterpret_cast<uv_handle_t*>(&process_);
  // A handle closing already was closed by TestLoop::close(); then the loop cannot run anymore.
  if (spawned_ && !exited_ && !uv_is_closing(process)) {
    uv_process_kill(&process_, SIGKILL);
    wait_for_exit(kStepTimeout);
  }
  if (stdin_initialized_) close_handle(reinterpret_cast<uv_handle_t*>(&stdin_));
  if (process_initialized_) close_handle(process);
  // The handles live in this object: it must outlast their close callbacks.
  if (closes_pending_ > 0) loop_.run_until([this] { return closes_pending_ == 0; });
  // dir_ is removed after this, as a member: by then nothing writes to its files.
}

void ChildProcess::close_handle(uv_handle_t* handle) {
  if (uv_is_closing(handle)) return;
  ++closes_pending_;
  uv_close(handle, on_handle_closed);
}

void ChildProcess::on_handle_closed(uv_handle_t* handle) {
  --static_cast<ChildProcess*>(handle->data)->closes_pending_;
}

void ChildProcess::on_exit(uv_process_t* process, std::int64_t exit_status, int term_signal) {
  auto* self = static_cast<ChildProcess*>(process->data);
  self->exited_ = true;
  self->status_.exit_code = exit_status;
  self->status_.term_signal = term_signal;
}

int ChildProcess::pid() const {
  return spawned_ ? uv_process_get_pid(&process_) : 0;
}

bool ChildProcess::poll_stdout(const std::function<bool(const std::string&)>& found,
                               milliseconds timeout) {
  bool seen = false;
  std::uint64_t last_poll = 0;
  bool first = true;
  loop_.run_until(
      [&] {
        const std::uint64_t now = uv_hrtime();
        if (!first && now - last_poll < kPollNanoseconds && !exited_) return false;
        first = false;
        last_poll = now;
        seen = found(stdout_text());
        return seen || exited_;
      },
      timeout);
  // The child may have written the text just before exiting; its output is complete now.
  if (!seen && exited_) seen = found(stdout_text());
  return seen;
}

std::optional<std::string> ChildProcess::wait_for_stdout_line(std::string_view prefix,
                                                              milliseconds timeout) {
  std::optional<std::string> line;
  poll_stdout(
      [&](const std::string& text) {
        line = find_line(text, prefix);
        return line.has_value();
      },
      timeout);
  return line;
}

bool ChildProcess::wait_for_stdout_text(std::string_view needle, milliseconds timeout) {
  return poll_stdout(
      [&](const std::string& text) { return text.find(needle) != std::string::npos; }, timeout);
}

std::optional<int> ChildProcess::wait_for_listening_port(milliseconds timeout) {
  const std::optional<std::string> line = wait_for_stdout_line("listening on ", timeout);
  if (!line) return std::nullopt;
  const std::size_t colon = line->rfind(':');
  if (colon == std::string::npos || colon + 1 == line->size()) return std::nullopt;
  int port = 0;
  for (std::size_t i = colon + 1; i < line->size(); ++i) {
    const char c = (*line)[i];
    if (c < '0' || c > '9' || port > 65535) return std::nullopt;
    port = port * 10 + (c - '0');
  }
  if (port <= 0 || port > 65535) return std::nullopt;
  return port;
}

bool ChildProcess::write_stdin(std::string_view bytes) {
  if (!stdin_open_) {
    stdin_error_ = options_.stdin_pipe ? "write_stdin: stdin is closed"
                                       : "write_stdin: spawned without Options::stdin_pipe";
    return false;
  }
  stdin_error_ = write_and_wait(loop_, reinterpret_cast<uv_stream_t*>(&stdin_), bytes,
                                "write_stdin: write of " + std::to_string(bytes.size()) + " bytes",
                                kStepTimeout);
  return stdin_error_.empty();
}

void ChildProcess::close_stdin() {
  if (!stdin_open_) return;
  stdin_open_ = false;
  // uv_close alone would drop bytes still queued; the shutdown lets them go out first.
  const std::string error = shutdown_and_wait(loop_, reinterpret_cast<uv_stream_t*>(&stdin_),
                                              "close_stdin: shutdown", kStepTimeout);
  if (!error.empty()) stdin_error_ = error;
  close_handle(reinterpret_cast<uv_handle_t*>(&stdin_));
}

void ChildProcess::kill(int signum) {
  if (!spawned_ || exited_) return;
  uv_process_kill(&process_, signum);
}

std::optional<ExitStatus> ChildProcess::wait_for_exit(milliseconds timeout) {
  if (!spawned_) return std::nullopt;
  if (!loop_.run_until([this] { return exited_; }, timeout)) return std::nullopt;
  return status_;
}

std::string ChildProcess::output_text(const std::string& path) const {
  std::string text;
  if (!dir_.path().empty()) read_file(path, &text);
  return text;
}

std::string ChildProcess::stdout_text() const {
  return output_text(stdout_path());
}

std::string ChildProcess::stderr_text() const {
  return output_text(stderr_path());
}

std::string ChildProcess::describe() const {
  std::string text = "command:";
  for (const std::string& arg : options_.argv) text += " " + quote_argument(arg);
  if (!options_.cwd.empty()) text += "\n  in " + options_.cwd;
  if (!spawn_error_.empty()) {
    text += "\nnot started: " + spawn_error_;
  } else if (!exited_) {
    text += "\nstill running (pid " + std::to_string(pid()) + ")";
  } else if (status_.term_signal != 0) {
    text += "\nended by " + signal_name(status_.term_signal);
  } else {
    text += "\nexited with code " + std::to_string(status_.exit_code);
  }
  if (!stdin_error_.empty()) text += "\nstdin: " + stdin_error_;
  text += "\n" + describe_output("stdout", stdout_text());
  text += "\n" + describe_output("stderr", stderr_text());
  return text;
}

}  // namespace chatkit::testing
