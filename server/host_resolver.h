// HostResolver: reverse DNS for stage-3 posts, without ever blocking the event loop.
//
// A post names its sender by the reverse-DNS name of the peer's address, or by the address
// itself when the lookup fails or takes longer than the deadline (2 s). Lookups run on libuv's
// thread pool (uv_getnameinfo). A class sends many posts from the same few machines, so answers
// are cached (names for 10 minutes, failures for 1 minute) and concurrent lookups of the same
// address share one request.
#ifndef CHATKIT_SERVER_HOST_RESOLVER_H_
#define CHATKIT_SERVER_HOST_RESOLVER_H_

#include <uv.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace chatkit {

class HostResolver {
 public:
  // Receives the host name, or the IP address text when there is no name in time.
  using Callback = std::function<void(const std::string& host)>;

  HostResolver(uv_loop_t* loop, std::chrono::milliseconds deadline);
  // Precondition: close() has completed.
  ~HostResolver();
  HostResolver(const HostResolver&) = delete;
  HostResolver& operator=(const HostResolver&) = delete;

  // Starts (or joins) the lookup of `addr`'s name. `done` runs exactly once, on the loop thread,
  // never inside lookup() itself, within the deadline, unless cancel(ticket) is called first.
  // Returns a ticket for cancel().
  std::uint64_t lookup(const sockaddr* addr, Callback done);
  // Forgets the waiter with `ticket`; its callback will not run. Unknown tickets are ignored.
  void cancel(std::uint64_t ticket);

  // Cancels every waiter and closes the resolver's handles; `done` runs once when they are
  // closed. A lookup still running on the thread pool finishes on its own and is discarded.
  void close(std::function<void()> done);

 private:
  struct Entry;
  struct Request;
  struct Waiter {
    std::uint64_t ticket;
    Callback done;
    std::string host;  // The answer, once there is one.
  };
  static void on_nameinfo(uv_getnameinfo_t* req, int status, const char* host, const char*);
  static void on_deadline(uv_timer_t* timer);
  static void on_ready(uv_idle_t* idle);
  void settle(Entry& entry, const std::string& host, std::chrono::seconds ttl);

  uv_loop_t* loop_;
  std::chrono::milliseconds deadline_;
  std::unordered_map<std::string, Entry*> entries_;  // Keyed by IP text.
  std::vector<Waiter> ready_;                        // Answers to deliver on the next loop turn.
  std::vector<Waiter> delivering_;  // Answers being delivered now (cancel() reaches them too).
  uv_idle_t ready_idle_{};
  uv_timer_t deadline_timer_{};  // Fires at the earliest deadline of a pending lookup.
  std::uint64_t next_ticket_ = 1;
  int open_handles_ = 0;
  bool closing_ = false;
  std::function<void()> close_done_;
};

}  // namespace chatkit

#endif  // CHATKIT_SERVER_HOST_RESOLVER_H_
