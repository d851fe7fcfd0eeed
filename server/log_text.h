// Message text made safe for a one-line log entry.
#ifndef CHATKIT_SERVER_LOG_TEXT_H_
#define CHATKIT_SERVER_LOG_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace chatkit {

// Returns `text` in double quotes with control characters, quotes and backslashes escaped
// (\n, \", \x1b, ...), so a message can never break the log into fake lines. Text longer than
// `max_bytes` is cut at a UTF-8 character boundary and ends with "... (N bytes)".
std::string quote_for_log(std::string_view text, std::size_t max_bytes = 200);

}  // namespace chatkit

#endif  // CHATKIT_SERVER_LOG_TEXT_H_
