// Tests of harness/: the loop, the scripted client and server, and child processes. Every
// other test relies on these helpers, so they are checked against real sockets and processes.
#include <gtest/gtest.h>

#include <csignal>
#include <optional>
#include <string>
#include <vector>

#include "harness/child_process.h"
#include "harness/scripted_server.h"
#include "harness/test_client.h"
#include "harness/test_loop.h"
#include "kit/diagnostics/byte_dump.h"
#include "kit/framing/frame_codec.h"

namespace chatkit::testing {
namespace {

// The timeout of steps that are expected to time out: short, so the suite stays fast.
constexpr milliseconds kShort{100};

// harness/test_child_main.cc: a child that does what its arguments say, on every
// platform (no interpreter needed, so these tests run under Wine too).
constexpr const char* kTestChild = CHATKIT_TEST_CHILD_PATH;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// ---------------------------------------------------------------------------------------------
// TestLoop

struct TimerCounts {
  int fired = 0;
  int closed = 0;
};

void on_timer_fired(uv_timer_t* timer) {
  ++static_cast<TimerCounts*>(timer->data)->fired;
}

void on_timer_closed(uv_handle_t* handle) {
  ++static_cast<TimerCounts*>(handle->data)->closed;
}

TEST(TestLoop, RunUntilReturnsTrueOnceTheConditionHolds) {
  TestLoop loop;
  TimerCounts counts;
  uv_timer_t timer;
  ASSERT_EQ(uv_timer_init(loop.get(), &timer), 0);
  timer.data = &counts;
  ASSERT_EQ(uv_timer_start(&timer, on_timer_fired, 20, 0), 0);

  EXPECT_TRUE(loop.run_until([&] { return counts.fired == 1; }));

  uv_close(reinterpret_cast<uv_handle_t*>(&timer), on_timer_closed);
  EXPECT_TRUE(loop.run_until([&] { return counts.closed == 1; }));
  EXPECT_EQ(counts.fired, 1);
  EXPECT_EQ(counts.closed, 1);
  EXPECT_TRUE(loop.close());
}

TEST(TestLoop, RunUntilChecksTheConditionBeforeRunning) {
  TestLoop loop;
  int checks = 0;
  EXPECT_TRUE(loop.run_until([&] { return ++checks > 0; }));
  EXPECT_EQ(checks, 1);
  EXPECT_TRUE(loop.close());
}

TEST(TestLoop, RunUntilReturnsFalseAtTheTimeoutWithNothingToDo) {
  TestLoop loop;
  int checks = 0;
  EXPECT_FALSE(loop.run_until(
      [&] {
        ++checks;
        return false;
      },
      kShort));
  // The tick wakes the loop, so the condition is looked at repeatedly, not only at the end.
  EXPECT_GT(checks, 2);
  EXPECT_TRUE(loop.close());
}

TEST(TestLoop, CloseClosesHandlesLeftOpenAndIsIdempotent) {
  uv_timer_t timer;  // Declared before the loop: it must outlive the loop's close.
  TestLoop loop;
  ASSERT_EQ(uv_timer_init(loop.get(), &timer), 0);
  ASSERT_EQ(uv_timer_start(&timer, on_timer_fired, 1000, 1000), 0);

  EXPECT_TRUE(loop.close());
  EXPECT_TRUE(uv_is_closing(reinterpret_cast<uv_handle_t*>(&timer)));
  EXPECT_TRUE(loop.close());
}

// ---------------------------------------------------------------------------------------------
// TestClient <-> ScriptedServer over loopback, IPv4 and IPv6.

class LoopbackConnection : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    server_.emplace(loop_, GetParam());
    if (!server_->listening()) {
      if (std::string(GetParam()) == "::1") {
        GTEST_SKIP() << "IPv6 loopback unavailable: " << server_->last_error();
      }
      FAIL() << server_->last_error();
    }
    client_.emplace(loop_);
    ASSERT_TRUE(client_->connect(GetParam(), server_->port())) << client_->last_error();
    connection_ = server_->accept();
    ASSERT_NE(connection_, nullptr) << server_->last_error();
  }

  void TearDown() override {
    client_.reset();
    server_.reset();
    EXPECT_TRUE(loop_.close());
  }

  TestLoop loop_;
  std::optional<ScriptedServer> server_;
  std::optional<TestClient> client_;
  ScriptedConnection* connection_ = nullptr;
};

TEST_P(LoopbackConnection, FramesTravelBothWays) {
  ASSERT_TRUE(client_->send_frame("Hi")) << client_->last_error();
  const std::optional<std::string> request = connection_->read_frame();
  ASSERT_TRUE(request) << connection_->last_error();
  EXPECT_EQ(*request, "Hi");

  ASSERT_TRUE(connection_->send_frame("Hello back")) << connection_->last_error();
  const std::optional<std::string> reply = client_->read_frame();
  ASSERT_TRUE(reply) << client_->last_error();
  EXPECT_EQ(*reply, "Hello back");

  EXPECT_EQ(describe_difference(encode_frame("Hi"), connection_->received_total()), "");
  EXPECT_EQ(describe_difference(encode_frame("Hello back"), client_->received_total()), "");
}

TEST_P(LoopbackConnection, ReceivesExactlyTheBytesOfTheEncodedFrame) {
  ASSERT_TRUE(client_->send_frame("Hi")) << client_->last_error();
  const std::optional<std::string> bytes = connection_->read_exact(6);
  ASSERT_TRUE(bytes) << connection_->last_error();
  const std::string expected("\x00\x00\x00\x02Hi", 6);
  EXPECT_EQ(*bytes, expected) << describe_difference(expected, *bytes);
}

TEST_P(LoopbackConnection, ReadExactJoinsSplitWrites) {
  ASSERT_TRUE(client_->send("ab")) << client_->last_error();
  ASSERT_TRUE(client_->send("cdef")) << client_->last_error();
  const std::optional<std::string> bytes = connection_->read_exact(6);
  ASSERT_TRUE(bytes) << connection_->last_error();
  EXPECT_EQ(*bytes, "abcdef");
}

TEST_P(LoopbackConnection, ReadFrameJoinsAFrameSplitInsideItsLength) {
  const std::string frame = encode_frame("split message");
  ASSERT_TRUE(client_->send(frame.substr(0, 2))) << client_->last_error();
  ASSERT_TRUE(client_->send(frame.substr(2, 5))) << client_->last_error();
  // Nothing complete yet: the frame must not come out early.
  EXPECT_FALSE(connection_->read_frame(kShort));
  ASSERT_TRUE(client_->send(frame.substr(7))) << client_->last_error();
  const std::optional<std::string> message = connection_->read_frame();
  ASSERT_TRUE(message) << connection_->last_error();
  EXPECT_EQ(*message, "split message");
}

TEST_P(LoopbackConnection, ReadsConsumeInOrderWhileTheTotalKeepsEverything) {
  ASSERT_TRUE(client_->send(encode_frame("one") + "raw" + encode_frame("two")));
  EXPECT_EQ(connection_->read_frame().value_or("<none>"), "one");
  EXPECT_EQ(connection_->read_exact(3).value_or("<none>"), "raw");
  EXPECT_EQ(connection_->read_frame().value_or("<none>"), "two");
  const std::string expected = encode_frame("one") + "raw" + encode_frame("two");
  EXPECT_EQ(describe_difference(expected, connection_->received_total()), "");
}

TEST_P(LoopbackConnection, PlainCloseIsSeenAsEofWithTheBytesBeforeIt) {
  ASSERT_TRUE(connection_->send_frame("bye")) << connection_->last_error();
  connection_->close();
  std::string bytes;
  EXPECT_EQ(client_->read_until_close(&bytes), PeerClose::kEof) << client_->last_error();
  EXPECT_EQ(describe_difference(encode_frame("bye"), bytes), "");
  EXPECT_EQ(client_->peer_close(), PeerClose::kEof);
}

TEST_P(LoopbackConnection, ServerResetIsSeenAsReset) {
  connection_->reset();
  EXPECT_EQ(client_->read_until_close(nullptr), PeerClose::kReset) << client_->last_error();
  EXPECT_EQ(client_->peer_close(), PeerClose::kReset);
}

TEST_P(LoopbackConnection, ClientResetIsSeenAsReset) {
  client_->reset();
  EXPECT_FALSE(client_->connected());
  EXPECT_EQ(connection_->read_until_close(nullptr), PeerClose::kReset) << connection_->last_error();
}

TEST_P(LoopbackConnection, SendToAResetPeerFailsWithAReason) {
  connection_->reset();
  ASSERT_EQ(client_->read_until_close(nullptr), PeerClose::kReset) << client_->last_error();
  EXPECT_FALSE(client_->send("too late"));
  EXPECT_TRUE(contains(client_->last_error(), "TestClient::send")) << client_->last_error();
}

TEST_P(LoopbackConnection, ShutdownWriteSendsEofAndKeepsReading) {
  ASSERT_TRUE(client_->send_frame("last words")) << client_->last_error();
  ASSERT_TRUE(client_->shutdown_write()) << client_->last_error();

  std::string bytes;
  EXPECT_EQ(connection_->read_until_close(&bytes), PeerClose::kEof) << connection_->last_error();
  EXPECT_EQ(describe_difference(encode_frame("last words"), bytes), "");

  ASSERT_TRUE(connection_->send_frame("still heard")) << connection_->last_error();
  const std::optional<std::string> reply = client_->read_frame();
  ASSERT_TRUE(reply) << client_->last_error();
  EXPECT_EQ(*reply, "still heard");
  EXPECT_EQ(client_->peer_close(), PeerClose::kOpen);

  ASSERT_TRUE(connection_->shutdown_write()) << connection_->last_error();
  EXPECT_EQ(client_->read_until_close(nullptr), PeerClose::kEof) << client_->last_error();
}

TEST_P(LoopbackConnection, ReadsTimeOutWithNothingAndAReason) {
  EXPECT_FALSE(client_->read_frame(kShort));
  EXPECT_TRUE(contains(client_->last_error(), "no complete frame within 100 ms"))
      << client_->last_error();
  EXPECT_FALSE(client_->read_exact(1, kShort));
  EXPECT_TRUE(contains(client_->last_error(), "no 1 bytes within 100 ms")) << client_->last_error();
  EXPECT_EQ(client_->read_until_close(nullptr, kShort), PeerClose::kOpen);
  EXPECT_TRUE(contains(client_->last_error(), "did not close")) << client_->last_error();
  EXPECT_EQ(client_->read_available(kShort), "");
  EXPECT_EQ(server_->accept(kShort), nullptr);
  EXPECT_TRUE(contains(server_->last_error(), "no new connection")) << server_->last_error();
  EXPECT_EQ(client_->peer_close(), PeerClose::kOpen);
  EXPECT_TRUE(client_->connected());
}

TEST_P(LoopbackConnection, ReadAvailableReturnsWhatArrived) {
  ASSERT_TRUE(connection_->send("some")) << connection_->last_error();
  ASSERT_TRUE(client_->read_exact(1)) << client_->last_error();  // Wait until it is here.
  EXPECT_EQ(client_->read_available(kShort), "ome");
}

TEST_P(LoopbackConnection, ReadFrameRejectsALengthAboveTheLimit) {
  ASSERT_TRUE(connection_->send(encode_frame(std::string(1000, 'x'))));
  EXPECT_FALSE(client_->read_frame(kStepTimeout, 10));
  EXPECT_TRUE(contains(client_->last_error(), "exceeds the limit of 10 bytes"))
      << client_->last_error();
}

TEST_P(LoopbackConnection, ReadFrameRejectsInvalidUtf8) {
  ASSERT_TRUE(connection_->send(std::string("\x00\x00\x00\x02\xff\xfe", 6)));
  EXPECT_FALSE(client_->read_frame());
  EXPECT_TRUE(contains(client_->last_error(), "not valid UTF-8")) << client_->last_error();
}

TEST_P(LoopbackConnection, ReadFrameReportsAConnectionClosedMidFrame) {
  ASSERT_TRUE(connection_->send(std::string("\x00\x00\x00", 3)));
  connection_->close();
  EXPECT_FALSE(client_->read_frame());
  EXPECT_TRUE(contains(client_->last_error(), "(EOF)")) << client_->last_error();
  EXPECT_TRUE(contains(client_->last_error(), "3 unread bytes")) << client_->last_error();
  // A failed read consumes nothing.
  EXPECT_EQ(client_->read_exact(3).value_or("<none>"), std::string("\x00\x00\x00", 3));
}

TEST_P(LoopbackConnection, ConnectionKnowsThePeerAddress) {
  EXPECT_EQ(connection_->peer_ip(), GetParam());
}

INSTANTIATE_TEST_SUITE_P(Loopback, LoopbackConnection, ::testing::Values("127.0.0.1", "::1"),
                         [](const ::testing::TestParamInfo<const char*>& param_info) {
                           return std::string(param_info.param) == "::1" ? "IPv6" : "IPv4";
                         });

// ---------------------------------------------------------------------------------------------
// TestClient and ScriptedServer on their own.

class SocketHelpers : public ::testing::Test {
 protected:
  void TearDown() override { EXPECT_TRUE(loop_.close()); }
  TestLoop loop_;
};

TEST_F(SocketHelpers, ConnectToAClosedPortFailsWithTheReason) {
  int port = 0;
  {
    ScriptedServer server(loop_);
    ASSERT_TRUE(server.listening()) << server.last_error();
    port = server.port();
  }
  TestClient client(loop_);
  EXPECT_FALSE(client.connect("127.0.0.1", port));
  EXPECT_TRUE(contains(client.last_error(), "ECONNREFUSED")) << client.last_error();
  EXPECT_FALSE(client.connected());
}

TEST_F(SocketHelpers, ConnectRejectsAHostName) {
  TestClient client(loop_);
  EXPECT_FALSE(client.connect("localhost", 10000));
  EXPECT_TRUE(contains(client.last_error(), "IP literal")) << client.last_error();
}

TEST_F(SocketHelpers, StepsBeforeConnectFailAtOnce) {
  TestClient client(loop_);
  EXPECT_FALSE(client.send("x"));
  EXPECT_TRUE(contains(client.last_error(), "not connected")) << client.last_error();
  EXPECT_FALSE(client.read_frame());  // Returns at once: nothing can arrive.
  EXPECT_EQ(client.read_until_close(nullptr), PeerClose::kOpen);
}

TEST_F(SocketHelpers, ClientReconnectsAfterClose) {
  ScriptedServer server(loop_);
  ASSERT_TRUE(server.listening()) << server.last_error();
  TestClient client(loop_);
  ASSERT_TRUE(client.connect("127.0.0.1", server.port())) << client.last_error();
  ASSERT_TRUE(client.send_frame("first")) << client.last_error();
  client.close();
  EXPECT_FALSE(client.connected());
  ASSERT_TRUE(client.connect("127.0.0.1", server.port())) << client.last_error();
  ASSERT_TRUE(client.send_frame("second")) << client.last_error();

  ScriptedConnection* first = server.accept();
  ScriptedConnection* second = server.accept();
  ASSERT_NE(first, nullptr) << server.last_error();
  ASSERT_NE(second, nullptr) << server.last_error();
  EXPECT_EQ(first->read_frame().value_or("<none>"), "first");
  EXPECT_EQ(first->read_until_close(nullptr), PeerClose::kEof);
  EXPECT_EQ(second->read_frame().value_or("<none>"), "second");
  EXPECT_EQ(server.connections_accepted(), 2u);
}

TEST_F(SocketHelpers, ServerAcceptsConnectionsInArrivalOrder) {
  ScriptedServer server(loop_);
  ASSERT_TRUE(server.listening()) << server.last_error();
  TestClient one(loop_);
  TestClient two(loop_);
  ASSERT_TRUE(one.connect("127.0.0.1", server.port())) << one.last_error();
  ASSERT_TRUE(two.connect("127.0.0.1", server.port())) << two.last_error();
  ASSERT_TRUE(one.send_frame("one")) << one.last_error();
  ASSERT_TRUE(two.send_frame("two")) << two.last_error();

  ScriptedConnection* first = server.accept();
  ASSERT_NE(first, nullptr) << server.last_error();
  ScriptedConnection* second = server.accept();
  ASSERT_NE(second, nullptr) << server.last_error();
  EXPECT_EQ(first->read_frame().value_or("<none>"), "one");
  EXPECT_EQ(second->read_frame().value_or("<none>"), "two");
}

TEST_F(SocketHelpers, ServerReportsAnAddressItCannotListenOn) {
  ScriptedServer server(loop_, "not-an-address");
  EXPECT_FALSE(server.listening());
  EXPECT_TRUE(contains(server.last_error(), "not-an-address")) << server.last_error();
}

// ---------------------------------------------------------------------------------------------
// ChildProcess, with chatkit-test-child as the child.

class ChildProcessTest : public ::testing::Test {
 protected:
  void TearDown() override { EXPECT_TRUE(loop_.close()); }

  // A child that runs `actions` (see harness/test_child_main.cc).
  static ChildProcess::Options child_doing(std::vector<std::string> actions) {
    ChildProcess::Options options;
    options.argv = {kTestChild};
    options.argv.insert(options.argv.end(), actions.begin(), actions.end());
    return options;
  }

  TestLoop loop_;
};

TEST_F(ChildProcessTest, WaitForStdoutLineReturnsTheMatchingLine) {
  ChildProcess child(
      loop_, child_doing({"print:starting", "print:listening on 127.0.0.1:4242", "sleep:60"}));
  ASSERT_EQ(child.spawn_error(), "");
  EXPECT_EQ(child.wait_for_stdout_line("listening on").value_or("<none>"),
            "listening on 127.0.0.1:4242")
      << child.describe();
  EXPECT_EQ(child.wait_for_listening_port().value_or(-1), 4242) << child.describe();
  EXPECT_TRUE(child.running());
  EXPECT_GT(child.pid(), 0);
}

TEST_F(ChildProcessTest, WaitForListeningPortReadsAnIpv6Address) {
  ChildProcess child(loop_, child_doing({"print:listening on [::1]:4243"}));
  EXPECT_EQ(child.wait_for_listening_port().value_or(-1), 4243) << child.describe();
}

TEST_F(ChildProcessTest, WaitForStdoutLineFindsALineWrittenJustBeforeExit) {
  // Not flushed: the child's C library writes it while exiting.
  ChildProcess child(loop_, child_doing({"print-at-exit:done"}));
  EXPECT_EQ(child.wait_for_stdout_line("done").value_or("<none>"), "done") << child.describe();
}

TEST_F(ChildProcessTest, WaitForStdoutLineGivesUpWhenTheProcessExits) {
  ChildProcess child(loop_, child_doing({"print:something else"}));
  EXPECT_FALSE(child.wait_for_stdout_line("listening on")) << child.describe();
  EXPECT_FALSE(child.running());
  const std::optional<ExitStatus> status = child.wait_for_exit();
  ASSERT_TRUE(status) << child.describe();
  EXPECT_EQ(status->exit_code, 0);
}

TEST_F(ChildProcessTest, WaitForStdoutLineTimesOutWhileTheProcessRuns) {
  ChildProcess child(loop_, child_doing({"sleep:60"}));
  EXPECT_FALSE(child.wait_for_stdout_line("never", kShort));
  EXPECT_TRUE(child.running());
  EXPECT_FALSE(child.wait_for_exit(kShort));
}

TEST_F(ChildProcessTest, ReportsTheExitCodeAndStderr) {
  ChildProcess child(loop_, child_doing({"stderr:oops", "exit:3"}));
  const std::optional<ExitStatus> status = child.wait_for_exit();
  ASSERT_TRUE(status) << child.describe();
  EXPECT_EQ(status->exit_code, 3);
  EXPECT_EQ(status->term_signal, 0);
  EXPECT_EQ(child.stderr_text(), "oops\n");
  EXPECT_EQ(child.stdout_text(), "");
  EXPECT_TRUE(contains(child.describe(), "exited with code 3")) << child.describe();
}

TEST_F(ChildProcessTest, KillWithSigtermEndsTheProcessWithThatSignal) {
  ChildProcess child(loop_, child_doing({"print:ready", "sleep:60"}));
  ASSERT_TRUE(child.wait_for_stdout_line("ready")) << child.describe();
  child.kill(SIGTERM);
  const std::optional<ExitStatus> status = child.wait_for_exit();
  ASSERT_TRUE(status) << child.describe();
  EXPECT_EQ(status->term_signal, SIGTERM);
  EXPECT_FALSE(child.running());
  EXPECT_TRUE(contains(child.describe(), "ended by SIGTERM")) << child.describe();
}

TEST_F(ChildProcessTest, StdinPipeReachesTheChild) {
  ChildProcess::Options options = child_doing({"echo-stdin"});
  options.stdin_pipe = true;
  ChildProcess child(loop_, options);
  ASSERT_EQ(child.spawn_error(), "");
  ASSERT_TRUE(child.write_stdin("ping\n")) << child.describe();
  EXPECT_EQ(child.wait_for_stdout_line("echo: ").value_or("<none>"), "echo: ping")
      << child.describe();
  child.close_stdin();  // EOF ends the loop in the child.
  const std::optional<ExitStatus> status = child.wait_for_exit();
  ASSERT_TRUE(status) << child.describe();
  EXPECT_EQ(status->exit_code, 0) << child.describe();
}

TEST_F(ChildProcessTest, WriteStdinWithoutAPipeFailsWithAReason) {
  ChildProcess child(loop_, child_doing({}));
  EXPECT_FALSE(child.write_stdin("x"));
  EXPECT_TRUE(contains(child.describe(), "without Options::stdin_pipe")) << child.describe();
}

TEST_F(ChildProcessTest, SpawnOfAMissingProgramReportsWhy) {
  ChildProcess::Options options;
  options.argv = {"chatkit-no-such-program"};
  ChildProcess child(loop_, options);
  EXPECT_TRUE(contains(child.spawn_error(), "ENOENT")) << child.spawn_error();
  EXPECT_FALSE(child.running());
  EXPECT_FALSE(child.wait_for_exit(kShort));
  EXPECT_TRUE(contains(child.describe(), "not started")) << child.describe();
}

TEST_F(ChildProcessTest, ChildSeesTheTestEnvironmentPlusOptionsEnv) {
  ASSERT_EQ(uv_os_setenv("CHATKIT_TEST_INHERITED", "from the test"), 0);
  ASSERT_EQ(uv_os_setenv("CHATKIT_TEST_OVERRIDDEN", "from the test"), 0);
  ChildProcess::Options options = child_doing(
      {"env:CHATKIT_TEST_INHERITED", "env:CHATKIT_TEST_OVERRIDDEN", "env:CHATKIT_TEST_ADDED"});
  options.env = {"CHATKIT_TEST_OVERRIDDEN=from the options", "CHATKIT_TEST_ADDED=added"};
  ChildProcess child(loop_, options);
  ASSERT_TRUE(child.wait_for_exit()) << child.describe();
  EXPECT_EQ(child.stdout_text(),
            "CHATKIT_TEST_INHERITED=from the test\n"
            "CHATKIT_TEST_OVERRIDDEN=from the options\n"
            "CHATKIT_TEST_ADDED=added\n")
      << child.describe();
  uv_os_unsetenv("CHATKIT_TEST_INHERITED");
  uv_os_unsetenv("CHATKIT_TEST_OVERRIDDEN");
}

TEST_F(ChildProcessTest, ChildRunsInTheGivenDirectory) {
  ChildProcess::Options options = child_doing({"is-file:kit/framing/frame_codec.h"});
  options.cwd = CHATKIT_SOURCE_DIR;
  ChildProcess child(loop_, options);
  EXPECT_EQ(child.wait_for_stdout_line("").value_or("<none>"), "True") << child.describe();
}

TEST_F(ChildProcessTest, DestructorKillsAChildThatStillRuns) {
  int pid = 0;
  {
    ChildProcess child(loop_, child_doing({"sleep:60"}));
    ASSERT_EQ(child.spawn_error(), "");
    pid = child.pid();
  }
  // The child was killed and reaped: signal 0 finds no such process.
  EXPECT_EQ(uv_kill(pid, 0), UV_ESRCH);
}

TEST_F(ChildProcessTest, DescribeShowsCommandStatusAndTheLastLines) {
  ChildProcess child(loop_, child_doing({"lines:50"}));
  ASSERT_TRUE(child.wait_for_exit()) << child.describe();
  const std::string text = child.describe();
  EXPECT_TRUE(contains(text, std::string("command: ") + kTestChild + " lines:50")) << text;
  EXPECT_TRUE(contains(text, "exited with code 0")) << text;
  EXPECT_TRUE(contains(text, "stdout (last 40 of 50 lines):")) << text;
  EXPECT_TRUE(contains(text, "| line 49")) << text;
  EXPECT_FALSE(contains(text, "| line 9\n")) << text;
  EXPECT_TRUE(contains(text, "stderr: (empty)")) << text;
}

}  // namespace
}  // namespace chatkit::testing
