#include "client/resolve.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <utility>

namespace chatkit {
namespace {

// The lookup's state lives on the heap until libuv hands the request back in on_resolved.
struct ResolveRequest {
  uv_getaddrinfo_t req{};
  std::string step;
  ResolveCallback done;
};

void on_resolved(uv_getaddrinfo_t* req, int status, addrinfo* result) {
  std::unique_ptr<ResolveRequest> request(static_cast<ResolveRequest*>(req->data));
  std::vector<sockaddr_storage> addresses;
  for (const addrinfo* info = result; info != nullptr; info = info->ai_next) {
    if (info->ai_family != AF_INET && info->ai_family != AF_INET6) continue;
    sockaddr_storage address{};
    std::memcpy(&address, info->ai_addr,
                std::min(sizeof address, static_cast<std::size_t>(info->ai_addrlen)));
    addresses.push_back(address);
  }
  uv_freeaddrinfo(result);

  UvError error = check_uv(request->step.c_str(), status);
  if (!error && addresses.empty()) error = UvError(request->step, UV_EAI_NONAME);
  request->done(error, addresses);
}

}  // namespace

UvError resolve_host(uv_loop_t* loop, const std::string& host, int port, ResolveCallback done) {
  auto request = std::make_unique<ResolveRequest>();
  request->step = "resolve " + host;
  request->done = std::move(done);
  request->req.data = request.get();

  // AF_UNSPEC: both IPv4 and IPv6 answers. No AI_ADDRCONFIG: on a machine whose only network is
  // loopback it would hide "localhost" itself.
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  const std::string service = std::to_string(port);
  const int status =
      uv_getaddrinfo(loop, &request->req, on_resolved, host.c_str(), service.c_str(), &hints);
  if (status < 0) return UvError(request->step, status);
  request.release();  // on_resolved takes it back.
  return {};
}

}  // namespace chatkit
