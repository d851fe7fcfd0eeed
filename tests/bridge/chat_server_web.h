// chat-server --web in a test: reading the viewer's port from what a program prints, and a
// fixture that starts the real chat-server with its viewer on ports 0.
#ifndef CHATKIT_TESTS_BRIDGE_CHAT_SERVER_WEB_H_
#define CHATKIT_TESTS_BRIDGE_CHAT_SERVER_WEB_H_

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/temp_dir.h"
#include "harness/test_loop.h"
#include "tests/integration/server_harness.h"

namespace chatkit::testing {

// The port in a "viewer at http://127.0.0.1:PORT/" line (chat-server --web, chat-bridge), or 0
// for any other line or none.
int viewer_port(const std::optional<std::string>& line);

class ChatServerWebTest : public ::testing::Test {
 protected:
  // Starts chat-server --stage `stage` with `extra` arguments and --web 0 --web-root dir_, where
  // a page `page` ("index.html", "class.html") is written first, "<!doctype html><title>`title`
  // </title>" (a stage-3 server keeps its history in dir_ too), and waits for its "viewer at"
  // line: web_port_.
  void start_web(int stage, const std::string& page, const std::string& title,
                 std::vector<std::string> extra = {});
  // Stops the server the test started, expecting exit status 0, and closes the loop.
  void TearDown() override;

  TempDir dir_;
  TestLoop loop_;
  std::unique_ptr<ServerUnderTest> server_;
  int web_port_ = 0;
};

}  // namespace chatkit::testing

#endif  // CHATKIT_TESTS_BRIDGE_CHAT_SERVER_WEB_H_
