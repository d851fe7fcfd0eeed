// The stage-3 history as text, one post per line: the format of `chat-server --import` and
// `--export`, and of the benchmarks' histories (bench/limit). No I/O: the callers read the file.
//
// The rules:
//   - lines end with "\n"; a "\r" before it is part of the line ending (files from Windows), and
//     the last line needs no "\n";
//   - a UTF-8 byte order mark at the very start is skipped (Windows editors write one);
//   - empty lines are skipped: an empty post is never stored (docs/protocol.md, section 3.1);
//   - every line must be well-formed UTF-8 and at most `max_post_bytes` long (every history
//     item must fit a frame). Otherwise the text is refused whole, and the error names the line.
#ifndef CHATKIT_KIT_PROTOCOL_HISTORY_TEXT_H_
#define CHATKIT_KIT_PROTOCOL_HISTORY_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace chatkit {

// What a history text held, line by line.
struct HistoryLines {
  std::vector<std::string> posts;
  std::size_t empty_lines = 0;  // Skipped.
};

// Splits `text` into posts by the rules above. Returns false, with *error naming the line
// (1-based) and byte, when a line is not UTF-8 or longer than `max_post_bytes`.
bool parse_history_lines(std::string_view text, std::uint32_t max_post_bytes, HistoryLines* lines,
                         std::string* error);

}  // namespace chatkit

#endif  // CHATKIT_KIT_PROTOCOL_HISTORY_TEXT_H_
