#include "server/class_view/json_text.h"

#include <cstdint>
#include <cstdio>

#include "kit/framing/utf8.h"

namespace chatkit {
namespace {

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// A cursor over a page's request, for the tiny JSON subset it may hold.
struct Reader {
  std::string_view text;
  std::size_t at = 0;

  void skip_space() {
    while (at < text.size() &&
           (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r')) {
      ++at;
    }
  }
  bool take(char c) {
    skip_space();
    if (at < text.size() && text[at] == c) {
      ++at;
      return true;
    }
    return false;
  }
  // A string without escapes (the requests need none).
  std::optional<std::string_view> string() {
    if (!take('"')) return std::nullopt;
    const std::size_t end = text.find('"', at);
    if (end == std::string_view::npos) return std::nullopt;
    const std::string_view value = text.substr(at, end - at);
    if (value.find('\\') != std::string_view::npos) return std::nullopt;
    at = end + 1;
    return value;
  }
  std::optional<std::uint64_t> integer() {
    skip_space();
    const std::size_t start = at;
    std::uint64_t value = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      if (value > (UINT64_MAX - 9) / 10) return std::nullopt;
      value = value * 10 + static_cast<std::uint64_t>(text[at] - '0');
      ++at;
    }
    if (at == start) return std::nullopt;
    return value;
  }
};

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  // A browser fails a WebSocket text message that is not UTF-8: bytes that are not become U+FFFD.
  std::string repaired;
  if (!check_utf8(text).valid) {
    repaired = utf8_replace_invalid(text);
    text = repaired;
  }
  out += '"';
  for (const char byte : text) {
    const auto c = static_cast<unsigned char>(byte);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += byte;
    } else if (c < 0x20 || c == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += byte;
    }
  }
  out += '"';
}

void append_base64(std::string& out, std::string_view bytes) {
  const std::size_t start = out.size();
  out.resize(start + base64_size(bytes.size()));
  char* to = &out[start];
  const auto* from = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t left = bytes.size();
  for (; left >= 3; left -= 3, from += 3, to += 4) {
    const std::uint32_t group = (from[0] << 16) | (from[1] << 8) | from[2];
    to[0] = kBase64[group >> 18];
    to[1] = kBase64[(group >> 12) & 63];
    to[2] = kBase64[(group >> 6) & 63];
    to[3] = kBase64[group & 63];
  }
  if (left > 0) {
    const std::uint32_t group = (from[0] << 16) | (left == 2 ? from[1] << 8 : 0);
    to[0] = kBase64[group >> 18];
    to[1] = kBase64[(group >> 12) & 63];
    to[2] = left == 2 ? kBase64[(group >> 6) & 63] : '=';
    to[3] = '=';
  }
}

std::optional<FeedRequest> parse_feed_request(std::string_view text, std::string* why) {
  Reader reader{text};
  std::optional<std::string_view> type;
  std::optional<std::uint64_t> id;
  bool ok = reader.take('{');
  while (ok && !reader.take('}')) {
    if ((type || id) && !reader.take(',')) {
      ok = false;
      break;
    }
    const std::optional<std::string_view> key = reader.string();
    ok = key && reader.take(':');
    if (!ok) break;
    if (*key == "type" && !type) {
      type = reader.string();
      ok = type.has_value();
    } else if (*key == "id" && !id) {
      id = reader.integer();
      ok = id.has_value();
    } else {
      ok = false;
    }
  }
  reader.skip_space();
  if (!ok || reader.at != text.size() || !type || !id) {
    *why = "the class view is read-only: it takes only {\"type\":\"bytes\",\"id\":N}";
    return std::nullopt;
  }
  if (*type != "bytes") {
    *why = "unknown request type: the class view takes only \"bytes\" requests";
    return std::nullopt;
  }
  return FeedRequest{*id};
}

}  // namespace chatkit
