// The hints recognised from the bytes (exercises/check/hints.h), in process.
#include "exercises/check/hints.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace chatkit::exercises
