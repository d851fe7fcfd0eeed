// Fuzz target: the client's side of the protocol (kit/protocol/client_session.h), fed a server's
// bytes in process, in fuzzer-chosen chunks, with the client's message between two segments and
// an ending of the fuzzer's choice (the server's close, a lost connection, the caller's timer).
//
// Input: [stage][limit selector][chunking seed][flags][split high][split low] then the server's
// bytes; the split cuts them into what the server sends before the client's message and after.
// Invariants, checked for every input (docs/protocol.md, section 3):
// - It never crashes, whatever the bytes.
// - The events follow the protocol's grammar and agree with the phase: a count, then exactly
//   that many non-empty items numbered from 1, then the history complete; a second history only
//   after a stage-2 `history`; an acknowledgement only in stage 3 after a non-empty message;
//   nothing in stage 1 but the end; at most one ended or failed event, and nothing after it.
// - Every count, item and acknowledgement is exactly the frame the reference decoder finds at the
//   event's frame index.
// - Feeding the bytes byte by byte, in the fuzzer's chunks, or each segment in one piece gives
//   the same events.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "kit/framing/utf8.h"
#include "kit/protocol/client_session.h"
#include "kit/protocol/stage.h"

namespace chatkit::fuzz {
namespace {

using Kind = ClientEvent::Kind;
using Phase = ClientPhase;

enum class Chunking { kFuzzer, kWhole, kByteByByte };

struct Run {
  std::vector<ClientEvent> events;
  Phase phase;
  bool sent = false;
};

// Checks each event against the protocol's grammar as it comes.
class GrammarCheck {
 public:
  GrammarCheck(Stage stage, std::uint32_t limit, const ReferenceDecode& reference)
      : stage_(stage), limit_(limit), reference_(reference) {}

  void message_sent(std::string_view message) {
    message_ = std::string(message);
    sent_ = true;
  }

  void check(const ClientEvent& e, Phase phase_after) {
    FUZZ_CHECK(!over_, "a %s event after the conversation ended", to_string(e.kind));
    switch (e.kind) {
      case Kind::kCount: {
        FUZZ_CHECK(stage_ != Stage::kSendOnly, "a count in stage 1");
        FUZZ_CHECK(!in_history_, "a count inside a history");
        FUZZ_CHECK(e.history == histories_ + 1, "count of history %d after %d histories", e.history,
                   histories_);
        FUZZ_CHECK(e.history == 1 || (stage_ == Stage::kHistory && message_ == kHistoryCommand),
                   "a second history without `history`");
        const std::string& frame = frame_at(e.frame);
        const auto count = parse_count(frame);
        FUZZ_CHECK(count && *count == e.count, "count %llu from frame \"%s\"",
                   static_cast<unsigned long long>(e.count), frame.c_str());
        in_history_ = true;
        count_ = e.count;
        items_ = 0;
        break;
      }
      case Kind::kItem:
        FUZZ_CHECK(in_history_ && e.number == items_ + 1 && e.count == count_ && e.number <= count_,
                   "item %llu of %llu out of order", static_cast<unsigned long long>(e.number),
                   static_cast<unsigned long long>(e.count));
        FUZZ_CHECK(!e.text.empty(), "an empty item delivered");
        FUZZ_CHECK(e.text.size() <= limit_ && check_utf8(e.text).valid, "a bad item delivered");
        FUZZ_CHECK(e.text == frame_at(e.frame), "item is not its frame");
        ++items_;
        break;
      case Kind::kHistoryComplete:
        FUZZ_CHECK(in_history_ && items_ == count_ && e.count == count_,
                   "history complete after %llu of %llu items",
                   static_cast<unsigned long long>(items_),
                   static_cast<unsigned long long>(count_));
        in_history_ = false;
        ++histories_;
        FUZZ_CHECK(phase_after == (histories_ == 1 ? Phase::kReadyToSend : Phase::kAwaitingClose) ||
                       phase_after == Phase::kFailed || phase_after == Phase::kEnded,
                   "history complete but the phase is %s", to_string(phase_after));
        break;
      case Kind::kAcknowledged:
        FUZZ_CHECK(stage_ == Stage::kPersisted && sent_ && !message_.empty() && !acked_,
                   "an acknowledgement nobody owed");
        FUZZ_CHECK(e.text == frame_at(e.frame), "acknowledgement is not its frame");
        acked_ = true;
        break;
      case Kind::kEnded:
        FUZZ_CHECK(!in_history_, "ended inside a history");
        FUZZ_CHECK(stage_ == Stage::kSendOnly || histories_ >= 1, "ended without a history");
        over_ = true;
        break;
      case Kind::kFailed:
        FUZZ_CHECK(e.failure.error != ClientError::kNone, "a failure without an error");
        FUZZ_CHECK(!e.failure.headline.empty(), "a failure without a headline");
        FUZZ_CHECK(e.failure.phase != Phase::kEnded && e.failure.phase != Phase::kFailed,
                   "failed from phase %s", to_string(e.failure.phase));
        if (e.failure.sign != StageSign::kNone) {
          const std::string seems =
              "it seems to run stage " + std::to_string(seems_to_run(e.failure.sign));
          FUZZ_CHECK(e.failure.headline.size() >= seems.size() &&
                         e.failure.headline.compare(e.failure.headline.size() - seems.size(),
                                                    seems.size(), seems) == 0,
                     "a stage sign whose headline does not end with it: %s",
                     e.failure.headline.c_str());
        }
        over_ = true;
        break;
    }
    if (over_) {
      FUZZ_CHECK(phase_after == (e.kind == Kind::kEnded ? Phase::kEnded : Phase::kFailed),
                 "%s event but the phase is %s", to_string(e.kind), to_string(phase_after));
    }
  }

 private:
  const std::string& frame_at(std::int64_t index) const {
    FUZZ_CHECK(index >= 0 && static_cast<std::size_t>(index) < reference_.frames.size(),
               "event of frame %lld; the reference decoded %zu frames",
               static_cast<long long>(index), reference_.frames.size());
    return reference_.frames[static_cast<std::size_t>(index)];
  }

  Stage stage_;
  std::uint32_t limit_;
  const ReferenceDecode& reference_;
  std::string message_;
  bool sent_ = false;
  bool in_history_ = false;
  bool acked_ = false;
  bool over_ = false;
  int histories_ = 0;
  std::uint64_t count_ = 0;
  std::uint64_t items_ = 0;
};

const char* message_for(std::uint8_t flags) {
  switch ((flags >> 2) & 3) {
    case 0:
      return "Hi";
    case 1:
      return "";
    case 2:
      return "history";
    default:
      return "h\xc3\xa9llo";
  }
}

Run run(Stage stage, std::uint32_t limit, std::uint32_t chunk_seed, std::uint8_t flags,
        std::string_view before, std::string_view after, Chunking chunking, GrammarCheck* check) {
  ClientSession session(stage, limit);
  ChunkSizes chunks(chunk_seed);
  Run result;
  auto collect = [&] {
    for (ClientEvent& event : session.take_events()) {
      if (check != nullptr) check->check(event, session.phase());
      result.events.push_back(std::move(event));
    }
    if (check != nullptr && session.phase() == Phase::kReadingItems) {
      FUZZ_CHECK(session.items_received() < session.history_count(),
                 "reading items with all %llu in",
                 static_cast<unsigned long long>(session.history_count()));
    }
  };
  auto feed = [&](std::string_view bytes) {
    std::size_t at = 0;
    while (at < bytes.size()) {
      std::size_t size = bytes.size() - at;
      if (chunking == Chunking::kByteByByte) size = 1;
      if (chunking == Chunking::kFuzzer) size = chunks.next(size);
      session.on_bytes(bytes.data() + at, size);
      at += size;
      collect();
    }
  };
  feed(before);
  if (session.phase() == Phase::kReadyToSend) {
    if ((flags & 0x10) != 0) {
      session.send_nothing();
    } else {
      const std::string_view message = message_for(flags);
      const auto frame = session.send_message(message);
      if (frame) {
        result.sent = true;
        if (check != nullptr) check->message_sent(message);
      }
    }
    collect();
  }
  feed(after);
  switch (flags & 3) {
    case 0:
      session.on_peer_closed();
      break;
    case 1:
      session.on_connection_lost("the connection was reset");
      break;
    case 2:
      session.on_timeout("1 s");
      break;
    default:
      break;  // The conversation is left where it is.
  }
  collect();
  result.phase = session.phase();
  return result;
}

}  // namespace
}  // namespace chatkit::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace chatkit;
  using namespace chatkit::fuzz;
  InputReader input(data, size);
  const Stage stage = *stage_from_number(1 + input.byte() % 3);
  const std::uint32_t limit = pick_limit(input.byte());
  const std::uint32_t chunk_seed = input.byte();
  const std::uint8_t flags = input.byte();
  const std::uint32_t split = (std::uint32_t{input.byte()} << 8) | input.byte();
  const std::string_view stream = input.rest();
  const std::size_t cut = split % (stream.size() + 1);
  const std::string_view before = stream.substr(0, cut);
  const std::string_view after = stream.substr(cut);

  const ReferenceDecode reference = reference_decode(stream, limit);
  GrammarCheck check(stage, limit, reference);
  const Run fuzzed = run(stage, limit, chunk_seed, flags, before, after, Chunking::kFuzzer, &check);
  const Run whole = run(stage, limit, chunk_seed, flags, before, after, Chunking::kWhole, nullptr);
  const Run bytes =
      run(stage, limit, chunk_seed, flags, before, after, Chunking::kByteByByte, nullptr);
  FUZZ_CHECK(
      fuzzed.events == whole.events && fuzzed.phase == whole.phase && fuzzed.sent == whole.sent,
      "stage %d: %zu events in the fuzzer's chunks, %zu in one chunk per segment",
      stage_number(stage), fuzzed.events.size(), whole.events.size());
  FUZZ_CHECK(bytes.events == whole.events && bytes.phase == whole.phase && bytes.sent == whole.sent,
             "stage %d: %zu events byte by byte, %zu in one chunk per segment", stage_number(stage),
             bytes.events.size(), whole.events.size());
  return 0;
}
