// Fuzz target: the mistake recognisers (kit/diagnostics/mistakes.h) that the exercise checks and
// the server's class view share.
//
// Input: [mode][situation][limit selector] then bytes. The situation picks the sender, the stage,
// how the connection ended and whether every byte was kept.
// - Even mode: the bytes are one side's stream. Its diagnosis, in every situation, must keep the
//   promises of mistakes.h: an offset within the bytes, a sentence exactly when there is a
//   mistake, no cut-short frame, silence or missing item while more may come, nothing a client
//   cannot do said of a client; and diagnose_frame() on the same bytes must keep its own.
// - Odd mode: the bytes are texts (separated by ff, which UTF-8 never holds) that make a correct
//   conversation of the situation's sender and stage; it must be no mistake when it has ended,
//   nor at any point before, while it is still open.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "kit/diagnostics/mistakes.h"
#include "kit/framing/frame_codec.h"
#include "kit/framing/utf8.h"

namespace chatkit::fuzz {
namespace {

constexpr StreamEnd kEnds[] = {StreamEnd::kOpen,    StreamEnd::kClosed,
                               StreamEnd::kReset,   StreamEnd::kIdleTimeout,
                               StreamEnd::kRefused, StreamEnd::kServerStopped};

struct Situation {
  Sender sender;
  Stage stage;
  StreamEnd end;
  bool complete;
};

Situation situation_of(std::uint8_t selector) {
  return Situation{selector & 1 ? Sender::kServer : Sender::kClient,
                   static_cast<Stage>(1 + (selector >> 1) % 3), kEnds[(selector >> 3) % 6],
                   (selector & 0x80) == 0};
}

void check_sound(std::string_view bytes, const Situation& s, std::uint32_t limit) {
  const Diagnosis d = diagnose_stream(bytes, s.sender, s.stage, s.end, s.complete, limit);
  const bool none = d.mistake == Mistake::kNone;
  FUZZ_CHECK(d.offset <= bytes.size(), "offset %zu of %zu bytes", d.offset, bytes.size());
  FUZZ_CHECK(none == d.what.empty(), "mistake '%s' with the sentence '%s'", mistake_id(d.mistake),
             d.what.c_str());
  FUZZ_CHECK(none == (mistake_id(d.mistake)[0] == '\0'), "mistake %d has no id",
             static_cast<int>(d.mistake));
  FUZZ_CHECK(!none || d.hint == nullptr, "a hint without a mistake");
  FUZZ_CHECK(check_utf8(d.what).valid, "the sentence is not UTF-8: %s", d.what.c_str());
  const bool may_continue = !s.complete || s.end == StreamEnd::kOpen ||
                            s.end == StreamEnd::kServerStopped || s.end == StreamEnd::kRefused ||
                            (s.sender == Sender::kServer && s.end == StreamEnd::kIdleTimeout);
  if (may_continue) {
    FUZZ_CHECK(d.mistake != Mistake::kCutShortInLength &&
                   d.mistake != Mistake::kCutShortInPayload && d.mistake != Mistake::kMissingItems,
               "'%s' while more may come", d.what.c_str());
  }
  if (!s.complete || s.end != StreamEnd::kIdleTimeout) {
    FUZZ_CHECK(d.mistake != Mistake::kSilent && d.mistake != Mistake::kNeverClosed,
               "'%s' without an idle timeout", d.what.c_str());
  }
  FUZZ_CHECK(d.mistake != Mistake::kDifferentText, "a stream diagnosed as a frame");
  if (s.sender == Sender::kClient) {
    FUZZ_CHECK(d.mistake != Mistake::kCountAsBinary && d.mistake != Mistake::kForgotCount &&
                   d.mistake != Mistake::kNonDigitCount && d.mistake != Mistake::kMissingItems,
               "a client's bytes diagnosed as a history: '%s'", d.what.c_str());
  }
}

void check_frame(std::string_view bytes) {
  // The first bytes up to the first ff are what was expected, the rest what came.
  const std::size_t split = std::min(bytes.find('\xff'), bytes.size());
  const std::string_view expected = bytes.substr(0, split);
  const std::string_view got = bytes.substr(std::min(split + 1, bytes.size()));
  for (const bool is_count : {false, true}) {
    const Diagnosis d = diagnose_frame(expected, got, is_count, got.substr(got.size() / 2));
    FUZZ_CHECK((d.mistake == Mistake::kNone) == d.what.empty(), "frame: '%s'", d.what.c_str());
    FUZZ_CHECK(!got.empty() || d.mistake == Mistake::kNone, "a mistake in nothing");
  }
}

// The texts in `bytes`, split at ff; those that are not UTF-8 are left out.
std::vector<std::string_view> texts_of(std::string_view bytes) {
  std::vector<std::string_view> texts;
  std::size_t start = 0;
  while (start <= bytes.size()) {
    const std::size_t end = std::min(bytes.find('\xff', start), bytes.size());
    const std::string_view text = bytes.substr(start, end - start);
    if (check_utf8(text).valid) texts.push_back(text);
    start = end + 1;
  }
  return texts;
}

void check_correct_conversation(std::string_view bytes, const Situation& s) {
  const std::vector<std::string_view> texts = texts_of(bytes);
  std::string stream;
  if (s.sender == Sender::kClient) {
    if (!texts.empty()) append_frame(texts[0], stream);
  } else if (s.stage != Stage::kSendOnly) {
    // A history of the texts but the last; in stage 2 the same again, in stage 3 the last text
    // as the acknowledgement.
    const std::size_t items = texts.empty() ? 0 : texts.size() - 1;
    for (int round = 0; round < (s.stage == Stage::kHistory ? 2 : 1); ++round) {
      append_frame(format_count(items), stream);
      for (std::size_t i = 0; i < items; ++i) append_frame(texts[i], stream);
    }
    if (s.stage == Stage::kPersisted && !texts.empty()) append_frame(texts.back(), stream);
  }
  const std::uint32_t limit = 0xFFFFFFFFu;
  const Diagnosis ended =
      diagnose_stream(stream, s.sender, s.stage, StreamEnd::kClosed, true, limit);
  const bool silent_server = s.sender == Sender::kServer && s.stage != Stage::kSendOnly;
  if (!(stream.empty() && silent_server)) {
    FUZZ_CHECK(ended.mistake == Mistake::kNone, "a correct conversation diagnosed: '%s'",
               ended.what.c_str());
  }
  // Split anywhere: every prefix, still open, is correct so far.
  const std::size_t step = stream.size() / 64 + 1;
  for (std::size_t cut = 0; cut <= stream.size(); cut += step) {
    const Diagnosis open = diagnose_stream(std::string_view(stream).substr(0, cut), s.sender,
                                           s.stage, StreamEnd::kOpen, true, limit);
    FUZZ_CHECK(open.mistake == Mistake::kNone, "%zu of %zu bytes diagnosed: '%s'", cut,
               stream.size(), open.what.c_str());
  }
}

}  // namespace
}  // namespace chatkit::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using chatkit::Sender;
  using chatkit::Stage;
  using chatkit::StreamEnd;
  chatkit::fuzz::InputReader input(data, size);
  const std::uint8_t mode = input.byte();
  const chatkit::fuzz::Situation situation = chatkit::fuzz::situation_of(input.byte());
  const std::uint32_t limit = chatkit::fuzz::pick_limit(input.byte());
  const std::string_view bytes = input.rest();
  if (mode % 2 == 1) {
    chatkit::fuzz::check_correct_conversation(bytes, situation);
    return 0;
  }
  for (const Sender sender : {Sender::kClient, Sender::kServer}) {
    for (const Stage stage : {Stage::kSendOnly, Stage::kHistory, Stage::kPersisted}) {
      for (const StreamEnd end : chatkit::fuzz::kEnds) {
        for (const bool complete : {true, false}) {
          chatkit::fuzz::check_sound(bytes, {sender, stage, end, complete}, limit);
        }
      }
    }
  }
  chatkit::fuzz::check_frame(bytes);
  return 0;
}
