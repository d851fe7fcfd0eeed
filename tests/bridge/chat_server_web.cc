#include "tests/bridge/chat_server_web.h"

#include <utility>

namespace chatkit::testing {

int viewer_port(const std::optional<std::string>& line) {
  const std::string prefix = "viewer at http://127.0.0.1:";
  if (!line || line->rfind(prefix, 0) != 0 || line->back() != '/') return 0;
  return std::stoi(line->substr(prefix.size()));
}

void ChatServerWebTest::start_web(int stage, const std::string& page, const std::string& title,
                                  std::vector<std::string> extra) {
  ASSERT_TRUE(write_file(dir_.file(page), "<!doctype html><title>" + title + "</title>"));
  extra.insert(extra.end(), {"--web", "0", "--web-root", dir_.path()});
  server_ = std::make_unique<ServerUnderTest>(
      loop_, stage, dir_.path(), stage == 3 ? dir_.file("history.db") : "", std::move(extra));
  ASSERT_TRUE(server_->started()) << server_->describe();
  web_port_ = viewer_port(server_->process().wait_for_stdout_line("viewer at "));
  ASSERT_GT(web_port_, 0) << server_->describe();
}

void ChatServerWebTest::TearDown() {
  if (server_) {
    const auto status = server_->stop();
    ASSERT_TRUE(status.has_value()) << server_->describe();
    EXPECT_EQ(status->exit_code, 0) << server_->describe();
    server_.reset();
  }
  EXPECT_TRUE(loop_.close());
}

}  // namespace chatkit::testing
