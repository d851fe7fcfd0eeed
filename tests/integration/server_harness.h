// Test harness for the real chat-server binary: start it on 127.0.0.1 port 0, talk to it with
// TestClients, stop it, and explain failures with the server's own log.
#ifndef CHATKIT_TESTS_INTEGRATION_SERVER_HARNESS_H_
#define CHATKIT_TESTS_INTEGRATION_SERVER_HARNESS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/child_process.h"
#include "harness/temp_dir.h"
#include "harness/test_client.h"
#include "harness/test_loop.h"

namespace chatkit::testing {

// The history as a client received it: the count frame's text and the items.
struct ReceivedHistory {
  std::string count_text;
  std::vector<std::string> items;
};

class ServerUnderTest {
 public:
  // Starts `chat-server --stage <stage> --bind 127.0.0.1 --port 0 [--data <data_path>] <extra>`
  // in `work_dir` and waits for its "listening on" line.
  ServerUnderTest(TestLoop& loop, int stage, const std::string& work_dir,
                  const std::string& data_path = "", std::vector<std::string> extra = {});

  bool started() const { return port_ > 0; }
  int port() const { return port_; }
  ChildProcess& process() { return *process_; }
  // The server's command, exit status and log, for failure messages.
  std::string describe() const { return process_->describe(); }

  // Asks for the graceful stop, then waits for the exit; returns the exit status (nullopt on
  // timeout). The request is SIGTERM; on Windows, which has no signals between processes, the
  // server runs with --stop-on-stdin-eof and the request is closing its stdin, which leads to
  // the same ChatServer::stop().
  std::optional<ExitStatus> stop();

 private:
  std::unique_ptr<ChildProcess> process_;
  int port_ = 0;
};

// A program run to completion: its exit status and output, and its command line for failure
// messages.
struct ProgramRun {
  ExitStatus status;
  std::string out;
  std::string err;
  std::string command;
};

// Runs `argv` in `work_dir` until it exits; with `stdin_text`, that text is its standard input
// (a pipe, closed after it). A program that does not exit within the harness's step timeout
// gives a default ExitStatus and a failure message naming it.
ProgramRun run_to_completion(TestLoop& loop, std::vector<std::string> argv,
                             const std::string& work_dir, const std::string* stdin_text = nullptr);

// Starts a stage-3 server on `data_path` (with `extra` arguments) that must refuse to start, and
// checks how: exit code 1, one line "chat-server: <reason>" on stderr, and nothing on stdout (a
// server that never started has nothing to log, not even "stopped"). `why` names the case in
// failure messages. Returns the stderr line.
std::string expect_server_refuses(TestLoop& loop, const std::string& work_dir,
                                  const std::string& data_path, const std::string& why,
                                  std::vector<std::string> extra = {});

// Reads the count frame and that many items. nullopt (with *error set) when the count is not
// decimal text or a frame does not arrive.
std::optional<ReceivedHistory> read_history(TestClient& client, std::string* error);

// One whole stage-2/3 conversation: connect, read the history, send `message`. Returns the
// client, ready for the test to read what follows (an acknowledgement, a close).
std::unique_ptr<TestClient> converse(TestLoop& loop, int port, const std::string& message,
                                     ReceivedHistory* history = nullptr);

}  // namespace chatkit::testing

#endif  // CHATKIT_TESTS_INTEGRATION_SERVER_HARNESS_H_
