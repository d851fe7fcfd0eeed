// Stage 1 end to end: the real chat-server, scripted clients over loopback.
#include <gtest/gtest.h>

#include "tests/integration/server_harness.h"

namespace chatkit::testing {
namespace {

class Stage1Server : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerUnderTest>(loop_, 1, dir_.path());
    ASSERT_TRUE(server_->started()) << server_->describe();
  }
  void TearDown() override {
    const auto status = server_->stop();
    ASSERT_TRUE(status.has_value()) << "server did not stop on SIGTERM\n" << server_->describe();
    EXPECT_EQ(status->exit_code, 0) << server_->describe();
    server_.reset();
    EXPECT_TRUE(loop_.close());
  }
  // Sends one message the stage-1 way: connect, one frame, close our side.
  void send(const std::string& message) {
    TestClient client(loop_);
    ASSERT_TRUE(client.connect("127.0.0.1", server_->port())) << client.last_error();
    ASSERT_TRUE(client.send_frame(message)) << client.last_error();
    ASSERT_TRUE(client.shutdown_write()) << client.last_error();
    // The server closes once it has the message.
    EXPECT_EQ(client.read_until_close(nullptr), PeerClose::kEof) << server_->describe();
  }
  bool log_has(const std::string& text) {
    return server_->process().wait_for_stdout_text(text, milliseconds(5000));
  }

  TempDir dir_;
  TestLoop loop_;
  std::unique_ptr<ServerUnderTest> server_;
};

TEST_F(Stage1Server, SendsNothingAndLogsEachMessageWithTheHistoryLength) {
  TestClient client(loop_);
  ASSERT_TRUE(client.connect("127.0.0.1", server_->port()));
  EXPECT_EQ(client.read_available(milliseconds(200)), "") << "stage 1 servers send nothing";
  ASSERT_TRUE(client.send_frame("Test message"));
  ASSERT_TRUE(client.shutdown_write());
  EXPECT_EQ(client.read_until_close(nullptr), PeerClose::kEof);
  EXPECT_TRUE(log_has("History length: 1")) << server_->describe();
  EXPECT_TRUE(log_has(" >> \"Test message\"")) << server_->describe();
}

TEST_F(Stage1Server, KeepsEveryMessageOfSeveralClientsInOrder) {
  send("first");
  send("second ✓");
  send("third");
  EXPECT_TRUE(log_has("History length: 3")) << server_->describe();
  const std::string log = server_->process().stdout_text();
  const auto first = log.rfind(">> \"first\"");
  const auto second = log.rfind(">> \"second ✓\"");
  const auto third = log.rfind(">> \"third\"");
  ASSERT_NE(third, std::string::npos) << log;
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
}

TEST_F(Stage1Server, NeverStoresAnEmptyMessage) {
  send("");
  send("after empty");
  EXPECT_TRUE(log_has("History length: 1")) << server_->describe();
  EXPECT_EQ(server_->process().stdout_text().find("History length: 2"), std::string::npos);
}

TEST_F(Stage1Server, ClosesOnAnOversizedFrameAndKeepsServing) {
  TestClient bad(loop_);
  ASSERT_TRUE(bad.connect("127.0.0.1", server_->port()));
  ASSERT_TRUE(bad.send(std::string("\x00\x10\x00\x01", 4)));  // 1 MiB + 1
  EXPECT_NE(bad.read_until_close(nullptr), PeerClose::kOpen) << "the server must close it";
  EXPECT_TRUE(log_has("exceeds the limit")) << server_->describe();
  send("still here");
  EXPECT_TRUE(log_has("History length: 1")) << server_->describe();
}

TEST_F(Stage1Server, ClosesOnInvalidUtf8AndStoresNothingFromIt) {
  TestClient bad(loop_);
  ASSERT_TRUE(bad.connect("127.0.0.1", server_->port()));
  ASSERT_TRUE(
      bad.send(std::string("\x00\x00\x00\x03"
                           "a\xff"
                           "b",
                           7)));
  EXPECT_NE(bad.read_until_close(nullptr), PeerClose::kOpen);
  EXPECT_TRUE(log_has("not valid UTF-8")) << server_->describe();
  EXPECT_EQ(server_->process().stdout_text().find("History length"), std::string::npos);
}

}  // namespace
}  // namespace chatkit::testing
