// The bridge's HTTP side: static files with their MIME types and security headers, refusals,
// traversal, keep-alive and pipelining, timeouts, /bridge.json, and the upgrade's refusals.
#include <gtest/gtest.h>

#include <string>

#include "bridge/http_response.h"
#include "harness/scripted_server.h"
#include "harness/temp_dir.h"
#include "tests/bridge/bridge_harness.h"
#include "tests/bridge/ws_test_client.h"

#ifndef _WIN32
#include <unistd.h>  // symlink(), for the one test that needs a symbolic link
#endif

namespace chatkit::testing {
namespace {

std::string get(const std::string& path, int port, const std::string& extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n" + extra +
         "\r\n";
}

class BridgeHttp : public ::testing::Test {
 protected:
  void SetUp() override {
    // The web root holds the viewer's files; a secret sits next to it, outside.
    ASSERT_TRUE(write_file(dir_.file("secret.txt"), "TOP SECRET"));
    root_ = dir_.file("www");
    ASSERT_EQ(uv_fs_mkdir(nullptr, &req_, root_.c_str(), 0755, nullptr), 0);
    uv_fs_req_cleanup(&req_);
    ASSERT_EQ(uv_fs_mkdir(nullptr, &req_, (root_ + "/sub").c_str(), 0755, nullptr), 0);
    uv_fs_req_cleanup(&req_);
    files_ = {{"index.html", "<!doctype html><title>viewer</title>"},
              {"viewer.js", "console.log('hi');"},
              {"viewer.css", "body { color: black; }"},
              {"chatkit_wasm.js", "var Module = {};"},
              {"chatkit_wasm.wasm", std::string("\0asm\x01\0\0\0", 8)},
              {"docs.png", std::string("\x89PNG\r\n\x1a\n", 8)},
              {"sub/index.html", "<p>sub</p>"},
              {".hidden", "no"}};
    for (const auto& [name, contents] : files_)
      ASSERT_TRUE(write_file(root_ + "/" + name, contents));
    ASSERT_TRUE(target_.listening());
    bridge_ = std::make_unique<BridgeUnderTest>(loop_, target_.port(), test_bridge_options(root_));
    ASSERT_TRUE(bridge_->started()) << bridge_->describe();
  }
  std::optional<HttpReply> fetch(const std::string& raw, bool head_only = false) {
    client_ = std::make_unique<WsTestClient>(loop_);
    if (!client_->connect(bridge_->port())) return std::nullopt;
    return client_->request(raw, head_only);
  }
  int port() const { return bridge_->port(); }

  TempDir dir_;
  uv_fs_t req_{};
  std::string root_;
  std::vector<std::pair<std::string, std::string>> files_;
  TestLoop loop_;
  ScriptedServer target_{loop_};
  std::unique_ptr<BridgeUnderTest> bridge_;
  std::unique_ptr<WsTestClient> client_;
};

TEST_F(BridgeHttp, ServesTheViewersFilesWithTheirMimeTypesAndSecurityHeaders) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"/", "text/html; charset=utf-8"},
      {"/viewer.js", "text/javascript; charset=utf-8"},
      {"/viewer.css", "text/css; charset=utf-8"},
      {"/chatkit_wasm.js", "text/javascript; charset=utf-8"},
      {"/chatkit_wasm.wasm", "application/wasm"},
      {"/docs.png", "image/png"},
      {"/sub/", "text/html; charset=utf-8"},
  };
  for (const auto& [path, type] : expected) {
    const auto reply = fetch(get(path, port()));
    ASSERT_TRUE(reply.has_value()) << client_->describe() << bridge_->describe();
    EXPECT_EQ(reply->status, 200) << path << "\n" << reply->head << reply->body;
    EXPECT_EQ(reply->header("content-type"), type) << path;
    EXPECT_EQ(reply->header("cache-control"), "no-store") << path;
    EXPECT_EQ(reply->header("x-content-type-options"), "nosniff") << path;
    EXPECT_EQ(reply->header("content-security-policy"), kContentSecurityPolicy) << path;
    const std::string file = path == "/"       ? "index.html"
                             : path == "/sub/" ? "sub/index.html"
                                               : path.substr(1);
    for (const auto& [name, contents] : files_) {
      if (name == file) {
        EXPECT_EQ(reply->body, contents) << path;
      }
    }
  }
}

TEST_F(BridgeHttp, HeadAnswersHeadersOnlyAndTheConnectionStaysUsable) {
  std::string head = get("/viewer.js", port());
  head.replace(0, 3, "HEAD");
  const auto reply = fetch(head, /*head_only=*/true);
  ASSERT_TRUE(reply.has_value()) << client_->describe();
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("content-length"), "18");
  // Had the bridge sent the body anyway, it would now be read as the next response.
  const auto next = client_->request(get("/viewer.css", port()));
  ASSERT_TRUE(next.has_value()) << client_->describe();
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, "body { color: black; }");
}

TEST_F(BridgeHttp, KeepsTheConnectionAliveAndAnswersPipelinedRequestsInOrder) {
  client_ = std::make_unique<WsTestClient>(loop_);
  ASSERT_TRUE(client_->connect(port()));
  std::string head_request = get("/chatkit_wasm.wasm", port());
  head_request.replace(0, 3, "HEAD");
  const auto first =
      client_->request(get("/viewer.css", port()) + head_request + get("/index.html", port()));
  ASSERT_TRUE(first.has_value()) << client_->describe();
  EXPECT_EQ(first->body, "body { color: black; }");
  const auto second = client_->read_reply(/*head_only=*/true);
  ASSERT_TRUE(second.has_value()) << client_->describe();
  EXPECT_EQ(second->header("content-type"), "application/wasm");
  EXPECT_EQ(second->header("content-length"), "8") << "HEAD tells the length of the body";
  const auto third = client_->read_reply();
  ASSERT_TRUE(third.has_value()) << client_->describe() << bridge_->describe();
  EXPECT_EQ(third->body, "<!doctype html><title>viewer</title>");
  // Connection: close is honoured.
  const auto last = client_->request(get("/viewer.js", port(), "Connection: close\r\n"));
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->header("connection"), "close");
  EXPECT_EQ(client_->tcp().read_until_close(nullptr), PeerClose::kEof);
}

TEST_F(BridgeHttp, RefusesTraversalInEveryEncodingAndNeverShowsTheSecret) {
  for (const char* path : {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
                           "/sub/../../secret.txt", "/sub/%2e%2e/%2e%2e/secret.txt",
                           "/..%5csecret.txt", "/.%2e/secret.txt", "//secret.txt", "/.hidden"}) {
    const auto reply = fetch(get(path, port()));
    ASSERT_TRUE(reply.has_value()) << path << "\n" << client_->describe();
    EXPECT_EQ(reply->status, 400) << path << "\n" << reply->head << reply->body;
    EXPECT_EQ(reply->body.find("TOP SECRET"), std::string::npos) << path;
  }
}

#ifndef _WIN32
TEST_F(BridgeHttp, SymbolicLinksLeadingOutOfTheRootAreNotFound) {
  ASSERT_EQ(symlink(dir_.file("secret.txt").c_str(), (root_ + "/link.txt").c_str()), 0);
  ASSERT_EQ(symlink(dir_.path().c_str(), (root_ + "/up").c_str()), 0);
  for (const char* path : {"/link.txt", "/up/secret.txt"}) {
    const auto reply = fetch(get(path, port()));
    ASSERT_TRUE(reply.has_value()) << client_->describe();
    EXPECT_EQ(reply->status, 404) << path << "\n" << reply->head << reply->body;
    EXPECT_EQ(reply->body.find("TOP SECRET"), std::string::npos) << path;
  }
}
#endif

TEST_F(BridgeHttp, AnswersMissingFilesDirectoriesAndOtherMethodsWithTheRightStatus) {
  const auto missing = fetch(get("/nope.js", port()));
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 404) << missing->body;
  const auto directory = fetch(get("/sub", port()));
  ASSERT_TRUE(directory.has_value());
  EXPECT_EQ(directory->status, 404) << "a directory is not a file:\n" << directory->body;
  const auto post = fetch("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(post.has_value());
  EXPECT_EQ(post->status, 405) << post->body;
  EXPECT_EQ(post->header("allow"), "GET, HEAD");
  const auto body = fetch("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello");
  ASSERT_TRUE(body.has_value());
  EXPECT_EQ(body->status, 413) << body->body;
  const auto no_host = fetch("GET / HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(no_host.has_value());
  EXPECT_EQ(no_host->status, 400) << no_host->body;
  const auto foreign = fetch("GET / HTTP/1.1\r\nHost: evil.example:8080\r\n\r\n");
  ASSERT_TRUE(foreign.has_value());
  EXPECT_EQ(foreign->status, 403) << foreign->body;
  const auto huge = fetch(get("/", port(), "X-Big: " + std::string(20000, 'a') + "\r\n"));
  ASSERT_TRUE(huge.has_value()) << client_->describe();
  EXPECT_EQ(huge->status, 431) << huge->body;
}

TEST_F(BridgeHttp, ASlowRequestHeadGets408AndAnIdleConnectionIsClosed) {
  auto options = test_bridge_options(root_);
  options.request_timeout = milliseconds(200);
  options.keep_alive_timeout = milliseconds(200);
  BridgeUnderTest bridge(loop_, target_.port(), options);
  ASSERT_TRUE(bridge.started());
  WsTestClient slow(loop_);
  ASSERT_TRUE(slow.connect(bridge.port()));
  ASSERT_TRUE(slow.send_raw("GET / HTTP/1.1\r\nHost: 127"));
  const auto reply = slow.read_reply();
  ASSERT_TRUE(reply.has_value()) << slow.describe();
  EXPECT_EQ(reply->status, 408);
  EXPECT_EQ(slow.tcp().read_until_close(nullptr), PeerClose::kEof);
  // A connection that says nothing, or nothing more after a response, is closed quietly.
  WsTestClient idle(loop_);
  ASSERT_TRUE(idle.connect(bridge.port()));
  std::string bytes;
  EXPECT_EQ(idle.tcp().read_until_close(&bytes), PeerClose::kEof);
  EXPECT_EQ(bytes, "");
  WsTestClient kept(loop_);
  ASSERT_TRUE(kept.connect(bridge.port()));
  ASSERT_TRUE(kept.request(get("/viewer.js", bridge.port())).has_value()) << kept.describe();
  EXPECT_EQ(kept.tcp().read_until_close(nullptr), PeerClose::kEof);
}

TEST_F(BridgeHttp, DescribesItselfAtBridgeJson) {
  const auto reply = fetch(get("/bridge.json", port()));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("content-type"), "application/json");
  EXPECT_EQ(reply->body,
            "{\"websocket\":\"/ws\",\"target\":\"127.0.0.1:" + std::to_string(target_.port()) +
                "\",\"stage\":null,\"stage_source\":null,\"max_message_bytes\":1048580}\n");
}

TEST_F(BridgeHttp, BridgeJsonSaysWhereTheStageCameFrom) {
  struct Case {
    WebBridgeOptions::StageSource source;
    std::string json;
  };
  for (const Case& c :
       {Case{WebBridgeOptions::StageSource::kChatServer, "\"stage\":2,\"stage_source\":\"server\""},
        Case{WebBridgeOptions::StageSource::kBridgeOption,
             "\"stage\":2,\"stage_source\":\"option\""}}) {
    WebBridgeOptions options = test_bridge_options(dir_.path());
    options.stage = 2;
    options.stage_source = c.source;
    BridgeUnderTest bridge(loop_, target_.port(), options);
    ASSERT_TRUE(bridge.started()) << bridge.describe();
    WsTestClient client(loop_);
    ASSERT_TRUE(client.connect(bridge.port()));
    const auto reply = client.request(get("/bridge.json", bridge.port()));
    ASSERT_TRUE(reply.has_value()) << client.describe() << bridge.describe();
    EXPECT_NE(reply->body.find(c.json), std::string::npos)
        << "expected /bridge.json to contain " << c.json << ", got " << reply->body;
  }
}

TEST_F(BridgeHttp, SaysTheViewerIsNotBuiltWhenTheRootIsMissing) {
  BridgeUnderTest bridge(loop_, target_.port(), test_bridge_options(dir_.file("not-built")));
  ASSERT_TRUE(bridge.started());
  WsTestClient client(loop_);
  ASSERT_TRUE(client.connect(bridge.port()));
  const auto reply = client.request(get("/", bridge.port()));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 404);
  EXPECT_NE(reply->body.find("not built"), std::string::npos) << reply->body;
}

TEST_F(BridgeHttp, RefusesMalformedUpgradesWithTheRightStatus) {
  struct Case {
    std::string request;
    int status;
  };
  client_ = std::make_unique<WsTestClient>(loop_);
  const std::vector<Case> cases = {
      {get("/ws", port()), 426},  // A plain GET at /ws.
      {client_->upgrade_request(port(), "/ws", {"Sec-WebSocket-Version: 8"}), 426},
      {client_->upgrade_request(port(), "/ws", {"-Sec-WebSocket-Key"}), 400},
      {client_->upgrade_request(port(), "/ws", {"Connection: keep-alive"}), 400},
      {client_->upgrade_request(port(), "/chat"), 404},
  };
  for (const Case& c : cases) {
    const auto reply = fetch(c.request);
    ASSERT_TRUE(reply.has_value()) << client_->describe();
    EXPECT_EQ(reply->status, c.status) << c.request << "\n" << reply->head << reply->body;
    if (c.status == 426 && c.request.find("Version: 8") != std::string::npos) {
      EXPECT_EQ(reply->header("sec-websocket-version"), "13");
    }
  }
  loop_.run_for(milliseconds(50));
  EXPECT_EQ(target_.connections_accepted(), 0u);
}

TEST_F(BridgeHttp, RefusesConnectionsBeyondTheLimitWith503) {
  auto options = test_bridge_options(root_);
  options.max_connections = 1;
  BridgeUnderTest bridge(loop_, target_.port(), options);
  ASSERT_TRUE(bridge.started());
  WsTestClient first(loop_);
  ASSERT_TRUE(first.connect(bridge.port()));
  ASSERT_TRUE(loop_.run_until([&] { return bridge.bridge().stats().connections_accepted == 1; }));
  WsTestClient second(loop_);
  ASSERT_TRUE(second.connect(bridge.port()));
  const auto reply = second.read_reply();
  ASSERT_TRUE(reply.has_value()) << second.describe();
  EXPECT_EQ(reply->status, 503);
}

}  // namespace
}  // namespace chatkit::testing
