// ClosableTimer: a libuv timer that is a member of an object living until all its handles have
// closed (a WebConnection, a WebSocketRelay).
//
// The owner calls init() once, start()/stop() as it likes, and close() when it winds down;
// `on_closed` then runs once, from libuv's close callback, and only after it may the owner be
// destroyed. `on_expired` runs when a started timer expires, never after close().
#ifndef CHATKIT_BRIDGE_CLOSABLE_TIMER_H_
#define CHATKIT_BRIDGE_CLOSABLE_TIMER_H_

#include <uv.h>

#include <chrono>
#include <functional>

namespace chatkit {

class ClosableTimer {
 public:
  using Callback = std::function<void()>;

  ClosableTimer() = default;
  // Precondition: never initialized, or `on_closed` has run.
  ~ClosableTimer();
  ClosableTimer(const ClosableTimer&) = delete;
  ClosableTimer& operator=(const ClosableTimer&) = delete;

  void init(uv_loop_t* loop, Callback on_expired, Callback on_closed);
  // (Re)starts the timer: `on_expired` runs once after `timeout`. Ignored once closing.
  void start(std::chrono::milliseconds timeout);
  void stop();
  // Closes the handle; `on_closed` follows. Safe to call more than once.
  void close();
  // Initialized and its close callback not run yet.
  bool open() const { return open_; }

 private:
  uv_timer_t timer_{};
  Callback on_expired_;
  Callback on_closed_;
  bool open_ = false;
  bool closing_ = false;
};

}  // namespace chatkit

#endif  // CHATKIT_BRIDGE_CLOSABLE_TIMER_H_
