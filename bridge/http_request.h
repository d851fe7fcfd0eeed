// HttpRequestReader: reads one HTTP/1.x request head from a byte stream with http_parser.
//
// The bridge serves GET and HEAD only, so a request is its head: a request that announces a body
// (Content-Length > 0 or chunked) is refused with 413 rather than read. Bytes may arrive split
// anywhere; feed() takes what it can and says how far it got, so the bytes after a complete
// head (the next pipelined request, or the first WebSocket frame after an upgrade request) stay
// with the caller. No I/O here: the reader is driven by WebConnection and by unit tests.
#ifndef CHATKIT_BRIDGE_HTTP_REQUEST_H_
#define CHATKIT_BRIDGE_HTTP_REQUEST_H_

#include <http_parser.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chatkit {

struct HttpRequest {
  std::string method;  // "GET", "HEAD", "POST", ...
  std::string target;  // The request target as sent: "/", "/viewer.js?v=2", "/ws".
  int http_major = 1;
  int http_minor = 1;
  // In arrival order; names lowercased, values with surrounding blanks removed.
  std::vector<std::pair<std::string, std::string>> headers;
  // http_parser's verdict: the client allows a further request on this connection.
  bool keep_alive = false;

  // The value of the one header called `name` (lowercase). nullopt when absent; also when the
  // header appears more than once with different values, because a header that matters to the
  // bridge's decisions (Host, Origin, Sec-WebSocket-Key) must be unambiguous.
  std::optional<std::string_view> header(std::string_view name) const;
  // How many times header `name` appears.
  std::size_t header_count(std::string_view name) const;
  // True when the comma-separated header `name` lists `token` (case-insensitive), in any of its
  // occurrences: "Connection: keep-alive, Upgrade" has the token "upgrade".
  bool header_has_token(std::string_view name, std::string_view token) const;
};

class HttpRequestReader {
 public:
  // The longest request head accepted (request line and headers); longer ones fail with 431.
  static constexpr std::size_t kMaxHeadBytes = 8 * 1024;
  static constexpr std::size_t kMaxHeaders = 64;

  enum class Status {
    kIncomplete,  // Every byte was taken; the head goes on.
    kComplete,    // request() holds the head; the bytes after it were not taken.
    kFailed,      // The bytes are not an acceptable request: error_status() and error_text().
  };

  HttpRequestReader();
  HttpRequestReader(const HttpRequestReader&) = delete;
  HttpRequestReader& operator=(const HttpRequestReader&) = delete;

  // Takes bytes from `data` and returns how many it took. After kComplete or kFailed it takes
  // nothing until reset().
  std::size_t feed(const char* data, std::size_t size);
  // Forgets the last request and reads the next one.
  void reset();

  Status status() const { return status_; }
  const HttpRequest& request() const { return request_; }
  // The HTTP status to answer a failed request with: 400, 413 (a body), 431 (head too large),
  // 505 (not HTTP/1.x).
  int error_status() const { return error_status_; }
  const std::string& error_text() const { return error_text_; }
  // Bytes of the current head taken so far.
  std::size_t head_bytes() const { return head_bytes_; }

 private:
  static int on_url(http_parser* parser, const char* at, std::size_t length);
  static int on_header_field(http_parser* parser, const char* at, std::size_t length);
  static int on_header_value(http_parser* parser, const char* at, std::size_t length);
  static int on_headers_complete(http_parser* parser);
  static int on_message_complete(http_parser* parser);
  void fail(int http_status, std::string text);

  http_parser parser_{};
  http_parser_settings settings_{};
  HttpRequest request_;
  bool in_value_ = false;  // The last header callback was for a value.
  Status status_ = Status::kIncomplete;
  int error_status_ = 0;
  std::string error_text_;
  std::size_t head_bytes_ = 0;
};

}  // namespace chatkit

#endif  // CHATKIT_BRIDGE_HTTP_REQUEST_H_
