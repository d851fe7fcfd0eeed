#include "kit/net/address.h"

#include <cstring>

namespace chatkit {
namespace {

// Dotted decimal by hand: uv_ip4_name goes through snprintf, and the server formats every
// peer's address twice per connection (its name in the log, the key of the reverse lookup),
// which made this a quarter of the server's own CPU time for a short conversation.
std::string format_ipv4(const sockaddr_in* addr) {
  const auto* octets = reinterpret_cast<const unsigned char*>(&addr->sin_addr);  // Network order.
  char text[16];
  char* at = text;
  for (int i = 0; i < 4; ++i) {
    if (i > 0) *at++ = '.';
    const unsigned value = octets[i];
    if (value >= 100) *at++ = static_cast<char>('0' + value / 100);
    if (value >= 10) *at++ = static_cast<char>('0' + value / 10 % 10);
    *at++ = static_cast<char>('0' + value % 10);
  }
  return std::string(text, static_cast<std::size_t>(at - text));
}

}  // namespace

std::string format_ip(const sockaddr* addr) {
  if (addr->sa_family == AF_INET) return format_ipv4(reinterpret_cast<const sockaddr_in*>(addr));
  char text[INET6_ADDRSTRLEN] = "?";
  if (addr->sa_family == AF_INET6) {
    uv_ip6_name(reinterpret_cast<const sockaddr_in6*>(addr), text, sizeof text);
  }
  return text;
}

int address_port(const sockaddr* addr) {
  if (addr->sa_family == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in*>(addr)->sin_port);
  }
  if (addr->sa_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(addr)->sin6_port);
  }
  return 0;
}

std::string format_address(const sockaddr* addr) {
  std::string text;
  if (addr->sa_family == AF_INET6) text += '[';
  text += format_ip(addr);
  if (addr->sa_family == AF_INET6) text += ']';
  text += ':';
  text += std::to_string(address_port(addr));
  return text;
}

UvError parse_ip_address(const std::string& ip, int port, sockaddr_storage* out) {
  std::memset(out, 0, sizeof *out);
  if (uv_ip4_addr(ip.c_str(), port, reinterpret_cast<sockaddr_in*>(out)) == 0) return {};
  const int status = uv_ip6_addr(ip.c_str(), port, reinterpret_cast<sockaddr_in6*>(out));
  return check_uv(("parse address " + ip).c_str(), status);
}

UvError local_address(const uv_tcp_t* tcp, sockaddr_storage* out) {
  int length = sizeof *out;
  return check_uv("getsockname",
                  uv_tcp_getsockname(tcp, reinterpret_cast<sockaddr*>(out), &length));
}

UvError peer_address(const uv_tcp_t* tcp, sockaddr_storage* out) {
  int length = sizeof *out;
  return check_uv("getpeername",
                  uv_tcp_getpeername(tcp, reinterpret_cast<sockaddr*>(out), &length));
}

}  // namespace chatkit
