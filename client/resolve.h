// Name resolution for the client: a host name or IP literal to the addresses to try, in turn.
#ifndef CHATKIT_CLIENT_RESOLVE_H_
#define CHATKIT_CLIENT_RESOLVE_H_

#include <uv.h>

#include <functional>
#include <string>
#include <vector>

#include "kit/net/uv_error.h"

namespace chatkit {

// Receives the addresses (IPv4 and IPv6, in the resolver's order of preference, each with the
// port set), or an error naming the host. Never an empty list without an error.
using ResolveCallback =
    std::function<void(const UvError& error, const std::vector<sockaddr_storage>& addresses)>;

// Looks up `host` ("localhost", "chat.example.org", "127.0.0.1", "::1") for TCP port `port` with
// uv_getaddrinfo on libuv's thread pool, for any address family. `done` runs exactly once, from
// the loop, unless the returned error says the lookup could not start. The lookup keeps the loop
// alive until it has called back.
UvError resolve_host(uv_loop_t* loop, const std::string& host, int port, ResolveCallback done);

}  // namespace chatkit

#endif  // CHATKIT_CLIENT_RESOLVE_H_
