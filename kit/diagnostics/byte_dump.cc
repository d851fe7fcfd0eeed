#include "kit/diagnostics/byte_dump.h"

#include <algorithm>
#include <cstdio>

namespace chatkit {
namespace {

constexpr std::size_t kBytesPerLine = 16;
constexpr char kHexDigits[] = "0123456789abcdef";

// Appends one dump line and returns the width of its offset column ("0000  " is 6 wide, and
// wider past offset ffff), which is where the first hex digit stands.
std::size_t append_line(std::string_view bytes, std::size_t line_start, std::size_t base,
                        std::string_view indent, std::string& out) {
  char offset[24];
  const int width = std::snprintf(offset, sizeof offset, "%04zx  ", base + line_start);
  out.append(indent);
  out.append(offset);
  const std::size_t count = std::min(kBytesPerLine, bytes.size() - line_start);
  for (std::size_t i = 0; i < kBytesPerLine; ++i) {
    if (i < count) {
      const auto byte = static_cast<unsigned char>(bytes[line_start + i]);
      out.push_back(kHexDigits[byte >> 4]);
      out.push_back(kHexDigits[byte & 0xF]);
      out.push_back(' ');
    } else {
      out.append("   ");
    }
  }
  out.append(" |");
  for (std::size_t i = 0; i < count; ++i) {
    const auto byte = static_cast<unsigned char>(bytes[line_start + i]);
    out.push_back(byte >= 0x20 && byte < 0x7F ? static_cast<char>(byte) : '.');
  }
  out.append("|\n");
  return static_cast<std::size_t>(width);
}

// Dumps bytes[first, last), with offsets counted from the start of `bytes`. The "ends here"
// caret is shown only when `last` is the real end of `bytes`.
std::string dump_range(std::string_view bytes, std::size_t mark, std::size_t first,
                       std::size_t last, std::string_view indent) {
  std::string out;
  const std::string_view shown = bytes.substr(first, last - first);
  for (std::size_t line = 0; line < shown.size(); line += kBytesPerLine) {
    const std::size_t hex_start = append_line(shown, line, first, indent, out);
    if (mark != kNoMark && mark >= first + line && mark < first + line + kBytesPerLine) {
      out.append(indent);
      out.append(hex_start + (mark - first - line) * 3, ' ');
      out.append("^^\n");
    }
  }
  if (shown.empty()) {
    out.append(indent);
    out.append("(no bytes)\n");
  }
  if (mark != kNoMark && mark == bytes.size() && last == bytes.size() && mark >= first) {
    out.append(indent);
    out.append("      ^^ (ends here)\n");
  }
  return out;
}

}  // namespace

std::string hex_dump(std::string_view bytes, std::size_t mark, std::size_t max_bytes,
                     std::string_view indent) {
  const std::size_t shown = std::min(bytes.size(), max_bytes);
  std::string out = dump_range(bytes, mark, 0, shown, indent);
  if (shown < bytes.size()) {
    char more[64];
    std::snprintf(more, sizeof more, "... %zu more bytes\n", bytes.size() - shown);
    out.append(indent);
    out.append(more);
  }
  return out;
}

std::size_t first_difference(std::string_view a, std::string_view b) {
  const std::size_t common = std::min(a.size(), b.size());
  const auto mismatch = std::mismatch(a.begin(), a.begin() + common, b.begin());
  const auto offset = static_cast<std::size_t>(mismatch.first - a.begin());
  if (offset < common) return offset;
  return a.size() == b.size() ? kNoMark : common;
}

std::string describe_difference(std::string_view expected, std::string_view actual) {
  const std::size_t diff = first_difference(expected, actual);
  if (diff == kNoMark) return "";
  char head[160];
  std::snprintf(head, sizeof head,
                "expected %zu bytes, got %zu bytes; first difference at byte %zu\n",
                expected.size(), actual.size(), diff);
  // Show a window of up to eight lines starting at the line before the difference.
  const std::size_t line_start = diff - diff % kBytesPerLine;
  const std::size_t first = line_start >= kBytesPerLine ? line_start - kBytesPerLine : 0;
  auto window = [&](std::string_view bytes) {
    const std::size_t begin = std::min(first, bytes.size());
    const std::size_t end = std::min(bytes.size(), first + 8 * kBytesPerLine);
    return dump_range(bytes, diff, begin, end, "          ");
  };
  std::string out = head;
  out.append("expected:\n");
  out.append(window(expected));
  out.append("got:\n");
  out.append(window(actual));
  return out;
}

}  // namespace chatkit
