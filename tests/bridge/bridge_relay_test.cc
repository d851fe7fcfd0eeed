// The WebSocket relay, end to end inside the test process: a WsTestClient plays the browser, a
// ScriptedServer plays the chat server, and a WebBridge relays between them on the same loop.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>

#include "bridge/origin_policy.h"
#include "harness/scripted_server.h"
#include "harness/temp_dir.h"
#include "kit/diagnostics/byte_dump.h"
#include "kit/framing/frame_codec.h"
#include "tests/bridge/bridge_harness.h"
#include "tests/bridge/ws_test_client.h"

namespace chatkit::testing {
namespace {

// The seed of the random tests: CHATKIT_TEST_SEED when set (to repeat a failure), else fresh.
std::uint32_t test_seed() {
  if (const char* text = std::getenv("CHATKIT_TEST_SEED")) {
    return static_cast<std::uint32_t>(std::strtoul(text, nullptr, 10));
  }
  return std::random_device{}();
}

std::string random_bytes(std::mt19937& random, std::size_t size) {
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(random() & 0xFF);
  return bytes;
}

// A size for the next piece: mostly small, sometimes one byte, sometimes large.
std::size_t random_piece(std::mt19937& random, std::size_t limit) {
  const unsigned kind = random() % 10;
  return kind < 2 ? 1 : kind < 7 ? 1 + random() % 64 : 1 + random() % limit;
}

class BridgeRelay : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(target_.listening()) << target_.last_error();
    start_bridge(test_bridge_options(dir_.path()));
  }
  void start_bridge(WebBridgeOptions options) {
    bridge_.reset();
    bridge_ = std::make_unique<BridgeUnderTest>(loop_, target_.port(), std::move(options));
    ASSERT_TRUE(bridge_->started()) << bridge_->describe();
  }
  // Opens a WebSocket through the bridge and accepts its TCP connection at the target.
  ScriptedConnection* open(WsTestClient& client) {
    EXPECT_TRUE(client.open(bridge_->port())) << client.describe() << bridge_->describe();
    ScriptedConnection* connection = target_.accept();
    EXPECT_NE(connection, nullptr) << "the bridge never connected to the chat server\n"
                                   << bridge_->describe();
    return connection;
  }
  std::string explain(const WsTestClient& client) const {
    return client.describe() + bridge_->describe();
  }

  TempDir dir_;
  TestLoop loop_;
  ScriptedServer target_{loop_};
  std::unique_ptr<BridgeUnderTest> bridge_;
};

TEST_F(BridgeRelay, RelaysRandomByteStreamsExactlyInBothDirectionsWhateverTheChunking) {
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) +
               " (repeat with CHATKIT_TEST_SEED=" + std::to_string(seed) + ")");
  std::mt19937 random(seed);
  for (int session = 0; session < 4; ++session) {
    SCOPED_TRACE("session " + std::to_string(session));
    WsTestClient client(loop_, static_cast<std::uint32_t>(random()));
    ScriptedConnection* chat = open(client);
    ASSERT_NE(chat, nullptr);

    // Browser -> chat server: random messages (some fragmented, with pings between the
    // fragments), their frames cut into random TCP writes.
    const std::string up = random_bytes(random, 1 + random() % (96 * 1024));
    std::string wire;
    for (std::size_t at = 0; at < up.size();) {
      const std::size_t size = std::min(up.size() - at, random_piece(random, 16 * 1024));
      const std::string message = up.substr(at, size);
      if (size > 2 && random() % 4 == 0) {
        const std::size_t half = size / 2;
        wire += client.frame(kWsBinary, message.substr(0, half), /*fin=*/false);
        wire += client.frame(kWsPing, "ping");
        wire += client.frame(kWsContinuation, message.substr(half), /*fin=*/true);
      } else {
        wire += client.frame(kWsBinary, message);
      }
      at += size;
    }
    for (std::size_t at = 0; at < wire.size();) {
      const std::size_t size = std::min(wire.size() - at, random_piece(random, 32 * 1024));
      ASSERT_TRUE(client.send_raw(std::string_view(wire).substr(at, size))) << explain(client);
      at += size;
    }
    const auto received_up = chat->read_exact(up.size());
    ASSERT_TRUE(received_up.has_value())
        << chat->last_error() << "\n"
        << describe_difference(up, chat->received_total()) << explain(client);
    EXPECT_EQ(*received_up, up) << describe_difference(up, *received_up);

    // Chat server -> browser: random bytes in random TCP writes; the browser gets them as
    // binary messages (after the pongs for the pings above).
    const std::string down = random_bytes(random, 1 + random() % (96 * 1024));
    for (std::size_t at = 0; at < down.size();) {
      const std::size_t size = std::min(down.size() - at, random_piece(random, 32 * 1024));
      ASSERT_TRUE(chat->send(std::string_view(down).substr(at, size))) << chat->last_error();
      at += size;
    }
    std::string received_down;
    while (received_down.size() < down.size()) {
      const auto frame = client.read_frame();
      ASSERT_TRUE(frame.has_value()) << explain(client);
      if (frame->opcode == kWsPong) {
        EXPECT_EQ(frame->payload, "ping");
        continue;
      }
      ASSERT_EQ(frame->opcode, kWsBinary) << frame->describe() << "\n" << explain(client);
      received_down += frame->payload;
    }
    EXPECT_EQ(received_down, down) << describe_difference(down, received_down);

    ASSERT_TRUE(client.send_close(1000));
    const auto close = client.read_until_close_frame();
    ASSERT_TRUE(close.has_value()) << explain(client);
    EXPECT_EQ(close->close_code(), 1000);
    EXPECT_EQ(chat->read_until_close(nullptr), PeerClose::kEof) << explain(client);
  }
  EXPECT_EQ(bridge_->bridge().stats().sessions_opened, 4u);
}

TEST_F(BridgeRelay, ChatServerFinBecomesClose1000AfterEveryByteItSent) {
  WsTestClient client(loop_);
  ScriptedConnection* chat = open(client);
  ASSERT_NE(chat, nullptr);
  const std::string history = encode_frame("2") + encode_frame("Hi") + encode_frame("héllo");
  ASSERT_TRUE(chat->send(history));
  chat->close();
  std::string data;
  const auto close = client.read_until_close_frame(&data);
  ASSERT_TRUE(close.has_value()) << explain(client);
  EXPECT_EQ(data, history) << describe_difference(history, data);
  EXPECT_EQ(close->close_code(), 1000) << close->describe();
  EXPECT_EQ(close->close_reason(), "the chat server closed the connection");
  // The browser answers; the bridge then ends the TCP connection in order (FIN, no reset).
  ASSERT_TRUE(client.send_close(1000));
  EXPECT_EQ(client.tcp().read_until_close(nullptr), PeerClose::kEof) << explain(client);
}

TEST_F(BridgeRelay, ChatServerResetBecomesClose4000SoTheViewerCanTellItFromFin) {
  WsTestClient client(loop_);
  ScriptedConnection* chat = open(client);
  ASSERT_NE(chat, nullptr);
  ASSERT_TRUE(chat->send(encode_frame("0")));
  ASSERT_TRUE(client.read_binary(5).has_value()) << explain(client);
  chat->reset();
  const auto close = client.read_until_close_frame();
  ASSERT_TRUE(close.has_value()) << explain(client);
  EXPECT_EQ(close->close_code(), 4000) << close->describe();
  EXPECT_EQ(close->close_reason(), "the chat server reset the connection");
}

TEST_F(BridgeRelay, BrowserCloseFrameGivesTheChatServerEofAfterTheRelayedBytes) {
  WsTestClient client(loop_);
  ScriptedConnection* chat = open(client);
  ASSERT_NE(chat, nullptr);
  const std::string frame = encode_frame("Bye");
  ASSERT_TRUE(client.send_binary(frame));
  ASSERT_TRUE(client.send_close(1000, "done"));
  std::string received;
  EXPECT_EQ(chat->read_until_close(&received), PeerClose::kEof) << explain(client);
  EXPECT_EQ(received, frame) << describe_difference(frame, received);
  const auto close = client.read_until_close_frame();
  ASSERT_TRUE(close.has_value()) << explain(client);
  EXPECT_EQ(close->close_code(), 1000) << "the bridge echoes the browser's close code";
  EXPECT_EQ(client.tcp().read_until_close(nullptr), PeerClose::kEof) << explain(client);
}

TEST_F(BridgeRelay, BrowserDroppingItsTcpConnectionGivesTheChatServerEof) {
  WsTestClient client(loop_);
  ScriptedConnection* chat = open(client);
  ASSERT_NE(chat, nullptr);
  ASSERT_TRUE(client.send_binary("abc"));
  ASSERT_EQ(chat->read_exact(3), "abc");
  client.tcp().close();  // No close frame: a closed browser tab, a crashed browser.
  EXPECT_EQ(chat->read_until_close(nullptr), PeerClose::kEof) << bridge_->describe();
}

TEST_F(BridgeRelay, EmptyBinaryMessageHalfClosesAndTheAnswerStillArrives) {
  WsTestClient client(loop_);
  ScriptedConnection* chat = open(client);
  ASSERT_NE(chat, nullptr);
  const std::string frame = encode_frame("history");
  ASSERT_TRUE(client.send_binary(frame));
  ASSERT_TRUE(client.send_binary(""));  // shutdown(SHUT_WR), as a TCP client would.
  std::string received;
  EXPECT_EQ(chat->read_until_close(&received), PeerClose::kEof) << explain(client);
  EXPECT_EQ(received, frame) << describe_difference(frame, received);
  // The chat server's side is still open: its answer reaches the browser.
  const std::string answer = encode_frame("0");
  ASSERT_TRUE(chat->send(answer));
  EXPECT_EQ(client.read_binary(answer.size()), answer) << explain(client);
  chat->close();
  const auto close = client.read_until_close_frame();
  ASSERT_TRUE(close.has_value()) << explain(client);
  EXPECT_EQ(close->close_code(), 1000);
}

TEST_F(BridgeRelay, DataAfterTheHalfCloseIsRefusedWith1008) {
  WsTestClient client(loop_);
  ScriptedConnection* chat = open(client);
  ASSERT_NE(chat, nullptr);
  ASSERT_TRUE(client.send_binary(""));
  ASSERT_TRUE(client.send_binary("late"));
  const auto close = client.read_until_close_frame();
  ASSERT_TRUE(close.has_value()) << explain(client);
  EXPECT_EQ(close->close_code(), 1008) << close->describe();
  std::string received;
  EXPECT_EQ(chat->read_until_close(&received), PeerClose::kEof);
  EXPECT_EQ(received, "") << "nothing after the half-close may reach the chat server";
}

TEST_F(BridgeRelay, TextMessagesAreRefusedWith1003AndNeverRelayed) {
  WsTestClient client(loop_);
  ScriptedConnection* chat = open(client);
  ASSERT_NE(chat, nullptr);
  ASSERT_TRUE(client.send_frame(kWsText, "\x00\x00\x00\x02Hi"));
  const auto close = client.read_until_close_frame();
  ASSERT_TRUE(close.has_value()) << explain(client);
  EXPECT_EQ(close->close_code(), 1003) << close->describe();
  ASSERT_TRUE(client.send_close(1003));
  std::string received;
  EXPECT_EQ(chat->read_until_close(&received), PeerClose::kEof);
  EXPECT_EQ(received, "") << describe_difference("", received);
  EXPECT_EQ(client.tcp().read_until_close(nullptr), PeerClose::kEof) << explain(client);
}

TEST_F(BridgeRelay, OversizedMessageIsRefusedWith1009BeforeItsPayloadIsRelayed) {
  // The default limit: one frame of the largest chat message, 4 + 1 MiB bytes. The header
  // announces one byte more; the bridge must decide from it, with only the first bytes of the
  // payload in (wslay looks at a frame once some payload has arrived), buffering nothing.
  WsTestClient client(loop_);
  ScriptedConnection* chat = open(client);
  ASSERT_NE(chat, nullptr);
  const std::size_t too_big = 4 + 1024 * 1024 + 1;
  const std::string frame = client.frame(kWsBinary, std::string(too_big, 'x'));
  ASSERT_TRUE(client.send_raw(std::string_view(frame).substr(0, 14 + 100)));  // Header, mask, 100.
  const auto close = client.read_until_close_frame();
  ASSERT_TRUE(close.has_value()) << explain(client);
  EXPECT_EQ(close->close_code(), 1009) << close->describe();
  std::string received;
  EXPECT_EQ(chat->read_until_close(&received), PeerClose::kEof);
  EXPECT_EQ(received.size(), 0u) << "no byte of an oversized message may reach the chat server";
  // The bridge still closes the TCP connection (after its close timeout: it stopped reading
  // frames, so it cannot see the browser's answer).
  EXPECT_NE(client.tcp().read_until_close(nullptr), PeerClose::kOpen) << explain(client);
}

TEST_F(BridgeRelay, AMessageOfExactlyTheLimitPasses) {
  WsTestClient client(loop_);
  ScriptedConnection* chat = open(client);
  ASSERT_NE(chat, nullptr);
  const std::string message = encode_frame(std::string(1024 * 1024, 'a'));
  ASSERT_TRUE(client.send_binary(message));
  const auto received = chat->read_exact(message.size());
  ASSERT_TRUE(received.has_value()) << chat->last_error() << explain(client);
  EXPECT_TRUE(*received == message);
}

TEST_F(BridgeRelay, UnmaskedClientFramesAreAProtocolError1002) {
  WsTestClient client(loop_);
  ScriptedConnection* chat = open(client);
  ASSERT_NE(chat, nullptr);
  ASSERT_TRUE(client.send_raw(encode_ws_frame(kWsBinary, "abc", true, /*masked=*/false, 0)));
  const auto close = client.read_until_close_frame();
  ASSERT_TRUE(close.has_value()) << explain(client);
  EXPECT_EQ(close->close_code(), 1002) << close->describe();
  std::string received;
  EXPECT_EQ(chat->read_until_close(&received), PeerClose::kEof);
  EXPECT_EQ(received, "");
}

TEST_F(BridgeRelay, UnreachableChatServerIsExplainedInTheCloseFrame) {
  int closed_port = 0;
  {
    ScriptedServer gone(loop_);
    closed_port = gone.port();
  }
  auto options = test_bridge_options(dir_.path());
  // Longer than the test waits: the TCP connection must end because the page answered the
  // close, not because the bridge gave up waiting for the answer.
  options.close_timeout = std::chrono::minutes(10);
  options.teardown_timeout = std::chrono::minutes(10);
  BridgeUnderTest bridge(loop_, closed_port, options);
  ASSERT_TRUE(bridge.started());
  // A browser shows no HTTP refusal to the page (only close 1006): the bridge accepts the
  // WebSocket and closes it with 1014 (bad gateway) and the reason, which the page can show.
  WsTestClient client(loop_);
  ASSERT_TRUE(client.open(bridge.port())) << client.describe() << bridge.describe();
  // What a page does on "open" at stage 1: send at once. It must not confuse the bridge.
  ASSERT_TRUE(client.send_binary(encode_frame("Hi"))) << client.describe();
  const auto close = client.read_until_close_frame();
  ASSERT_TRUE(close.has_value()) << client.describe() << bridge.describe();
  EXPECT_EQ(close->close_code(), 1014) << close->describe();
  const std::string reason = close->close_reason();
  EXPECT_NE(reason.find("connection refused"), std::string::npos)
      << "expected the reason to say what failed, got \"" << reason << "\"";
  EXPECT_NE(reason.find("127.0.0.1:" + std::to_string(closed_port)), std::string::npos)
      << "expected the reason to name the chat server, got \"" << reason << "\"";
  EXPECT_LE(reason.size(), 123u) << "RFC 6455 5.5: a close reason has at most 123 bytes";
  // The close handshake completes: the bridge ends the TCP connection after the page's answer,
  // which echoes the code as browsers do (wslay, the bridge's WebSocket library, takes 1014 for
  // invalid: it is newer than wslay's list of codes).
  ASSERT_TRUE(client.send_close(1014)) << client.describe();
  EXPECT_EQ(client.tcp().read_until_close(nullptr), PeerClose::kEof) << client.describe();
  EXPECT_TRUE(bridge.log_contains("connection refused")) << bridge.describe();
}

TEST_F(BridgeRelay, RefusesUpgradesFromAnotherOriginWith403AndNeverConnects) {
  for (const std::string& origin : std::vector<std::string>{
           "Origin: http://evil.example", "Origin: null", "Origin: http://127.0.0.1:1",
           "Origin: https://127.0.0.1:" + std::to_string(bridge_->port())}) {
    WsTestClient client(loop_);
    ASSERT_TRUE(client.connect(bridge_->port()));
    const auto reply = client.request(client.upgrade_request(bridge_->port(), "/ws", {origin}));
    ASSERT_TRUE(reply.has_value()) << client.describe();
    EXPECT_EQ(reply->status, 403) << origin << "\n" << reply->head << reply->body;
    EXPECT_FALSE(reply->header("sec-websocket-accept").has_value());
    EXPECT_EQ(client.tcp().read_until_close(nullptr), PeerClose::kEof)
        << "a refused upgrade ends the connection";
  }
  // Two Origin headers, one of them right, are refused too.
  WsTestClient client(loop_);
  ASSERT_TRUE(client.connect(bridge_->port()));
  std::string request = client.upgrade_request(bridge_->port());
  request.insert(request.size() - 2, "Origin: http://evil.example\r\n");
  const auto reply = client.request(request);
  ASSERT_TRUE(reply.has_value()) << client.describe();
  EXPECT_EQ(reply->status, 403);
  loop_.run_for(milliseconds(50));
  EXPECT_EQ(target_.connections_accepted(), 0u)
      << "a refused upgrade must not reach the chat server";
  EXPECT_TRUE(bridge_->log_contains("evil.example")) << bridge_->describe();
}

TEST_F(BridgeRelay, AcceptsAllowedOriginsAndClientsWithoutOrigin) {
  auto options = test_bridge_options(dir_.path());
  options.allowed_origins.push_back(*parse_origin("http://projector.lab:9000"));
  start_bridge(options);
  {
    WsTestClient client(loop_);
    EXPECT_NE(open(client), nullptr);
  }
  {
    WsTestClient client(loop_);
    ASSERT_TRUE(client.open(bridge_->port(), {"Origin: http://projector.lab:9000"}))
        << client.describe() << bridge_->describe();
  }
  {
    WsTestClient client(loop_);
    ASSERT_TRUE(client.open(bridge_->port(), {"-Origin"})) << client.describe();
  }
}

TEST_F(BridgeRelay, RefusesHostNamesThatAreNotItsOwnAgainstDnsRebinding) {
  WsTestClient client(loop_);
  ASSERT_TRUE(client.connect(bridge_->port()));
  const auto reply = client.request(client.upgrade_request(
      bridge_->port(), "/ws", {"Host: evil.example:8080", "Origin: http://evil.example:8080"}));
  ASSERT_TRUE(reply.has_value()) << client.describe();
  EXPECT_EQ(reply->status, 403) << reply->body;
  loop_.run_for(milliseconds(50));
  EXPECT_EQ(target_.connections_accepted(), 0u);
}

TEST_F(BridgeRelay, NothingInTheRequestCanChangeTheTarget) {
  ScriptedServer decoy(loop_);
  ASSERT_TRUE(decoy.listening());
  const std::string decoy_address = "127.0.0.1:" + std::to_string(decoy.port());
  // Accepted, and relayed to the fixed target all the same.
  const std::vector<std::pair<std::string, std::vector<std::string>>> accepted = {
      {"/ws?target=" + decoy_address, {}},
      {"/ws?host=127.0.0.1&port=" + std::to_string(decoy.port()), {}},
      {"/ws", {"Host: " + decoy_address, "Origin: http://" + decoy_address}},
      {"/ws", {"X-Forwarded-Host: " + decoy_address, "Forwarded: host=" + decoy_address}},
      {"/ws", {"Sec-WebSocket-Protocol: " + decoy_address}},
  };
  for (const auto& [path, headers] : accepted) {
    WsTestClient client(loop_);
    ASSERT_TRUE(client.connect(bridge_->port()));
    const auto reply = client.request(client.upgrade_request(bridge_->port(), path, headers));
    ASSERT_TRUE(reply.has_value()) << client.describe();
    ASSERT_EQ(reply->status, 101) << path << "\n" << reply->head << reply->body;
    EXPECT_FALSE(reply->header("sec-websocket-protocol").has_value())
        << "no subprotocol is ever selected";
    ScriptedConnection* chat = target_.accept();
    ASSERT_NE(chat, nullptr) << path << ": the fixed target got no connection";
    ASSERT_TRUE(client.send_binary("x"));
    EXPECT_EQ(chat->read_exact(1), "x");
  }
  // Refused outright: another path, or an absolute URL naming another server.
  for (const std::string& path :
       std::vector<std::string>{"/ws/" + decoy_address, "/" + decoy_address + "/ws",
                                "http://" + decoy_address + "/ws"}) {
    WsTestClient client(loop_);
    ASSERT_TRUE(client.connect(bridge_->port()));
    const auto reply = client.request(client.upgrade_request(bridge_->port(), path));
    ASSERT_TRUE(reply.has_value()) << client.describe();
    EXPECT_TRUE(reply->status == 404 || reply->status == 400) << path << "\n" << reply->head;
  }
  loop_.run_for(milliseconds(50));
  EXPECT_EQ(decoy.connections_accepted(), 0u) << "the browser reached another server";
}

TEST_F(BridgeRelay, RefusesSessionsBeyondTheLimitWith503) {
  auto options = test_bridge_options(dir_.path());
  options.max_sessions = 2;
  start_bridge(options);
  WsTestClient first(loop_);
  WsTestClient second(loop_);
  ASSERT_NE(open(first), nullptr);
  ScriptedConnection* second_chat = open(second);
  ASSERT_NE(second_chat, nullptr);
  WsTestClient third(loop_);
  ASSERT_TRUE(third.connect(bridge_->port()));
  const auto reply = third.request(third.upgrade_request(bridge_->port()));
  ASSERT_TRUE(reply.has_value()) << third.describe();
  EXPECT_EQ(reply->status, 503) << reply->body;
  // A slot frees up when a session ends.
  second_chat->close();
  ASSERT_TRUE(second.read_until_close_frame().has_value());
  ASSERT_TRUE(second.send_close(1000));
  ASSERT_EQ(second.tcp().read_until_close(nullptr), PeerClose::kEof);
  ASSERT_TRUE(loop_.run_until([&] { return bridge_->bridge().stats().sessions_open == 1; }));
  WsTestClient fourth(loop_);
  EXPECT_NE(open(fourth), nullptr);
}

TEST_F(BridgeRelay, StoppingTheBridgeSendsGoingAwayAndEofToTheChatServer) {
  WsTestClient client(loop_);
  ScriptedConnection* chat = open(client);
  ASSERT_NE(chat, nullptr);
  bridge_->bridge().stop();
  const auto close = client.read_until_close_frame();
  ASSERT_TRUE(close.has_value()) << explain(client);
  EXPECT_EQ(close->close_code(), 1001) << close->describe();
  ASSERT_TRUE(client.send_close(1001));
  EXPECT_EQ(chat->read_until_close(nullptr), PeerClose::kEof);
  EXPECT_TRUE(loop_.run_until([&] { return bridge_->bridge().stopped(); })) << bridge_->describe();
}

TEST_F(BridgeRelay, BackpressureBoundsWhatTheBridgeHoldsForASlowBrowser) {
  auto options = test_bridge_options(dir_.path());
  options.max_buffered_bytes = 256 * 1024;
  start_bridge(options);
  WsTestClient client(loop_);
  ScriptedConnection* chat = open(client);
  ASSERT_NE(chat, nullptr);
  client.tcp().pause_reading();
  // The chat server sends until its writes stop completing: the bridge has stopped reading.
  std::mt19937 random(7);
  const std::string chunk = random_bytes(random, 256 * 1024);
  std::size_t sent = 0;
  bool blocked = false;
  while (sent < 64 * 1024 * 1024) {
    const bool done = chat->send(chunk, milliseconds(300));
    sent += chunk.size();  // A write that did not complete stays queued and arrives later.
    if (!done) {
      blocked = true;
      break;
    }
  }
  EXPECT_TRUE(blocked) << "64 MiB went into a browser that reads nothing: no backpressure";
  const std::size_t peak = bridge_->bridge().stats().peak_queued_for_browser;
  // The limit, plus what one read from the chat server can add before the bridge checks.
  EXPECT_LE(peak, options.max_buffered_bytes + 64 * 1024 + 1024)
      << "the bridge held " << peak << " bytes for a browser that does not read";
  // Once the browser reads again, every byte arrives, in order.
  std::string expected;
  for (std::size_t i = 0; i < sent / chunk.size(); ++i) expected += chunk;
  const auto received = client.read_binary(expected.size(), milliseconds(30000));
  ASSERT_TRUE(received.has_value()) << client.last_error();
  EXPECT_TRUE(*received == expected) << describe_difference(expected, *received);
}

TEST_F(BridgeRelay, BackpressureBoundsWhatTheBridgeHoldsForASlowChatServer) {
  SilentTarget silent(loop_);
  ASSERT_GT(silent.port(), 0);
  auto options = test_bridge_options(dir_.path());
  options.max_buffered_bytes = 256 * 1024;
  BridgeUnderTest bridge(loop_, silent.port(), options);
  ASSERT_TRUE(bridge.started());
  WsTestClient client(loop_);
  ASSERT_TRUE(client.open(bridge.port())) << client.describe() << bridge.describe();
  ASSERT_TRUE(loop_.run_until([&] { return silent.accepted(); }));
  std::mt19937 random(11);
  const std::string message = random_bytes(random, 64 * 1024);
  std::size_t sent = 0;
  bool blocked = false;
  while (sent < 64 * 1024 * 1024) {
    const bool done = client.tcp().send(client.frame(kWsBinary, message), milliseconds(300));
    sent += message.size();
    if (!done) {
      blocked = true;
      break;
    }
  }
  EXPECT_TRUE(blocked) << "64 MiB went to a chat server that reads nothing: no backpressure";
  const std::size_t peak = bridge.bridge().stats().peak_queued_for_target;
  // The limit, plus the messages in one read from the browser.
  EXPECT_LE(peak, options.max_buffered_bytes + 2 * 64 * 1024 + 1024)
      << "the bridge held " << peak << " bytes for a chat server that does not read";
  silent.start_reading();
  ASSERT_TRUE(silent.wait_for(sent, milliseconds(30000)))
      << "got " << silent.received().size() << " of " << sent << " bytes";
  std::string expected;
  for (std::size_t i = 0; i < sent / message.size(); ++i) expected += message;
  EXPECT_TRUE(silent.received() == expected) << describe_difference(expected, silent.received());
}

TEST_F(BridgeRelay, AChatServerThatStopsReadingCannotHoldASessionAfterTheBrowserLeft) {
  SilentTarget silent(loop_);
  ASSERT_GT(silent.port(), 0);
  auto options = test_bridge_options(dir_.path());
  options.max_buffered_bytes = 64 * 1024;
  options.stall_timeout = milliseconds(300);
  BridgeUnderTest bridge(loop_, silent.port(), options);
  ASSERT_TRUE(bridge.started());
  WsTestClient client(loop_);
  ASSERT_TRUE(client.open(bridge.port())) << client.describe() << bridge.describe();
  ASSERT_TRUE(loop_.run_until([&] { return silent.accepted(); }));
  // Fill every buffer on the way to the chat server, which never reads.
  const std::string message(64 * 1024, 'z');
  for (int i = 0; i < 1024; ++i) {
    if (!client.tcp().send(client.frame(kWsBinary, message), milliseconds(200))) break;
  }
  ASSERT_EQ(bridge.bridge().stats().sessions_open, 1u);
  client.tcp().close();  // The browser leaves; the relayed bytes can never all be delivered.
  EXPECT_TRUE(loop_.run_until([&] { return bridge.bridge().stats().sessions_open == 0; },
                              milliseconds(5000)))
      << "the session was never released\n"
      << bridge.describe();
  EXPECT_TRUE(bridge.log_contains("the chat server stopped reading")) << bridge.describe();
}

TEST_F(BridgeRelay, ABrowserThatStopsReadingIsCutOffAfterTheStallTimeout) {
  auto options = test_bridge_options(dir_.path());
  options.max_buffered_bytes = 64 * 1024;
  options.stall_timeout = milliseconds(300);
  start_bridge(options);
  WsTestClient client(loop_);
  ScriptedConnection* chat = open(client);
  ASSERT_NE(chat, nullptr);
  client.tcp().pause_reading();
  const std::string chunk(256 * 1024, 'y');
  for (int i = 0; i < 256; ++i) {
    if (!chat->send(chunk, milliseconds(200))) break;
  }
  // The chat server learns that its client is gone (FIN after the bytes the bridge could
  // still write), and the session slot frees up.
  EXPECT_NE(chat->read_until_close(nullptr), PeerClose::kOpen) << bridge_->describe();
  EXPECT_TRUE(loop_.run_until([&] { return bridge_->bridge().stats().sessions_open == 0; }))
      << bridge_->describe();
  EXPECT_TRUE(bridge_->log_contains("the browser stopped reading")) << bridge_->describe();
}

}  // namespace
}  // namespace chatkit::testing
