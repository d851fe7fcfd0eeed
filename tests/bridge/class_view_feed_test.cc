// The class view's feed on a real chat-server --web: clients of every kind against the chat
// port, and what a page at /class/ws is told about each (end, diagnosis, bytes, bounds).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>

#include "harness/temp_dir.h"
#include "harness/test_client.h"
#include "kit/diagnostics/byte_dump.h"
#include "kit/framing/frame_codec.h"
#include "tests/bridge/chat_server_web.h"
#include "tests/bridge/class_view_page.h"
#include "tests/integration/server_harness.h"

namespace chatkit::testing {
namespace {

class ClassViewFeed : public ChatServerWebTest {
 protected:
  void start(int stage, std::vector<std::string> extra) {
    start_web(stage, "class.html", "class", std::move(extra));
  }
  std::string explain(const ClassPage& page) const { return page.describe() + server_->describe(); }
};

// Checks what the page shows of connection `id`: how it ended, the diagnosis, the bytes.
void expect_connection(const ClassPage& page, std::uint64_t id, const std::string& end,
                       const std::string& mistake, const std::string& in, const std::string& out) {
  const PageConnection* c = page.find(id);
  ASSERT_NE(c, nullptr) << "connection " << id << " not on the page\n" << page.describe();
  EXPECT_EQ(c->end(), end) << "connection " << id << ": " << c->conn.dump();
  EXPECT_EQ(c->mistake(), mistake) << "connection " << id << ": " << c->conn.dump();
  EXPECT_EQ(c->in, in) << "connection " << id << ", client bytes:\n"
                       << describe_difference(in, c->in) << c->conn.dump();
  EXPECT_EQ(c->out, out) << "connection " << id << ", server bytes:\n"
                         << describe_difference(out, c->out) << c->conn.dump();
  EXPECT_EQ(c->conn["in_total"], in.size()) << c->conn.dump();
  EXPECT_EQ(c->conn["out_total"], out.size()) << c->conn.dump();
  EXPECT_FALSE(c->conn["closed"].is_null()) << c->conn.dump();
}

TEST_F(ClassViewFeed, ABurstOfClientsIsShownWithHowEachEndedItsDiagnosisAndItsBytes) {
  // One client at a time (--max-connections 1), so that the last one is refused.
  start(2, {"--max-connections", "1", "--idle-timeout", "1", "--frame-timeout", "1"});
  ClassPage page(loop_);
  ASSERT_TRUE(page.open(web_port_)) << explain(page);
  EXPECT_EQ(page.hello()["stage"], 2);
  EXPECT_EQ(page.hello()["max_connections"], 200);
  EXPECT_EQ(page.hello()["max_bytes"], 16384);
  EXPECT_TRUE(page.hello()["connections"].empty()) << page.hello().dump();
  const std::string count0 = encode_frame("0");

  {  // 1: correct. Its message is posted, and the server closes after it.
    TestClient client(loop_);
    ASSERT_TRUE(client.connect("127.0.0.1", server_->port()));
    ASSERT_EQ(client.read_frame(), "0");
    ASSERT_TRUE(client.send_frame("hi"));
    EXPECT_EQ(client.read_until_close(nullptr), PeerClose::kEof);
  }
  ASSERT_TRUE(page.wait_for_end(1)) << explain(page);
  expect_connection(page, 1, "close", "", encode_frame("hi"), count0);
  EXPECT_EQ(page.find(1)->conn["posts"], nlohmann::json::array({"hi"}));
  EXPECT_TRUE(page.find(1)->conn["error"].is_null());

  const std::string history1 = encode_frame("1") + encode_frame("hi");
  {  // 2: the length little-endian.
    TestClient client(loop_);
    ASSERT_TRUE(client.connect("127.0.0.1", server_->port()));
    ASSERT_TRUE(client.read_exact(history1.size()).has_value());
    ASSERT_TRUE(client.send(std::string("\x05\x00\x00\x00hello", 9)));
    client.read_until_close(nullptr);
  }
  ASSERT_TRUE(page.wait_for_end(2)) << explain(page);
  expect_connection(page, 2, "protocol error", "little-endian-length",
                    std::string("\x05\x00\x00\x00hello", 9), history1);
  EXPECT_TRUE(page.find(2)->conn["error"].is_string()) << page.find(2)->conn.dump();
  EXPECT_TRUE(page.find(2)->conn["posts"].empty());

  {  // 3: cut short in the payload, then FIN.
    TestClient client(loop_);
    ASSERT_TRUE(client.connect("127.0.0.1", server_->port()));
    ASSERT_TRUE(client.read_exact(history1.size()).has_value());
    ASSERT_TRUE(
        client.send(std::string("\x00\x00\x00\x0a"
                                "abc",
                                7)));
    ASSERT_TRUE(client.shutdown_write());
    client.read_until_close(nullptr);
  }
  ASSERT_TRUE(page.wait_for_end(3)) << explain(page);
  expect_connection(page, 3, "protocol error", "cut-short-in-payload",
                    std::string("\x00\x00\x00\x0a"
                                "abc",
                                7),
                    history1);

  {  // 4: never sends anything, and holds the only slot; 5 is refused meanwhile.
    TestClient silent(loop_);
    ASSERT_TRUE(silent.connect("127.0.0.1", server_->port()));
    ASSERT_TRUE(silent.read_exact(history1.size()).has_value());
    ASSERT_TRUE(page.wait_until([&] { return page.find(4) != nullptr; })) << explain(page);
    TestClient refused(loop_);
    // The reset can beat the connect's own completion on loopback: refused all the same.
    if (refused.connect("127.0.0.1", server_->port())) {
      EXPECT_EQ(refused.read_until_close(nullptr), PeerClose::kReset);
    }
    ASSERT_TRUE(page.wait_for_end(5)) << explain(page);
    EXPECT_EQ(silent.read_until_close(nullptr), PeerClose::kEof);
  }
  ASSERT_TRUE(page.wait_for_end(4)) << explain(page);
  expect_connection(page, 4, "idle timeout", "silent", "", history1);
  expect_connection(page, 5, "refused", "", "", "");
  EXPECT_EQ(page.find(5)->conn["peer"].get<std::string>().rfind("127.0.0.1:", 0), 0u);
  EXPECT_TRUE(page.problems().empty()) << explain(page);

  // A page opened now gets all five at once, oldest first, with all their bytes.
  ClassPage late(loop_, 8);
  ASSERT_TRUE(late.open(web_port_)) << explain(late);
  ASSERT_EQ(late.hello()["connections"].size(), 5u) << late.hello().dump();
  for (std::uint64_t id = 1; id <= 5; ++id) {
    EXPECT_EQ(late.hello()["connections"][id - 1]["id"], id);
    EXPECT_EQ(late.find(id)->in, page.find(id)->in) << id;
    EXPECT_EQ(late.find(id)->out, page.find(id)->out) << id;
    EXPECT_EQ(late.find(id)->mistake(), page.find(id)->mistake()) << id;
  }
  EXPECT_TRUE(late.problems().empty()) << explain(late);
}

TEST_F(ClassViewFeed, KeepsTheLastNConnectionsAndTheFirstMBytesAndSaysWhichItDropped) {
  start(2, {"--class-connections", "3", "--class-bytes", "8"});
  ClassPage page(loop_);
  ASSERT_TRUE(page.open(web_port_)) << explain(page);
  EXPECT_EQ(page.hello()["max_connections"], 3);
  EXPECT_EQ(page.hello()["max_bytes"], 8);
  const std::string message = "0123456789abcdef";  // 20 bytes framed: more than 8 are sent.
  std::uint64_t history_bytes = 0;
  for (int i = 0; i < 5; ++i) {
    TestClient client(loop_);
    ASSERT_TRUE(client.connect("127.0.0.1", server_->port()));
    std::string error;
    ASSERT_TRUE(read_history(client, &error).has_value()) << error;
    if (i == 4) history_bytes = client.received_total().size();
    ASSERT_TRUE(client.send_frame(message));
    EXPECT_EQ(client.read_until_close(nullptr), PeerClose::kEof);
    // The page sees each one (a connection that comes and goes between two updates, and is
    // evicted before the second, is never shown, so it is never announced as dropped either).
    ASSERT_TRUE(page.wait_for_end(static_cast<std::uint64_t>(i + 1))) << explain(page);
  }
  ASSERT_TRUE(page.wait_until([&] { return page.dropped().size() == 2; })) << explain(page);
  EXPECT_EQ(page.dropped(), (std::vector<std::uint64_t>{1, 2}));
  ASSERT_EQ(page.connections().size(), 3u) << explain(page);
  for (const auto& [id, c] : page.connections()) {
    EXPECT_GE(id, 3u);
    EXPECT_EQ(c.conn["in_total"], 20) << c.conn.dump();
    EXPECT_EQ(c.conn["in_kept"], 8) << c.conn.dump();
    EXPECT_EQ(c.in, encode_frame(message).substr(0, 8)) << hex_dump(c.in);
    EXPECT_EQ(c.conn["out_kept"], std::min<std::uint64_t>(8, c.conn["out_total"]));
    EXPECT_EQ(c.conn["posts"], nlohmann::json::array({"01234567"})) << c.conn.dump();
  }
  EXPECT_EQ(page.find(5)->conn["out_total"], history_bytes);
  EXPECT_TRUE(page.problems().empty()) << explain(page);

  // A page that asks for a connection's bytes gets every kept byte of both ways.
  const std::optional<nlohmann::json> bytes = page.ask_bytes(4);
  ASSERT_TRUE(bytes.has_value()) << explain(page);
  EXPECT_EQ(decode_base64((*bytes)["in"]), encode_frame(message).substr(0, 8));
  EXPECT_EQ(decode_base64((*bytes)["out"]).value_or("").size(), 8u);
  // One no longer kept is answered as dropped.
  ASSERT_TRUE(page.ws().send_frame(kWsText, R"({"type":"bytes","id":1})"));
  ASSERT_TRUE(page.wait_until([&] { return page.dropped().size() == 3; })) << explain(page);
  EXPECT_EQ(page.dropped().back(), 1u) << explain(page);

  ClassPage late(loop_, 8);
  ASSERT_TRUE(late.open(web_port_)) << explain(late);
  ASSERT_EQ(late.hello()["connections"].size(), 3u) << late.hello().dump();
  EXPECT_EQ(late.hello()["connections"][0]["id"], 3);
  EXPECT_EQ(late.hello()["connections"][2]["id"], 5);
}

TEST_F(ClassViewFeed, Stage3PostsAreShownAndAClientsResetIsOneToo) {
  start(3, {});
  ClassPage page(loop_);
  ASSERT_TRUE(page.open(web_port_)) << explain(page);
  EXPECT_EQ(page.hello()["stage"], 3);
  {  // 1: a post, stored and acknowledged.
    TestClient client(loop_);
    ASSERT_TRUE(client.connect("127.0.0.1", server_->port()));
    ASSERT_EQ(client.read_frame(), "0");
    ASSERT_TRUE(client.send_frame("stored"));
    ASSERT_TRUE(client.read_frame().has_value()) << client.last_error();
    EXPECT_EQ(client.read_until_close(nullptr), PeerClose::kEof);
  }
  ASSERT_TRUE(page.wait_for_end(1)) << explain(page);
  const PageConnection& posted = *page.find(1);
  EXPECT_EQ(posted.end(), "close");
  EXPECT_EQ(posted.conn["posts"], nlohmann::json::array({"stored"}));
  EXPECT_EQ(posted.in, encode_frame("stored"));
  EXPECT_EQ(posted.mistake(), "");
  {  // 2: half a frame, then a reset.
    TestClient client(loop_);
    ASSERT_TRUE(client.connect("127.0.0.1", server_->port()));
    ASSERT_TRUE(client.read_frame().has_value());
    ASSERT_TRUE(
        client.send(std::string("\x00\x00\x00\x08"
                                "half",
                                8)));
    ASSERT_TRUE(page.wait_until([&] {
      const PageConnection* c = page.find(2);
      return c != nullptr && c->conn["in_total"] == 8;
    })) << explain(page);
    client.reset();
  }
  ASSERT_TRUE(page.wait_for_end(2)) << explain(page);
  EXPECT_EQ(page.find(2)->end(), "reset");
  EXPECT_EQ(page.find(2)->mistake(), "cut-short-in-payload") << page.find(2)->conn.dump();
  EXPECT_TRUE(page.find(2)->conn["posts"].empty());
  EXPECT_TRUE(page.problems().empty()) << explain(page);
}

TEST_F(ClassViewFeed, IsReadOnlyAPageThatSendsAnythingButABytesRequestIsClosed) {
  start(2, {});
  ClassPage page(loop_);
  ASSERT_TRUE(page.open(web_port_)) << explain(page);
  ASSERT_TRUE(page.ws().send_frame(kWsText, R"({"type":"post","text":"from the page"})"));
  const std::optional<WsFrame> close = page.ws().read_until_close_frame();
  ASSERT_TRUE(close.has_value()) << explain(page);
  EXPECT_EQ(close->close_code(), 1008);
  EXPECT_NE(close->close_reason().find("bytes"), std::string::npos) << close->close_reason();

  ClassPage binary(loop_, 9);
  ASSERT_TRUE(binary.open(web_port_)) << explain(binary);
  ASSERT_TRUE(binary.ws().send_binary(encode_frame("hello")));
  const std::optional<WsFrame> refused = binary.ws().read_until_close_frame();
  ASSERT_TRUE(refused.has_value()) << explain(binary);
  EXPECT_EQ(refused->close_code(), 1003);

  ClassPage large(loop_, 10);
  ASSERT_TRUE(large.open(web_port_)) << explain(large);
  ASSERT_TRUE(large.ws().send_frame(kWsText, std::string(5000, ' ')));
  const std::optional<WsFrame> too_big = large.ws().read_until_close_frame();
  ASSERT_TRUE(too_big.has_value()) << explain(large);
  EXPECT_EQ(too_big->close_code(), 1009);

  // Nothing reached the chat server: its history is still empty.
  TestClient client(loop_);
  ASSERT_TRUE(client.connect("127.0.0.1", server_->port()));
  EXPECT_EQ(client.read_frame(), "0");
}

}  // namespace
}  // namespace chatkit::testing
