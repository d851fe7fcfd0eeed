// The programs under test, started from the check's command templates (check_config.h).
//
// ServerProcess runs the student's server: "{port}" becomes 0 and "{data}" a path in a fresh
// directory that stays the same across restarts within one check. It waits for the first line
// "listening on ADDR:PORT" and connects to that port. ClientProcess runs the student's client
// against a scripted server: "{host}", "{port}" and "{message}" are filled in.
//
// Both record what they do in the StepLog and add their command and output to every failure
// report.
#ifndef CHATKIT_EXERCISES_CHECK_PROGRAMS_H_
#define CHATKIT_EXERCISES_CHECK_PROGRAMS_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "exercises/check/endpoint.h"
#include "exercises/check/step_log.h"
#include "harness/child_process.h"
#include "harness/temp_dir.h"

namespace chatkit::exercises {

using chatkit::testing::ChildProcess;
using chatkit::testing::ExitStatus;

// The client command (--client-cmd) for one run: {host} is 127.0.0.1, {port} `port`, {message}
// `message`. Empty, with *error, when the command cannot be split (an unterminated quote).
std::vector<std::string> client_argv(int port, const std::string& message, std::string* error);

// `text` with every line past `max_line` characters cut short: output lines can be a whole 1 MiB
// message long, and failure reports show their start only.
std::string clip_lines(const std::string& text, std::size_t max_line = 300);

class ServerProcess {
 public:
  ServerProcess(TestLoop& loop, StepLog& log);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server and waits for its "listening on" line.
  bool start();
  // Stops it with SIGTERM (Ctrl-C's cousin); after 5 s, kills it.
  bool stop();
  // Kills it at once with SIGKILL (kill -9): no chance to save anything.
  bool kill_hard();
  // stop() or kill_hard(), then start() again with the same {data}.
  bool restart(bool hard = false);

  int port() const { return port_; }
  std::string stdout_text() const;
  // The path that "{data}" stands for: the same for every start of this server.
  std::string data_path() const { return data_dir_.file("history"); }
  // Extra "NAME=value" environment entries for the next starts (the durability watch's).
  void set_environment(std::vector<std::string> env) { env_ = std::move(env); }

  // Stage 1's observable: waits until the server's output shows "History length: N" followed
  // by one " >> <message>" line per item, as the course's server prints it.
  bool expect_printed_history(const std::vector<std::string>& items,
                              milliseconds timeout = milliseconds(3000));

 private:
  bool wait_exit(milliseconds timeout, ExitStatus* status);
  std::string context() const;

  TestLoop& loop_;
  StepLog& log_;
  chatkit::testing::TempDir data_dir_;
  std::unique_ptr<ChildProcess> process_;
  std::vector<std::string> env_;
  int port_ = 0;
  int starts_ = 0;
};

class ClientProcess {
 public:
  ClientProcess(TestLoop& loop, StepLog& log);
  ~ClientProcess();
  ClientProcess(const ClientProcess&) = delete;
  ClientProcess& operator=(const ClientProcess&) = delete;

  // Starts the client, telling it to send `message` to 127.0.0.1:`port`.
  bool start(int port, const std::string& message);
  // Expects the client to exit by itself within `timeout`: with status 0 when `success`, with
  // a non-zero status (not a crash) otherwise.
  bool expect_exit(bool success, const std::string& why, milliseconds timeout = kExpectTimeout);
  // Expects standard output to have, in this order, a line ending with each of `texts`.
  bool expect_printed(const std::vector<std::string>& texts, const std::string& what);
  // True from a successful start until the client has ended.
  bool running() const { return process_ && process_->running(); }

 private:
  std::string context() const;

  TestLoop& loop_;
  StepLog& log_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace chatkit::exercises

#endif  // CHATKIT_EXERCISES_CHECK_PROGRAMS_H_
