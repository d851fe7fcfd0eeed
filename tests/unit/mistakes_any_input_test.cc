// The mistake recognisers of kit/diagnostics/mistakes.h on any input: generated streams and edge
// cases in every situation keep the promises of a diagnosis (fuzz/mistakes_fuzzer.cc does the
// same with libFuzzer).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "kit/diagnostics/mistakes.h"
#include "kit/framing/frame_codec.h"
#include "tests/unit/mistake_bytes.h"

namespace chatkit {
namespace {

using namespace mistake_bytes;  // The tests' byte builders.

// --- Any input --------------------------------------------------------------------------------

// The promises every diagnosis keeps, whatever the bytes.
void expect_sound(const std::string& bytes, Sender sender, Stage stage, StreamEnd end,
                  bool complete, std::uint32_t max) {
  const Diagnosis d = diagnose_stream(bytes, sender, stage, end, complete, max);
  const std::string context = "bytes " + std::to_string(bytes.size()) + ", end " +
                              std::to_string(static_cast<int>(end)) + ", complete " +
                              std::to_string(complete) + ", max " + std::to_string(max);
  ASSERT_LE(d.offset, bytes.size()) << context;
  ASSERT_EQ(d.mistake == Mistake::kNone, d.what.empty()) << context << ": " << d.what;
  ASSERT_EQ(d.mistake == Mistake::kNone, std::string(mistake_id(d.mistake)).empty()) << context;
  if (d.mistake == Mistake::kNone) {
    ASSERT_EQ(nullptr, d.hint) << context;
  }
  const bool cut_short =
      d.mistake == Mistake::kCutShortInLength || d.mistake == Mistake::kCutShortInPayload;
  const bool may_continue = !complete || end == StreamEnd::kOpen ||
                            end == StreamEnd::kServerStopped || end == StreamEnd::kRefused ||
                            (sender == Sender::kServer && end == StreamEnd::kIdleTimeout);
  // Nothing that needs the stream's end is claimed while more may come.
  if (may_continue) {
    ASSERT_FALSE(cut_short) << context << ": " << d.what;
    ASSERT_NE(Mistake::kMissingItems, d.mistake) << context;
  }
  if (!complete || end != StreamEnd::kIdleTimeout) {
    ASSERT_NE(Mistake::kSilent, d.mistake) << context;
    ASSERT_NE(Mistake::kNeverClosed, d.mistake) << context;
  }
  // The checks' mistakes never come from a stream; a client has no count.
  ASSERT_NE(Mistake::kDifferentText, d.mistake) << context;
  if (sender == Sender::kClient) {
    ASSERT_NE(Mistake::kCountAsBinary, d.mistake) << context;
    ASSERT_NE(Mistake::kForgotCount, d.mistake) << context;
    ASSERT_NE(Mistake::kNonDigitCount, d.mistake) << context;
    ASSERT_NE(Mistake::kMissingItems, d.mistake) << context;
  }
  // The same bytes, the same diagnosis.
  const Diagnosis again = diagnose_stream(bytes, sender, stage, end, complete, max);
  ASSERT_EQ(d.mistake, again.mistake);
  ASSERT_EQ(d.what, again.what);
}

void expect_sound_everywhere(const std::string& bytes, std::uint32_t max) {
  for (const Sender sender : {Sender::kClient, Sender::kServer}) {
    for (const Stage stage : {Stage::kSendOnly, Stage::kHistory, Stage::kPersisted}) {
      for (const StreamEnd end :
           {StreamEnd::kOpen, StreamEnd::kClosed, StreamEnd::kReset, StreamEnd::kIdleTimeout,
            StreamEnd::kRefused, StreamEnd::kServerStopped}) {
        for (const bool complete : {true, false}) {
          expect_sound(bytes, sender, stage, end, complete, max);
          if (::testing::Test::HasFatalFailure()) return;
        }
      }
    }
  }
}

// Pieces the streams are made of: frames right and wrong, digits, text, UTF-8 and its halves.
std::string random_piece(std::uint32_t& state) {
  auto next = [&state] {
    state = state * 1664525u + 1013904223u;  // A fixed LCG: the same inputs on every run.
    return state >> 8;
  };
  static const std::vector<std::string> texts = {
      "", "Hi", "h\xc3\xa9llo", "0", "12", "history", "\xc3", "\xa9", "\xf0\x9f\x98\x80", "2Hi"};
  const std::string& text = texts[next() % texts.size()];
  switch (next() % 9) {
    case 0:
      return encode_frame(text);
    case 1:
      return little_endian_frame(text);
    case 2:
      return character_frame(text);
    case 3:
      return std::to_string(text.size()) + text;
    case 4:
      return length_bytes(next(), next() % 2 == 0);
    case 5:
      return length_bytes(static_cast<std::uint32_t>(next() % 3), false);
    case 6:
      return std::string(1, static_cast<char>(next()));
    case 7:
      return encode_frame(text).substr(0, next() % 6);
    default:
      return text;
  }
}

TEST(DiagnoseStreamOnAnyInput, KeepsItsPromisesOnRandomAndEdgeInputs) {
  std::vector<std::string> inputs = {
      "",
      std::string(1, '\0'),
      std::string(4, '\0'),
      std::string(4, '\xff'),
      std::string(3, '0'),
      "0000",
      "9999999999",
      std::string(1000, '\0'),
      std::string(1000, '\x80'),
      std::string(1000, '7'),
  };
  std::uint32_t state = 15;
  for (int i = 0; i < 1500; ++i) {
    std::string bytes;
    const int pieces = static_cast<int>(state % 6);
    for (int p = 0; p < pieces; ++p) bytes += random_piece(state);
    inputs.push_back(bytes);
  }
  for (const std::string& bytes : inputs) {
    for (const std::uint32_t max : {0u, 5u, kMax, 0xffffffffu}) {
      expect_sound_everywhere(bytes, max);
      if (HasFatalFailure()) return;
    }
  }
}

}  // namespace
}  // namespace chatkit
