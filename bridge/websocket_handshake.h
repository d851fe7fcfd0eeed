// The WebSocket opening handshake (RFC 6455, section 4.2), server side.
//
// A browser asks to upgrade with
//
//   GET /ws HTTP/1.1
//   Host: 127.0.0.1:8080
//   Upgrade: websocket
//   Connection: Upgrade
//   Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==
//   Sec-WebSocket-Version: 13
//   Origin: http://127.0.0.1:8080
//
// and the bridge agrees with "101 Switching Protocols" and
// Sec-WebSocket-Accept = base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")). The key
// proves nothing about the client; it only shows the server understood the request as a
// WebSocket upgrade (a plain HTTP cache could not answer it). No subprotocol and no extension
// is negotiated: the messages are the raw chat bytes, uncompressed.
#ifndef CHATKIT_BRIDGE_WEBSOCKET_HANDSHAKE_H_
#define CHATKIT_BRIDGE_WEBSOCKET_HANDSHAKE_H_

#include <optional>
#include <string>
#include <string_view>

#include "bridge/http_request.h"
#include "bridge/http_response.h"

namespace chatkit {

// Sec-WebSocket-Accept for `key` (SHA-1 and base64 from OpenSSL's libcrypto).
std::string websocket_accept_key(std::string_view key);

// True when `request` asks for a WebSocket upgrade at all (Upgrade: websocket).
bool is_websocket_upgrade(const HttpRequest& request);

// Checks an upgrade request against RFC 6455 section 4.2.1 (GET, HTTP/1.1, Connection: Upgrade,
// a Sec-WebSocket-Key that is base64 for 16 bytes, Sec-WebSocket-Version 13). Returns nullopt
// when it is acceptable, else the response refusing it (400; or 426 with
// "Sec-WebSocket-Version: 13" for another version), which closes the connection.
std::optional<HttpResponse> refuse_websocket_request(const HttpRequest& request);

// The 101 response accepting `request` (which passed check_websocket_request).
HttpResponse websocket_accept_response(const HttpRequest& request);

}  // namespace chatkit

#endif  // CHATKIT_BRIDGE_WEBSOCKET_HANDSHAKE_H_
