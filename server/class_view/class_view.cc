#include "server/class_view/class_view.h"

#include <cstdio>
#include <cstring>

#include "bridge/web_bridge.h"
#include "kit/net/address.h"

namespace chatkit {
namespace {

constexpr std::size_t kTokenBytes = 16;  // 128 bits.

const char* const kTokenRefusal =
    "the class view needs the token that chat-server printed when it started: open the address "
    "on its \"class view at http://...\" line, which ends in ?token=...";

}  // namespace

bool is_loopback_address(const std::string& ip) {
  sockaddr_storage addr;
  if (parse_ip_address(ip, 0, &addr)) return false;
  if (addr.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&addr);
    const auto* bytes = reinterpret_cast<const unsigned char*>(&v4->sin_addr);
    return bytes[0] == 127;
  }
  const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&addr);
  const unsigned char* bytes = v6->sin6_addr.s6_addr;
  static const unsigned char kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(bytes, kLoopback, 16) == 0) return true;
  return std::memcmp(bytes, kMapped, 12) == 0 && bytes[12] == 127;
}

ClassView::ClassView(uv_loop_t* loop, ClassViewLimits limits, const ServerOptions& server)
    : loop_(loop), server_(server), recorder_(limits) {}

bool ClassView::attach(WebBridge& bridge, int chat_port, std::string* error) {
  ClassFeed::Settings settings;
  settings.stage = server_.stage;
  settings.max_message_bytes = server_.max_message_bytes;
  sockaddr_storage chat;
  settings.chat_address = parse_ip_address(server_.bind, chat_port, &chat)
                              ? server_.bind + ":" + std::to_string(chat_port)
                              : format_address(reinterpret_cast<const sockaddr*>(&chat));
  feed_ = std::make_unique<ClassFeed>(loop_, recorder_, std::move(settings));

  if (!is_loopback_address(bridge.options().bind)) {
    unsigned char random[kTokenBytes];
    const int status = uv_random(nullptr, nullptr, random, sizeof random, 0, nullptr);
    if (status != 0) {
      *error = std::string("class view: no random token: ") + uv_strerror(status);
      return false;
    }
    for (unsigned char byte : random) {
      char hex[3];
      std::snprintf(hex, sizeof hex, "%02x", byte);
      token_ += hex;
    }
    // The page itself shows nothing without the feed, but it is guarded too, so that a student
    // opening it learns at once why it cannot work.
    for (const char* path : {kPagePath, "/class.html", kFeedPath}) {
      bridge.routes().require_token(path, token_, kTokenRefusal);
    }
  }
  bridge.routes().add_page(kPagePath, kPageFile);
  bridge.routes().add_feed(kFeedPath, feed_.get());
  return true;
}

std::string ClassView::url(const WebBridge& bridge) const {
  std::string url = bridge.url();  // "http://127.0.0.1:8080/"
  url += std::string(kPagePath).substr(1);
  if (!token_.empty()) url += "?token=" + token_;
  return url;
}

}  // namespace chatkit
