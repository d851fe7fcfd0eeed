// ChildProcess: runs a program under test (chat-server, chat-client, a Python script) through
// uv_spawn, portable to Windows.
//
// stdout and stderr go to files in a fresh temporary directory, not pipes: a server that logs a
// line per event must never block on a full pipe while the test is busy elsewhere. The test
// polls those files (wait_for_stdout_line) and reads them whole for failure messages.
#ifndef CHATKIT_HARNESS_CHILD_PROCESS_H_
#define CHATKIT_HARNESS_CHILD_PROCESS_H_

#include <uv.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/temp_dir.h"
#include "harness/test_loop.h"

namespace chatkit::testing {

struct ExitStatus {
  std::int64_t exit_code = -1;  // As passed to exit(); meaningful when term_signal == 0.
  int term_signal = 0;          // The signal that ended the process, or 0.
};

class ChildProcess {
 public:
  struct Options {
    std::vector<std::string> argv;  // argv[0] is the program (a path or a name on PATH).
    std::string cwd;                // Working directory; "" = the test's own.
    std::vector<std::string> env;   // Extra "NAME=value" entries on top of the test's env.
    bool stdin_pipe = false;        // Give the child a stdin pipe (write_stdin/close_stdin).
  };

  // Spawns the process. spawn_error() says whether that failed.
  ChildProcess(TestLoop& loop, Options options);
  // Kills the process (SIGKILL) if it still runs, waits for it, closes its handles and removes
  // the temporary directory with the output files.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // "" when the spawn succeeded, else the reason ("spawn chat-server: no such file...").
  const std::string& spawn_error() const { return spawn_error_; }
  int pid() const;

  // Waits until stdout has a complete line starting with `prefix` and returns it (without the
  // newline), or nullopt on timeout or when the process exits first. It searches all of stdout
  // from the start and returns the first such line, so asking twice returns the same line; count
  // lines in stdout_text() to wait for a second event of a kind.
  std::optional<std::string> wait_for_stdout_line(std::string_view prefix,
                                                  milliseconds timeout = kStepTimeout);
  // Waits until stdout contains `needle` anywhere (a log line may arrive after the event the
  // test saw: the child writes it when it gets to it). False on timeout or when the process
  // exits without having written it.
  bool wait_for_stdout_text(std::string_view needle, milliseconds timeout = kStepTimeout);
  // Waits for the server's first line "listening on ADDR:PORT" and returns PORT.
  std::optional<int> wait_for_listening_port(milliseconds timeout = kStepTimeout);

  // Writes to the child's stdin (requires Options::stdin_pipe); waits until written. On failure
  // describe() says why.
  bool write_stdin(std::string_view bytes);
  // Sends EOF to the child's stdin once the written bytes are out, and closes our end.
  void close_stdin();

  // Sends `signum` (SIGTERM, SIGINT, SIGKILL) to the process; does nothing once it exited.
  void kill(int signum);
  // Waits for the process to exit; nullopt on timeout.
  std::optional<ExitStatus> wait_for_exit(milliseconds timeout = kStepTimeout);
  // True from a successful spawn until the exit has been seen.
  bool running() const { return spawned_ && !exited_; }

  std::string stdout_text() const;
  std::string stderr_text() const;
  // For failure messages: the command line, its exit status if known, and the last lines of
  // its stdout and stderr.
  std::string describe() const;

 private:
  static void on_exit(uv_process_t* process, std::int64_t exit_status, int term_signal);
  static void on_handle_closed(uv_handle_t* handle);

  void spawn();
  // Re-reads stdout every few milliseconds until found(stdout) is true (returns true), the
  // timeout passes or the process exits without it (false).
  bool poll_stdout(const std::function<bool(const std::string&)>& found, milliseconds timeout);
  // uv_close with on_handle_closed, unless the handle is closing already.
  void close_handle(uv_handle_t* handle);
  std::string stdout_path() const { return dir_.file("stdout.txt"); }
  std::string stderr_path() const { return dir_.file("stderr.txt"); }
  // The whole file in dir_, or "" when there is none.
  std::string output_text(const std::string& path) const;

  TestLoop& loop_;
  Options options_;
  TempDir dir_;  // Holds stdout.txt and stderr.txt; removed after the process is gone.
  std::string spawn_error_;
  std::string stdin_error_;  // Why the last write_stdin failed.
  uv_process_t process_{};
  uv_pipe_t stdin_{};
  bool process_initialized_ = false;  // uv_spawn ran (even if it failed): the handle needs a close.
  bool stdin_initialized_ = false;
  bool stdin_open_ = false;  // Writable: spawned with a pipe and close_stdin() not called.
  int closes_pending_ = 0;
  bool spawned_ = false;
  bool exited_ = false;
  ExitStatus status_;
};

}  // namespace chatkit::testing

#endif  // CHATKIT_HARNESS_CHILD_PROCESS_H_
