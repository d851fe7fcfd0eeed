#include "bridge/target_address.h"

#include <cstring>

#include "bridge/origin_policy.h"
#include "kit/net/uv_error.h"

namespace chatkit {

bool split_target(const std::string& text, std::string* host, int* port, std::string* why) {
  // A Host header has the same form, so its parser (which also checks the host's characters
  // and the port's range) serves here too; only the port is required.
  const std::optional<HostHeader> parsed = parse_host_header(text);
  if (!parsed || parsed->port == 0) {
    *why = "--target takes HOST:PORT (127.0.0.1:10000, pc7.lab:10000, [::1]:10000), not \"" + text +
           "\"";
    return false;
  }
  *host = parsed->host;
  *port = parsed->port;
  return true;
}

bool resolve_target(uv_loop_t* loop, const std::string& text, sockaddr_storage* out,
                    std::string* why) {
  std::string host;
  int port = 0;
  if (!split_target(text, &host, &port, why)) return false;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  uv_getaddrinfo_t request;
  const std::string service = std::to_string(port);
  // No callback: libuv resolves synchronously.
  const int status = uv_getaddrinfo(loop, &request, nullptr, host.c_str(), service.c_str(), &hints);
  if (status != 0 || request.addrinfo == nullptr) {
    *why = UvError("resolve " + host, status != 0 ? status : UV_EAI_NONAME).message();
    return false;
  }
  const addrinfo* first = request.addrinfo;
  std::memset(out, 0, sizeof *out);
  std::memcpy(out, first->ai_addr, first->ai_addrlen);
  uv_freeaddrinfo(request.addrinfo);
  return true;
}

}  // namespace chatkit
