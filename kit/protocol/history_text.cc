#include "kit/protocol/history_text.h"

#include "kit/framing/utf8.h"

namespace chatkit {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

std::string hex_byte(unsigned char byte) {
  static const char kDigits[] = "0123456789abcdef";
  return std::string("0x") + kDigits[byte >> 4] + kDigits[byte & 0xF];
}

}  // namespace

bool parse_history_lines(std::string_view text, std::uint32_t max_post_bytes, HistoryLines* lines,
                         std::string* error) {
  if (text.substr(0, kByteOrderMark.size()) == kByteOrderMark)
    text.remove_prefix(kByteOrderMark.size());
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (newline != std::string_view::npos && !line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty()) {
      ++lines->empty_lines;
      continue;
    }
    if (line.size() > max_post_bytes) {
      *error = "line " + std::to_string(line_number) + " is " + std::to_string(line.size()) +
               " bytes long, over the " + std::to_string(max_post_bytes) +
               "-byte frame limit (--max-message-bytes)";
      return false;
    }
    const Utf8Check check = check_utf8(line);
    if (!check.valid) {
      *error = "line " + std::to_string(line_number) + " is not valid UTF-8: byte " +
               std::to_string(check.error_offset + 1) + " (" +
               hex_byte(static_cast<unsigned char>(line[check.error_offset])) +
               ") does not start a well-formed sequence";
      return false;
    }
    lines->posts.emplace_back(line);
  }
  return true;
}

}  // namespace chatkit
