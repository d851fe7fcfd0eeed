#include "bridge/websocket_handshake.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>

namespace chatkit {
namespace {

// RFC 6455, section 1.3: the GUID every server appends to the client's key.
constexpr std::string_view kWebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// Base64 of a 16-byte nonce: 22 alphabet characters and "==" (RFC 6455, section 4.1).
bool is_nonce_key(std::string_view key) {
  if (key.size() != 24 || key.substr(22) != "==") return false;
  return std::all_of(key.begin(), key.begin() + 22, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
  });
}

}  // namespace

std::string websocket_accept_key(std::string_view key) {
  std::string input(key);
  input += kWebSocketGuid;
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  // EVP_EncodeBlock writes 4 characters per 3 bytes and a NUL: 28 + 1 for SHA-1's 20 bytes.
  unsigned char encoded[4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1];
  const int length = EVP_EncodeBlock(encoded, digest, SHA_DIGEST_LENGTH);
  return std::string(reinterpret_cast<const char*>(encoded), static_cast<std::size_t>(length));
}

bool is_websocket_upgrade(const HttpRequest& request) {
  return request.header_has_token("upgrade", "websocket");
}

std::optional<HttpResponse> refuse_websocket_request(const HttpRequest& request) {
  const auto refuse = [](const std::string& why) {
    return std::optional<HttpResponse>(error_response(400, why, /*close=*/true));
  };
  if (request.method != "GET") return refuse("a WebSocket upgrade must be a GET request");
  if (request.http_major != 1 || request.http_minor < 1) {
    return refuse("a WebSocket upgrade needs HTTP/1.1");
  }
  if (!request.header_has_token("connection", "upgrade")) {
    return refuse("a WebSocket upgrade needs \"Connection: Upgrade\"");
  }
  const std::optional<std::string_view> version = request.header("sec-websocket-version");
  if (!version || *version != "13") {
    HttpResponse response = error_response(
        426, "this bridge speaks WebSocket version 13 (RFC 6455) only", /*close=*/true);
    response.headers.emplace_back("Sec-WebSocket-Version", "13");
    return response;
  }
  const std::optional<std::string_view> key = request.header("sec-websocket-key");
  if (request.header_count("sec-websocket-key") != 1 || !key || !is_nonce_key(*key)) {
    return refuse("Sec-WebSocket-Key must be one base64-encoded 16-byte value");
  }
  return std::nullopt;
}

HttpResponse websocket_accept_response(const HttpRequest& request) {
  HttpResponse response;
  response.status = 101;
  response.headers.emplace_back("Upgrade", "websocket");
  response.headers.emplace_back("Connection", "Upgrade");
  response.headers.emplace_back("Sec-WebSocket-Accept",
                                websocket_accept_key(*request.header("sec-websocket-key")));
  return response;
}

}  // namespace chatkit
