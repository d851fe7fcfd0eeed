// Socket addresses as text and back, for IPv4 and IPv6 alike.
#ifndef CHATKIT_KIT_NET_ADDRESS_H_
#define CHATKIT_KIT_NET_ADDRESS_H_

#include <uv.h>

#include <string>

#include "kit/net/uv_error.h"

namespace chatkit {

// The IP address of `addr` as text: "127.0.0.1", "::1". "?" for a family other than IP.
std::string format_ip(const sockaddr* addr);
// The port of `addr` in host order, or 0 for a family other than IP.
int address_port(const sockaddr* addr);
// "127.0.0.1:10000" or "[::1]:10000" (brackets keep an IPv6 address apart from its port).
std::string format_address(const sockaddr* addr);

// Fills *out from an IPv4 or IPv6 literal and a port; names are not resolved here (see
// uv_getaddrinfo). Fails with UV_EINVAL for text that is not an IP literal.
UvError parse_ip_address(const std::string& ip, int port, sockaddr_storage* out);

// The local address a bound handle listens on (uv_tcp_getsockname), formatted.
UvError local_address(const uv_tcp_t* tcp, sockaddr_storage* out);
// The peer address of a connected handle (uv_tcp_getpeername).
UvError peer_address(const uv_tcp_t* tcp, sockaddr_storage* out);

}  // namespace chatkit

#endif  // CHATKIT_KIT_NET_ADDRESS_H_
