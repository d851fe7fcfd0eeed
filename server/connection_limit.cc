#include "server/connection_limit.h"

#include <memory>

#include "kit/log/log_text.h"
#include "kit/net/address.h"
#include "kit/net/uv_error.h"
#include "server/open_file_limit.h"

namespace chatkit {
namespace {

void on_refused_closed(uv_handle_t* handle) {
  delete reinterpret_cast<uv_tcp_t*>(handle);
}

}  // namespace

ConnectionLimit::ConnectionLimit(uv_loop_t* loop, std::size_t max_connections, Logger& logger)
    : loop_(loop), max_connections_(max_connections), logger_(logger) {}

void ConnectionLimit::prepare() {
  const std::size_t asked = max_connections_;
  const OpenFileLimit limit = raise_open_file_limit(asked + kReservedDescriptors);
  std::string& text = description_;
  text = "max connections " + std::to_string(asked);
  if (!limit.applies) return;
  if (limit.soft < asked + kReservedDescriptors) {
    // Better to refuse the surplus cleanly than to let accept() fail with EMFILE, which leaves
    // those clients hanging in the kernel's queue and starves SQLite and DNS of descriptors.
    max_connections_ = limit.soft > 2 * kReservedDescriptors ? limit.soft - kReservedDescriptors
                                                             : kReservedDescriptors;
    text = "max connections lowered from " + std::to_string(asked) + " to " +
           std::to_string(max_connections_) + ": the open-file limit is " +
           std::to_string(limit.soft) + " (hard limit " + std::to_string(limit.hard) +
           "; raise it with `ulimit -Hn` as root)";
    if (!limit.error.empty()) text += "; " + limit.error;
    return;
  }
  text += " (open-file limit " + std::to_string(limit.soft) + ")";
}

void ConnectionLimit::refuse(uv_stream_t* listener, std::size_t open_connections,
                             ConnectionObserver* observer, std::uint64_t id) {
  ++refused_;
  auto tcp = std::make_unique<uv_tcp_t>();
  if (const UvError error = check_uv("tcp init", uv_tcp_init(loop_, tcp.get()))) {
    // Without a handle the connection stays in libuv's accept slot; the listener retries.
    logger_.log("refusing a connection: " + error.message());
    return;
  }
  uv_tcp_t* handle = tcp.release();  // Freed in on_refused_closed.
  const UvError accept_error =
      check_uv("accept", uv_accept(listener, reinterpret_cast<uv_stream_t*>(handle)));
  std::string peer;
  sockaddr_storage address{};
  if (!accept_error && !peer_address(handle, &address)) {
    peer = " " + format_address(reinterpret_cast<const sockaddr*>(&address));
    if (observer) observer->on_refused(id, reinterpret_cast<const sockaddr*>(&address));
  }
  // A reset, not a FIN: the client must not wait for a history that will never come, and the
  // server keeps no TIME_WAIT state for it.
  if (accept_error || uv_tcp_close_reset(handle, on_refused_closed) < 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(handle), on_refused_closed);
  }

  const std::uint64_t now = uv_now(loop_);
  if (logged_once_ && now - last_log_ms_ < kRefusalLogIntervalMs) {
    ++unlogged_refusals_;
    return;
  }
  std::string text =
      "refused" + peer + ": " + count_of(open_connections, "connection", "connections") +
      " open, the limit (--max-connections " + std::to_string(max_connections_) + ")";
  if (accept_error) text += "; " + accept_error.message();
  if (unlogged_refusals_ > 0) {
    text += "; " + std::to_string(unlogged_refusals_) + " more refused since the last such line";
  }
  logger_.log(text);
  logged_once_ = true;
  last_log_ms_ = now;
  unlogged_refusals_ = 0;
}

}  // namespace chatkit
