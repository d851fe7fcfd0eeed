// ClientSession (kit/protocol/client_session.h): every stage's scripted server replies, fed in one
// piece, split in two at every byte and byte by byte, give the same events; each protocol error
// and each stage-evidence outcome is named.
#include "kit/protocol/client_session.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "kit/framing/frame_codec.h"
#include "kit/protocol/stage.h"

namespace chatkit {
namespace {

using Kind = ClientEvent::Kind;
using Phase = ClientPhase;

constexpr char kPost1[] = "[2026-11-24T09:14:40.000017+01:00 192.0.2.7] Hello";
constexpr char kPost2[] = "[2026-11-24T09:15:02.123456+01:00 pc7.lab.example.org] Hi";

std::string frames(const std::vector<std::string>& messages) {
  std::string bytes;
  for (const std::string& message : messages) append_frame(message, bytes);
  return bytes;
}

// One conversation: the server's bytes before each of the client's messages, and after the last.
struct Script {
  Stage stage;
  std::vector<std::string> segments;  // segments.size() == messages.size() + 1
  std::vector<std::string> messages;  // What the client sends after each segment but the last.
  bool server_closes = true;
};

// How one segment is cut into the on_bytes() calls.
using Chunker = std::function<std::vector<std::string>(std::size_t segment, const std::string&)>;

std::vector<std::string> whole(std::size_t, const std::string& bytes) {
  return {bytes};
}

std::vector<std::string> byte_by_byte(std::size_t, const std::string& bytes) {
  std::vector<std::string> chunks;
  for (const char c : bytes) chunks.emplace_back(1, c);
  return chunks;
}

struct Outcome {
  std::vector<ClientEvent> events;
  Phase phase;
  std::vector<std::string> sent;  // The frames send_message() returned.
};

Outcome run(const Script& script, const Chunker& chunker) {
  ClientSession session(script.stage, 64);
  Outcome outcome;
  auto collect = [&] {
    for (ClientEvent& event : session.take_events()) outcome.events.push_back(std::move(event));
  };
  for (std::size_t i = 0; i < script.segments.size(); ++i) {
    for (const std::string& chunk : chunker(i, script.segments[i])) session.on_bytes(chunk);
    collect();
    if (i < script.messages.size() && session.phase() == Phase::kReadyToSend) {
      const auto frame = session.send_message(script.messages[i]);
      if (frame) outcome.sent.push_back(*frame);
      collect();
    }
  }
  if (script.server_closes) session.on_peer_closed();
  collect();
  outcome.phase = session.phase();
  return outcome;
}

std::string describe(const std::vector<ClientEvent>& events) {
  std::ostringstream text;
  for (const ClientEvent& e : events) {
    text << "  " << to_string(e.kind) << " history=" << e.history << " count=" << e.count
         << " number=" << e.number << " frame=" << e.frame << " text=\"" << e.text << "\"";
    if (e.kind == Kind::kFailed) text << " failure=\"" << e.failure.describe(" [remedy]") << "\"";
    text << '\n';
  }
  return text.str();
}

// Runs `script` whole, then with each segment split in two at every offset, then byte by byte,
// and expects the same events, phase and sent frames every time. Returns the whole run's outcome.
Outcome run_every_split(const Script& script) {
  const Outcome reference = run(script, whole);
  auto expect_same = [&](const Outcome& got, const std::string& how) {
    EXPECT_EQ(got.events, reference.events) << how << "\nexpected (one chunk):\n"
                                            << describe(reference.events) << "got:\n"
                                            << describe(got.events);
    EXPECT_EQ(got.phase, reference.phase) << how;
    EXPECT_EQ(got.sent, reference.sent) << how;
  };
  for (std::size_t segment = 0; segment < script.segments.size(); ++segment) {
    for (std::size_t at = 0; at <= script.segments[segment].size(); ++at) {
      const Outcome split = run(script, [&](std::size_t i, const std::string& bytes) {
        if (i != segment) return std::vector<std::string>{bytes};
        return std::vector<std::string>{bytes.substr(0, at), bytes.substr(at)};
      });
      expect_same(split,
                  "segment " + std::to_string(segment) + " split at byte " + std::to_string(at));
    }
  }
  expect_same(run(script, byte_by_byte), "byte by byte");
  return reference;
}

ClientEvent count_event(int history, std::uint64_t count, std::int64_t frame) {
  ClientEvent e;
  e.kind = Kind::kCount;
  e.history = history;
  e.count = count;
  e.frame = frame;
  return e;
}
ClientEvent item_event(int history, std::uint64_t number, std::uint64_t count, std::string text,
                       std::int64_t frame) {
  ClientEvent e;
  e.kind = Kind::kItem;
  e.history = history;
  e.number = number;
  e.count = count;
  e.text = std::move(text);
  e.frame = frame;
  return e;
}
ClientEvent complete_event(int history, std::uint64_t count, std::int64_t frame) {
  ClientEvent e;
  e.kind = Kind::kHistoryComplete;
  e.history = history;
  e.count = count;
  e.frame = frame;
  return e;
}
ClientEvent ack_event(std::string post, std::int64_t frame) {
  ClientEvent e;
  e.kind = Kind::kAcknowledged;
  e.text = std::move(post);
  e.frame = frame;
  return e;
}
ClientEvent ended_event() {
  ClientEvent e;
  e.kind = Kind::kEnded;
  return e;
}

// The one failure of an outcome that must end in failure.
const ClientFailure& failure_of(const Outcome& outcome) {
  static const ClientFailure none;
  if (outcome.events.empty() || outcome.events.back().kind != Kind::kFailed) {
    ADD_FAILURE() << "expected the conversation to fail; events:\n" << describe(outcome.events);
    return none;
  }
  return outcome.events.back().failure;
}

// --- Every stage's conversations, at every split point ----------------------------------------

TEST(ClientSessionTest, Stage1SendsAndTheServerCloses) {
  const Outcome got = run_every_split({Stage::kSendOnly, {"", ""}, {"Hi"}});
  EXPECT_EQ(got.events, std::vector<ClientEvent>{ended_event()});
  EXPECT_EQ(got.sent, std::vector<std::string>{frames({"Hi"})});
  EXPECT_EQ(got.phase, Phase::kEnded);
}

TEST(ClientSessionTest, Stage2HistoryThenMessage) {
  const Outcome got =
      run_every_split({Stage::kHistory, {frames({"3", "Hi", "h\xc3\xa9llo", "ok"}), ""}, {"Bye"}});
  const std::vector<ClientEvent> want = {count_event(1, 3, 0),
                                         item_event(1, 1, 3, "Hi", 1),
                                         item_event(1, 2, 3, "h\xc3\xa9llo", 2),
                                         item_event(1, 3, 3, "ok", 3),
                                         complete_event(1, 3, 3),
                                         ended_event()};
  EXPECT_EQ(got.events, want) << describe(got.events);
  EXPECT_EQ(got.sent, std::vector<std::string>{frames({"Bye"})});
}

TEST(ClientSessionTest, Stage2EmptyHistoryIsCompleteAtTheCount) {
  const Outcome got = run_every_split({Stage::kHistory, {frames({"0"}), ""}, {"first"}});
  const std::vector<ClientEvent> want = {count_event(1, 0, 0), complete_event(1, 0, 0),
                                         ended_event()};
  EXPECT_EQ(got.events, want) << describe(got.events);
}

TEST(ClientSessionTest, Stage2HistoryCommandReceivesASecondHistory) {
  const Outcome got = run_every_split(
      {Stage::kHistory, {frames({"1", "old"}), frames({"2", "old", "new"})}, {"history"}});
  const std::vector<ClientEvent> want = {
      count_event(1, 1, 0),          item_event(1, 1, 1, "old", 1),
      complete_event(1, 1, 1),       count_event(2, 2, 2),
      item_event(2, 1, 2, "old", 3), item_event(2, 2, 2, "new", 4),
      complete_event(2, 2, 4),       ended_event()};
  EXPECT_EQ(got.events, want) << describe(got.events);
}

TEST(ClientSessionTest, Stage3PostIsAcknowledged) {
  const Outcome got =
      run_every_split({Stage::kPersisted, {frames({"1", kPost1}), frames({kPost2})}, {"Hi"}});
  const std::vector<ClientEvent> want = {count_event(1, 1, 0), item_event(1, 1, 1, kPost1, 1),
                                         complete_event(1, 1, 1), ack_event(kPost2, 2),
                                         ended_event()};
  EXPECT_EQ(got.events, want) << describe(got.events);
}

TEST(ClientSessionTest, Stage3EmptyMessageGetsOnlyTheClose) {
  const Outcome got = run_every_split({Stage::kPersisted, {frames({"0"}), ""}, {""}});
  const std::vector<ClientEvent> want = {count_event(1, 0, 0), complete_event(1, 0, 0),
                                         ended_event()};
  EXPECT_EQ(got.events, want) << describe(got.events);
}

TEST(ClientSessionTest, SendNothingAfterTheHistoryEndsNormally) {
  ClientSession session(Stage::kPersisted, 64);
  session.on_bytes(frames({"0"}));
  session.send_nothing();
  EXPECT_EQ(session.waiting_for(), Phase::kAwaitingClose);
  session.on_peer_closed();
  EXPECT_EQ(session.phase(), Phase::kEnded);
}

// --- Protocol errors ----------------------------------------------------------------------------

TEST(ClientSessionTest, CountSentAsABinaryIntegerIsNotDecimal) {
  const Outcome got =
      run_every_split({Stage::kHistory, {std::string("\0\0\0\4\0\0\0\3", 8), ""}, {"x"}});
  const ClientFailure& failure = failure_of(got);
  EXPECT_EQ(failure.error, ClientError::kCountNotDecimal);
  EXPECT_NE(failure.headline.find("the history count must be decimal text"), std::string::npos);
  EXPECT_NE(failure.details.find("00 00 00 03"), std::string::npos) << failure.details;
  EXPECT_NE(failure.details.find("binary integer"), std::string::npos) << failure.details;
  EXPECT_EQ(got.events.back().frame, 0);
  EXPECT_TRUE(got.sent.empty());
}

TEST(ClientSessionTest, EmptyHistoryItemIsAProtocolError) {
  const Outcome got = run_every_split({Stage::kHistory, {frames({"2", "a", ""}), ""}, {"x"}});
  const ClientFailure& failure = failure_of(got);
  EXPECT_EQ(failure.error, ClientError::kEmptyItem);
  EXPECT_NE(failure.headline.find("history item 2 of 2 is the empty message"), std::string::npos)
      << failure.headline;
}

TEST(ClientSessionTest, FrameOverTheLimitFailsAtItsLengthBytes) {
  const Outcome got =
      run_every_split({Stage::kPersisted, {std::string("\0\0\0\x41", 4), ""}, {"x"}});
  const ClientFailure& failure = failure_of(got);
  EXPECT_EQ(failure.error, ClientError::kFrameTooLong);
  EXPECT_NE(failure.headline.find("exceeds the limit of 64 bytes"), std::string::npos);
}

TEST(ClientSessionTest, InvalidUtf8ItemIsAProtocolError) {
  const Outcome got =
      run_every_split({Stage::kHistory, {frames({"1", std::string("h\xc3", 2)}), ""}, {"x"}});
  EXPECT_EQ(failure_of(got).error, ClientError::kInvalidUtf8);
  EXPECT_EQ(got.events.back().frame, 1);
}

TEST(ClientSessionTest, StreamEndingInsideAFrameIsATruncatedFrame) {
  const std::string history = frames({"2", "ab", "cd"});
  const Outcome got =
      run_every_split({Stage::kHistory, {history.substr(0, history.size() - 1)}, {}});
  const ClientFailure& failure = failure_of(got);
  EXPECT_EQ(failure.error, ClientError::kTruncatedFrame);
  EXPECT_NE(failure.headline.find("closed the connection after 1 of 2 history items"),
            std::string::npos)
      << failure.headline;
  EXPECT_NE(failure.headline.find("after 1 of 2 payload bytes"), std::string::npos)
      << failure.headline;
}

TEST(ClientSessionTest, HistoryCutShortBetweenFramesClosedEarly) {
  const Outcome got = run_every_split({Stage::kHistory, {frames({"3", "a"})}, {}});
  const ClientFailure& failure = failure_of(got);
  EXPECT_EQ(failure.error, ClientError::kClosedEarly);
  EXPECT_NE(failure.headline.find("closed the connection after 1 of 3 history items"),
            std::string::npos);
  EXPECT_EQ(failure.sign, StageSign::kNone) << "the server did send bytes: no stage-1 sign";
}

TEST(ClientSessionTest, FrameAfterTheHistoryIsBytesAfterTheEnd) {
  const Outcome got = run_every_split({Stage::kHistory, {frames({"0", "extra"}), ""}, {"x"}});
  const ClientFailure& failure = failure_of(got);
  EXPECT_EQ(failure.error, ClientError::kBytesAfterEnd);
  EXPECT_NE(failure.headline.find("after the history it announced"), std::string::npos);
  EXPECT_NE(failure.details.find("|extra|"), std::string::npos) << failure.details;
}

TEST(ClientSessionTest, FrameAfterTheAcknowledgementIsBytesAfterTheEnd) {
  const Outcome got =
      run_every_split({Stage::kPersisted, {frames({"0"}), frames({kPost2, "more"})}, {"Hi"}});
  EXPECT_EQ(failure_of(got).error, ClientError::kBytesAfterEnd);
  EXPECT_EQ(got.events.size(), 4u) << describe(got.events);  // count, complete, ack, failed.
}

TEST(ClientSessionTest, FrameToAStage1ClientIsBytesAfterTheEnd) {
  const Outcome got = run_every_split({Stage::kSendOnly, {frames({"0"}), ""}, {"x"}});
  const ClientFailure& failure = failure_of(got);
  EXPECT_EQ(failure.error, ClientError::kBytesAfterEnd);
  EXPECT_NE(failure.headline.find("a stage-1 server sends nothing"), std::string::npos);
}

TEST(ClientSessionTest, NothingIsTakenAfterTheEnd) {
  ClientSession session(Stage::kSendOnly, 64);
  ASSERT_TRUE(session.send_message("Hi"));
  session.on_peer_closed();
  ASSERT_EQ(session.take_events().size(), 1u);
  session.on_bytes(frames({"late"}));
  session.on_peer_closed();
  session.on_timeout("1 s");
  session.on_connection_lost("reset");
  EXPECT_FALSE(session.has_events());
  EXPECT_EQ(session.phase(), Phase::kEnded);
}

TEST(ClientSessionTest, ClosedBeforeTheMessageWasSent) {
  ClientSession session(Stage::kHistory, 64);
  session.on_bytes(frames({"0"}));
  session.on_peer_closed();
  EXPECT_EQ(session.failure().error, ClientError::kClosedEarly);
  EXPECT_EQ(session.failure().headline,
            "the server closed the connection before the message was sent");
}

// --- Timeouts and lost connections, decided by the caller --------------------------------------

TEST(ClientSessionTest, AckTimeoutIsNotAcknowledged) {
  ClientSession session(Stage::kPersisted, 64);
  session.on_bytes(frames({"0"}));
  ASSERT_TRUE(session.send_message("Hi"));
  EXPECT_EQ(session.waiting_for(), Phase::kAwaitingAck);
  session.on_timeout("0.5 s");
  EXPECT_EQ(session.failure().error, ClientError::kNotAcknowledged);
  EXPECT_EQ(session.failure().phase, Phase::kAwaitingAck);
  EXPECT_EQ(session.failure().headline, "post sent but not acknowledged within 0.5 s");
}

TEST(ClientSessionTest, TimeoutAfterTheEmptyStage3MessageEndsNormally) {
  ClientSession session(Stage::kPersisted, 64);
  session.on_bytes(frames({"0"}));
  ASSERT_TRUE(session.send_message(""));
  session.on_timeout("0.5 s");
  EXPECT_EQ(session.phase(), Phase::kEnded);
}

TEST(ClientSessionTest, ResetWhileTheAcknowledgementIsDueIsNotAcknowledged) {
  ClientSession session(Stage::kPersisted, 64);
  session.on_bytes(frames({"0"}));
  ASSERT_TRUE(session.send_message("Hi"));
  session.on_connection_lost("the server reset the connection without acknowledging");
  EXPECT_EQ(session.failure().error, ClientError::kNotAcknowledged);
  EXPECT_EQ(session.failure().describe(),
            "post sent but not acknowledged: the server reset the connection without "
            "acknowledging");
}

TEST(ClientSessionTest, ResetAfterAStage2MessageIsAFailure) {
  ClientSession session(Stage::kHistory, 64);
  session.on_bytes(frames({"0"}));
  ASSERT_TRUE(session.send_message("Hi"));
  session.on_connection_lost("connection reset");
  EXPECT_EQ(session.failure().error, ClientError::kConnectionLost);
}

// --- Stage evidence: "the server seems to run stage N" -----------------------------------------

TEST(ClientSessionTest, CloseWithoutAByteLooksLikeStage1) {
  const Outcome got = run_every_split({Stage::kPersisted, {""}, {}});
  const ClientFailure& failure = failure_of(got);
  EXPECT_EQ(failure.sign, StageSign::kNoCountLikeStage1);
  EXPECT_EQ(failure.describe(": try --stage 1"),
            "protocol error: the server closed the connection before the history count arrived, "
            "without sending a byte, as a stage-1 server does: it seems to run stage 1: try "
            "--stage 1");
}

TEST(ClientSessionTest, SilenceUntilTheCountTimeoutLooksLikeStage1) {
  ClientSession session(Stage::kHistory, 64);
  session.on_timeout("0.2 s");
  EXPECT_EQ(session.failure().error, ClientError::kNoCount);
  EXPECT_EQ(session.failure().sign, StageSign::kNoCountLikeStage1);
  EXPECT_EQ(seems_to_run(session.failure().sign), 1);
  EXPECT_NE(session.failure().headline.find("the server sent no count within 0.2 s"),
            std::string::npos);
}

TEST(ClientSessionTest, PostClosedWithoutAckAfterPlainItemsLooksLikeStage2) {
  const Outcome got = run_every_split({Stage::kPersisted, {frames({"1", "plain"}), ""}, {"Hi"}});
  const ClientFailure& failure = failure_of(got);
  EXPECT_EQ(failure.error, ClientError::kNotAcknowledged);
  EXPECT_EQ(failure.sign, StageSign::kClosedWithoutAckStage2);
  const std::string text = failure.describe(": try --stage 2");
  EXPECT_NE(text.find("without acknowledging, as a stage-2 server does: it seems to run stage 2: "
                      "try --stage 2; history item 1 of 1 is not a stage-3 post"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("|plain|"), std::string::npos) << text;
}

TEST(ClientSessionTest, PostClosedWithoutAckAfterPostShapedItemsNamesNoStage) {
  // The course's stage-3 posts: no UTC offset, and its server never acknowledges.
  const Outcome got =
      run_every_split({Stage::kPersisted,
                       {frames({"1", "[2026-11-24T09:14:40.000017 10.0.0.1] hey"}), ""},
                       {"Hi"}});
  EXPECT_EQ(failure_of(got).error, ClientError::kNotAcknowledged);
  EXPECT_EQ(failure_of(got).sign, StageSign::kNone);
}

TEST(ClientSessionTest, CountInReplyToAPostLooksLikeStage2) {
  const Outcome got = run_every_split(
      {Stage::kPersisted, {frames({"1", "plain"}), frames({"2", "plain", "Hi"})}, {"history"}});
  const ClientFailure& failure = failure_of(got);
  EXPECT_EQ(failure.error, ClientError::kUnexpectedReply);
  EXPECT_EQ(failure.phase, Phase::kAwaitingAck);
  EXPECT_EQ(failure.sign, StageSign::kCountForPostLikeStage2);
}

TEST(ClientSessionTest, AcknowledgementInReplyToHistoryLooksLikeStage3) {
  const Outcome got =
      run_every_split({Stage::kHistory, {frames({"1", "plain"}), frames({kPost2})}, {"history"}});
  const ClientFailure& failure = failure_of(got);
  EXPECT_EQ(failure.error, ClientError::kUnexpectedReply);
  EXPECT_EQ(failure.sign, StageSign::kAckForHistoryLikeStage3);
  EXPECT_EQ(failure.headline.find("must be decimal text"), std::string::npos);
}

TEST(ClientSessionTest, HistoryIsNotSentWhenEveryItemIsAStage3Post) {
  const Outcome got = run_every_split({Stage::kHistory, {frames({"1", kPost1}), ""}, {"history"}});
  const ClientFailure& failure = failure_of(got);
  EXPECT_EQ(failure.error, ClientError::kHistoryNotSent);
  EXPECT_EQ(failure.sign, StageSign::kPostsInHistoryLikeStage3);
  EXPECT_TRUE(got.sent.empty()) << "`history` must not be sent";
}

TEST(ClientSessionTest, PostInReplyToAStage2MessageLooksLikeStage3) {
  const Outcome got = run_every_split({Stage::kHistory, {frames({"0"}), frames({kPost2})}, {"Hi"}});
  EXPECT_EQ(failure_of(got).error, ClientError::kBytesAfterEnd);
  EXPECT_EQ(failure_of(got).sign, StageSign::kAckForMessageLikeStage3);
}

}  // namespace
}  // namespace chatkit
