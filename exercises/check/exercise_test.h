// GoogleTest fixtures for the exercise checks: ServerTest (the student's server against scripted
// clients) and ClientTest (the student's client against a scripted server).
#ifndef CHATKIT_EXERCISES_CHECK_EXERCISE_TEST_H_
#define CHATKIT_EXERCISES_CHECK_EXERCISE_TEST_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exercises/check/endpoint.h"
#include "exercises/check/programs.h"
#include "exercises/check/step_log.h"
#include "harness/scripted_server.h"
#include "harness/test_client.h"
#include "harness/test_loop.h"

namespace chatkit::exercises {

using chatkit::testing::ScriptedConnection;
using chatkit::testing::ScriptedServer;
using chatkit::testing::TestClient;

class ExerciseTest : public ::testing::Test {
 protected:
  // Declared first, so destroyed last: every helper below runs the loop while it shuts down.
  TestLoop loop_;
  StepLog log_;
};

// A scripted client of the server under test ("client A").
class Peer {
 public:
  Peer(TestLoop& loop, StepLog& log, std::string name);
  // Connects to the server on 127.0.0.1:`port`.
  bool connect(int port);
  Endpoint<TestClient>* operator->() { return &endpoint_; }
  TestClient& client() { return client_; }
  const std::string& name() const { return name_; }

 private:
  StepLog& log_;
  std::string name_;
  TestClient client_;
  Endpoint<TestClient> endpoint_;
};

class ServerTest : public ExerciseTest {
 protected:
  // Connects a new scripted client; nullptr once the failure is reported.
  std::unique_ptr<Peer> connect(const std::string& name);
  // Stage 2 and 3: expects exactly the count frame and these items, byte for byte.
  bool expect_history(Peer& peer, const std::vector<std::string>& items,
                      milliseconds timeout = kExpectTimeout, const std::string& hint_if_late = "");
  // Stage 2 and 3: connects a new client and expects exactly `items` as the history.
  bool expect_history_of_new_client(const std::string& name, const std::vector<std::string>& items);
  // Stage 2 and 3: connects client A, which sends 2 of its 4 length bytes and then stalls, then
  // client B, which must get its history within `deadline` all the same. Returns B.
  std::unique_ptr<Peer> connect_while_another_stalls(milliseconds deadline);

  ServerProcess server_{loop_, log_};
  std::vector<std::unique_ptr<Peer>> stalled_;  // Kept open until the check ends.
};

class ClientTest : public ExerciseTest {
 protected:
  ClientTest();
  // Starts the client with `message` and waits for it to connect to the scripted server.
  // nullptr once the failure is reported.
  std::unique_ptr<Endpoint<ScriptedConnection>> start_client(const std::string& message);
  // Runs the client against a port where nothing listens: it must exit non-zero by itself. That
  // proves something only of a real client, so it also needs the trial run (client_probe.h) to
  // have seen the client connect.
  bool expect_failure_when_nobody_listens();
  // False, once reported, when the trial run of the client command showed that it cannot be the
  // client under test (it does not start, or never connects): every client check then fails at
  // once with that one report, instead of waiting for a program that is gone.
  bool client_command_runs();

  ScriptedServer scripted_{loop_};
  ClientProcess client_{loop_, log_};
  ScriptedConnection* connection_ = nullptr;
};

// A 300-byte message: its length, 00 00 01 2c, needs two bytes, so their order matters.
std::string message_of_300_bytes();

// The frames of a stage-2/3 history: the count as decimal text, then the items.
std::vector<std::string> history_frames(const std::vector<std::string>& items);

}  // namespace chatkit::exercises

#endif  // CHATKIT_EXERCISES_CHECK_EXERCISE_TEST_H_
