#include "kit/framing/utf8.h"

#include <array>
#include <cstring>

namespace chatkit {
namespace {

constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
// The DFA runs in blocks of this many bytes between checks for an error (and for ASCII runs).
constexpr std::size_t kBlockBytes = 64;

bool is_continuation(std::uint8_t byte) {
  return (byte & 0xC0) == 0x80;
}

std::uint64_t load_word(const std::uint8_t* at) {
  // memcpy keeps the load well-defined for unaligned addresses; compilers make it one move.
  std::uint64_t word;
  std::memcpy(&word, at, sizeof word);
  return word;
}

// The validating automaton of RFC 3629's table of well-formed sequences, in the "shift DFA"
// encoding: each state is a bit offset (a multiple of 6), and the row for a byte holds, at each
// state's offset, the 6-bit offset of the state that byte leads to. One step is then one table
// load and one shift, with no branch, whatever the text: that is what makes multi-byte text
// (Cyrillic, CJK, emoji, where every byte would be a poorly predicted branch) fast.
enum DfaState : std::uint64_t {
  kError = 0,     // Absorbing. Offset 0, so every row's low 6 bits are 0 and errors stay errors.
  kAccept = 6,    // Between characters.
  kTail1 = 12,    // One continuation byte (80..BF) to go.
  kTail2 = 18,    // Two.
  kTail3 = 24,    // Three.
  kAfterE0 = 30,  // E0: the next byte must be A0..BF (no overlong 3-byte forms).
  kAfterED = 36,  // ED: 80..9F (no UTF-16 surrogates).
  kAfterF0 = 42,  // F0: 90..BF (no overlong 4-byte forms).
  kAfterF4 = 48,  // F4: 80..8F (nothing above U+10FFFF).
};

constexpr std::uint64_t transition(DfaState from, DfaState to) {
  return static_cast<std::uint64_t>(to) << from;
}

constexpr std::uint64_t dfa_row(unsigned byte) {
  std::uint64_t row = 0;
  // From kAccept: what the byte starts.
  if (byte < 0x80) row |= transition(kAccept, kAccept);
  if (byte >= 0xC2 && byte <= 0xDF) row |= transition(kAccept, kTail1);
  if (byte == 0xE0) row |= transition(kAccept, kAfterE0);
  if ((byte >= 0xE1 && byte <= 0xEC) || byte == 0xEE || byte == 0xEF) {
    row |= transition(kAccept, kTail2);
  }
  if (byte == 0xED) row |= transition(kAccept, kAfterED);
  if (byte == 0xF0) row |= transition(kAccept, kAfterF0);
  if (byte >= 0xF1 && byte <= 0xF3) row |= transition(kAccept, kTail3);
  if (byte == 0xF4) row |= transition(kAccept, kAfterF4);
  // Continuation bytes.
  if (byte >= 0x80 && byte <= 0xBF) {
    row |= transition(kTail1, kAccept) | transition(kTail2, kTail1) | transition(kTail3, kTail2);
  }
  if (byte >= 0xA0 && byte <= 0xBF) row |= transition(kAfterE0, kTail1);
  if (byte >= 0x80 && byte <= 0x9F) row |= transition(kAfterED, kTail1);
  if (byte >= 0x90 && byte <= 0xBF) row |= transition(kAfterF0, kTail2);
  if (byte >= 0x80 && byte <= 0x8F) row |= transition(kAfterF4, kTail2);
  return row;  // Every transition not listed leads to kError (offset 0).
}

constexpr std::array<std::uint64_t, 256> make_dfa_table() {
  std::array<std::uint64_t, 256> table{};
  for (unsigned byte = 0; byte < 256; ++byte) table[byte] = dfa_row(byte);
  return table;
}

constexpr std::array<std::uint64_t, 256> kDfa = make_dfa_table();

// The byte-by-byte validator: slower on multi-byte text, but it knows where each sequence
// starts, so it reports the exact offset. The fast path below only hands it input it has
// already found to be invalid.
Utf8Check check_utf8_exact(const std::uint8_t* data, std::size_t size) {
  std::size_t i = 0;
  while (i < size) {
    while (i + 8 <= size && (load_word(data + i) & kHighBits) == 0) i += 8;
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

}  // namespace

Utf8Check check_utf8(const std::uint8_t* data, std::size_t size) {
  std::uint64_t state = kAccept;
  // The start of the last block entered between two characters: input before it is valid, so
  // an error is located by the exact validator from there, not from the start of the text.
  std::size_t last_boundary = 0;
  std::size_t i = 0;
  while (i < size) {
    if ((state & 63) == kAccept) {
      last_boundary = i;
      // Chat text is mostly ASCII: 32 bytes per step while it lasts, then 8.
      while (i + 32 <= size && ((load_word(data + i) | load_word(data + i + 8) |
                                 load_word(data + i + 16) | load_word(data + i + 24)) &
                                kHighBits) == 0) {
        i += 32;
      }
      while (i + 8 <= size && (load_word(data + i) & kHighBits) == 0) i += 8;
      last_boundary = i;
    }
    const std::size_t end = size - i < kBlockBytes ? size : i + kBlockBytes;
    for (; i < end; ++i) {
      // `& 63` is free on the CPUs that matter: their shift instructions mask the count so.
      state = kDfa[data[i]] >> (state & 63);
    }
    if ((state & 63) == kError) break;
  }
  if ((state & 63) == kAccept) return Utf8Check{};
  Utf8Check check = check_utf8_exact(data + last_boundary, size - last_boundary);
  check.error_offset += last_boundary;
  return check;
}

std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  // Back up over continuation bytes (10xxxxxx) to the start of the character that would be cut.
  while (end > 0 && is_continuation(static_cast<std::uint8_t>(text[end]))) --end;
  return text.substr(0, end);
}

namespace {

bool in_byte_range(unsigned char c, unsigned char low, unsigned char high) {
  return c >= low && c <= high;
}

}  // namespace

std::string utf8_replace_invalid(std::string_view text) {
  if (check_utf8(text).valid) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      out += static_cast<char>(lead);
      ++i;
      continue;
    }
    // The length of the sequence and the range its second byte must be in (RFC 3629's table:
    // this is what rules out overlong forms, surrogates and code points above U+10FFFF).
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (in_byte_range(lead, 0xC2, 0xDF)) {
      length = 2;
    } else if (lead == 0xE0) {
      length = 3, low = 0xA0;
    } else if (in_byte_range(lead, 0xE1, 0xEC) || in_byte_range(lead, 0xEE, 0xEF)) {
      length = 3;
    } else if (lead == 0xED) {
      length = 3, high = 0x9F;
    } else if (lead == 0xF0) {
      length = 4, low = 0x90;
    } else if (in_byte_range(lead, 0xF1, 0xF3)) {
      length = 4;
    } else if (lead == 0xF4) {
      length = 4, high = 0x8F;
    }
    std::size_t good = length == 0 ? 0 : 1;
    while (good > 0 && good < length && i + good < text.size()) {
      const auto c = static_cast<unsigned char>(text[i + good]);
      const bool ok = good == 1 ? in_byte_range(c, low, high) : in_byte_range(c, 0x80, 0xBF);
      if (!ok) break;
      ++good;
    }
    if (length > 0 && good == length) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      // One U+FFFD for the lead byte and the continuation bytes that were still possible.
      out += "\xEF\xBF\xBD";  // U+FFFD
      i += good == 0 ? 1 : good;
    }
  }
  return out;
}

}  // namespace chatkit
