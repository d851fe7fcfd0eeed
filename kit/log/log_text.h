// Message text made safe for a one-line log entry.
#ifndef CHATKIT_KIT_LOG_LOG_TEXT_H_
#define CHATKIT_KIT_LOG_LOG_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace chatkit {

// Returns `text` in double quotes with control characters, quotes and backslashes escaped
// (\n, \", \x1b, ...), so a message can never break the log into fake lines. Text longer than
// `max_bytes` is cut at a UTF-8 character boundary and ends with "... (N bytes)".
std::string quote_for_log(std::string_view text, std::size_t max_bytes = 200);

// "1 post", "2 posts", "0 posts": the count and the word it counts, in the right number.
std::string count_of(std::uint64_t count, std::string_view one, std::string_view many);

// A duration in seconds, the unit of every timeout option: 30000 -> "30 s", 1500 -> "1.5 s",
// 250 -> "0.25 s". Without the unit ("30", "1.5") when `with_unit` is false, for quoting an
// option as it is typed ("--frame-timeout 1.5").
std::string seconds_text(std::uint64_t milliseconds, bool with_unit = true);

}  // namespace chatkit

#endif  // CHATKIT_KIT_LOG_LOG_TEXT_H_
