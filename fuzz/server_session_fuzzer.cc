// Fuzz target: the server's per-connection protocol state machine (kit/protocol/server_session.h),
// fed a client's bytes in process, in fuzzer-chosen chunks, with or without the client's EOF.
//
// Input: [stage][limit selector][chunking seed][flags] then the bytes the client sends. The
// delegate records every call and checks the protocol's rules as they happen (docs/protocol.md
// sections 3 and 4): stages 2 and 3 send the history first and only once (twice after "history"
// in stage 2); one frame per connection, bytes after it ignored; only a non-empty, valid UTF-8
// message within the limit is ever appended or stored, and it is exactly the client's first
// frame; an invalid frame is rejected and nothing is kept; nothing happens after the end. At the
// end the whole conversation is compared with what the reference decoder says it must have been.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "kit/framing/utf8.h"
#include "kit/protocol/server_session.h"
#include "kit/protocol/stage.h"

namespace chatkit::fuzz {
namespace {

// One delegate call, as the conversation's transcript.
enum class Call { kSendHistory, kAppend, kStore, kFinish, kReject };

class CheckingDelegate : public ServerSession::Delegate {
 public:
  CheckingDelegate(Stage stage, std::uint32_t limit) : stage_(stage), limit_(limit) {}

  void send_history() override {
    FUZZ_CHECK(stage_ != Stage::kSendOnly, "stage 1 sent a history");
    FUZZ_CHECK(!ended_, "send_history after the end");
    calls_.push_back(Call::kSendHistory);
  }
  void append_message(std::string_view message) override {
    FUZZ_CHECK(stage_ != Stage::kPersisted, "stage 3 appended instead of storing");
    check_message(message);
    calls_.push_back(Call::kAppend);
  }
  void store_post(std::string_view message) override {
    FUZZ_CHECK(stage_ == Stage::kPersisted, "stage %d stored a post", stage_number(stage_));
    check_message(message);
    calls_.push_back(Call::kStore);
    ended_ = true;  // The server acknowledges and closes, or resets: nothing else follows.
  }
  void finish() override {
    FUZZ_CHECK(!ended_, "finish after the end");
    calls_.push_back(Call::kFinish);
    ended_ = true;
  }
  void reject(const std::string& reason) override {
    FUZZ_CHECK(!ended_, "reject after the end");
    FUZZ_CHECK(!reason.empty(), "a rejection without a reason for the log");
    FUZZ_CHECK(message_.empty(), "rejected after a message was kept");
    calls_.push_back(Call::kReject);
    ended_ = true;
  }

  const std::vector<Call>& calls() const { return calls_; }
  const std::string& message() const { return message_; }
  bool ended() const { return ended_; }

 private:
  void check_message(std::string_view message) {
    FUZZ_CHECK(!ended_, "a message after the end");
    FUZZ_CHECK(message_.empty(), "a second message on one connection");
    FUZZ_CHECK(!message.empty(), "an empty message kept");
    FUZZ_CHECK(message.size() <= limit_, "a %zu-byte message over the %u-byte limit",
               message.size(), limit_);
    FUZZ_CHECK(check_utf8(message).valid, "an invalid UTF-8 message kept");
    message_ = std::string(message);
  }

  Stage stage_;
  std::uint32_t limit_;
  std::vector<Call> calls_;
  std::string message_;
  bool ended_ = false;
};

// The transcript the protocol prescribes for this stream.
std::vector<Call> expected_calls(Stage stage, const ReferenceDecode& want, bool peer_closes,
                                 std::string* message) {
  std::vector<Call> calls;
  if (stage != Stage::kSendOnly) calls.push_back(Call::kSendHistory);
  using End = ReferenceDecode::End;
  if (!want.frames.empty()) {
    const std::string& first = want.frames.front();
    if (first.empty()) {
      calls.push_back(Call::kFinish);
    } else if (stage == Stage::kPersisted) {
      *message = first;
      calls.push_back(Call::kStore);
    } else if (stage == Stage::kHistory && first == kHistoryCommand) {
      calls.push_back(Call::kSendHistory);
      calls.push_back(Call::kFinish);
    } else {
      *message = first;
      calls.push_back(Call::kAppend);
      calls.push_back(Call::kFinish);
    }
    return calls;
  }
  switch (want.end) {
    case End::kTooLong:
    case End::kInvalidUtf8:
      calls.push_back(Call::kReject);
      break;
    case End::kPartialLength:
    case End::kPartialPayload:
      if (peer_closes) calls.push_back(Call::kReject);  // A truncated frame.
      break;
    case End::kClean:  // No byte at all.
      if (peer_closes) calls.push_back(Call::kFinish);
      break;
  }
  return calls;
}

}  // namespace
}  // namespace chatkit::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace chatkit;
  using namespace chatkit::fuzz;
  InputReader input(data, size);
  const Stage stage = *stage_from_number(1 + input.byte() % 3);
  std::uint32_t limit = pick_limit(input.byte());
  if (limit == 0) limit = 1;  // The server's --max-message-bytes is at least 1.
  ChunkSizes chunks(input.byte());
  const std::uint8_t flags = input.byte();
  const bool peer_closes = (flags & 1) != 0;
  const bool extra_after_close = (flags & 2) != 0;
  const std::string_view stream = input.rest();

  CheckingDelegate delegate(stage, limit);
  ServerSession session(stage, limit, &delegate);
  FUZZ_CHECK(session.phase() == ServerSession::Phase::kNew, "not new before start()");
  session.start();
  FUZZ_CHECK(session.phase() == ServerSession::Phase::kAwaitingMessage, "not reading after start");

  std::size_t at = 0;
  while (at < stream.size()) {
    const std::size_t chunk = chunks.next(stream.size() - at);
    const std::size_t calls_before = delegate.calls().size();
    const bool was_done = session.phase() == ServerSession::Phase::kDone;
    session.on_bytes(stream.data() + at, chunk);
    at += chunk;
    if (was_done) {
      FUZZ_CHECK(delegate.calls().size() == calls_before, "bytes after the one frame were used");
    }
    FUZZ_CHECK(delegate.ended() == (session.phase() == ServerSession::Phase::kDone),
               "phase %d but the delegate %s", static_cast<int>(session.phase()),
               delegate.ended() ? "heard the end" : "did not hear the end");
  }
  if (peer_closes) {
    const std::size_t calls_before = delegate.calls().size();
    const bool was_done = session.phase() == ServerSession::Phase::kDone;
    session.on_peer_closed();
    if (was_done) FUZZ_CHECK(delegate.calls().size() == calls_before, "EOF after the end acted");
    FUZZ_CHECK(session.phase() == ServerSession::Phase::kDone, "still waiting after EOF");
    if (extra_after_close) {
      session.on_bytes("\0\0\0\1x", 5);
      session.on_peer_closed();
      FUZZ_CHECK(delegate.calls().size() == calls_before + (was_done ? 0 : 1),
                 "calls after the conversation ended");
    }
  }

  const ReferenceDecode want = reference_decode(stream, limit);
  std::string expected_message;
  const std::vector<Call> expected = expected_calls(stage, want, peer_closes, &expected_message);
  FUZZ_CHECK(delegate.calls() == expected, "stage %d: %zu calls, the protocol prescribes %zu",
             stage_number(stage), delegate.calls().size(), expected.size());
  FUZZ_CHECK(delegate.message() == expected_message, "kept \"%s\", the first frame is \"%s\"",
             delegate.message().c_str(), expected_message.c_str());
  return 0;
}
