// Tests for the byte dumps that every failure message relies on: the exact layout of a dump
// line, the caret under the marked byte, truncation, and describe_difference's explanation.
#include "kit/diagnostics/byte_dump.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace chatkit {
namespace {

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      lines.emplace_back(text.substr(start));
      break;
    }
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string hex_of(unsigned char byte) {
  char text[3];
  std::snprintf(text, sizeof text, "%02x", byte);
  return text;
}

// Checks that `dump` has exactly one caret line, that it follows the line holding byte `offset`
// (whose line starts with that line's offset in hex), and that the carets sit under that byte's
// two hex digits.
::testing::AssertionResult caret_marks(std::string_view dump, std::string_view bytes,
                                       std::size_t offset) {
  const std::vector<std::string> lines = split_lines(dump);
  std::size_t carets = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::size_t at = lines[i].find("^^");
    if (at == std::string::npos) continue;
    ++carets;
    if (i == 0) return ::testing::AssertionFailure() << "caret line first:\n" << dump;
    const std::string& above = lines[i - 1];
    char line_offset[32];
    std::snprintf(line_offset, sizeof line_offset, "%04zx  ", offset - offset % 16);
    if (above.find(line_offset) == std::string::npos) {
      return ::testing::AssertionFailure()
             << "expected the caret under the line at offset " << line_offset << ", got it under\n"
             << above << "\nin\n"
             << dump;
    }
    const std::string expected = hex_of(static_cast<unsigned char>(bytes[offset]));
    const std::string got = above.size() >= at + 2 ? above.substr(at, 2) : "<past the line>";
    if (got != expected) {
      return ::testing::AssertionFailure()
             << "expected the caret under byte " << offset << " (" << expected
             << "), got it under '" << got << "' at column " << at << ":\n"
             << dump;
    }
  }
  if (carets != 1) {
    return ::testing::AssertionFailure() << "expected 1 caret line, got " << carets << ":\n"
                                         << dump;
  }
  return ::testing::AssertionSuccess();
}

// ---- hex_dump ----

TEST(HexDump, ShowsOffsetHexAndAsciiSixteenBytesALine) {
  const std::string bytes = std::string("0123456789abcdef") + std::string("\x00\x1f\x7f\x80 ~", 6);
  const std::string expected =
      "0000  30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66  |0123456789abcdef|\n"
      "0010  00 1f 7f 80 20 7e " +
      std::string(10 * 3, ' ') + " |.... ~|\n";
  EXPECT_EQ(expected, hex_dump(bytes));
}

TEST(HexDump, ShowsBytesOutsidePrintableAsciiAsDots) {
  const std::string bytes = "\xC3\xA9\t\n\x19 A";
  const std::vector<std::string> lines = split_lines(hex_dump(bytes));
  ASSERT_EQ(1u, lines.size());
  EXPECT_NE(std::string::npos, lines[0].find("|..... A|")) << lines[0];
  EXPECT_NE(std::string::npos, lines[0].find("c3 a9 09 0a 19 20 41")) << lines[0];
}

TEST(HexDump, PutsTheCaretUnderTheMarkedByteOnItsLine) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) bytes.push_back(static_cast<char>('A' + i % 26));
  for (const std::size_t mark : {std::size_t{0}, std::size_t{5}, std::size_t{15}, std::size_t{16},
                                 std::size_t{20}, std::size_t{31}, std::size_t{39}}) {
    EXPECT_TRUE(caret_marks(hex_dump(bytes, mark), bytes, mark)) << "mark " << mark;
  }
}

TEST(HexDump, PutsTheCaretOnTheLineRightAfterTheMarkedOne) {
  const std::string bytes(48, 'x');
  const std::vector<std::string> lines = split_lines(hex_dump(bytes, 20));
  ASSERT_EQ(4u, lines.size()) << "three dump lines and one caret line";
  EXPECT_EQ(0u, lines[1].find("0010  ")) << lines[1];
  EXPECT_EQ(std::string(6 + 4 * 3, ' ') + "^^", lines[2]);
  EXPECT_EQ(0u, lines[3].find("0020  ")) << lines[3];
}

TEST(HexDump, DrawsNoCaretWithoutAMark) {
  EXPECT_EQ(std::string::npos, hex_dump("no mark here").find('^'));
}

TEST(HexDump, StartsEveryLineWithTheIndent) {
  const std::string bytes(20, 'q');
  const std::string indent = "    > ";
  const std::vector<std::string> lines = split_lines(hex_dump(bytes, 18, 256, indent));
  ASSERT_EQ(3u, lines.size());
  for (const std::string& line : lines) EXPECT_EQ(0u, line.find(indent)) << line;
  EXPECT_EQ(indent + "0000  ", lines[0].substr(0, indent.size() + 6));
  EXPECT_TRUE(caret_marks(hex_dump(bytes, 18, 256, indent), bytes, 18));
}

TEST(HexDump, CutsLongInputsAndSaysHowManyBytesWereLeftOut) {
  const std::string bytes(300, 'b');
  const std::vector<std::string> lines = split_lines(hex_dump(bytes));
  ASSERT_EQ(17u, lines.size()) << "256 bytes = 16 lines, then the truncation line";
  EXPECT_EQ(0u, lines[15].find("00f0  ")) << lines[15];
  EXPECT_EQ("... 44 more bytes", lines[16]);

  const std::vector<std::string> short_lines =
      split_lines(hex_dump("0123456789", kNoMark, 4, "  "));
  ASSERT_EQ(2u, short_lines.size());
  EXPECT_EQ("  0000  30 31 32 33" + std::string(12 * 3, ' ') + "  |0123|", short_lines[0]);
  EXPECT_EQ("  ... 6 more bytes", short_lines[1]);
}

TEST(HexDump, ShowsEverythingWhenTheInputFitsExactly) {
  const std::string bytes(32, 'c');
  EXPECT_EQ(std::string::npos, hex_dump(bytes, kNoMark, 32).find("more bytes"));
  EXPECT_EQ(2u, split_lines(hex_dump(bytes, kNoMark, 32)).size());
}

TEST(HexDump, DoesNotClaimTheInputEndsWhereTheDumpIsCut) {
  // Byte 256 exists but lies beyond max_bytes: the dump must not say the input ends there.
  const std::string bytes(300, 'e');
  const std::string dump = hex_dump(bytes, 256);
  EXPECT_EQ(std::string::npos, dump.find("ends here")) << dump;
}

// ---- first_difference ----

TEST(FirstDifference, IsNoMarkForEqualInputs) {
  EXPECT_EQ(kNoMark, first_difference("", ""));
  EXPECT_EQ(kNoMark, first_difference("same", "same"));
}

TEST(FirstDifference, IsTheShorterLengthForAPrefix) {
  EXPECT_EQ(2u, first_difference("ab", "abc"));
  EXPECT_EQ(2u, first_difference("abc", "ab"));
  EXPECT_EQ(0u, first_difference("", "x"));
}

TEST(FirstDifference, IsTheOffsetOfTheFirstDifferingByte) {
  EXPECT_EQ(0u, first_difference("xbc", "abc"));
  EXPECT_EQ(2u, first_difference("abc", "abd"));
  EXPECT_EQ(1u, first_difference("abcd", "aXcY"));
  EXPECT_EQ(3u, first_difference(std::string_view("a\0\0b", 4), std::string_view("a\0\0c", 4)));
}

// ---- describe_difference ----

TEST(DescribeDifference, IsEmptyForEqualInputs) {
  EXPECT_EQ("", describe_difference("", ""));
  EXPECT_EQ("", describe_difference("Hi", "Hi"));
}

TEST(DescribeDifference, GivesLengthsOffsetAndBothDumpsWithCarets) {
  const std::string expected("\x00\x00\x00\x02Hi", 6);
  const std::string actual("\x02\x00\x00\x00Hi", 6);
  const std::string text = describe_difference(expected, actual);
  EXPECT_NE(std::string::npos, text.find("expected 6 bytes, got 6 bytes")) << text;
  EXPECT_NE(std::string::npos, text.find("first difference at byte 0")) << text;
  EXPECT_NE(std::string::npos, text.find("00 00 00 02 48 69")) << text;
  EXPECT_NE(std::string::npos, text.find("02 00 00 00 48 69")) << text;

  const std::size_t got_at = text.find("got:");
  ASSERT_NE(std::string::npos, got_at) << text;
  EXPECT_TRUE(caret_marks(text.substr(0, got_at), expected, 0));
  EXPECT_TRUE(caret_marks(text.substr(got_at), actual, 0));
}

TEST(DescribeDifference, ExplainsATruncatedActual) {
  const std::string text = describe_difference("Hello", "Hel");
  EXPECT_NE(std::string::npos, text.find("expected 5 bytes, got 3 bytes")) << text;
  EXPECT_NE(std::string::npos, text.find("first difference at byte 3")) << text;
  EXPECT_NE(std::string::npos, text.find("48 65 6c 6c 6f")) << text;
  EXPECT_NE(std::string::npos, text.find("48 65 6c ")) << text;
}

TEST(DescribeDifference, ShowsTheRegionAroundADifferenceInLongInputs) {
  const std::string expected(2000, 'a');
  std::string actual = expected;
  actual[1000] = 'Z';
  const std::string text = describe_difference(expected, actual);
  EXPECT_NE(std::string::npos, text.find("expected 2000 bytes, got 2000 bytes")) << text;
  EXPECT_NE(std::string::npos, text.find("first difference at byte 1000")) << text;
  EXPECT_EQ(std::string::npos, text.find("0000  ")) << "the start is far from byte 1000:\n" << text;
  EXPECT_LT(text.size(), 3000u) << "a window, not the whole 2000 bytes twice:\n" << text;

  const std::size_t got_at = text.find("got:");
  ASSERT_NE(std::string::npos, got_at) << text;
  EXPECT_TRUE(caret_marks(text.substr(0, got_at), expected, 1000));
  EXPECT_TRUE(caret_marks(text.substr(got_at), actual, 1000));
}

TEST(DescribeDifference, PutsTheCaretUnderTheByteBeyondOffsetFFFF) {
  // Offsets past 0xffff print with five hex digits; the caret must still be under the byte.
  const std::string expected(0x11200, 'a');
  std::string actual = expected;
  actual[0x11175] = 'Z';
  const std::string text = describe_difference(expected, actual);
  const std::size_t got_at = text.find("got:");
  ASSERT_NE(std::string::npos, got_at) << text;
  EXPECT_TRUE(caret_marks(text.substr(0, got_at), expected, 0x11175));
  EXPECT_TRUE(caret_marks(text.substr(got_at), actual, 0x11175));
}

}  // namespace
}  // namespace chatkit
