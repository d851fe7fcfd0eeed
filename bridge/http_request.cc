#include "bridge/http_request.h"

#include <algorithm>
#include <cassert>
#include <cctype>

namespace chatkit {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// What a callback returns to stop http_parser with an error. (From on_headers_complete, 1 and 2
// are not errors: they mean "no body follows".)
constexpr int kStopParsing = -1;

HttpRequestReader* reader_of(http_parser* parser) {
  return static_cast<HttpRequestReader*>(parser->data);
}

}  // namespace

std::optional<std::string_view> HttpRequest::header(std::string_view name) const {
  std::optional<std::string_view> found;
  for (const auto& [key, value] : headers) {
    if (key != name) continue;
    if (found && *found != value) return std::nullopt;
    found = value;
  }
  return found;
}

std::size_t HttpRequest::header_count(std::string_view name) const {
  return static_cast<std::size_t>(std::count_if(
      headers.begin(), headers.end(), [&](const auto& entry) { return entry.first == name; }));
}

bool HttpRequest::header_has_token(std::string_view name, std::string_view token) const {
  for (const auto& [key, value] : headers) {
    if (key != name) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      if (equals_ignoring_case(trim(rest.substr(0, comma)), token)) return true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return false;
}

HttpRequestReader::HttpRequestReader() {
  http_parser_settings_init(&settings_);
  settings_.on_url = on_url;
  settings_.on_header_field = on_header_field;
  settings_.on_header_value = on_header_value;
  settings_.on_headers_complete = on_headers_complete;
  settings_.on_message_complete = on_message_complete;
  reset();
}

void HttpRequestReader::reset() {
  http_parser_init(&parser_, HTTP_REQUEST);
  parser_.data = this;
  request_ = HttpRequest{};
  in_value_ = false;
  status_ = Status::kIncomplete;
  error_status_ = 0;
  error_text_.clear();
  head_bytes_ = 0;
}

std::size_t HttpRequestReader::feed(const char* data, std::size_t size) {
  if (status_ != Status::kIncomplete || size == 0) return 0;
  // Never hand the parser more than one byte past the limit: a client that sends an endless
  // head is refused after kMaxHeadBytes, whatever it sends in one piece.
  const std::size_t budget = kMaxHeadBytes + 1 - head_bytes_;
  const std::size_t offered = std::min(size, budget);
  std::size_t taken = http_parser_execute(&parser_, &settings_, data, offered);
  const http_errno error = HTTP_PARSER_ERRNO(&parser_);
  if (status_ == Status::kComplete) {
    // on_message_complete paused the parser right after the head's last byte: the bytes after
    // it belong to the next request, or to the WebSocket after an upgrade request.
    assert(error == HPE_PAUSED || error == HPE_OK);
    head_bytes_ += taken;
    return taken;
  }
  head_bytes_ += taken;
  if (status_ == Status::kFailed) return taken;
  if (error != HPE_OK) {
    fail(400, std::string("malformed HTTP request: ") + http_errno_description(error));
    return taken;
  }
  if (head_bytes_ > kMaxHeadBytes) {
    fail(431, "request head longer than " + std::to_string(kMaxHeadBytes) + " bytes");
  }
  return taken;
}

void HttpRequestReader::fail(int http_status, std::string text) {
  status_ = Status::kFailed;
  error_status_ = http_status;
  error_text_ = std::move(text);
}

int HttpRequestReader::on_url(http_parser* parser, const char* at, std::size_t length) {
  reader_of(parser)->request_.target.append(at, length);
  return 0;
}

int HttpRequestReader::on_header_field(http_parser* parser, const char* at, std::size_t length) {
  HttpRequestReader* self = reader_of(parser);
  auto& headers = self->request_.headers;
  if (headers.empty() || self->in_value_) {
    if (headers.size() == kMaxHeaders) {
      self->fail(431, "more than " + std::to_string(kMaxHeaders) + " header fields");
      return kStopParsing;
    }
    headers.emplace_back();
    self->in_value_ = false;
  }
  for (std::size_t i = 0; i < length; ++i) {
    headers.back().first += static_cast<char>(std::tolower(static_cast<unsigned char>(at[i])));
  }
  return 0;
}

int HttpRequestReader::on_header_value(http_parser* parser, const char* at, std::size_t length) {
  HttpRequestReader* self = reader_of(parser);
  assert(!self->request_.headers.empty());
  self->in_value_ = true;
  self->request_.headers.back().second.append(at, length);
  return 0;
}

int HttpRequestReader::on_headers_complete(http_parser* parser) {
  HttpRequestReader* self = reader_of(parser);
  HttpRequest& request = self->request_;
  for (auto& entry : request.headers) entry.second = std::string(trim(entry.second));
  request.method = http_method_str(static_cast<http_method>(parser->method));
  request.http_major = parser->http_major;
  request.http_minor = parser->http_minor;
  request.keep_alive = http_should_keep_alive(parser) != 0;
  if (parser->http_major != 1) {
    self->fail(505, "only HTTP/1.0 and HTTP/1.1 are served");
    return kStopParsing;
  }
  const bool chunked = (parser->flags & F_CHUNKED) != 0;
  const bool has_length = (parser->flags & F_CONTENTLENGTH) != 0 && parser->content_length > 0;
  if (chunked || has_length) {
    self->fail(413, "the bridge takes no request bodies (only GET and HEAD are served)");
    return kStopParsing;
  }
  return 0;
}

int HttpRequestReader::on_message_complete(http_parser* parser) {
  HttpRequestReader* self = reader_of(parser);
  assert(self->status_ == Status::kIncomplete);
  self->status_ = Status::kComplete;
  http_parser_pause(parser, 1);
  return 0;
}

}  // namespace chatkit
