// Stage 3 end to end: posts with time and host, acknowledgements, durable history.
#include <gtest/gtest.h>

#include <csignal>

#include "kit/protocol/post.h"
#include "tests/integration/server_harness.h"

namespace chatkit::testing {
namespace {

class Stage3Server : public ::testing::Test {
 protected:
  void SetUp() override { data_ = dir_.file("history.db"); }
  void start(std::vector<std::string> extra = {}) {
    server_ = std::make_unique<ServerUnderTest>(loop_, 3, dir_.path(), data_, std::move(extra));
    ASSERT_TRUE(server_->started()) << server_->describe();
  }
  void stop() {
    const auto status = server_->stop();
    ASSERT_TRUE(status.has_value()) << server_->describe();
    EXPECT_EQ(status->exit_code, 0) << server_->describe();
    server_.reset();
  }
  void TearDown() override {
    if (server_) stop();
    EXPECT_TRUE(loop_.close());
  }
  // Posts and returns the acknowledgement frame (nullopt when none came).
  std::optional<std::string> post(const std::string& message) {
    auto client = converse(loop_, server_->port(), message);
    auto ack = client->read_frame();
    if (ack) {
      EXPECT_EQ(client->read_until_close(nullptr), PeerClose::kEof) << "close after ack";
    }
    return ack;
  }
  std::vector<std::string> history() {
    TestClient client(loop_);
    EXPECT_TRUE(client.connect("127.0.0.1", server_->port())) << client.last_error();
    std::string error;
    auto received = read_history(client, &error);
    EXPECT_TRUE(received.has_value()) << error << "\n" << server_->describe();
    return received ? received->items : std::vector<std::string>{};
  }

  TempDir dir_;
  std::string data_;
  TestLoop loop_;
  std::unique_ptr<ServerUnderTest> server_;
};

TEST_F(Stage3Server, AcknowledgesAPostWithItsStoredTextInTheDocumentedFormat) {
  start();
  const auto ack = post("héllo wörld ✓");
  ASSERT_TRUE(ack.has_value()) << server_->describe();
  const auto parts = parse_post(*ack);
  ASSERT_TRUE(parts.has_value())
      << "expected \"[YYYY-MM-DDTHH:MM:SS.ffffff+HH:MM host] message\", got \"" << *ack << "\"";
  EXPECT_EQ(parts->message, "héllo wörld ✓");
  EXPECT_TRUE(parts->host == "127.0.0.1" || parts->host.find("localhost") != std::string::npos)
      << "host was \"" << parts->host << "\"";
  EXPECT_EQ(history(), std::vector<std::string>{*ack}) << "the history holds the acknowledged text";
}

TEST_F(Stage3Server, ClosesWithoutAcknowledgementOnAnEmptyMessageAndStoresNothing) {
  start();
  auto client = converse(loop_, server_->port(), "");
  std::string rest;
  EXPECT_EQ(client->read_until_close(&rest), PeerClose::kEof);
  EXPECT_EQ(rest, "") << "no acknowledgement frame for an empty message";
  EXPECT_TRUE(history().empty());
}

TEST_F(Stage3Server, TreatsHistoryAsAnOrdinaryPost) {
  start();
  const auto ack = post("history");
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(parse_post(*ack)->message, "history");
}

TEST_F(Stage3Server, KeepsHistoryAcrossARestart) {
  start();
  std::vector<std::string> acks;
  for (const char* message : {"one", "two", "three"}) {
    auto ack = post(message);
    ASSERT_TRUE(ack.has_value()) << server_->describe();
    acks.push_back(*ack);
  }
  stop();
  start();
  EXPECT_EQ(history(), acks);
  auto four = post("four");
  ASSERT_TRUE(four.has_value());
  acks.push_back(*four);
  EXPECT_EQ(history(), acks);
}

TEST_F(Stage3Server, KeepsAcknowledgedPostsAfterKill9) {
  start();
  std::vector<std::string> acks;
  for (int i = 0; i < 20; ++i) {
    auto ack = post("post " + std::to_string(i));
    ASSERT_TRUE(ack.has_value()) << server_->describe();
    acks.push_back(*ack);
  }
  server_->process().kill(SIGKILL);
  ASSERT_TRUE(server_->process().wait_for_exit().has_value());
  server_.reset();
  start();
  EXPECT_EQ(history(), acks);
}

TEST_F(Stage3Server, ServesHundredConcurrentPostersAndAcknowledgesEach) {
  start();
  constexpr int kClients = 100;
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<TestClient>(loop_));
    ASSERT_TRUE(clients.back()->connect("127.0.0.1", server_->port()));
    std::string error;
    ASSERT_TRUE(read_history(*clients.back(), &error).has_value()) << error;
  }
  for (int i = 0; i < kClients; ++i) ASSERT_TRUE(clients[i]->send_frame("p" + std::to_string(i)));
  std::vector<std::string> acks;
  for (auto& client : clients) {
    auto ack = client->read_frame();
    ASSERT_TRUE(ack.has_value()) << client->last_error() << "\n" << server_->describe();
    acks.push_back(*ack);
  }
  auto stored = history();
  ASSERT_EQ(stored.size(), acks.size());
  std::sort(stored.begin(), stored.end());
  std::sort(acks.begin(), acks.end());
  EXPECT_EQ(stored, acks) << "each acknowledged post is stored exactly once";
}

TEST_F(Stage3Server, StopsCleanlyOnSigintWithExitZero) {
#ifdef _WIN32
  // Windows-only skip: one process cannot send another a signal (uv_process_kill terminates
  // it); Ctrl-C reaches only processes on the same console, and tests run without one. The
  // same graceful stop is checked on Windows through --stop-on-stdin-eof (stdin_stop_test.cc,
  // and every test's ServerUnderTest::stop()).
  GTEST_SKIP() << "no signals between processes on Windows (docs/windows.md)";
#endif
  start();
  ASSERT_TRUE(post("before stop").has_value());
  server_->process().kill(SIGINT);
  const auto status = server_->process().wait_for_exit();
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->exit_code, 0) << server_->describe();
  EXPECT_NE(server_->process().stdout_text().find("history store closed"), std::string::npos);
  server_.reset();
}

// A data file that is not ours must be refused at start, and left exactly as it was.
class Stage3DataFile : public Stage3Server {
 protected:
  std::string expect_refused(const std::string& why, std::vector<std::string> extra = {}) {
    return expect_server_refuses(loop_, dir_.path(), data_, why, std::move(extra));
  }
  // Stores `messages` through a server, then stops it: a history file as the server leaves it.
  void post_and_stop(const std::vector<std::string>& messages) {
    start();
    for (const std::string& message : messages) {
      ASSERT_TRUE(post(message).has_value()) << server_->describe();
    }
    stop();
  }
};

TEST_F(Stage3DataFile, RefusesGarbageAndLeavesItUnchanged) {
  const std::string garbage = "this is not a database, it is a student's essay\n";
  ASSERT_TRUE(write_file(data_, garbage));
  expect_refused("garbage file");
  std::string after;
  ASSERT_TRUE(read_file(data_, &after));
  EXPECT_EQ(after, garbage);
}

TEST_F(Stage3DataFile, RefusesAnotherProgramsSqliteDatabase) {
  // A valid SQLite database of someone else's, made with the sqlite3 shell.
  ChildProcess::Options options;
  options.argv = {"sqlite3", data_, "CREATE TABLE grades(student TEXT, grade INT);"};
  ChildProcess sqlite(loop_, options);
  if (!sqlite.spawn_error().empty())
    GTEST_SKIP() << "sqlite3 shell not available: " << sqlite.spawn_error();
  ASSERT_TRUE(sqlite.wait_for_exit().has_value());
  std::string before;
  ASSERT_TRUE(read_file(data_, &before));
  expect_refused("foreign SQLite database");
  std::string after;
  ASSERT_TRUE(read_file(data_, &after));
  EXPECT_EQ(after, before) << "the foreign file must not be modified";
}

// Changes the history file with the sqlite3 shell, as an instructor or another program might.
// Returns false (after skipping the test) when there is no sqlite3 shell.
bool edit_with_sqlite_shell(TestLoop& loop, const std::string& path, const std::string& sql) {
  ChildProcess::Options options;
  options.argv = {"sqlite3", path, sql};
  ChildProcess sqlite(loop, options);
  if (!sqlite.spawn_error().empty()) {
    ADD_FAILURE() << "the sqlite3 shell is needed to edit the file: " << sqlite.spawn_error();
    return false;
  }
  const auto status = sqlite.wait_for_exit();
  EXPECT_TRUE(status.has_value() && status->exit_code == 0) << sqlite.describe();
  return status.has_value() && status->exit_code == 0;
}

TEST_F(Stage3DataFile, RefusesAStoredPostThatIsNotUtf8NamingItAndLeavesTheFileUnchanged) {
  post_and_stop({"first", "second"});
  // Post 2 becomes "h", 0xC3, "(": a lead byte followed by a byte that cannot continue it.
  ASSERT_TRUE(edit_with_sqlite_shell(
      loop_, data_, "UPDATE posts SET post = CAST(X'68C328' AS TEXT) WHERE id = 2;"));
  std::string before;
  ASSERT_TRUE(read_file(data_, &before));
  const std::string stderr_text = expect_refused("a stored post is not UTF-8");
  EXPECT_NE(stderr_text.find("post 2 of the history"), std::string::npos) << stderr_text;
  EXPECT_NE(stderr_text.find("not valid UTF-8 (byte 0xC3 at offset 1)"), std::string::npos)
      << stderr_text;
  EXPECT_NE(stderr_text.find("--export"), std::string::npos)
      << "the reason says how to look at the posts\n"
      << stderr_text;
  std::string after;
  ASSERT_TRUE(read_file(data_, &after));
  EXPECT_TRUE(after == before) << "the refused file must not be modified";
}

TEST_F(Stage3DataFile, RefusesAStoredPostAboveTheMessageLimitAndSaysWhichLimitWouldServeIt) {
  post_and_stop({std::string(300, 'x')});
  const std::string stderr_text =
      expect_refused("a stored post is above the limit", {"--max-message-bytes", "100"});
  EXPECT_NE(stderr_text.find("post 1 of the history"), std::string::npos) << stderr_text;
  EXPECT_NE(stderr_text.find("more than --max-message-bytes 100"), std::string::npos)
      << stderr_text;
  // The stored post is "[time host] " and the message: the server names its real size.
  EXPECT_NE(stderr_text.find("start with --max-message-bytes 3"), std::string::npos) << stderr_text;

  start();  // With the default limit the same file serves.
  EXPECT_EQ(history().size(), 1u) << server_->describe();
}

TEST_F(Stage3DataFile, RefusesAMissingDirectory) {
  data_ = dir_.file("no-such-dir/history.db");
  expect_refused("missing directory");
}

}  // namespace
}  // namespace chatkit::testing
