// ConnectionLimit: how many clients the server holds at once (--max-connections), and what
// happens to the next one.
//
// A class of students running unfinished clients (or one student running a loop of them) can
// open connections far faster than they close them. Each open connection costs a descriptor and
// a little memory, so the server caps their number. A connection beyond the cap is still
// accepted, which takes it off the kernel's queue at once (left there, it would wait for a slot
// and make the client hang), and then reset: the client sees "connection reset" straight away,
// and no client already connected notices anything.
//
// The cap is checked against the open-file limit at start: prepare() raises the soft limit far
// enough for the cap plus the server's own descriptors, and lowers the cap when the hard limit
// does not allow it, so that the server refuses cleanly instead of failing accepts with EMFILE.
//
// Not thread-safe: the loop thread owns it.
#ifndef CHATKIT_SERVER_CONNECTION_LIMIT_H_
#define CHATKIT_SERVER_CONNECTION_LIMIT_H_

#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "kit/log/logger.h"
#include "server/class_view/connection_observer.h"

namespace chatkit {

class ConnectionLimit {
 public:
  // The default cap: a class of 10,000 clients at once, with room to spare for nothing else.
  static constexpr std::size_t kDefaultMaxConnections = 10000;
  // Descriptors the server needs besides its connections: stdio, the listener, the loop's own
  // (epoll, async wake-up, signal pipe), SQLite's three files, the reverse lookups' sockets on
  // the thread pool, and the descriptor a refused connection holds until it is reset.
  static constexpr std::size_t kReservedDescriptors = 64;
  // At most one "refused" log line per this many milliseconds; the next line counts the rest.
  static constexpr std::uint64_t kRefusalLogIntervalMs = 1000;

  ConnectionLimit(uv_loop_t* loop, std::size_t max_connections, Logger& logger);
  ConnectionLimit(const ConnectionLimit&) = delete;
  ConnectionLimit& operator=(const ConnectionLimit&) = delete;

  // Raises the open-file limit for the cap, lowering the cap when the system does not allow it.
  // Call once, before listening; description() then says what was decided, for the log.
  void prepare();
  const std::string& description() const { return description_; }

  // The cap in force (after prepare(): possibly lower than asked).
  std::size_t max_connections() const { return max_connections_; }
  bool full(std::size_t open_connections) const { return open_connections >= max_connections_; }

  // Takes the pending connection from `listener` and resets it (RST) at once, logging the
  // refusal (rate-limited), and tells `observer` (when not null) with the connection's `id`.
  // The refused socket's handle owns itself and is freed when closed, so nothing outlives the
  // loop.
  void refuse(uv_stream_t* listener, std::size_t open_connections, ConnectionObserver* observer,
              std::uint64_t id);
  // Connections refused since start.
  std::uint64_t refused() const { return refused_; }

 private:
  uv_loop_t* loop_;
  std::size_t max_connections_;
  Logger& logger_;
  std::string description_;
  std::uint64_t refused_ = 0;
  std::uint64_t unlogged_refusals_ = 0;
  std::uint64_t last_log_ms_ = 0;
  bool logged_once_ = false;
};

}  // namespace chatkit

#endif  // CHATKIT_SERVER_CONNECTION_LIMIT_H_
