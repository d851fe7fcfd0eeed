// Tests for check_utf8's fast paths (kit/framing/utf8.cc): the 32-byte ASCII steps, the
// automaton that runs in 64-byte blocks, and how an error found there is located. Every case is
// checked against a reference validator written here from RFC 3629's table, one code point at a
// time, so that an error in the automaton's table or in its block bookkeeping shows up as a
// disagreement with the input that causes it.
#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include "kit/diagnostics/byte_dump.h"
#include "kit/framing/utf8.h"

namespace chatkit {
namespace {

// RFC 3629, section 4, decoded literally: returns the offset of the first ill-formed sequence,
// or npos when the text is well-formed.
std::size_t reference_error_offset(const std::string& text) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(text.data());
  std::size_t i = 0;
  while (i < text.size()) {
    const std::uint8_t b = data[i];
    std::size_t length = 0;
    std::uint32_t code_point = 0;
    if (b < 0x80) {
      ++i;
      continue;
    } else if (b >= 0xC0 && b < 0xE0) {
      length = 2;
      code_point = b & 0x1F;
    } else if (b >= 0xE0 && b < 0xF0) {
      length = 3;
      code_point = b & 0x0F;
    } else if (b >= 0xF0 && b < 0xF8) {
      length = 4;
      code_point = b & 0x07;
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      if ((data[i + k] & 0xC0) != 0x80) return i;
      code_point = (code_point << 6) | (data[i + k] & 0x3F);
    }
    const std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < smallest[length]) return i;                 // Overlong.
    if (code_point >= 0xD800 && code_point <= 0xDFFF) return i;  // Surrogate.
    if (code_point > 0x10FFFF) return i;                         // Past Unicode.
    i += length;
  }
  return std::string::npos;
}

// Checks from a buffer of exactly the text's size (AddressSanitizer sees any over-read).
void expect_agrees_with_reference(const std::string& text, const std::string& what) {
  const std::vector<std::uint8_t> buffer(text.begin(), text.end());
  const Utf8Check check = check_utf8(buffer.data(), buffer.size());
  const std::size_t expected = reference_error_offset(text);
  if (expected == std::string::npos) {
    EXPECT_TRUE(check.valid) << what << ": valid text rejected at byte " << check.error_offset
                             << "\n"
                             << hex_dump(text, check.error_offset);
  } else {
    EXPECT_FALSE(check.valid) << what << ": invalid text accepted; first bad sequence at byte "
                              << expected << "\n"
                              << hex_dump(text, expected);
    if (!check.valid) {
      EXPECT_EQ(check.error_offset, expected)
          << what << ": the error is reported at the wrong byte\n"
          << hex_dump(text, expected);
    }
  }
}

const std::string kMixed = "Привет, мир! Καλημέρα. 你好，世界。🎉 ok ";

TEST(CheckUtf8FastPath, AcceptsMultiByteTextOfEveryLengthAcrossBlockBoundaries) {
  std::string text;
  while (text.size() < 300) text += kMixed;
  // Every prefix that ends on a character boundary, so both the 64-byte blocks and the ASCII
  // steps start and end at every possible place within a character.
  for (std::size_t length = 0; length <= text.size(); ++length) {
    if (length < text.size() && (static_cast<unsigned char>(text[length]) & 0xC0) == 0x80) continue;
    expect_agrees_with_reference(text.substr(0, length), "prefix of " + std::to_string(length));
  }
}

TEST(CheckUtf8FastPath, LocatesEachKindOfErrorAtEveryPositionOfLongText) {
  const std::vector<std::string> faults = {
      "\x80",              // Lone continuation byte.
      "\xC0\xAF",          // Overlong '/'.
      "\xE0\x80\xAF",      // Overlong 3-byte form.
      "\xED\xA0\x80",      // Surrogate U+D800.
      "\xF4\x90\x80\x80",  // U+110000, past Unicode.
      "\xF5\x80\x80\x80",  // Byte that never starts a sequence.
      "\xE2\x82",          // 3-byte sequence cut short.
      "\xFF",
  };
  std::string base;
  while (base.size() < 200) base += kMixed;
  const std::string ascii(200, 'a');
  for (const std::string& prefix_source : {base, ascii}) {
    for (std::size_t at = 0; at < 160; ++at) {
      // Insert at a character boundary at or before `at`.
      std::size_t cut = at;
      while (cut > 0 && (static_cast<unsigned char>(prefix_source[cut]) & 0xC0) == 0x80) --cut;
      for (const std::string& fault : faults) {
        const std::string text = prefix_source.substr(0, cut) + fault + prefix_source.substr(cut);
        expect_agrees_with_reference(
            text, "fault " + hex_dump(fault) + " at byte " + std::to_string(cut));
        if (::testing::Test::HasFailure()) return;  // One clear failure, not thousands.
      }
    }
  }
}

TEST(CheckUtf8FastPath, AgreesWithTheReferenceOnRandomMostlyValidText) {
  // Random text built from valid characters of every length, with a random byte changed in half
  // of the cases: inputs near the valid ones are where a validator's table goes wrong.
  std::mt19937 random(20261124);  // Fixed seed: a failure repeats.
  const std::vector<std::string> pieces = {
      "a", " ", "é", "ж", "€", "你", "🎉", "\xF4\x8F\xBF\xBF", "\xED\x9F\xBF", "\xEE\x80\x80"};
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const std::size_t target = random() % 200;
    while (text.size() < target) text += pieces[random() % pieces.size()];
    if (round % 2 == 1 && !text.empty()) {
      text[random() % text.size()] = static_cast<char>(random() % 256);
    }
    expect_agrees_with_reference(text, "random round " + std::to_string(round));
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(CheckUtf8FastPath, AgreesWithTheReferenceOnEveryShortSequenceAcrossABlockBoundary) {
  // The sequence sits at bytes 62.. of the text, across the end of the automaton's first 64-byte
  // block (the leading "é" keeps the ASCII steps from skipping that block). Tested: every 2-byte
  // input; and after every lead byte from C0 up and every second byte, each third byte (and for
  // F0..F4 each fourth) taken from the bytes where the automaton's table changes.
  const std::string prefix = "\xC3\xA9" + std::string(60, 'x');
  const std::vector<std::uint8_t> edges = {0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0,
                                           0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xF0, 0xF4, 0xFF};
  std::string text = prefix;
  std::uint64_t checked = 0;
  auto check_tail = [&](std::initializer_list<std::uint8_t> tail) {
    text.resize(prefix.size());
    for (const std::uint8_t byte : tail) text.push_back(static_cast<char>(byte));
    const Utf8Check check = check_utf8(text);
    // The prefix is valid, so the reference needs to look only at the tail.
    std::size_t expected = reference_error_offset(text.substr(prefix.size()));
    if (expected != std::string::npos) expected += prefix.size();
    ++checked;
    if (check.valid == (expected == std::string::npos) &&
        (check.valid || check.error_offset == expected)) {
      return true;
    }
    ADD_FAILURE() << "disagreement with the reference for the bytes\n"
                  << hex_dump(text.substr(prefix.size())) << "check_utf8: "
                  << (check.valid ? "valid" : "invalid at " + std::to_string(check.error_offset))
                  << ", reference: "
                  << (expected == std::string::npos ? "valid"
                                                    : "invalid at " + std::to_string(expected));
    return false;
  };
  for (unsigned a = 0; a < 256; ++a) {
    for (unsigned b = 0; b < 256; ++b) {
      const auto lead = static_cast<std::uint8_t>(a);
      const auto second = static_cast<std::uint8_t>(b);
      if (!check_tail({lead, second})) return;
      if (a >= 0xC0) {
        for (const std::uint8_t c : edges) {
          if (!check_tail({lead, second, c})) return;
        }
      }
      if (a >= 0xF0 && a <= 0xF4) {
        for (const std::uint8_t c : edges) {
          for (const std::uint8_t d : edges) {
            if (!check_tail({lead, second, c, d})) return;
          }
        }
      }
    }
  }
  EXPECT_GT(checked, 500000u);
}

}  // namespace
}  // namespace chatkit
