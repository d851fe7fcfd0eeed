// The real programs: chat-server --web (a stage-2 and a stage-3 exchange through the viewer's
// bridge) and the standalone chat-bridge, with their command lines.
#include <gtest/gtest.h>

#include <csignal>
#include <string>

#include "harness/child_process.h"
#include "harness/scripted_server.h"
#include "harness/temp_dir.h"
#include "kit/diagnostics/byte_dump.h"
#include "kit/framing/frame_codec.h"
#include "tests/bridge/chat_server_web.h"
#include "tests/bridge/ws_test_client.h"
#include "tests/integration/server_harness.h"

namespace chatkit::testing {
namespace {

ExitStatus run(TestLoop& loop, std::vector<std::string> argv, std::string* out) {
  ChildProcess::Options options;
  options.argv = std::move(argv);
  ChildProcess process(loop, options);
  const auto status = process.wait_for_exit();
  *out = process.stdout_text() + process.stderr_text();
  return status.value_or(ExitStatus{});
}

class ChatServerWeb : public ChatServerWebTest {
 protected:
  void start(int stage) { start_web(stage, "index.html", "viewer"); }
  std::string explain(const WsTestClient& client) const {
    return client.describe() + server_->describe();
  }
};

TEST_F(ChatServerWeb, FirstLineStaysListeningOnAndTheViewerLineFollows) {
  start(2);
  const std::string out = server_->process().stdout_text();
  EXPECT_EQ(out.rfind("listening on 127.0.0.1:", 0), 0u) << out;
  EXPECT_NE(out.find("\nviewer at http://127.0.0.1:" + std::to_string(web_port_) + "/\n"),
            std::string::npos)
      << out;
}

TEST_F(ChatServerWeb, AStage2ExchangeThroughTheBridgeIsByteExact) {
  start(2);
  const std::string message = "héllo wörld, 1 ≤ 2";
  {
    WsTestClient browser(loop_);
    ASSERT_TRUE(browser.open(web_port_)) << explain(browser);
    const std::string empty_history = encode_frame("0");
    const auto history = browser.read_binary(empty_history.size());
    ASSERT_TRUE(history.has_value()) << explain(browser);
    EXPECT_EQ(*history, empty_history) << describe_difference(empty_history, *history);
    ASSERT_TRUE(browser.send_binary(encode_frame(message)));
    const auto close = browser.read_until_close_frame();
    ASSERT_TRUE(close.has_value()) << explain(browser);
    EXPECT_EQ(close->close_code(), 1000) << close->describe();
    ASSERT_TRUE(browser.send_close(1000));
    EXPECT_EQ(browser.tcp().read_until_close(nullptr), PeerClose::kEof) << explain(browser);
  }
  {
    // The next viewer sees the message in the history, and asks for it again with `history`.
    WsTestClient browser(loop_);
    ASSERT_TRUE(browser.open(web_port_)) << explain(browser);
    const std::string expected = encode_frame("1") + encode_frame(message);
    const auto history = browser.read_binary(expected.size());
    ASSERT_TRUE(history.has_value()) << explain(browser);
    EXPECT_EQ(*history, expected) << describe_difference(expected, *history);
    ASSERT_TRUE(browser.send_binary(encode_frame("history")));
    std::string again;
    const auto close = browser.read_until_close_frame(&again);
    ASSERT_TRUE(close.has_value()) << explain(browser);
    EXPECT_EQ(again, expected) << describe_difference(expected, again);
    EXPECT_EQ(close->close_code(), 1000);
  }
  // A plain TCP client of the chat port sees the same history.
  TestClient client(loop_);
  ASSERT_TRUE(client.connect("127.0.0.1", server_->port()));
  std::string error;
  const auto history = read_history(client, &error);
  ASSERT_TRUE(history.has_value()) << error;
  EXPECT_EQ(history->items, std::vector<std::string>{message});
}

TEST_F(ChatServerWeb, AStage3PostIsAcknowledgedThroughTheBridge) {
  start(3);
  WsTestClient browser(loop_);
  ASSERT_TRUE(browser.open(web_port_)) << explain(browser);
  ASSERT_EQ(browser.read_binary(5), encode_frame("0")) << explain(browser);
  ASSERT_TRUE(browser.send_binary(encode_frame("<img src=x onerror=alert(1)>")));
  std::string ack;
  const auto close = browser.read_until_close_frame(&ack);
  ASSERT_TRUE(close.has_value()) << explain(browser);
  EXPECT_EQ(close->close_code(), 1000) << close->describe();
  ASSERT_GT(ack.size(), 4u) << "no acknowledgement frame\n" << explain(browser);
  const std::string post = ack.substr(4);
  EXPECT_EQ(read_frame_header(reinterpret_cast<const std::uint8_t*>(ack.data())), post.size());
  EXPECT_EQ(post.front(), '[') << post;
  const std::string tail = "] <img src=x onerror=alert(1)>";
  ASSERT_GE(post.size(), tail.size());
  EXPECT_EQ(post.substr(post.size() - tail.size()), tail)
      << "the stored post, byte for byte as sent through the bridge: " << post;
}

TEST_F(ChatServerWeb, ServesTheViewerAndDescribesTheStage) {
  start(2);
  WsTestClient client(loop_);
  ASSERT_TRUE(client.connect(web_port_));
  const auto page =
      client.request("GET / HTTP/1.1\r\nHost: localhost:" + std::to_string(web_port_) + "\r\n\r\n");
  ASSERT_TRUE(page.has_value()) << client.describe();
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->body, "<!doctype html><title>viewer</title>");
  const auto info = client.request("GET /bridge.json HTTP/1.1\r\nHost: localhost\r\n\r\n");
  ASSERT_TRUE(info.has_value()) << client.describe();
  // chat-server knows its own stage: the page may say "as the server reports".
  EXPECT_NE(info->body.find("\"stage\":2,\"stage_source\":\"server\""), std::string::npos)
      << info->body;
  EXPECT_NE(info->body.find("\"target\":\"127.0.0.1:" + std::to_string(server_->port()) + "\""),
            std::string::npos)
      << info->body;
}

TEST(ChatServerWebCli, BridgesOverLoopbackWhenTheChatPortListensOnEveryAddress) {
  TestLoop loop;
  TempDir dir;
  {
    ChildProcess::Options options;
    options.argv = {
        CHATKIT_SERVER_PATH, "--stage", "2", "--bind", "0.0.0.0", "--port", "0", "--web", "0",
        "--web-root",        dir.path()};
    ChildProcess server(loop, options);
    const auto chat_port = server.wait_for_listening_port();
    ASSERT_TRUE(chat_port.has_value()) << server.describe();
    const int port = viewer_port(server.wait_for_stdout_line("viewer at "));
    ASSERT_GT(port, 0) << server.describe();
    WsTestClient browser(loop);
    ASSERT_TRUE(browser.open(port)) << browser.describe() << server.describe();
    EXPECT_EQ(browser.read_binary(5), encode_frame("0")) << browser.describe();
    WsTestClient page(loop);
    ASSERT_TRUE(page.connect(port));
    const auto info = page.request("GET /bridge.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    ASSERT_TRUE(info.has_value()) << page.describe();
    EXPECT_NE(info->body.find("\"target\":\"127.0.0.1:" + std::to_string(*chat_port) + "\""),
              std::string::npos)
        << info->body;
    ASSERT_TRUE(browser.send_close(1000));
    ASSERT_TRUE(browser.read_until_close_frame().has_value()) << browser.describe();
    server.kill(SIGTERM);
    const auto status = server.wait_for_exit();
    ASSERT_TRUE(status.has_value()) << server.describe();
    EXPECT_EQ(status->exit_code, 0) << server.describe();
  }
  EXPECT_TRUE(loop.close());
}

TEST(ChatServerWebCli, ATakenWebPortStopsTheServerBeforeItsFirstLine) {
  TestLoop loop;
  {
    ScriptedServer occupant(loop);
    ASSERT_TRUE(occupant.listening());
    std::string out;
    const ExitStatus status = run(loop,
                                  {CHATKIT_SERVER_PATH, "--stage", "2", "--bind", "127.0.0.1",
                                   "--port", "0", "--web", std::to_string(occupant.port())},
                                  &out);
    EXPECT_EQ(status.exit_code, 1) << out;
    EXPECT_EQ(status.term_signal, 0) << out;
    EXPECT_EQ(out.find("listening on"), std::string::npos) << out;
    EXPECT_NE(out.find("web port"), std::string::npos) << out;
  }
  EXPECT_TRUE(loop.close());
}

TEST(ChatServerWebCli, ViewerOptionsNeedWebAndAreChecked) {
  TestLoop loop;
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--web-bind", "0.0.0.0"},
                                               {"--allow-origin", "http://teacher-pc:8080"},
                                               {"--web", "0", "--allow-origin", "teacher-pc:8080"},
                                               {"--web", "0", "--web-bind", "teacher-pc"},
                                               {"--web", "0", "--web-root", "/no/such/directory"},
                                               {"--web", "70000"}}) {
    std::vector<std::string> argv = {CHATKIT_SERVER_PATH, "--stage", "2", "--port", "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string out;
    EXPECT_EQ(run(loop, argv, &out).exit_code, 2) << args[0] << " " << args[1] << "\n" << out;
  }
  std::string help;
  EXPECT_EQ(run(loop, {CHATKIT_SERVER_PATH, "--help"}, &help).exit_code, 0);
  for (const char* option : {"--web", "--web-bind", "--allow-origin", "--web-root"}) {
    EXPECT_NE(help.find(option), std::string::npos) << option << " missing from:\n" << help;
  }
  EXPECT_TRUE(loop.close());
}

TEST(ChatBridge, RelaysToItsTargetAndStopsOnSigterm) {
  TestLoop loop;
  TempDir dir;
  {
    ScriptedServer target(loop);
    ASSERT_TRUE(target.listening());
    ChildProcess::Options options;
    options.argv = {CHATKIT_BRIDGE_PATH,
                    "--target",
                    "127.0.0.1:" + std::to_string(target.port()),
                    "--web",
                    "0",
                    "--web-root",
                    dir.path(),
                    "--stage",
                    "3"};
    ChildProcess bridge(loop, options);
    const int port = viewer_port(bridge.wait_for_stdout_line("viewer at "));
    ASSERT_GT(port, 0) << bridge.describe();
    EXPECT_EQ(bridge.stdout_text().rfind("viewer at ", 0), 0u) << "the first line names the URL";
    WsTestClient browser(loop);
    ASSERT_TRUE(browser.open(port)) << browser.describe() << bridge.describe();
    ScriptedConnection* chat = target.accept();
    ASSERT_NE(chat, nullptr) << bridge.describe();
    {
      // Told with --stage, not by the chat server: the page must not say "as the server reports".
      WsTestClient page(loop);
      ASSERT_TRUE(page.connect(port));
      const auto info = page.request("GET /bridge.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      ASSERT_TRUE(info.has_value()) << page.describe() << bridge.describe();
      EXPECT_NE(info->body.find("\"stage\":3,\"stage_source\":\"option\""), std::string::npos)
          << info->body;
    }
    ASSERT_TRUE(chat->send(encode_frame("0")));
    EXPECT_EQ(browser.read_binary(5), encode_frame("0")) << browser.describe();
    ASSERT_TRUE(browser.send_binary(encode_frame("Hi")));
    EXPECT_EQ(chat->read_exact(6), encode_frame("Hi"));
    bridge.kill(SIGTERM);
    const auto close = browser.read_until_close_frame();
    ASSERT_TRUE(close.has_value()) << browser.describe() << bridge.describe();
    EXPECT_EQ(close->close_code(), 1001) << close->describe();
    ASSERT_TRUE(browser.send_close(1001));
    EXPECT_EQ(chat->read_until_close(nullptr), PeerClose::kEof);
    const auto status = bridge.wait_for_exit();
    ASSERT_TRUE(status.has_value()) << bridge.describe();
    EXPECT_EQ(status->exit_code, 0) << bridge.describe();
  }
  EXPECT_TRUE(loop.close());
}

TEST(ChatBridge, UsageErrorsExitTwo) {
  TestLoop loop;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--web", "0"},
        {"--target", "10000"},
        {"--target", "127.0.0.1:10000", "--web", "-1"},
        {"--target", "127.0.0.1:10000", "--allow-origin", "null"}}) {
    std::vector<std::string> argv = {CHATKIT_BRIDGE_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string out;
    EXPECT_EQ(run(loop, argv, &out).exit_code, 2) << args[0] << "\n" << out;
    EXPECT_FALSE(out.empty());
  }
  EXPECT_TRUE(loop.close());
}

TEST(ChatBridge, UsageErrorsNameTheProgramAndPointToHelp) {
  struct Case {
    std::vector<std::string> args;
    std::string names;  // What the error must mention.
  };
  TestLoop loop;
  for (const Case& c :
       {Case{{"--target", "127.0.0.1:10000", "--stage", "4"}, "--stage"},
        Case{{"--web", "0"}, "--target"},
        Case{{"--target", "127.0.0.1:10000", "--no-such-option"}, "--no-such-option"}}) {
    ChildProcess::Options options;
    options.argv = {CHATKIT_BRIDGE_PATH};
    options.argv.insert(options.argv.end(), c.args.begin(), c.args.end());
    ChildProcess bridge(loop, options);
    const auto status = bridge.wait_for_exit();
    ASSERT_TRUE(status.has_value()) << bridge.describe();
    EXPECT_EQ(status->exit_code, 2) << bridge.describe();
    const std::string err = bridge.stderr_text();
    // The problem on one line that names the program, then where to read more (as chat-client).
    EXPECT_EQ(err.rfind("chat-bridge: ", 0), 0u)
        << "expected stderr to start with \"chat-bridge: \", got:\n"
        << err;
    EXPECT_NE(err.find(c.names), std::string::npos)
        << "expected the error to name " << c.names << ", got:\n"
        << err;
    const std::string help = "\nRun with --help for more information.\n";
    ASSERT_GE(err.size(), help.size()) << err;
    EXPECT_EQ(err.substr(err.size() - help.size()), help)
        << "expected the last line to point to --help, got:\n"
        << err;
    EXPECT_EQ(err.find('\n'), err.size() - help.size()) << "expected the error on one line, got:\n"
                                                        << err;
    EXPECT_EQ(bridge.stdout_text(), "") << "usage errors go to stderr only";
  }
  EXPECT_TRUE(loop.close());
}

}  // namespace
}  // namespace chatkit::testing
