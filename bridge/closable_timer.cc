#include "bridge/closable_timer.h"

#include <cassert>
#include <cstdint>
#include <utility>

namespace chatkit {

ClosableTimer::~ClosableTimer() {
  assert(!open_ && "destroy a ClosableTimer only after its close callback");
}

void ClosableTimer::init(uv_loop_t* loop, Callback on_expired, Callback on_closed) {
  assert(!open_ && !closing_);
  on_expired_ = std::move(on_expired);
  on_closed_ = std::move(on_closed);
  uv_timer_init(loop, &timer_);
  timer_.data = this;
  open_ = true;
}

void ClosableTimer::start(std::chrono::milliseconds timeout) {
  if (!open_ || closing_) return;
  uv_timer_start(
      &timer_,
      [](uv_timer_t* timer) {
        auto* self = static_cast<ClosableTimer*>(timer->data);
        self->on_expired_();
      },
      static_cast<std::uint64_t>(timeout.count()), 0);
}

void ClosableTimer::stop() {
  if (open_ && !closing_) uv_timer_stop(&timer_);
}

void ClosableTimer::close() {
  if (!open_ || closing_) return;
  closing_ = true;
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), [](uv_handle_t* handle) {
    auto* self = static_cast<ClosableTimer*>(handle->data);
    self->open_ = false;
    // The owner may destroy itself, and this timer with it, in on_closed: the callback runs
    // from a local copy, and nothing touches the timer after it.
    const Callback on_closed = std::move(self->on_closed_);
    on_closed();
  });
}

}  // namespace chatkit
