#include "kit/log/log_text.h"

#include <cstdio>

#include "kit/framing/utf8.h"

namespace chatkit {

std::string quote_for_log(std::string_view text, std::size_t max_bytes) {
  // A multi-byte character is not cut in half.
  const std::size_t shown = utf8_prefix(text, max_bytes).size();
  std::string out = "\"";
  for (std::size_t i = 0; i < shown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
          out += escaped;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  if (shown < text.size()) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

std::string count_of(std::uint64_t count, std::string_view one, std::string_view many) {
  return std::to_string(count) + " " + std::string(count == 1 ? one : many);
}

std::string seconds_text(std::uint64_t milliseconds, bool with_unit) {
  std::string text = std::to_string(milliseconds / 1000);
  if (const std::uint64_t fraction = milliseconds % 1000; fraction != 0) {
    char digits[8];
    std::snprintf(digits, sizeof digits, ".%03u", static_cast<unsigned>(fraction));
    std::string decimals = digits;
    while (decimals.back() == '0') decimals.pop_back();
    text += decimals;
  }
  return with_unit ? text + " s" : text;
}

}  // namespace chatkit
