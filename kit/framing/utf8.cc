#include "kit/framing/utf8.h"

#include <cstring>

namespace chatkit {
namespace {

constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

bool is_continuation(std::uint8_t byte) { return (byte & 0xC0) == 0x80; }

}  // namespace

Utf8Check check_utf8(const std::uint8_t* data, std::size_t size) {
  std::size_t i = 0;
  while (i < size) {
    // Chat text is mostly ASCII: skip eight ASCII bytes at a time. memcpy keeps the load
    // well-defined for unaligned addresses; compilers turn it into a single move.
    while (i + 8 <= size) {
      std::uint64_t word;
      std::memcpy(&word, data + i, sizeof word);
      if ((word & kHighBits) != 0) break;
      i += 8;
    }
    if (i >= size) break;

    const std::uint8_t lead = data[i];
    if (lead < 0x80) {
      ++i;
      continue;
    }
    // The table of well-formed sequences is RFC 3629 section 4; the second byte's range is
    // what excludes overlong forms (E0, F0), surrogates (ED) and code points past U+10FFFF (F4).
    std::size_t length = 0;
    std::uint8_t second_min = 0x80;
    std::uint8_t second_max = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) second_min = 0xA0;
      if (lead == 0xED) second_max = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) second_min = 0x90;
      if (lead == 0xF4) second_max = 0x8F;
    } else {
      return Utf8Check{false, i};  // 0x80..0xC1 or 0xF5..0xFF can never start a sequence.
    }
    if (i + length > size) return Utf8Check{false, i};
    if (data[i + 1] < second_min || data[i + 1] > second_max) return Utf8Check{false, i};
    for (std::size_t k = 2; k < length; ++k) {
      if (!is_continuation(data[i + k])) return Utf8Check{false, i};
    }
    i += length;
  }
  return Utf8Check{};
}

}  // namespace chatkit
