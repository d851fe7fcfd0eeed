// Tests for the stage numbers and the history count frame's text: decimal ASCII only, which is
// what the course's Python programs send with f"{len(history)}" and read back with int().
#include "kit/protocol/stage.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace chatkit {
namespace {

TEST(Stage, MapsNumbersOneToThreeToStages) {
  EXPECT_EQ(Stage::kSendOnly, stage_from_number(1));
  EXPECT_EQ(Stage::kHistory, stage_from_number(2));
  EXPECT_EQ(Stage::kPersisted, stage_from_number(3));
}

TEST(Stage, RejectsOtherNumbers) {
  for (const int number : {0, 4, -1, 10, 100}) {
    EXPECT_FALSE(stage_from_number(number).has_value()) << number;
  }
}

TEST(Stage, NumbersAndNamesEachStage) {
  EXPECT_EQ(1, stage_number(Stage::kSendOnly));
  EXPECT_EQ(2, stage_number(Stage::kHistory));
  EXPECT_EQ(3, stage_number(Stage::kPersisted));
  EXPECT_STREQ("send-only", stage_name(Stage::kSendOnly));
  EXPECT_STREQ("history", stage_name(Stage::kHistory));
  EXPECT_STREQ("persisted", stage_name(Stage::kPersisted));
  EXPECT_EQ("history", kHistoryCommand);
}

TEST(FormatCount, WritesDecimalAscii) {
  EXPECT_EQ("0", format_count(0));
  EXPECT_EQ("3", format_count(3));
  EXPECT_EQ("1000", format_count(1000));
  EXPECT_EQ("18446744073709551615", format_count(UINT64_MAX));
}

TEST(ParseCount, ReadsDecimalAscii) {
  EXPECT_EQ(std::optional<std::uint64_t>(0), parse_count("0"));
  EXPECT_EQ(std::optional<std::uint64_t>(3), parse_count("3"));
  EXPECT_EQ(std::optional<std::uint64_t>(7), parse_count("007"));
  EXPECT_EQ(std::optional<std::uint64_t>(999999999999999999ULL), parse_count("999999999999999999"));
}

TEST(ParseCount, RoundTripsFormatCount) {
  for (const std::uint64_t count : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{42},
                                    std::uint64_t{1000000}, std::uint64_t{123456789012345678ULL}}) {
    EXPECT_EQ(std::optional<std::uint64_t>(count), parse_count(format_count(count))) << count;
  }
}

TEST(ParseCount, RejectsAnythingButDigits) {
  const std::vector<std::string> bad = {
      "",
      "+3",
      "-3",
      " 3",
      "3 ",
      "3\n",
      "0x3",
      "3.0",
      "1e3",
      "three",
      std::string("\0\0\0\3", 4),  // A count sent as a binary integer.
      std::string("\3", 1),
      "\xEF\xBC\x93",         // A full-width digit three.
      "1000000000000000000",  // 19 digits.
  };
  for (const std::string& text : bad) {
    EXPECT_FALSE(parse_count(text).has_value()) << "accepted '" << text << "'";
  }
}

}  // namespace
}  // namespace chatkit
