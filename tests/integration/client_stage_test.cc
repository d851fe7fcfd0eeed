// chat-client against the real chat-server (and once a scripted stand-in for the course's own
// stage-3 server): a client set to another stage than the server's says which stage the
// server's bytes show, and a stage-3 message too long for its post is refused before it is sent.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "harness/scripted_server.h"
#include "tests/integration/server_harness.h"

namespace chatkit::testing {
namespace {

class ChatClientStageTest : public ::testing::Test {
 protected:
  void TearDown() override {
    client_.reset();
    if (server_) {
      const auto status = server_->stop();
      EXPECT_TRUE(status.has_value()) << server_->describe();
      server_.reset();
    }
    EXPECT_TRUE(loop_.close()) << "the test left libuv handles open";
  }

  // Starts `chat-server --stage <stage>` on 127.0.0.1 port 0 with `extra` options.
  void start_server(int stage, std::vector<std::string> extra = {}) {
    server_ = std::make_unique<ServerUnderTest>(
        loop_, stage, dir_.path(), stage == 3 ? dir_.file("history.db") : "", std::move(extra));
    ASSERT_TRUE(server_->started()) << server_->describe();
  }

  // Starts chat-client with `args`, pointed at the server, or at `port` when it is not 0.
  void start_client(const std::vector<std::string>& args, bool stdin_pipe = false, int port = 0) {
    ChildProcess::Options options;
    if (port == 0) port = server_->port();
    options.argv = {CHATKIT_CLIENT_PATH, "--port", std::to_string(port)};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.stdin_pipe = stdin_pipe;
    client_ = std::make_unique<ChildProcess>(loop_, options);
    ASSERT_EQ(client_->spawn_error(), "");
  }

  // Waits for the client to exit; its exit code, or -1 when it did not exit normally.
  std::int64_t exit_code() {
    const std::optional<ExitStatus> status = client_->wait_for_exit();
    if (!status) {
      ADD_FAILURE() << "chat-client did not exit\n" << client_->describe();
      return -1;
    }
    EXPECT_EQ(status->term_signal, 0) << "chat-client was killed\n" << client_->describe();
    return status->term_signal == 0 ? status->exit_code : -1;
  }

  bool stderr_has(const std::string& text) {
    return client_->stderr_text().find(text) != std::string::npos;
  }

  // Everything the server gives a client on connect: its history (stages 2 and 3).
  std::vector<std::string> history() {
    TestClient reader(loop_);
    EXPECT_TRUE(reader.connect("127.0.0.1", server_->port())) << reader.last_error();
    std::string error;
    const auto received = read_history(reader, &error);
    EXPECT_TRUE(received.has_value()) << error << "\n" << server_->describe();
    return received ? received->items : std::vector<std::string>{};
  }

  // Sends `message` as a stage-2/3 client and waits until the server ends the conversation.
  void post(const std::string& message) {
    auto writer = converse(loop_, server_->port(), message);
    ASSERT_TRUE(writer->connected()) << writer->last_error();
    writer->read_until_close(nullptr);
  }

  TempDir dir_;
  TestLoop loop_;
  std::unique_ptr<ServerUnderTest> server_;
  std::unique_ptr<ChildProcess> client_;
};

// --- A stage-2/3 client, a stage-1 server (which sends nothing) ---

TEST_F(ChatClientStageTest, Stage2ClientSaysStage1WhenTheServerClosesWithoutACount) {
  // The stage-1 server closes the silent connection at its idle timeout, before the client's
  // own count timeout.
  start_server(1, {"--idle-timeout", "0.3"});
  start_client({"--stage", "2", "--message", "hello"});
  EXPECT_EQ(exit_code(), 1) << client_->describe();
  EXPECT_TRUE(stderr_has("the server closed the connection before the history count arrived"))
      << client_->describe();
  EXPECT_TRUE(stderr_has("it seems to run stage 1: try --stage 1")) << client_->describe();
}

TEST_F(ChatClientStageTest, Stage3ClientGivesUpOnASilentServerAfterTheCountTimeout) {
  start_server(1, {"--idle-timeout", "60"});
  start_client({"--message", "hello", "--count-timeout", "0.2"});  // Stage 3 is the default.
  EXPECT_EQ(exit_code(), 1) << client_->describe();
  EXPECT_TRUE(stderr_has("the server sent no count within 0.2 s")) << client_->describe();
  EXPECT_TRUE(stderr_has("it seems to run stage 1: try --stage 1")) << client_->describe();
  EXPECT_EQ(client_->stdout_text(), "") << client_->describe();
}

TEST_F(ChatClientStageTest, DefaultCountTimeoutEndsTheWaitLongBeforeTheServersIdleTimeout) {
  // The server would keep the connection for a minute; the client must not wait for that
  // (exit_code() waits at most kStepTimeout, 10 s).
  start_server(1, {"--idle-timeout", "60"});
  start_client({"--stage", "2", "--message", "hello"});
  EXPECT_EQ(exit_code(), 1) << client_->describe();
  EXPECT_TRUE(stderr_has("it seems to run stage 1: try --stage 1")) << client_->describe();
}

// --- A stage-3 client, a stage-2 server (plain items, no acknowledgement) ---

TEST_F(ChatClientStageTest, Stage3ClientSaysStage2WhenThePostIsClosedWithoutAcknowledgement) {
  start_server(2);
  start_client({"--stage", "3", "--message", "hello"});
  EXPECT_EQ(exit_code(), 3) << client_->describe();
  EXPECT_TRUE(stderr_has("the server closed the connection without acknowledging"))
      << client_->describe();
  EXPECT_TRUE(stderr_has("it seems to run stage 2: try --stage 2")) << client_->describe();
}

TEST_F(ChatClientStageTest, Stage3ClientNamesTheHistoryItemThatIsNoPost) {
  start_server(2);
  post("plain");
  start_client({"--stage", "3", "--message", "hello"});
  EXPECT_EQ(exit_code(), 3) << client_->describe();
  EXPECT_TRUE(stderr_has("it seems to run stage 2: try --stage 2")) << client_->describe();
  EXPECT_TRUE(stderr_has("history item 1 of 1 is not a stage-3 post")) << client_->describe();
  EXPECT_TRUE(stderr_has("|plain|")) << "the item's bytes are shown\n" << client_->describe();
}

TEST_F(ChatClientStageTest, Stage3ClientDoesNotSayStage2WhenTheItemsArePostsOfAnotherShape) {
  // The course's stage-3 server: posts without a UTC offset, no acknowledgement. It is no
  // stage-2 server, so the client must not send the user to --stage 2.
  ScriptedServer course_server(loop_);
  ASSERT_TRUE(course_server.listening()) << course_server.last_error();
  start_client({"--stage", "3", "--message", "hello"}, false, course_server.port());
  ScriptedConnection* connection = course_server.accept();
  ASSERT_NE(connection, nullptr) << course_server.last_error() << "\n" << client_->describe();
  ASSERT_TRUE(connection->send_frame("1"));
  ASSERT_TRUE(connection->send_frame("[2026-11-24T09:15:02.123456 localhost] old"));
  EXPECT_EQ(connection->read_frame(), "hello") << client_->describe();
  connection->close();
  EXPECT_EQ(exit_code(), 3) << client_->describe();
  EXPECT_TRUE(stderr_has("the server closed the connection without acknowledging"))
      << client_->describe();
  EXPECT_FALSE(stderr_has("stage 2")) << client_->describe();
}

TEST_F(ChatClientStageTest, Stage3HistoryAnsweredWithACountIsNoAcknowledgement) {
  // A stage-2 server answers `history` with the history, whose count frame ("0") is no post.
  start_server(2);
  start_client({"--stage", "3", "--message", "history"});
  EXPECT_EQ(exit_code(), 3) << client_->describe();
  EXPECT_EQ(client_->stdout_text().find("Posted:"), std::string::npos) << client_->describe();
  EXPECT_TRUE(stderr_has("it seems to run stage 2: try --stage 2")) << client_->describe();
}

// --- A stage-2 client sending `history`, a stage-3 server (posts, acknowledgements) ---

TEST_F(ChatClientStageTest, Stage2HistoryCommandIsNotSentWhenTheItemsAreStage3Posts) {
  start_server(3);
  post("first");
  ASSERT_EQ(history().size(), 1u) << server_->describe();
  start_client({"--stage", "2", "--message", "history"});
  EXPECT_EQ(exit_code(), 1) << client_->describe();
  EXPECT_TRUE(stderr_has("it seems to run stage 3: try --stage 3")) << client_->describe();
  EXPECT_TRUE(stderr_has("not sent")) << client_->describe();
  EXPECT_NE(client_->stdout_text().find("] first\n"), std::string::npos)
      << "the history it received is still printed\n"
      << client_->describe();
  EXPECT_EQ(history().size(), 1u) << "`history` must not have been stored as a post\n"
                                  << server_->describe();
}

TEST_F(ChatClientStageTest, Stage2HistoryCommandRecognizesAStage3Acknowledgement) {
  // With an empty history there is nothing to judge by before sending; the reply tells.
  start_server(3);
  start_client({"--stage", "2", "--message", "history"});
  EXPECT_EQ(exit_code(), 1) << client_->describe();
  EXPECT_TRUE(stderr_has("acknowledgement")) << client_->describe();
  EXPECT_TRUE(stderr_has("it seems to run stage 3: try --stage 3")) << client_->describe();
  EXPECT_FALSE(stderr_has("must be decimal text")) << client_->describe();
}

// --- A stage-3 message too long for its post ---

// With a 400-byte frame limit, a stage-3 post may carry 400 - 289 = 111 bytes of message.
TEST_F(ChatClientStageTest, Stage3MessageTooLongForItsPostIsAUsageErrorBeforeSending) {
  start_server(3, {"--max-message-bytes", "400"});
  // 380 bytes fit the frame limit, but not once the server adds "[<time> 127.0.0.1] ".
  start_client({"--max-message-bytes", "400", "--message", std::string(380, 'x')});
  EXPECT_EQ(exit_code(), 2) << client_->describe();
  EXPECT_TRUE(stderr_has("the message is 380 bytes long; a stage-3 post can hold at most 111"))
      << client_->describe();
  EXPECT_TRUE(stderr_has("289")) << "the room the prefix needs is named\n" << client_->describe();
  EXPECT_TRUE(history().empty()) << server_->describe();
}

TEST_F(ChatClientStageTest, Stage3LineTooLongForItsPostIsAUsageErrorBeforeSending) {
  start_server(3, {"--max-message-bytes", "400"});
  start_client({"--max-message-bytes", "400"}, /*stdin_pipe=*/true);
  ASSERT_TRUE(client_->write_stdin(std::string(112, 'y') + "\n")) << client_->describe();
  EXPECT_EQ(exit_code(), 2) << client_->describe();
  EXPECT_TRUE(stderr_has("the message is 112 bytes long; a stage-3 post can hold at most 111"))
      << client_->describe();
  EXPECT_TRUE(history().empty()) << server_->describe();
}

TEST_F(ChatClientStageTest, Stage3MessageThatFillsItsPostIsSentAndAcknowledged) {
  start_server(3, {"--max-message-bytes", "400"});
  start_client({"--max-message-bytes", "400", "--message", std::string(111, 'z')});
  EXPECT_EQ(exit_code(), 0) << client_->describe();
  EXPECT_EQ(history().size(), 1u) << server_->describe();
}

TEST_F(ChatClientStageTest, Stage2TakesAMessageUpToTheWholeFrameLimit) {
  start_server(2, {"--max-message-bytes", "400"});
  start_client({"--stage", "2", "--max-message-bytes", "400", "--message", std::string(400, 'w')});
  EXPECT_EQ(exit_code(), 0) << client_->describe();
  EXPECT_EQ(history(), std::vector<std::string>{std::string(400, 'w')}) << server_->describe();
}

}  // namespace
}  // namespace chatkit::testing
