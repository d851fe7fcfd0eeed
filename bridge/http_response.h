// HttpResponse: the bridge's HTTP answers, each with the same security headers.
//
// Every response, error or not, carries:
//   Cache-Control: no-store                 the viewer is rebuilt often; never show a stale page
//   X-Content-Type-Options: nosniff         a file is what its MIME type says, never script
//   Content-Security-Policy: kContentSecurityPolicy
//   Referrer-Policy: no-referrer, Cross-Origin-Resource-Policy: same-origin
// The policy allows scripts, styles and WebAssembly from the bridge itself and nothing else:
// no inline script, no eval, no other host, no plugins, no framing. So even if a page bug put a
// chat message into the document as HTML, the browser would not run what it contains.
#ifndef CHATKIT_BRIDGE_HTTP_RESPONSE_H_
#define CHATKIT_BRIDGE_HTTP_RESPONSE_H_

#include <string>
#include <utility>
#include <vector>

namespace chatkit {

inline constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

struct HttpResponse {
  int status = 200;
  std::string content_type;  // Empty: no Content-Type header (for 101, 304).
  std::string body;
  // Headers beyond the standard ones, e.g. {"Allow", "GET, HEAD"}.
  std::vector<std::pair<std::string, std::string>> headers;
  // Announce "Connection: close"; the connection ends after this response.
  bool close = false;
  // A response to HEAD: every header as for GET (Content-Length of the body), but no body.
  bool head_only = false;
};

// The reason phrase for `status` ("Not Found"); "Unknown" for codes the bridge never sends.
const char* http_reason(int status);

// The response as bytes on the wire: status line, headers, blank line, body.
std::string serialize(const HttpResponse& response);

// A short text/plain error response: "<status> <reason>\n\n<explanation>\n", closing the
// connection when `close`.
HttpResponse error_response(int status, const std::string& explanation, bool close);

}  // namespace chatkit

#endif  // CHATKIT_BRIDGE_HTTP_RESPONSE_H_
