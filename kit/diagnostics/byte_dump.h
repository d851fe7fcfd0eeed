// Byte dumps that teach: hex and ASCII side by side, with a caret under the byte that matters.
//
// Used by test failure messages, the exercise checkers and the client's protocol errors, so that
// a student sees exactly which byte differed, e.g.
//
//   expected 6 bytes, got 6 bytes; first difference at byte 0
//   expected: 0000  00 00 00 02 48 69                                |....Hi|
//   got:      0000  02 00 00 00 48 69                                |....Hi|
//                   ^^
#ifndef CHATKIT_KIT_DIAGNOSTICS_BYTE_DUMP_H_
#define CHATKIT_KIT_DIAGNOSTICS_BYTE_DUMP_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace chatkit {

inline constexpr std::size_t kNoMark = static_cast<std::size_t>(-1);

// Renders `bytes` as lines of `offset  hex bytes  |ascii|`, 16 bytes a line; bytes outside
// 0x20..0x7e show as '.' in the ASCII column. When `mark` is a valid offset, a line of carets
// follows the line holding that byte, under its hex digits. At most `max_bytes` are shown; a
// longer input ends with a line saying how many bytes were left out. Each line starts with
// `indent`, which lets callers line dumps up under a label.
std::string hex_dump(std::string_view bytes, std::size_t mark = kNoMark,
                     std::size_t max_bytes = 256, std::string_view indent = "");

// The offset of the first byte where `a` and `b` differ, or the length of the shorter one when
// one is a prefix of the other, or kNoMark when they are equal.
std::size_t first_difference(std::string_view a, std::string_view b);

// A multi-line explanation of how `actual` differs from `expected`: both lengths, the offset of
// the first difference, and both dumps with a caret under that byte. Returns "" when they are
// equal. Dumps show the region around the difference when the inputs are long.
std::string describe_difference(std::string_view expected, std::string_view actual);

}  // namespace chatkit

#endif  // CHATKIT_KIT_DIAGNOSTICS_BYTE_DUMP_H_
