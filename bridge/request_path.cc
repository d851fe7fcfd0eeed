#include "bridge/request_path.h"

namespace chatkit {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `text` once; nullopt for a malformed escape.
std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex_value(text[i + 1]);
    const int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

// Why `segment` (one decoded path segment between slashes) may not name a file, or "".
std::string segment_problem(const std::string& segment) {
  if (segment == "..") return "\"..\" would leave the web root";
  if (segment == ".") return "\".\" segments are not accepted";
  if (segment.empty()) return "empty path segments (\"//\") are not accepted";
  if (segment.front() == '.') return "hidden files (names starting with \".\") are not served";
  for (char c : segment) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return "control characters are not accepted in paths";
    // A backslash is a separator on Windows, a colon names a drive or a stream there.
    if (c == '\\' || c == ':') return "'\\' and ':' are not accepted in paths";
  }
  return "";
}

}  // namespace

std::optional<RequestPath> parse_request_path(std::string_view target, std::string* why) {
  if (target.empty() || target.front() != '/') {
    *why = "the request target must be a path starting with \"/\"";
    return std::nullopt;
  }
  const std::size_t end = target.find_first_of("?#");
  std::optional<std::string> decoded = percent_decode(target.substr(0, end));
  if (!decoded) {
    *why = "malformed percent-encoding in the path";
    return std::nullopt;
  }
  RequestPath result;
  result.path = *decoded;
  // Check every segment after the leading slash. A trailing slash ("/sub/") ends the loop with
  // nothing left, so the empty name after it is never checked; any other empty one is.
  std::string_view rest = std::string_view(result.path).substr(1);
  const bool directory = rest.empty() || rest.back() == '/';
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    const std::string problem = segment_problem(std::string(rest.substr(0, slash)));
    if (!problem.empty()) {
      *why = problem;
      return std::nullopt;
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  result.file = result.path.substr(1);
  if (directory) result.file += "index.html";
  return result;
}

}  // namespace chatkit
