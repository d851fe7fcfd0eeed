// Tests for kit/net/address.h's text forms: the hand-written IPv4 formatter against libuv's own
// (uv_ip4_name, which goes through snprintf), for every value of every octet, and the bracketed
// IPv6 form with a port.
#include "kit/net/address.h"

#include <gtest/gtest.h>

#include <string>

namespace chatkit {
namespace {

sockaddr_storage ipv4(unsigned a, unsigned b, unsigned c, unsigned d, int port) {
  const std::string text = std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c) +
                           "." + std::to_string(d);
  sockaddr_storage addr{};
  EXPECT_FALSE(parse_ip_address(text, port, &addr)) << text;
  return addr;
}

std::string libuv_name(const sockaddr_storage& addr) {
  char text[64] = "";
  uv_ip4_name(reinterpret_cast<const sockaddr_in*>(&addr), text, sizeof text);
  return text;
}

TEST(FormatIp, WritesEveryIpv4OctetValueAsLibuvDoes) {
  for (unsigned value = 0; value < 256; ++value) {
    for (int position = 0; position < 4; ++position) {
      unsigned octets[4] = {10, 0, 200, 7};
      octets[position] = value;
      const sockaddr_storage addr = ipv4(octets[0], octets[1], octets[2], octets[3], 80);
      const auto* any = reinterpret_cast<const sockaddr*>(&addr);
      ASSERT_EQ(format_ip(any), libuv_name(addr)) << "octet " << position << " = " << value;
      ASSERT_EQ(format_address(any), libuv_name(addr) + ":80");
    }
  }
}

TEST(FormatIp, WritesTheExtremesOfIpv4) {
  sockaddr_storage addr = ipv4(0, 0, 0, 0, 0);
  EXPECT_EQ(format_address(reinterpret_cast<const sockaddr*>(&addr)), "0.0.0.0:0");
  addr = ipv4(255, 255, 255, 255, 65535);
  EXPECT_EQ(format_address(reinterpret_cast<const sockaddr*>(&addr)), "255.255.255.255:65535");
}

TEST(FormatIp, BracketsIpv6WithAPort) {
  sockaddr_storage addr{};
  ASSERT_FALSE(parse_ip_address("::1", 10000, &addr));
  EXPECT_EQ(format_ip(reinterpret_cast<const sockaddr*>(&addr)), "::1");
  EXPECT_EQ(format_address(reinterpret_cast<const sockaddr*>(&addr)), "[::1]:10000");
  ASSERT_FALSE(parse_ip_address("2001:db8::7", 443, &addr));
  EXPECT_EQ(format_address(reinterpret_cast<const sockaddr*>(&addr)), "[2001:db8::7]:443");
}

}  // namespace
}  // namespace chatkit
