// JSON text for the class view's feed: strings, base64, and the few requests a page may send.
//
// The feed is read by a browser, over WebSocket text messages, which must be valid UTF-8 (a
// browser fails the connection otherwise): so every string written here is escaped per RFC 8259
// and any byte that is not part of valid UTF-8 becomes U+FFFD. Raw chat bytes never go into a
// JSON string; they travel as base64.
#ifndef CHATKIT_SERVER_CLASS_VIEW_JSON_TEXT_H_
#define CHATKIT_SERVER_CLASS_VIEW_JSON_TEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chatkit {

// Appends `text` as a JSON string, quotes included.
void append_json_string(std::string& out, std::string_view text);
// Appends the standard base64 (RFC 4648, with padding) of `bytes`, without quotes.
void append_base64(std::string& out, std::string_view bytes);
// Base64 of `bytes` takes this many characters.
constexpr std::size_t base64_size(std::size_t bytes) {
  return (bytes + 2) / 3 * 4;
}

// A request a page sent on the feed. The only kind: {"type":"bytes","id":N}.
struct FeedRequest {
  std::uint64_t bytes_of = 0;  // The connection whose kept bytes the page asks for.
};
// Parses one message from a page. nullopt, with *why saying what is wrong, for anything but a
// JSON object {"type":"bytes","id":<non-negative integer>} (members in any order, nothing else).
std::optional<FeedRequest> parse_feed_request(std::string_view text, std::string* why);

}  // namespace chatkit

#endif  // CHATKIT_SERVER_CLASS_VIEW_JSON_TEXT_H_
