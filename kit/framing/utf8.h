// UTF-8 validation for frame payloads.
//
// The chat protocol carries text only, so every payload must be well-formed UTF-8 as defined by
// RFC 3629: no overlong encodings, no UTF-16 surrogates (U+D800..U+DFFF), nothing above U+10FFFF,
// and no truncated sequences. This header does no I/O and depends on nothing but the standard
// library, so it compiles to WebAssembly unchanged.
#ifndef CHATKIT_KIT_FRAMING_UTF8_H_
#define CHATKIT_KIT_FRAMING_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace chatkit {

// The outcome of validating a byte string as UTF-8.
struct Utf8Check {
  // True when every byte belongs to a well-formed sequence.
  bool valid = true;
  // When !valid: the offset of the first byte of the first ill-formed sequence.
  std::size_t error_offset = 0;
};

// Validates `text` as UTF-8. Runs in linear time: ASCII runs 32 bytes per step, everything
// else through a branch-free automaton (about one CPU cycle per byte), and only invalid input
// is walked a second time, from the last known character boundary, to find the error's offset.
Utf8Check check_utf8(const std::uint8_t* data, std::size_t size);
inline Utf8Check check_utf8(std::string_view text) {
  return check_utf8(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

// The longest start of `text` that is at most `max_bytes` long and does not end inside a UTF-8
// character: a text cut to a size (a log line, a close reason, a kept post) stays whole
// characters. `text` itself when it fits; text that is not UTF-8 is cut at most 3 bytes short.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

// `text` with every part that is not well-formed UTF-8 replaced by U+FFFD, one per maximal
// ill-formed subpart (a lead byte and the continuation bytes that could still have completed it,
// or a byte that starts nothing), as the Unicode Standard recommends and browsers' TextDecoder
// and Python's errors="replace" do: "\xe2\x82x" gives one U+FFFD and "x", "\xff\xfe" two.
// Well-formed text comes back unchanged. For text that must be UTF-8 (JSON, XML, a report).
std::string utf8_replace_invalid(std::string_view text);

}  // namespace chatkit

#endif  // CHATKIT_KIT_FRAMING_UTF8_H_
