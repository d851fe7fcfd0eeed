// Tests for check_utf8: every well-formed sequence length, every class of ill-formed input from
// RFC 3629 with the exact offset of the first bad sequence, and the eight-bytes-at-a-time ASCII
// fast path with a bad byte at every position of short inputs.
#include "kit/framing/utf8.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <vector>

#include "kit/diagnostics/byte_dump.h"

namespace chatkit {
namespace {

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (const int value : values) out.push_back(static_cast<char>(value));
  return out;
}

// Checks `text` from a buffer of exactly its size, so that AddressSanitizer catches a read past
// the end (a std::string would hide it behind its terminator and spare capacity).
Utf8Check check_exact(const std::string& text) {
  const std::vector<std::uint8_t> buffer(text.begin(), text.end());
  return check_utf8(buffer.data(), buffer.size());
}

TEST(CheckUtf8, AcceptsEmptyInput) {
  EXPECT_TRUE(check_utf8("").valid);
  EXPECT_TRUE(check_utf8(nullptr, 0).valid);
}

TEST(CheckUtf8, AcceptsAscii) {
  const std::string text = "Hello, world! 0123456789 ~\x7f\x01\t\n";
  const Utf8Check check = check_exact(text);
  EXPECT_TRUE(check.valid) << "error at byte " << check.error_offset << "\n" << hex_dump(text);
}

struct ValidCase {
  const char* name;
  std::string text;
};

TEST(CheckUtf8, AcceptsEveryWellFormedSequenceLengthAndItsBoundaries) {
  const std::vector<ValidCase> cases = {
      {"U+0080, smallest 2-byte", bytes({0xC2, 0x80})},
      {"U+00E9 e-acute", bytes({0xC3, 0xA9})},
      {"U+07FF, largest 2-byte", bytes({0xDF, 0xBF})},
      {"U+0800, smallest 3-byte", bytes({0xE0, 0xA0, 0x80})},
      {"U+20AC euro sign", bytes({0xE2, 0x82, 0xAC})},
      {"U+D7FF, just below the surrogates", bytes({0xED, 0x9F, 0xBF})},
      {"U+E000, just above the surrogates", bytes({0xEE, 0x80, 0x80})},
      {"U+FFFF, largest 3-byte", bytes({0xEF, 0xBF, 0xBF})},
      {"U+10000, smallest 4-byte", bytes({0xF0, 0x90, 0x80, 0x80})},
      {"U+1F600 grinning face", bytes({0xF0, 0x9F, 0x98, 0x80})},
      {"U+10FFFF, largest code point", bytes({0xF4, 0x8F, 0xBF, 0xBF})},
      {"mixed text", "caf\xC3\xA9 \xE2\x82\xAC 5 \xF0\x9F\x98\x80!"},
  };
  for (const ValidCase& c : cases) {
    const Utf8Check check = check_exact(c.text);
    EXPECT_TRUE(check.valid) << c.name << ": rejected at byte " << check.error_offset << "\n"
                             << hex_dump(c.text, check.error_offset);
  }
}

struct InvalidCase {
  const char* name;
  std::string text;
  std::size_t error_offset;
};

void expect_invalid(const InvalidCase& c) {
  const Utf8Check check = check_exact(c.text);
  EXPECT_FALSE(check.valid) << c.name << ": accepted\n" << hex_dump(c.text, c.error_offset);
  if (!check.valid) {
    EXPECT_EQ(c.error_offset, check.error_offset)
        << c.name << ": expected the error at byte " << c.error_offset << ", got byte "
        << check.error_offset << "\n"
        << hex_dump(c.text, check.error_offset);
  }
}

TEST(CheckUtf8, RejectsLoneContinuationBytes) {
  for (const InvalidCase& c : std::vector<InvalidCase>{
           {"80 at start", bytes({0x80}), 0},
           {"BF at start", bytes({0xBF}), 0},
           {"80 after ASCII", "ab" + bytes({0x80}), 2},
           {"extra continuation after 2-byte", bytes({0xC3, 0xA9, 0xA9}), 2},
           {"extra continuation after 4-byte", bytes({0xF0, 0x9F, 0x98, 0x80, 0x80}), 4},
       }) {
    expect_invalid(c);
  }
}

TEST(CheckUtf8, RejectsOverlongEncodings) {
  for (const InvalidCase& c : std::vector<InvalidCase>{
           {"C0 80 (overlong NUL)", bytes({0xC0, 0x80}), 0},
           {"C1 BF (overlong U+007F)", "x" + bytes({0xC1, 0xBF}), 1},
           {"E0 80 80 (overlong NUL)", bytes({0xE0, 0x80, 0x80}), 0},
           {"E0 9F BF (overlong U+07FF)", "xy" + bytes({0xE0, 0x9F, 0xBF}), 2},
           {"F0 80 80 80 (overlong NUL)", bytes({0xF0, 0x80, 0x80, 0x80}), 0},
           {"F0 8F BF BF (overlong U+FFFF)", "abc" + bytes({0xF0, 0x8F, 0xBF, 0xBF}), 3},
       }) {
    expect_invalid(c);
  }
}

TEST(CheckUtf8, RejectsSurrogates) {
  for (const InvalidCase& c : std::vector<InvalidCase>{
           {"ED A0 80 (U+D800)", bytes({0xED, 0xA0, 0x80}), 0},
           {"ED AF BF (U+DBFF)", "a" + bytes({0xED, 0xAF, 0xBF}), 1},
           {"ED B0 80 (U+DC00)", bytes({0xED, 0xB0, 0x80}), 0},
           {"ED BF BF (U+DFFF)", bytes({0xC3, 0xA9, 0xED, 0xBF, 0xBF}), 2},
       }) {
    expect_invalid(c);
  }
}

TEST(CheckUtf8, RejectsCodePointsAboveU10FFFF) {
  for (const InvalidCase& c : std::vector<InvalidCase>{
           {"F4 90 80 80 (U+110000)", bytes({0xF4, 0x90, 0x80, 0x80}), 0},
           {"F4 BF BF BF", "ok " + bytes({0xF4, 0xBF, 0xBF, 0xBF}), 3},
       }) {
    expect_invalid(c);
  }
}

TEST(CheckUtf8, RejectsBytesThatNeverAppearInUtf8) {
  for (int lead = 0xF5; lead <= 0xFF; ++lead) {
    char name[32];
    std::snprintf(name, sizeof name, "lead byte %02X", lead);
    expect_invalid({name, bytes({lead, 0x80, 0x80, 0x80}), 0});
    expect_invalid({name, "abcd" + bytes({lead}), 4});
  }
}

TEST(CheckUtf8, RejectsSequencesTruncatedAtTheEnd) {
  for (const InvalidCase& c : std::vector<InvalidCase>{
           {"C3 alone", bytes({0xC3}), 0},
           {"E2 82 of a 3-byte", "a" + bytes({0xE2, 0x82}), 1},
           {"E2 of a 3-byte", bytes({0xE2}), 0},
           {"F0 9F 98 of a 4-byte", "ab" + bytes({0xF0, 0x9F, 0x98}), 2},
           {"F0 alone", bytes({0xC3, 0xA9, 0xF0}), 2},
       }) {
    expect_invalid(c);
  }
}

TEST(CheckUtf8, RejectsBadContinuationBytes) {
  for (const InvalidCase& c : std::vector<InvalidCase>{
           {"C3 41", bytes({0xC3, 0x41}), 0},
           {"C3 C3 A9 (a lead where a continuation belongs)", bytes({0xC3, 0xC3, 0xA9}), 0},
           {"E2 41 AC", "x" + bytes({0xE2, 0x41, 0xAC}), 1},
           {"E2 82 41", bytes({0xE2, 0x82, 0x41}), 0},
           {"E2 82 C0", bytes({0xE2, 0x82, 0xC0}), 0},
           {"F0 9F 41 80", bytes({0xF0, 0x9F, 0x41, 0x80}), 0},
           {"F0 9F 98 41", "abcdefgh" + bytes({0xF0, 0x9F, 0x98, 0x41}), 8},
       }) {
    expect_invalid(c);
  }
}

TEST(CheckUtf8, ReportsTheFirstOfSeveralErrors) {
  expect_invalid({"two bad bytes", "ab" + bytes({0xFF}) + "cd" + bytes({0x80}), 2});
}

TEST(CheckUtf8, AsciiFastPathAcceptsEveryLengthUpTo20) {
  for (std::size_t length = 0; length <= 20; ++length) {
    const std::string text(length, 'a');
    EXPECT_TRUE(check_exact(text).valid) << "length " << length;
  }
}

TEST(CheckUtf8, AsciiFastPathFindsABadByteAtEveryPosition) {
  for (const int bad : {0x80, 0xC0, 0xFF}) {
    for (std::size_t length = 1; length <= 20; ++length) {
      for (std::size_t position = 0; position < length; ++position) {
        std::string text(length, 'a');
        text[position] = static_cast<char>(bad);
        const Utf8Check check = check_exact(text);
        EXPECT_FALSE(check.valid) << "length " << length << ", bad byte at " << position << "\n"
                                  << hex_dump(text, position);
        EXPECT_EQ(position, check.error_offset)
            << "length " << length << ": expected the error at byte " << position << ", got "
            << check.error_offset << "\n"
            << hex_dump(text, check.error_offset);
      }
    }
  }
}

TEST(CheckUtf8, AsciiFastPathResumesAfterAMultiByteCharacterAtEveryPosition) {
  const std::string euro = bytes({0xE2, 0x82, 0xAC});
  for (std::size_t length = 0; length <= 20; ++length) {
    for (std::size_t position = 0; position <= length; ++position) {
      std::string text(length, 'a');
      text.insert(position, euro);
      const Utf8Check valid = check_exact(text);
      EXPECT_TRUE(valid.valid) << "euro sign at " << position << ": rejected at byte "
                               << valid.error_offset << "\n"
                               << hex_dump(text, valid.error_offset);
      // A bad byte at the very end, after the multi-byte character and the ASCII run.
      text.push_back(static_cast<char>(0x80));
      const Utf8Check invalid = check_exact(text);
      EXPECT_FALSE(invalid.valid) << hex_dump(text, text.size() - 1);
      EXPECT_EQ(text.size() - 1, invalid.error_offset) << hex_dump(text, invalid.error_offset);
    }
  }
}

TEST(CheckUtf8, LooksOnlyAtTheGivenBytes) {
  // The byte after `size` is ill-formed; the check must not see it.
  const std::string text = "abcdefg" + bytes({0x80});
  EXPECT_TRUE(check_utf8(reinterpret_cast<const std::uint8_t*>(text.data()), 7).valid);
  const std::string split = "abc" + bytes({0xE2, 0x82, 0xAC});
  const Utf8Check cut = check_utf8(reinterpret_cast<const std::uint8_t*>(split.data()), 5);
  EXPECT_FALSE(cut.valid) << "a 3-byte character cut after 2 bytes is truncated";
  EXPECT_EQ(3u, cut.error_offset);
}

TEST(Utf8Prefix, CutsToTheSizeWithoutEndingInsideACharacter) {
  EXPECT_EQ(utf8_prefix("hello", 10), "hello");
  EXPECT_EQ(utf8_prefix("hello", 5), "hello");
  EXPECT_EQ(utf8_prefix("hello", 3), "hel");
  const std::string euro = "ab" + bytes({0xE2, 0x82, 0xAC}) + "c";  // "ab€c"
  EXPECT_EQ(utf8_prefix(euro, 2), "ab");
  EXPECT_EQ(utf8_prefix(euro, 3), "ab") << "the euro sign's first byte alone is not kept";
  EXPECT_EQ(utf8_prefix(euro, 4), "ab");
  EXPECT_EQ(utf8_prefix(euro, 5), "ab" + bytes({0xE2, 0x82, 0xAC}));
  EXPECT_EQ(utf8_prefix(euro, 0), "");
}

TEST(Utf8ReplaceInvalid, KeepsGoodTextAndReplacesEachMaximalIllFormedSubpartOnce) {
  const std::string fffd = bytes({0xEF, 0xBF, 0xBD});
  EXPECT_EQ(utf8_replace_invalid("h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80"),
            "h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80");
  EXPECT_EQ(utf8_replace_invalid(std::string("a\0b", 3)), std::string("a\0b", 3));
  EXPECT_EQ(utf8_replace_invalid("a\xff\xfe"
                                 "b"),
            "a" + fffd + fffd + "b");
  // A truncated 3-byte sequence is one maximal subpart: one U+FFFD, and the next byte survives.
  EXPECT_EQ(utf8_replace_invalid("\xe2\x9c"
                                 "x"),
            fffd + "x");
  EXPECT_EQ(utf8_replace_invalid("\x80 \xe2\x82"), fffd + " " + fffd) << "at the end too";
  // Overlong "/", a UTF-16 surrogate, above U+10FFFF: no lead byte of them starts a character.
  EXPECT_EQ(utf8_replace_invalid("\xc0\xaf"), fffd + fffd);
  EXPECT_EQ(utf8_replace_invalid("\xed\xa0\x80"), fffd + fffd + fffd);
  EXPECT_EQ(utf8_replace_invalid("\xf4\x90\x80\x80"), fffd + fffd + fffd + fffd);
  EXPECT_TRUE(check_utf8(utf8_replace_invalid("\xf0\x9f\x98 \xc3")).valid);
}

}  // namespace
}  // namespace chatkit
