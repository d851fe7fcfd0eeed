#include "kit/net/address.h"

#include <cstring>

namespace chatkit {

std::string format_ip(const sockaddr* addr) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (addr->sa_family == AF_INET) {
    uv_ip4_name(reinterpret_cast<const sockaddr_in*>(addr), text, sizeof text);
  } else if (addr->sa_family == AF_INET6) {
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
  const std::string ip = format_ip(addr);
  const std::string port = std::to_string(address_port(addr));
  if (addr->sa_family == AF_INET6) return "[" + ip + "]:" + port;
  return ip + ":" + port;
}

UvError parse_ip_address(const std::string& ip, int port, sockaddr_storage* out) {
  std::memset(out, 0, sizeof *out);
  if (uv_ip4_addr(ip.c_str(), port, reinterpret_cast<sockaddr_in*>(out)) == 0) return {};
  const int status = uv_ip6_addr(ip.c_str(), port, reinterpret_cast<sockaddr_in6*>(out));
  return check_uv(("parse address " + ip).c_str(), status);
}

UvError local_address(const uv_tcp_t* tcp, sockaddr_storage* out) {
  int length = sizeof *out;
  return check_uv("getsockname", uv_tcp_getsockname(tcp, reinterpret_cast<sockaddr*>(out), &length));
}

UvError peer_address(const uv_tcp_t* tcp, sockaddr_storage* out) {
  int length = sizeof *out;
  return check_uv("getpeername", uv_tcp_getpeername(tcp, reinterpret_cast<sockaddr*>(out), &length));
}

}  // namespace chatkit
