// Who may open the class view: anyone on loopback; beyond it, only with the token chat-server
// prints at start. The rest of the viewer stays open to students. And without --web there is
// no class view at all.
#include <gtest/gtest.h>

#include <csignal>
#include <regex>
#include <string>

#include "harness/child_process.h"
#include "harness/temp_dir.h"
#include "tests/bridge/chat_server_web.h"
#include "tests/bridge/class_view_page.h"
#include "tests/integration/server_harness.h"

namespace chatkit::testing {
namespace {

struct WebServer {
  std::unique_ptr<ChildProcess> process;
  int web_port = 0;
  std::string class_line;  // "class view at http://..."
};

// chat-server --web 0 with `extra` arguments, serving `dir` (which holds class.html).
WebServer start_web_server(TestLoop& loop, const TempDir& dir, std::vector<std::string> extra) {
  WebServer server;
  ChildProcess::Options options;
  options.argv = {
      CHATKIT_SERVER_PATH, "--stage", "2", "--bind", "127.0.0.1", "--port", "0", "--web", "0",
      "--web-root",        dir.path()};
  options.argv.insert(options.argv.end(), extra.begin(), extra.end());
  server.process = std::make_unique<ChildProcess>(loop, options);
  server.web_port = viewer_port(server.process->wait_for_stdout_line("viewer at "));
  server.class_line = server.process->wait_for_stdout_line("class view at ").value_or("");
  return server;
}

// One GET on a fresh connection; the reply or nullopt.
std::optional<HttpReply> get(TestLoop& loop, int port, const std::string& target) {
  WsTestClient client(loop);
  if (!client.connect(port)) return std::nullopt;
  return client.request("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nConnection: close\r\n\r\n");
}

// A WebSocket upgrade at `target`; the reply's status, or 0.
int upgrade(TestLoop& loop, int port, const std::string& target) {
  WsTestClient client(loop);
  if (!client.connect(port)) return 0;
  const std::optional<HttpReply> reply = client.request(client.upgrade_request(port, target));
  return reply ? reply->status : 0;
}

void stop(WebServer& server) {
  server.process->kill(SIGTERM);
  const auto status = server.process->wait_for_exit();
  ASSERT_TRUE(status.has_value()) << server.process->describe();
  EXPECT_EQ(status->exit_code, 0) << server.process->describe();
}

TEST(ClassViewAccess, BeyondLoopbackThePageAndTheFeedNeedTheTokenPrintedAtStart) {
  TestLoop loop;
  TempDir dir;
  ASSERT_TRUE(write_file(dir.file("class.html"), "<!doctype html><title>class</title>"));
  ASSERT_TRUE(write_file(dir.file("index.html"), "<!doctype html><title>viewer</title>"));
  {
    WebServer server = start_web_server(loop, dir, {"--web-bind", "0.0.0.0"});
    ASSERT_GT(server.web_port, 0) << server.process->describe();
    const std::regex line("class view at http://127\\.0\\.0\\.1:" +
                          std::to_string(server.web_port) + "/class\\?token=([0-9a-f]{32})");
    std::smatch match;
    ASSERT_TRUE(std::regex_match(server.class_line, match, line))
        << "got \"" << server.class_line << "\"\n"
        << server.process->describe();
    const std::string token = match[1];
    const int port = server.web_port;

    const std::vector<std::string> refused_targets = {"/class",
                                                      "/class.html",
                                                      "/class?token=" + std::string(32, '0'),
                                                      "/class?token=",
                                                      "/class?token=" + token.substr(0, 31),
                                                      "/class?token=" + token + "0"};
    for (const std::string& target : refused_targets) {
      const std::optional<HttpReply> refused = get(loop, port, target);
      ASSERT_TRUE(refused.has_value()) << target;
      EXPECT_EQ(refused->status, 403) << target << "\n" << refused->head << refused->body;
      EXPECT_NE(refused->body.find("needs the token that chat-server printed"), std::string::npos)
          << refused->body;
      EXPECT_EQ(refused->body.find(token), std::string::npos) << "the refusal shows the token";
    }
    EXPECT_EQ(upgrade(loop, port, "/class/ws"), 403);
    EXPECT_EQ(upgrade(loop, port, "/class/ws?token=" + std::string(32, 'f')), 403);
    {  // The token does not lift the Origin rule: another site's page is refused.
      WsTestClient other(loop);
      ASSERT_TRUE(other.connect(port));
      const std::optional<HttpReply> reply = other.request(
          other.upgrade_request(port, "/class/ws?token=" + token, {"Origin: http://evil.example"}));
      ASSERT_TRUE(reply.has_value()) << other.describe();
      EXPECT_EQ(reply->status, 403) << reply->head << reply->body;
    }

    const std::optional<HttpReply> page = get(loop, port, "/class?token=" + token);
    ASSERT_TRUE(page.has_value());
    EXPECT_EQ(page->status, 200) << page->head << page->body;
    EXPECT_EQ(page->body, "<!doctype html><title>class</title>");
    ClassPage feed(loop);
    ASSERT_TRUE(feed.open(port, token)) << feed.describe() << server.process->describe();
    EXPECT_EQ(feed.hello()["type"], "hello");
    ASSERT_TRUE(feed.ws().send_close(1000));
    EXPECT_TRUE(feed.ws().read_until_close_frame().has_value()) << feed.describe();

    // The viewer itself stays open to students, and so does its relay.
    const std::optional<HttpReply> viewer = get(loop, port, "/");
    ASSERT_TRUE(viewer.has_value());
    EXPECT_EQ(viewer->status, 200);
    EXPECT_EQ(upgrade(loop, port, "/ws"), 101);
    stop(server);
  }
  EXPECT_TRUE(loop.close());
}

TEST(ClassViewAccess, OnLoopbackThePageAndTheFeedJustOpen) {
  TestLoop loop;
  TempDir dir;
  ASSERT_TRUE(write_file(dir.file("class.html"), "<!doctype html><title>class</title>"));
  {
    WebServer server = start_web_server(loop, dir, {});
    ASSERT_GT(server.web_port, 0) << server.process->describe();
    EXPECT_EQ(server.class_line,
              "class view at http://127.0.0.1:" + std::to_string(server.web_port) + "/class");
    const std::optional<HttpReply> page = get(loop, server.web_port, "/class");
    ASSERT_TRUE(page.has_value());
    EXPECT_EQ(page->status, 200) << page->head << page->body;
    ClassPage feed(loop);
    ASSERT_TRUE(feed.open(server.web_port)) << feed.describe() << server.process->describe();
    ASSERT_TRUE(feed.ws().send_close(1000));
    EXPECT_TRUE(feed.ws().read_until_close_frame().has_value()) << feed.describe();
    stop(server);
  }
  EXPECT_TRUE(loop.close());
}

TEST(ClassViewAccess, ItsOptionsNeedWeb) {
  TestLoop loop;
  TempDir dir;
  for (const char* option : {"--class-connections", "--class-bytes"}) {
    const ProgramRun run = run_to_completion(
        loop, {CHATKIT_SERVER_PATH, "--stage", "2", "--port", "0", option, "5"}, dir.path());
    EXPECT_EQ(run.status.exit_code, 2) << run.command << "\n" << run.out << run.err;
    EXPECT_NE(run.err.find("--web"), std::string::npos) << run.err;
  }
  EXPECT_TRUE(loop.close());
}

}  // namespace
}  // namespace chatkit::testing
