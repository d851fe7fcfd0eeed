// chat-client, black box: the real binary against a ScriptedServer that checks its exact bytes
// and plays the server's part of each stage, including the ways a server can misbehave.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "harness/child_process.h"
#include "harness/scripted_server.h"
#include "harness/test_loop.h"
#include "kit/diagnostics/byte_dump.h"
#include "kit/framing/frame_codec.h"

namespace chatkit::testing {
namespace {

// The frame "Test message" as the course's stage-1 client sends it: a 12-byte payload.
const std::string kTestMessageFrame = std::string("\x00\x00\x00\x0c", 4) + "Test message";

class ChatClientTest : public ::testing::Test {
 protected:
  void TearDown() override {
    // Helpers first: each closes its handles on the loop, which must still be open.
    client_.reset();
    server_.reset();
    EXPECT_TRUE(loop_.close()) << "the test left libuv handles open";
  }

  // Listens on `ip` port 0. False when that address is not available here.
  bool listen(const std::string& ip = "127.0.0.1") {
    server_ = std::make_unique<ScriptedServer>(loop_, ip);
    return server_->listening();
  }

  // Starts chat-client with `args`, pointed at the scripted server's port unless `port` says
  // otherwise.
  void start_client(const std::vector<std::string>& args, bool stdin_pipe = false, int port = 0) {
    std::vector<std::string> argv{CHATKIT_CLIENT_PATH};
    if (port == 0 && server_) port = server_->port();
    if (port != 0) argv.insert(argv.end(), {"--port", std::to_string(port)});
    argv.insert(argv.end(), args.begin(), args.end());
    ChildProcess::Options options;
    options.argv = argv;
    options.stdin_pipe = stdin_pipe;
    client_ = std::make_unique<ChildProcess>(loop_, options);
    ASSERT_EQ(client_->spawn_error(), "");
  }

  // Waits for the connection from the client under test.
  ScriptedConnection* accept() {
    ScriptedConnection* connection = server_->accept();
    EXPECT_NE(connection, nullptr) << server_->last_error() << "\n" << client_->describe();
    return connection;
  }

  // Listens on 127.0.0.1, starts chat-client with `args` and accepts its connection. Returns
  // nullptr, after recording the failure, when a step fails.
  ScriptedConnection* connect_client(const std::vector<std::string>& args,
                                     bool stdin_pipe = false) {
    if (!listen()) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1: " << server_->last_error();
      return nullptr;
    }
    start_client(args, stdin_pipe);
    if (HasFatalFailure()) return nullptr;
    return accept();
  }

  // A stage-3 chat-client that was sent an empty history and has sent `message`: the
  // connection, with the client waiting for its acknowledgement. nullptr after a failure.
  ScriptedConnection* stage3_posted(const std::string& message,
                                    const std::vector<std::string>& extra_args = {}) {
    std::vector<std::string> args{"--stage", "3", "--message", message};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    ScriptedConnection* connection = connect_client(args);
    if (connection == nullptr) return nullptr;
    EXPECT_TRUE(connection->send_frame("0"));
    EXPECT_EQ(connection->read_frame(), message) << client_->describe();
    return connection;
  }

  // Waits for the client to exit and returns its exit code (-1 when it did not exit normally).
  std::int64_t exit_code() {
    const std::optional<ExitStatus> status = client_->wait_for_exit();
    if (!status) {
      ADD_FAILURE() << "chat-client did not exit\n" << client_->describe();
      return -1;
    }
    EXPECT_EQ(status->term_signal, 0) << "chat-client was killed\n" << client_->describe();
    return status->term_signal == 0 ? status->exit_code : -1;
  }

  // Everything the client sent until it closed the connection, checked to end with a FIN.
  std::string received_until_fin(ScriptedConnection* connection) {
    std::string bytes;
    EXPECT_EQ(connection->read_until_close(&bytes), PeerClose::kEof)
        << "expected the client to end with a FIN\n"
        << client_->describe();
    return bytes;
  }

  bool stderr_has(const std::string& text) {
    return client_->stderr_text().find(text) != std::string::npos;
  }

  TestLoop loop_;
  std::unique_ptr<ScriptedServer> server_;
  std::unique_ptr<ChildProcess> client_;
};

TEST_F(ChatClientTest, Stage1SendsExactlyOneFrameThenFin) {
  ScriptedConnection* connection = connect_client({"--stage", "1", "--message", "Test message"});
  ASSERT_NE(connection, nullptr);
  const std::string bytes = received_until_fin(connection);
  EXPECT_EQ(bytes, kTestMessageFrame) << describe_difference(kTestMessageFrame, bytes);
  EXPECT_EQ(exit_code(), 0) << client_->describe();
  EXPECT_EQ(client_->stdout_text(), "");
}

TEST_F(ChatClientTest, SendsAMultiByteUtf8MessageByteExact) {
  // 15 characters, 22 bytes: the length prefix counts bytes.
  const std::string message = "h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x8e\x89 w\xc3\xb6rld";
  const std::string expected = std::string("\x00\x00\x00\x16", 4) + message;
  ScriptedConnection* connection = connect_client({"--stage", "1", "--message", message});
  ASSERT_NE(connection, nullptr);
  const std::string bytes = received_until_fin(connection);
  EXPECT_EQ(bytes, expected) << describe_difference(expected, bytes);
  EXPECT_EQ(exit_code(), 0) << client_->describe();
}

TEST_F(ChatClientTest, Stage2PrintsTheHistoryThenSendsTheMessage) {
  ScriptedConnection* connection = connect_client({"--stage", "2", "--message", "third"});
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(connection->send_frame("2"));
  ASSERT_TRUE(connection->send_frame("first"));
  ASSERT_TRUE(connection->send_frame("second \xe2\x9c\x93"));
  const std::string bytes = received_until_fin(connection);
  EXPECT_EQ(bytes, encode_frame("third")) << describe_difference(encode_frame("third"), bytes);
  EXPECT_EQ(exit_code(), 0) << client_->describe();
  EXPECT_EQ(client_->stdout_text(), "History:\nfirst\nsecond \xe2\x9c\x93\n");
}

TEST_F(ChatClientTest, Stage2HistoryCommandPrintsTheResentHistoryWithoutWaitingForAClose) {
  ScriptedConnection* connection = connect_client({"--stage", "2", "--message", "history"});
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(connection->send_frame("1"));
  ASSERT_TRUE(connection->send_frame("old"));
  EXPECT_EQ(connection->read_frame(), "history") << client_->describe();
  // Like the course's Python server, keep the connection open after the reply.
  ASSERT_TRUE(connection->send_frame("2"));
  ASSERT_TRUE(connection->send_frame("old"));
  ASSERT_TRUE(connection->send_frame("new"));
  EXPECT_EQ(exit_code(), 0) << client_->describe();
  EXPECT_EQ(client_->stdout_text(), "History:\nold\nHistory:\nold\nnew\n");
}

TEST_F(ChatClientTest, Stage2RejectsACountSentAsABinaryInteger) {
  ScriptedConnection* connection = connect_client({"--stage", "2", "--message", "hello"});
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(connection->send_frame(std::string("\x00\x00\x00\x03", 4)));
  EXPECT_EQ(exit_code(), 1) << client_->describe();
  EXPECT_TRUE(stderr_has("the history count must be decimal text")) << client_->describe();
  EXPECT_TRUE(stderr_has("00 00 00 03")) << "the reason shows the bytes\n" << client_->describe();
  EXPECT_TRUE(stderr_has("binary integer")) << client_->describe();
  EXPECT_EQ(client_->stdout_text(), "");
  std::string bytes;
  connection->read_until_close(&bytes);
  EXPECT_EQ(bytes, "") << "nothing may be sent after a protocol error";
}

TEST_F(ChatClientTest, Stage2ReportsAHistoryCutShort) {
  ScriptedConnection* connection = connect_client({"--stage", "2", "--message", "hello"});
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(connection->send_frame("3"));
  ASSERT_TRUE(connection->send_frame("only one"));
  ASSERT_TRUE(connection->shutdown_write());
  EXPECT_EQ(exit_code(), 1) << client_->describe();
  EXPECT_TRUE(stderr_has("closed the connection after 1 of 3 history items"))
      << client_->describe();
}

TEST_F(ChatClientTest, Stage3PrintsThePostsAndTheAcknowledgement) {
  const std::string old_post = "[2026-11-24T09:15:02.123456+01:00 localhost] old";
  const std::string new_post = "[2026-11-24T09:16:40.000001+01:00 localhost] new \xe2\x9c\x93";
  ScriptedConnection* connection =
      connect_client({"--stage", "3", "--message", "new \xe2\x9c\x93"});
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(connection->send_frame("1"));
  ASSERT_TRUE(connection->send_frame(old_post));
  EXPECT_EQ(connection->read_frame(), "new \xe2\x9c\x93") << client_->describe();
  ASSERT_TRUE(connection->send_frame(new_post));
  connection->close();
  EXPECT_EQ(exit_code(), 0) << client_->describe();
  EXPECT_EQ(client_->stdout_text(), old_post + "\nPosted: " + new_post + "\n");
}

TEST_F(ChatClientTest, Stage3WithoutAcknowledgementExitsThreeAfterTheAckTimeout) {
  ScriptedConnection* connection = stage3_posted("hello", {"--ack-timeout", "0.5"});
  ASSERT_NE(connection, nullptr);
  // No acknowledgement, and the connection stays open: only the timer can end the wait.
  EXPECT_EQ(exit_code(), 3) << client_->describe();
  EXPECT_TRUE(stderr_has("chat-client: post sent but not acknowledged within 0.5 s"))
      << client_->describe();
  EXPECT_EQ(client_->stdout_text().find("Posted:"), std::string::npos);
}

TEST_F(ChatClientTest, Stage3ResetAfterTheMessageExitsThree) {
  ScriptedConnection* connection = stage3_posted("hello");
  ASSERT_NE(connection, nullptr);
  connection->reset();  // What the server does with a post it could not store.
  EXPECT_EQ(exit_code(), 3) << client_->describe();
#ifdef _WIN32
  // Under Wine a reset now and then reaches the client as an orderly close (seen once in the
  // Windows job, after many green runs); the contract, exit 3 and "not acknowledged", holds.
  EXPECT_TRUE(stderr_has("chat-client: post sent but not acknowledged: the server "))
      << client_->describe();
#else
  EXPECT_TRUE(stderr_has("not acknowledged: the server reset the connection"))
      << client_->describe();
#endif
}

TEST_F(ChatClientTest, Stage3CloseWithoutAcknowledgementExitsThree) {
  ScriptedConnection* connection = stage3_posted("hello");
  ASSERT_NE(connection, nullptr);
  connection->close();
  EXPECT_EQ(exit_code(), 3) << client_->describe();
  EXPECT_TRUE(stderr_has("not acknowledged: the server closed the connection"))
      << client_->describe();
}

TEST_F(ChatClientTest, Stage3EmptyMessageExpectsNoAcknowledgement) {
  ScriptedConnection* connection = connect_client({"--stage", "3", "--message", ""});
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(connection->send_frame("0"));
  const std::string bytes = received_until_fin(connection);
  EXPECT_EQ(bytes, encode_frame("")) << describe_difference(encode_frame(""), bytes);
  connection->close();
  EXPECT_EQ(exit_code(), 0) << client_->describe();
  EXPECT_EQ(client_->stdout_text(), "");
  EXPECT_EQ(client_->stderr_text(), "");
}

TEST_F(ChatClientTest, ReadsTheMessageFromStandardInputAfterThePrompt) {
  ScriptedConnection* connection = connect_client({"--stage", "1"}, /*stdin_pipe=*/true);
  ASSERT_NE(connection, nullptr);
  // The line end may be "\r\n" (Windows); neither '\r' nor '\n' belongs to the message.
  ASSERT_TRUE(client_->write_stdin("Test message\r\nnot this line\n")) << client_->describe();
  const std::string bytes = received_until_fin(connection);
  EXPECT_EQ(bytes, kTestMessageFrame) << describe_difference(kTestMessageFrame, bytes);
  EXPECT_EQ(exit_code(), 0) << client_->describe();
  EXPECT_EQ(client_->stdout_text().rfind("Message: ", 0), 0u)
      << "stdout should start with the prompt\n"
      << client_->describe();
}

TEST_F(ChatClientTest, StandardInputClosedWithoutALineExitsOne) {
  ScriptedConnection* connection = connect_client({"--stage", "2"}, /*stdin_pipe=*/true);
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(connection->send_frame("0"));
  client_->close_stdin();
  EXPECT_EQ(exit_code(), 1) << client_->describe();
  EXPECT_TRUE(stderr_has("chat-client: no message: standard input closed")) << client_->describe();
  std::string bytes;
  connection->read_until_close(&bytes);
  EXPECT_EQ(bytes, "") << "no frame may be sent without a message";
}

TEST_F(ChatClientTest, ConnectionRefusedExitsOneWithTheReason) {
  int free_port = 0;
  {
    ScriptedServer closed_soon(loop_);  // Borrow a port that was free a moment ago.
    ASSERT_TRUE(closed_soon.listening());
    free_port = closed_soon.port();
  }
  start_client({"--stage", "1", "--message", "hello"}, false, free_port);
  EXPECT_EQ(exit_code(), 1) << client_->describe();
  EXPECT_TRUE(stderr_has("chat-client: connect to 127.0.0.1:" + std::to_string(free_port) +
                         ": connection refused (ECONNREFUSED)"))
      << client_->describe();
}

TEST_F(ChatClientTest, UnknownOptionIsAUsageError) {
  start_client({"--bogus"});
  EXPECT_EQ(exit_code(), 2) << client_->describe();
  EXPECT_TRUE(stderr_has("--bogus")) << client_->describe();
}

TEST_F(ChatClientTest, InvalidUtf8MessageIsAUsageError) {
#ifdef _WIN32
  // Windows-only skip: a Windows command line is UTF-16, so these bytes cannot reach the
  // client's argv (libuv's spawn turns the stray byte into U+FFFD, which is valid UTF-8).
  GTEST_SKIP() << "invalid UTF-8 cannot be passed on a Windows command line (docs/windows.md)";
#endif
  start_client({"--message", "caf\xc3"});
  EXPECT_EQ(exit_code(), 2) << client_->describe();
  EXPECT_TRUE(stderr_has("not valid UTF-8")) << client_->describe();
}

TEST_F(ChatClientTest, HelpAndVersionExitZero) {
  start_client({"--help"});
  EXPECT_EQ(exit_code(), 0) << client_->describe();
  EXPECT_NE(client_->stdout_text().find("--ack-timeout"), std::string::npos);
  start_client({"--version"});
  EXPECT_EQ(exit_code(), 0) << client_->describe();
  EXPECT_EQ(client_->stdout_text().rfind("chat-client ", 0), 0u) << client_->describe();
}

TEST_F(ChatClientTest, ConnectsOverIpv6) {
  if (!listen("::1")) GTEST_SKIP() << "IPv6 loopback unavailable: " << server_->last_error();
  start_client({"--host", "::1", "--stage", "1", "--message", "Test message"});
  ScriptedConnection* connection = accept();
  ASSERT_NE(connection, nullptr);
  const std::string bytes = received_until_fin(connection);
  EXPECT_EQ(bytes, kTestMessageFrame) << describe_difference(kTestMessageFrame, bytes);
  EXPECT_EQ(exit_code(), 0) << client_->describe();
}

TEST_F(ChatClientTest, ResolvesLocalhostAndTriesItsAddressesInTurn) {
  // "localhost" may resolve to ::1 first; the server listens on 127.0.0.1 only, so the client
  // must move on to the next address when the first is refused.
  ASSERT_TRUE(listen("127.0.0.1"));
  start_client({"--host", "localhost", "--stage", "1", "--message", "Test message"});
  ScriptedConnection* connection = accept();
  ASSERT_NE(connection, nullptr);
  const std::string bytes = received_until_fin(connection);
  EXPECT_EQ(bytes, kTestMessageFrame) << describe_difference(kTestMessageFrame, bytes);
  EXPECT_EQ(exit_code(), 0) << client_->describe();
}

}  // namespace
}  // namespace chatkit::testing
