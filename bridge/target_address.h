// The chat server a standalone chat-bridge relays to, from its --target HOST:PORT.
#ifndef CHATKIT_BRIDGE_TARGET_ADDRESS_H_
#define CHATKIT_BRIDGE_TARGET_ADDRESS_H_

#include <uv.h>

#include <string>

namespace chatkit {

// Splits "HOST:PORT" ("127.0.0.1:10000", "pc7.lab:10000", "[::1]:10000"). Returns false with
// *why when the text is not of that form or the port is not 1-65535.
bool split_target(const std::string& text, std::string* host, int* port, std::string* why);

// Resolves `text` (as split_target takes it) once, at start-up: the bridge's target never
// changes afterwards, whatever DNS says later. Uses libuv's getaddrinfo synchronously, which is
// fine before the loop runs. Returns false with *why ("cannot resolve pc7.lab: ...").
bool resolve_target(uv_loop_t* loop, const std::string& text, sockaddr_storage* out,
                    std::string* why);

}  // namespace chatkit

#endif  // CHATKIT_BRIDGE_TARGET_ADDRESS_H_
