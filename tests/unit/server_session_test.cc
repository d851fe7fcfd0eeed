// Tests for ServerSession, the server's per-connection protocol without sockets: a recording
// Delegate writes every call down as text, so each test states the whole conversation the
// session asked for, and the same conversation must come out however the bytes are split.
#include "kit/protocol/server_session.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kit/framing/frame_codec.h"
#include "kit/protocol/stage.h"

namespace chatkit {
namespace {

using Calls = std::vector<std::string>;

class RecordingDelegate : public ServerSession::Delegate {
 public:
  void send_history() override { calls_.push_back("send_history"); }
  void append_message(std::string_view message) override {
    calls_.push_back("append_message(" + std::string(message) + ")");
  }
  void store_post(std::string_view message) override {
    calls_.push_back("store_post(" + std::string(message) + ")");
  }
  void finish() override { calls_.push_back("finish"); }
  void reject(const std::string& reason) override { calls_.push_back("reject(" + reason + ")"); }

  const Calls& calls() const { return calls_; }

 private:
  Calls calls_;
};

std::string describe(const Calls& calls) {
  std::string text = "{";
  for (std::size_t i = 0; i < calls.size(); ++i) text += (i ? ", " : "") + calls[i];
  return text + "}";
}

// Runs one connection: start(), the bytes in `chunks`, then EOF when `peer_closes`.
Calls converse(Stage stage, const std::vector<std::string>& chunks, bool peer_closes = true,
               std::uint32_t max_message_bytes = kDefaultMaxMessageBytes) {
  RecordingDelegate delegate;
  ServerSession session(stage, max_message_bytes, &delegate);
  session.start();
  for (const std::string& chunk : chunks) session.on_bytes(chunk.data(), chunk.size());
  if (peer_closes) session.on_peer_closed();
  return delegate.calls();
}

// A reject() call whose reason is unknown to the test: only its presence is compared.
bool is_reject(const std::string& call) {
  return call.rfind("reject(", 0) == 0;
}

// ---- Stage 1: send-only ----

TEST(ServerSession, Stage1SendsNothingOnStart) {
  RecordingDelegate delegate;
  ServerSession session(Stage::kSendOnly, kDefaultMaxMessageBytes, &delegate);
  EXPECT_EQ(ServerSession::Phase::kNew, session.phase());
  session.start();
  EXPECT_EQ(ServerSession::Phase::kAwaitingMessage, session.phase());
  EXPECT_EQ(Calls{}, delegate.calls()) << describe(delegate.calls());
  EXPECT_EQ(Stage::kSendOnly, session.stage());
}

TEST(ServerSession, Stage1AppendsOneMessageThenFinishes) {
  RecordingDelegate delegate;
  ServerSession session(Stage::kSendOnly, kDefaultMaxMessageBytes, &delegate);
  session.start();
  const std::string frame = encode_frame("hello");
  session.on_bytes(frame.data(), frame.size());
  const Calls expected = {"append_message(hello)", "finish"};
  EXPECT_EQ(expected, delegate.calls()) << describe(delegate.calls());
  EXPECT_EQ(ServerSession::Phase::kDone, session.phase());
}

TEST(ServerSession, Stage1NeverStoresAnEmptyMessage) {
  const Calls calls = converse(Stage::kSendOnly, {encode_frame("")});
  EXPECT_EQ(Calls{"finish"}, calls) << describe(calls);
}

TEST(ServerSession, Stage1TreatsHistoryAsAnOrdinaryMessage) {
  const Calls calls = converse(Stage::kSendOnly, {encode_frame("history")});
  const Calls expected = {"append_message(history)", "finish"};
  EXPECT_EQ(expected, calls) << describe(calls);
}

// ---- Stage 2: history ----

TEST(ServerSession, Stage2SendsTheHistoryOnStart) {
  RecordingDelegate delegate;
  ServerSession session(Stage::kHistory, kDefaultMaxMessageBytes, &delegate);
  session.start();
  EXPECT_EQ(Calls{"send_history"}, delegate.calls()) << describe(delegate.calls());
  EXPECT_EQ(ServerSession::Phase::kAwaitingMessage, session.phase());
}

TEST(ServerSession, Stage2HistoryCommandSendsTheHistoryAgainWithoutStoringIt) {
  const Calls calls = converse(Stage::kHistory, {encode_frame("history")});
  const Calls expected = {"send_history", "send_history", "finish"};
  EXPECT_EQ(expected, calls) << describe(calls);
}

TEST(ServerSession, Stage2AppendsAnyOtherMessage) {
  const Calls calls = converse(Stage::kHistory, {encode_frame("hi all")});
  const Calls expected = {"send_history", "append_message(hi all)", "finish"};
  EXPECT_EQ(expected, calls) << describe(calls);
}

TEST(ServerSession, Stage2RecognisesOnlyTheExactHistoryCommand) {
  for (const std::string message : {"History", "history ", " history", "historyx"}) {
    const Calls calls = converse(Stage::kHistory, {encode_frame(message)});
    const Calls expected = {"send_history", "append_message(" + message + ")", "finish"};
    EXPECT_EQ(expected, calls) << "message '" << message << "': " << describe(calls);
  }
}

TEST(ServerSession, Stage2NeverStoresAnEmptyMessage) {
  const Calls calls = converse(Stage::kHistory, {encode_frame("")});
  const Calls expected = {"send_history", "finish"};
  EXPECT_EQ(expected, calls) << describe(calls);
}

// ---- Stage 3: persisted ----

TEST(ServerSession, Stage3SendsTheHistoryOnStart) {
  const Calls calls = converse(Stage::kPersisted, {}, /*peer_closes=*/false);
  EXPECT_EQ(Calls{"send_history"}, calls) << describe(calls);
}

TEST(ServerSession, Stage3StoresAPostAndLeavesTheCloseToTheServer) {
  RecordingDelegate delegate;
  ServerSession session(Stage::kPersisted, kDefaultMaxMessageBytes, &delegate);
  session.start();
  const std::string frame = encode_frame("my post \xE2\x82\xAC");
  session.on_bytes(frame.data(), frame.size());
  // No finish(): the server acknowledges once the post is durable, or resets the connection.
  const Calls expected = {"send_history", "store_post(my post \xE2\x82\xAC)"};
  EXPECT_EQ(expected, delegate.calls()) << describe(delegate.calls());
  EXPECT_EQ(ServerSession::Phase::kDone, session.phase());
  session.on_peer_closed();
  EXPECT_EQ(expected, delegate.calls())
      << "EOF after the post changes nothing: " << describe(delegate.calls());
}

TEST(ServerSession, Stage3HasNoHistoryCommand) {
  const Calls calls = converse(Stage::kPersisted, {encode_frame("history")});
  const Calls expected = {"send_history", "store_post(history)"};
  EXPECT_EQ(expected, calls) << describe(calls);
}

TEST(ServerSession, Stage3ClosesOnAnEmptyMessageWithoutStoringIt) {
  const Calls calls = converse(Stage::kPersisted, {encode_frame("")});
  const Calls expected = {"send_history", "finish"};
  EXPECT_EQ(expected, calls) << describe(calls);
}

// ---- Protocol errors ----

TEST(ServerSession, RejectsAFrameOverTheLimitBeforeItsPayload) {
  for (const Stage stage : {Stage::kSendOnly, Stage::kHistory, Stage::kPersisted}) {
    RecordingDelegate delegate;
    ServerSession session(stage, 10, &delegate);
    session.start();
    const std::string header = encode_frame(std::string(11, 'a')).substr(0, 4);
    session.on_bytes(header.data(), header.size());
    ASSERT_FALSE(delegate.calls().empty());
    const std::string& last = delegate.calls().back();
    EXPECT_TRUE(is_reject(last)) << "stage " << stage_number(stage) << ": "
                                 << describe(delegate.calls());
    EXPECT_NE(std::string::npos, last.find("11")) << last;
    EXPECT_NE(std::string::npos, last.find("10")) << last;
    EXPECT_EQ(ServerSession::Phase::kDone, session.phase());
    const std::size_t calls_before = delegate.calls().size();
    const std::string rest(11, 'a');
    session.on_bytes(rest.data(), rest.size());
    session.on_peer_closed();
    EXPECT_EQ(calls_before, delegate.calls().size()) << describe(delegate.calls());
  }
}

TEST(ServerSession, AcceptsAMessageExactlyAtTheLimit) {
  const std::string message(10, 'a');
  const Calls calls = converse(Stage::kSendOnly, {encode_frame(message)}, true, 10);
  const Calls expected = {"append_message(" + message + ")", "finish"};
  EXPECT_EQ(expected, calls) << describe(calls);
}

TEST(ServerSession, RejectsInvalidUtf8WithAReason) {
  for (const Stage stage : {Stage::kSendOnly, Stage::kHistory, Stage::kPersisted}) {
    const Calls calls = converse(stage, {encode_frame("bad \xC0\x80 text")});
    ASSERT_FALSE(calls.empty());
    EXPECT_TRUE(is_reject(calls.back())) << describe(calls);
    EXPECT_NE(std::string::npos, calls.back().find("UTF-8")) << calls.back();
    for (const std::string& call : calls) {
      EXPECT_EQ(std::string::npos, call.find("append_message")) << describe(calls);
      EXPECT_EQ(std::string::npos, call.find("store_post")) << describe(calls);
      EXPECT_NE("finish", call) << "reject() alone ends the connection: " << describe(calls);
    }
  }
}

TEST(ServerSession, FinishesWhenThePeerClosesBeforeSendingAnything) {
  EXPECT_EQ(Calls{"finish"}, converse(Stage::kSendOnly, {}));
  const Calls expected = {"send_history", "finish"};
  EXPECT_EQ(expected, converse(Stage::kHistory, {}));
  EXPECT_EQ(expected, converse(Stage::kPersisted, {}));
  EXPECT_EQ(expected, converse(Stage::kPersisted, {"", ""})) << "empty reads are not bytes";
}

TEST(ServerSession, RejectsAPeerThatClosesMidLength) {
  const Calls calls = converse(Stage::kHistory, {std::string("\0\0", 2)});
  const Calls expected = {"send_history",
                          "reject(connection closed mid-frame after 2 of 4 length bytes)"};
  EXPECT_EQ(expected, calls) << describe(calls);
}

TEST(ServerSession, RejectsAPeerThatClosesMidPayload) {
  const std::string frame = encode_frame("twelve bytes");
  const Calls calls = converse(Stage::kPersisted, {frame.substr(0, 14)});
  const Calls expected = {"send_history",
                          "reject(connection closed mid-frame after 10 of 12 payload bytes)"};
  EXPECT_EQ(expected, calls) << describe(calls);

  const Calls header_only = converse(Stage::kSendOnly, {frame.substr(0, 4)});
  const Calls expected_header_only = {
      "reject(connection closed mid-frame after 0 of 12 payload bytes)"};
  EXPECT_EQ(expected_header_only, header_only) << describe(header_only);
}

TEST(ServerSession, IgnoresBytesAfterTheOneFrame) {
  const std::string stream = encode_frame("first") + encode_frame("second") + "garbage\xFF";
  const Calls calls = converse(Stage::kHistory, {stream, encode_frame("third")});
  const Calls expected = {"send_history", "append_message(first)", "finish"};
  EXPECT_EQ(expected, calls) << describe(calls);
}

// ---- Chunking ----

struct Conversation {
  const char* name;
  Stage stage;
  std::string bytes;
  std::uint32_t max_message_bytes = kDefaultMaxMessageBytes;
};

std::vector<Conversation> conversations() {
  return {
      {"stage 1 message", Stage::kSendOnly, encode_frame("hello \xF0\x9F\x98\x80")},
      {"stage 1 empty", Stage::kSendOnly, encode_frame("")},
      {"stage 2 history", Stage::kHistory, encode_frame("history")},
      {"stage 2 message and trailing bytes", Stage::kHistory, encode_frame("hi") + "extra"},
      {"stage 3 post", Stage::kPersisted, encode_frame("caf\xC3\xA9 post")},
      {"stage 3 empty", Stage::kPersisted, encode_frame("")},
      {"stage 3 invalid UTF-8", Stage::kPersisted, encode_frame("ab\xED\xA0\x80")},
      {"stage 3 over the limit", Stage::kPersisted, encode_frame("0123456789ab"), 10},
      {"stage 2 truncated payload", Stage::kHistory, encode_frame("truncated").substr(0, 8)},
      {"stage 1 truncated length", Stage::kSendOnly, std::string("\0\0\0", 3)},
  };
}

TEST(ServerSession, MakesTheSameCallsWhereverTheBytesAreSplit) {
  for (const Conversation& c : conversations()) {
    const Calls whole = converse(c.stage, {c.bytes}, true, c.max_message_bytes);
    ASSERT_FALSE(whole.empty()) << c.name;
    for (std::size_t split = 0; split <= c.bytes.size(); ++split) {
      const Calls calls = converse(c.stage, {c.bytes.substr(0, split), c.bytes.substr(split)}, true,
                                   c.max_message_bytes);
      EXPECT_EQ(whole, calls) << c.name << ", split at byte " << split << ":\n  expected "
                              << describe(whole) << "\n  got      " << describe(calls);
    }
    std::vector<std::string> single_bytes;
    for (const char byte : c.bytes) single_bytes.emplace_back(1, byte);
    const Calls calls = converse(c.stage, single_bytes, true, c.max_message_bytes);
    EXPECT_EQ(whole, calls) << c.name << ", one byte at a time:\n  expected " << describe(whole)
                            << "\n  got      " << describe(calls);
  }
}

// ---- describe_partial_frame ----

TEST(DescribePartialFrame, CountsLengthBytesThenPayloadBytes) {
  FrameDecoder decoder;
  EXPECT_EQ("after 0 of 4 length bytes", describe_partial_frame(decoder));
  decoder.feed(std::string("\0\0\0", 3));
  EXPECT_EQ("after 3 of 4 length bytes", describe_partial_frame(decoder));
  decoder.feed(std::string("\x0c", 1));
  EXPECT_EQ("after 0 of 12 payload bytes", describe_partial_frame(decoder));
  decoder.feed("0123456789");
  EXPECT_EQ("after 10 of 12 payload bytes", describe_partial_frame(decoder));
}

}  // namespace
}  // namespace chatkit
