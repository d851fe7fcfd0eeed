// Stage 2 end to end: history on connect, the `history` command, many clients at once.
#include <gtest/gtest.h>

#include "kit/diagnostics/byte_dump.h"
#include "kit/framing/frame_codec.h"
#include "tests/integration/server_harness.h"

namespace chatkit::testing {
namespace {

class Stage2Server : public ::testing::Test {
 protected:
  void start(std::vector<std::string> extra = {}) {
    server_ = std::make_unique<ServerUnderTest>(loop_, 2, dir_.path(), "", std::move(extra));
    ASSERT_TRUE(server_->started()) << server_->describe();
  }
  void TearDown() override {
    if (server_) {
      const auto status = server_->stop();
      ASSERT_TRUE(status.has_value()) << server_->describe();
      EXPECT_EQ(status->exit_code, 0) << server_->describe();
      server_.reset();
    }
    EXPECT_TRUE(loop_.close());
  }
  // Posts `message` and waits until the server has closed the conversation.
  void post(const std::string& message) {
    auto client = converse(loop_, server_->port(), message);
    ASSERT_TRUE(client->connected()) << client->last_error();
    EXPECT_EQ(client->read_until_close(nullptr), PeerClose::kEof) << server_->describe();
  }
  ReceivedHistory history() {
    TestClient client(loop_);
    EXPECT_TRUE(client.connect("127.0.0.1", server_->port())) << client.last_error();
    std::string error;
    auto received = read_history(client, &error);
    EXPECT_TRUE(received.has_value()) << error << "\n" << server_->describe();
    return received.value_or(ReceivedHistory{});
  }

  TempDir dir_;
  TestLoop loop_;
  std::unique_ptr<ServerUnderTest> server_;
};

TEST_F(Stage2Server, SendsZeroAsDecimalTextWhenHistoryIsEmpty) {
  start();
  TestClient client(loop_);
  ASSERT_TRUE(client.connect("127.0.0.1", server_->port()));
  const auto bytes = client.read_exact(5);
  ASSERT_TRUE(bytes.has_value()) << client.last_error();
  const std::string expected(
      "\x00\x00\x00\x01"
      "0",
      5);
  EXPECT_EQ(*bytes, expected) << describe_difference(expected, *bytes);
}

TEST_F(Stage2Server, SendsCountThenItemsOldestFirstByteExact) {
  start();
  post("Hi");
  post("héllo");
  TestClient client(loop_);
  ASSERT_TRUE(client.connect("127.0.0.1", server_->port()));
  const std::string expected = encode_frame("2") + encode_frame("Hi") + encode_frame("héllo");
  const auto bytes = client.read_exact(expected.size());
  ASSERT_TRUE(bytes.has_value()) << client.last_error();
  EXPECT_EQ(*bytes, expected) << describe_difference(expected, *bytes);
}

TEST_F(Stage2Server, HistoryCommandResendsCountAndItemsAndIsNotStored) {
  start();
  post("one");
  auto client = converse(loop_, server_->port(), "history");
  std::string error;
  auto again = read_history(*client, &error);
  ASSERT_TRUE(again.has_value()) << error;
  EXPECT_EQ(again->items, std::vector<std::string>{"one"});
  EXPECT_EQ(client->read_until_close(nullptr), PeerClose::kEof);
  EXPECT_EQ(history().items, std::vector<std::string>{"one"}) << "`history` must not be stored";
}

TEST_F(Stage2Server, NeverStoresEmptyMessages) {
  start();
  post("");
  post("x");
  EXPECT_EQ(history().items, std::vector<std::string>{"x"});
}

TEST_F(Stage2Server, AcceptsAMessageExactlyAtTheLimitAndRejectsOneByteMore) {
  start({"--max-message-bytes", "1000"});
  post(std::string(1000, 'a'));
  auto client = converse(loop_, server_->port(), std::string(1001, 'b'));
  EXPECT_NE(client->read_until_close(nullptr), PeerClose::kOpen);
  const auto items = history().items;
  ASSERT_EQ(items.size(), 1u) << server_->describe();
  EXPECT_EQ(items[0], std::string(1000, 'a'));
}

TEST_F(Stage2Server, ServesHundredClientsAtOnce) {
  start();
  constexpr int kClients = 100;
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<TestClient>(loop_));
    ASSERT_TRUE(clients.back()->connect("127.0.0.1", server_->port()))
        << clients.back()->last_error();
  }
  // All connected before anyone sends: the server holds 100 conversations at once.
  for (int i = 0; i < kClients; ++i) {
    std::string error;
    ASSERT_TRUE(read_history(*clients[i], &error).has_value()) << error;
  }
  for (int i = 0; i < kClients; ++i)
    ASSERT_TRUE(clients[i]->send_frame("msg " + std::to_string(i)));
  for (auto& client : clients) EXPECT_EQ(client->read_until_close(nullptr), PeerClose::kEof);
  const auto items = history().items;
  ASSERT_EQ(items.size(), static_cast<std::size_t>(kClients)) << server_->describe();
  for (int i = 0; i < kClients; ++i) {
    EXPECT_NE(std::find(items.begin(), items.end(), "msg " + std::to_string(i)), items.end()) << i;
  }
}

TEST_F(Stage2Server, ClientStalledMidFrameDelaysNoOneAndIsClosedWhenIdle) {
  start({"--idle-timeout", "2"});
  TestClient stalled(loop_);
  ASSERT_TRUE(stalled.connect("127.0.0.1", server_->port()));
  std::string error;
  ASSERT_TRUE(read_history(stalled, &error).has_value()) << error;
  ASSERT_TRUE(
      stalled.send(std::string("\x00\x00\x00\x0a"
                               "abc",
                               7)));  // 3 of 10 payload bytes.
  for (int i = 0; i < 5; ++i) post("served " + std::to_string(i));
  EXPECT_EQ(history().items.size(), 5u);
  // The stalled client is cut off by the idle timeout, not served.
  EXPECT_NE(stalled.read_until_close(nullptr, milliseconds(6000)), PeerClose::kOpen);
  EXPECT_EQ(history().items.size(), 5u);
}

TEST_F(Stage2Server, ClientThatNeverReadsALargeHistoryDelaysNoOne) {
  // 32 MiB of history in four 8 MiB messages: far more than the socket buffers hold.
  start({"--idle-timeout", "3", "--max-message-bytes", "8388608"});
  const std::string big(8 * 1024 * 1024, 'h');
  for (int i = 0; i < 4; ++i) post(big);
  TestClient lazy(loop_);
  ASSERT_TRUE(lazy.connect("127.0.0.1", server_->port()));
  lazy.pause_reading();
  // `lazy` does not read. Others are still served at once.
  for (int i = 0; i < 3; ++i) post("small " + std::to_string(i));
  EXPECT_EQ(history().items.size(), 7u);
  loop_.run_for(milliseconds(4000));
  // By now the idle timeout has closed `lazy`: of its 32 MiB it got what the socket buffers held.
  std::string got;
  EXPECT_NE(lazy.read_until_close(&got, milliseconds(10000)), PeerClose::kOpen)
      << "the idle timeout closes a client that stopped reading";
  EXPECT_LT(got.size(), big.size() * 4) << "a client that stopped reading got the whole history";
}

TEST_F(Stage2Server, SurvivesClientsThatResetWhileHistoryIsBeingWritten) {
  start({"--max-message-bytes", "8388608"});
  post(std::string(8 * 1024 * 1024, 'r'));  // More history than the socket buffers hold.
  for (int i = 0; i < 5; ++i) {
    TestClient rude(loop_);
    ASSERT_TRUE(rude.connect("127.0.0.1", server_->port()));
    rude.pause_reading();
    loop_.run_for(milliseconds(100));  // The server fills the buffers and has more queued.
    rude.reset();
  }
  loop_.run_for(milliseconds(200));
  ASSERT_TRUE(server_->process().running())
      << "the server died writing to a reset connection (SIGPIPE?)\n"
      << server_->describe();
  post("still serving");
  EXPECT_EQ(history().items.size(), 2u);
}

}  // namespace
}  // namespace chatkit::testing
