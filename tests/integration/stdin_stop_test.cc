// chat-server --stop-on-stdin-eof: closing the server's stdin pipe is a graceful stop, the one
// that programs running chat-server on Windows can ask for (no signals there). Runs everywhere,
// so that the native build checks it too.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "harness/child_process.h"
#include "harness/temp_dir.h"
#include "harness/test_loop.h"
#include "kit/protocol/post.h"
#include "tests/integration/server_harness.h"

namespace chatkit::testing {
namespace {

class StopOnStdinEof : public ::testing::Test {
 protected:
  void TearDown() override {
    server_.reset();
    EXPECT_TRUE(loop_.close());
  }
  // Starts a stage-3 server with --stop-on-stdin-eof; `stdin_pipe` says whether its stdin is a
  // pipe. Returns its port (0 when there is no "listening on" line).
  int start(bool stdin_pipe) {
    ChildProcess::Options options;
    options.argv = {CHATKIT_SERVER_PATH,
                    "--stage",
                    "3",
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    "0",
                    "--data",
                    dir_.file("history.db"),
                    "--stop-on-stdin-eof"};
    options.cwd = dir_.path();
    options.stdin_pipe = stdin_pipe;
    server_ = std::make_unique<ChildProcess>(loop_, options);
    return server_->wait_for_listening_port().value_or(0);
  }

  TempDir dir_;
  TestLoop loop_;
  std::unique_ptr<ChildProcess> server_;
};

TEST_F(StopOnStdinEof, StopsGracefullyWhenStdinIsClosedAndKeepsTheAcknowledgedPosts) {
  const int port = start(true);
  ASSERT_GT(port, 0) << server_->describe();
  auto client = converse(loop_, port, "before the stop");
  const auto ack = client->read_frame();
  ASSERT_TRUE(ack.has_value()) << client->last_error() << "\n" << server_->describe();
  client.reset();

  ASSERT_TRUE(server_->write_stdin("bytes on stdin are ignored\n")) << server_->describe();
  EXPECT_FALSE(server_->wait_for_exit(milliseconds(200)).has_value())
      << "the server must keep running until stdin ends\n"
      << server_->describe();
  server_->close_stdin();
  const auto status = server_->wait_for_exit();
  ASSERT_TRUE(status.has_value()) << "the server did not stop when its stdin was closed\n"
                                  << server_->describe();
  EXPECT_EQ(status->term_signal, 0) << server_->describe();
  EXPECT_EQ(status->exit_code, 0) << "a graceful stop exits with 0\n" << server_->describe();
  EXPECT_NE(server_->stdout_text().find("history store closed"), std::string::npos)
      << "the graceful stop closes the history store\n"
      << server_->describe();

  // The post is there for the next server.
  ServerUnderTest again(loop_, 3, dir_.path(), dir_.file("history.db"));
  ASSERT_TRUE(again.started()) << again.describe();
  TestClient reader(loop_);
  ASSERT_TRUE(reader.connect("127.0.0.1", again.port())) << reader.last_error();
  std::string error;
  const auto history = read_history(reader, &error);
  ASSERT_TRUE(history.has_value()) << error << "\n" << again.describe();
  ASSERT_EQ(history->items.size(), 1u) << again.describe();
  EXPECT_EQ(history->items[0], *ack);
  const auto stopped = again.stop();
  ASSERT_TRUE(stopped.has_value()) << again.describe();
  EXPECT_EQ(stopped->exit_code, 0) << again.describe();
}

TEST_F(StopOnStdinEof, RefusesToStartWhenStdinIsNotAPipe) {
  EXPECT_EQ(start(false), 0) << "no \"listening on\" line expected\n" << server_->describe();
  const auto status = server_->wait_for_exit();
  ASSERT_TRUE(status.has_value()) << server_->describe();
  EXPECT_EQ(status->exit_code, 1) << server_->describe();
  EXPECT_NE(server_->stderr_text().find("--stop-on-stdin-eof: standard input is not a pipe"),
            std::string::npos)
      << "a one-line reason on stderr\n"
      << server_->describe();
}

}  // namespace
}  // namespace chatkit::testing
