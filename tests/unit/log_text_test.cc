// Tests for quote_for_log: a client's message in a log line is always one quoted line, with
// escapes a reader can undo, cut at a character boundary when long.
#include "kit/log/log_text.h"

#include <gtest/gtest.h>

#include <string>

namespace chatkit {
namespace {

TEST(QuoteForLog, QuotesPlainText) {
  EXPECT_EQ("\"hello\"", quote_for_log("hello"));
  EXPECT_EQ("\"\"", quote_for_log(""));
}

TEST(QuoteForLog, EscapesLineBreaksTabsQuotesAndBackslashes) {
  EXPECT_EQ(R"("a\nb")", quote_for_log("a\nb"));
  EXPECT_EQ(R"("a\rb")", quote_for_log("a\rb"));
  EXPECT_EQ(R"("a\tb")", quote_for_log("a\tb"));
  EXPECT_EQ(R"("say \"hi\"")", quote_for_log("say \"hi\""));
  EXPECT_EQ(R"("C:\\temp")", quote_for_log("C:\\temp"));
  EXPECT_EQ(R"("fake\n2026-11-24T09:15:02.123456+01:00 accepted")",
            quote_for_log("fake\n2026-11-24T09:15:02.123456+01:00 accepted"));
}

TEST(QuoteForLog, EscapesOtherControlBytesAsHex) {
  EXPECT_EQ(R"("\x1b[31mred")", quote_for_log("\x1b[31mred"));
  EXPECT_EQ(R"("\x00")", quote_for_log(std::string("\0", 1)));
  EXPECT_EQ(R"("\x07\x08\x0b\x0c\x1f")", quote_for_log("\x07\x08\x0b\x0c\x1f"));
  EXPECT_EQ(R"("\x7f")", quote_for_log("\x7f"));
}

TEST(QuoteForLog, LeavesUtf8Alone) {
  const std::string text = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80";
  EXPECT_EQ("\"" + text + "\"", quote_for_log(text));
}

TEST(QuoteForLog, NeverLetsAControlByteThrough) {
  for (int byte = 0; byte < 0x80; ++byte) {
    const std::string quoted = quote_for_log(std::string(1, static_cast<char>(byte)));
    for (const char c : quoted) {
      const auto u = static_cast<unsigned char>(c);
      EXPECT_TRUE(u >= 0x20 && u != 0x7F) << "byte " << byte << " gave " << quoted;
    }
  }
}

TEST(QuoteForLog, KeepsTextOfExactlyMaxBytes) {
  const std::string text(200, 'a');
  EXPECT_EQ("\"" + text + "\"", quote_for_log(text));
  EXPECT_EQ("\"abcd\"", quote_for_log("abcd", 4));
}

TEST(QuoteForLog, CutsLongTextAndGivesItsFullSize) {
  const std::string text(300, 'a');
  EXPECT_EQ("\"" + std::string(200, 'a') + "\"... (300 bytes)", quote_for_log(text));
  EXPECT_EQ("\"abc\"... (10 bytes)", quote_for_log("abcdefghij", 3));
  EXPECT_EQ("\"\"... (3 bytes)", quote_for_log("abc", 0));
}

TEST(QuoteForLog, CountsInputBytesNotEscapes) {
  EXPECT_EQ(R"("\n\n\n\n"... (10 bytes))", quote_for_log(std::string(10, '\n'), 4));
}

TEST(QuoteForLog, CutsAtACharacterBoundary) {
  const std::string euro = "\xE2\x82\xAC";      // 3 bytes.
  const std::string text = "aaa" + euro + "b";  // 7 bytes.
  EXPECT_EQ("\"aaa\"... (7 bytes)", quote_for_log(text, 4));
  EXPECT_EQ("\"aaa\"... (7 bytes)", quote_for_log(text, 5));
  EXPECT_EQ("\"aaa" + euro + "\"... (7 bytes)", quote_for_log(text, 6));
  EXPECT_EQ("\"" + text + "\"", quote_for_log(text, 7));

  const std::string emoji = "\xF0\x9F\x98\x80";  // 4 bytes.
  for (std::size_t max = 1; max <= 4; ++max) {
    EXPECT_EQ("\"x\"... (5 bytes)", quote_for_log("x" + emoji, max)) << "max " << max;
  }
  EXPECT_EQ("\"x" + emoji + "\"", quote_for_log("x" + emoji, 5));
}

TEST(CountOf, SaysOneThingAndManyThings) {
  EXPECT_EQ("1 post", count_of(1, "post", "posts"));
  EXPECT_EQ("0 posts", count_of(0, "post", "posts"));
  EXPECT_EQ("2 connections", count_of(2, "connection", "connections"));
  EXPECT_EQ("1 empty line", count_of(1, "empty line", "empty lines"));
}

TEST(SecondsText, GivesEveryDurationInSecondsAsTheOptionsTakeThem) {
  EXPECT_EQ("30 s", seconds_text(30000));
  EXPECT_EQ("1.5 s", seconds_text(1500));
  EXPECT_EQ("0.25 s", seconds_text(250));
  EXPECT_EQ("0.001 s", seconds_text(1));
  EXPECT_EQ("4.003 s", seconds_text(4003));
  EXPECT_EQ("0 s", seconds_text(0));
  EXPECT_EQ("1.5", seconds_text(1500, false)) << "as the option is typed: --frame-timeout 1.5";
}

}  // namespace
}  // namespace chatkit
