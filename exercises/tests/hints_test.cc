// The hints recognised from the bytes (exercises/check/hints.h), in process.
#include "exercises/check/hints.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "exercises/check/check_config.h"
#include "kit/framing/frame_codec.h"

namespace chatkit::exercises {
namespace {

std::string frames(const std::vector<std::string>& messages) {
  std::string bytes;
  for (const std::string& message : messages) bytes += encode_frame(message);
  return bytes;
}

void set_stage(int stage) {
  CheckConfig config;
  config.stage = stage;
  set_check_config(config);
}

TEST(Hints, ACountSentLittleEndianIsNamed) {
  set_stage(2);
  std::size_t frame = 0;
  const std::string got = std::string("\x01\x00\x00\x00", 4) + "0";
  EXPECT_NE(explain_frames({"0"}, true, got, &frame).find("little-endian"), std::string::npos);
}

// Issue 13: a history is also judged the way every client of the kit judges it (ClientSession),
// so that the report says what chat-client and the viewer would make of the same bytes.
TEST(Hints, AHistoryIsAlsoJudgedAsTheStagesClientWouldJudgeIt) {
  set_stage(2);
  std::size_t frame = 0;
  // The items without the count before them: a client takes "Hi" for the count.
  const std::string hint =
      explain_frames({"2", "Hi", "there"}, true, frames({"Hi", "there"}), &frame);
  EXPECT_NE(hint.find("A client of stage 2 (chat-client) would stop here: "), std::string::npos)
      << hint;
  EXPECT_NE(hint.find("Hi"), std::string::npos) << hint;
}

TEST(Hints, ARightHistoryGetsNoClientVerdict) {
  set_stage(3);
  std::size_t frame = 0;
  const std::vector<std::string> history = {"1", "[2026-12-06T07:00:00.000000+00:00 pc1] Hi"};
  EXPECT_EQ(explain_frames(history, true, frames(history), &frame), "");
}

TEST(Hints, MessagesThatAreNoHistoryGetNoClientVerdict) {
  set_stage(2);
  std::size_t frame = 0;
  // Not a history (first_is_count false): the client's view of a history does not apply.
  const std::string hint = explain_frames({"Hi"}, false, frames({"Ho"}), &frame);
  EXPECT_EQ(hint.find("A client of stage"), std::string::npos) << hint;
}

// Issue 15: the recognisers moved to the kit (kit/diagnostics/mistakes.h); the checks' words for
// each of their findings stay exactly as they were. Length prefixes are spelled out as bytes.

TEST(Hints, EachFrameMistakeKeepsItsWords) {
  set_stage(1);
  std::size_t frame = 99;
  EXPECT_EQ(kHintByteOrder,
            explain_frames({"Hi"}, false, std::string("\x02\0\0\0", 4) + "Hi", &frame));
  EXPECT_EQ(0u, frame);
  EXPECT_EQ(kHintCharacters,
            explain_frames({"h\xc3\xa9llo"}, false, std::string("\0\0\0\x05", 4) + "h\xc3\xa9llo"));
  EXPECT_EQ(kHintLengthAsText, explain_frames({"Hi"}, false, "0002Hi"));
  EXPECT_EQ("the bytes end in the middle of a length prefix.",
            explain_frames({"Hi"}, false, std::string("\0\0", 2)));
  EXPECT_EQ("the bytes end in the middle of the payload.",
            explain_frames({"Hi", "hello"}, false,
                           frames({"Hi"}) + std::string("\0\0\0\x05", 4) + "he", &frame));
  EXPECT_EQ(1u, frame);
  EXPECT_EQ("the length is right but the text differs.",
            explain_frames({"Hi"}, false, frames({"Ho"})));
  EXPECT_EQ("more bytes came after the last expected frame.",
            explain_frames({"Hi"}, false, frames({"Hi", "Ho"}), &frame));
  EXPECT_EQ(1u, frame);
  EXPECT_EQ("", explain_frames({"Hi"}, false, "", &frame));
  EXPECT_EQ("", explain_frames({"Hi"}, false, frames({"Hello"})));
}

TEST(Hints, EachCountMistakeKeepsItsWords) {
  set_stage(2);
  const auto starts_with = [](const std::string& text, const std::string& start) {
    return text.compare(0, start.size(), start) == 0;
  };
  const std::string binary =
      std::string("\0\0\0\x04", 4) + std::string("\0\0\0\x02", 4) + frames({"a", "b"});
  const std::string hint = explain_frames({"2", "a", "b"}, true, binary);
  EXPECT_TRUE(starts_with(hint, kHintCountAsBinary)) << hint;
  const std::string forgot = explain_frames({"2", "a", "b"}, true, frames({"a", "b"}));
  EXPECT_TRUE(starts_with(forgot, kHintForgotCount)) << forgot;
  const std::string digits = explain_frames({"2", "a", "b"}, true, frames({"x", "a", "b"}));
  EXPECT_TRUE(starts_with(digits,
                          "the count frame must hold only decimal digits, like \"2\". The first "
                          "frame must be the count of history items"))
      << digits;
}

TEST(Hints, TheTeachingTextsAreTheKits) {
  EXPECT_EQ(chatkit::kHintByteOrder, kHintByteOrder);
  EXPECT_EQ(chatkit::kHintReassemble, kHintReassemble);
  EXPECT_EQ(0, std::string(kHintLengthAsText)
                   .compare("the length was sent as text (ASCII digits). It must be 4 binary "
                            "bytes, big-endian: \"Hi\" is 00 00 00 02 48 69."));
}

}  // namespace
}  // namespace chatkit::exercises
