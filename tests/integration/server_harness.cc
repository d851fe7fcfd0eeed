#include "tests/integration/server_harness.h"

#include <gtest/gtest.h>

#include <csignal>

#include "kit/protocol/stage.h"

namespace chatkit::testing {

ServerUnderTest::ServerUnderTest(TestLoop& loop, int stage, const std::string& work_dir,
                                 const std::string& data_path, std::vector<std::string> extra) {
  ChildProcess::Options options;
  options.argv = {
      CHATKIT_SERVER_PATH, "--stage", std::to_string(stage), "--bind", "127.0.0.1", "--port", "0"};
  if (!data_path.empty()) {
    options.argv.push_back("--data");
    options.argv.push_back(data_path);
  }
  options.argv.insert(options.argv.end(), extra.begin(), extra.end());
#ifdef _WIN32
  // No signals between processes on Windows: stop() closes stdin instead (see the header).
  options.argv.push_back("--stop-on-stdin-eof");
  options.stdin_pipe = true;
#endif
  options.cwd = work_dir;
  process_ = std::make_unique<ChildProcess>(loop, options);
  if (process_->spawn_error().empty()) {
    if (auto port = process_->wait_for_listening_port()) port_ = *port;
  }
}

std::optional<ExitStatus> ServerUnderTest::stop() {
#ifdef _WIN32
  process_->close_stdin();
#else
  process_->kill(SIGTERM);
#endif
  return process_->wait_for_exit();
}

std::optional<ReceivedHistory> read_history(TestClient& client, std::string* error) {
  ReceivedHistory history;
  auto count_frame = client.read_frame();
  if (!count_frame) {
    *error = "no count frame: " + client.last_error();
    return std::nullopt;
  }
  history.count_text = *count_frame;
  const auto count = parse_count(*count_frame);
  if (!count) {
    *error = "count frame is not decimal text: \"" + *count_frame + "\"";
    return std::nullopt;
  }
  for (std::uint64_t i = 0; i < *count; ++i) {
    auto item = client.read_frame();
    if (!item) {
      *error = "history item " + std::to_string(i) + " of " + std::to_string(*count) +
               " missing: " + client.last_error();
      return std::nullopt;
    }
    history.items.push_back(std::move(*item));
  }
  return history;
}

std::unique_ptr<TestClient> converse(TestLoop& loop, int port, const std::string& message,
                                     ReceivedHistory* history) {
  auto client = std::make_unique<TestClient>(loop);
  if (!client->connect("127.0.0.1", port)) return client;
  std::string error;
  auto received = read_history(*client, &error);
  if (!received) return client;
  if (history != nullptr) *history = *received;
  client->send_frame(message);
  return client;
}

ProgramRun run_to_completion(TestLoop& loop, std::vector<std::string> argv,
                             const std::string& work_dir, const std::string* stdin_text) {
  ChildProcess::Options options;
  options.argv = std::move(argv);
  options.cwd = work_dir;
  options.stdin_pipe = stdin_text != nullptr;
  ChildProcess process(loop, options);
  if (stdin_text != nullptr) {
    EXPECT_TRUE(process.write_stdin(*stdin_text)) << process.describe();
    process.close_stdin();
  }
  ProgramRun run;
  const std::optional<ExitStatus> status = process.wait_for_exit();
  EXPECT_TRUE(status.has_value()) << "the program did not exit\n" << process.describe();
  run.status = status.value_or(ExitStatus{});
  run.out = process.stdout_text();
  run.err = process.stderr_text();
  run.command = process.describe();
  return run;
}

std::string expect_server_refuses(TestLoop& loop, const std::string& work_dir,
                                  const std::string& data_path, const std::string& why,
                                  std::vector<std::string> extra) {
  ServerUnderTest server(loop, 3, work_dir, data_path, std::move(extra));
  EXPECT_FALSE(server.started()) << why << "\n" << server.describe();
  const auto status = server.process().wait_for_exit();
  if (!status.has_value()) {
    ADD_FAILURE() << "the server did not exit: " << why << "\n" << server.describe();
    return "";
  }
  EXPECT_EQ(status->exit_code, 1) << why << "\n" << server.describe();
  const std::string err = server.process().stderr_text();
  EXPECT_EQ(err.rfind("chat-server: ", 0), 0u) << why << ": a one-line reason on stderr\n"
                                               << server.describe();
  EXPECT_EQ(err.find('\n'), err.size() - 1) << why << ": one line\n" << err;
  EXPECT_EQ(server.process().stdout_text(), "")
      << why << ": a server that never started has nothing to log\n"
      << server.describe();
  return err;
}

}  // namespace chatkit::testing
