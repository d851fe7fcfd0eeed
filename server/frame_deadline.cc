#include "server/frame_deadline.h"

#include <algorithm>

#include "kit/log/log_text.h"
#include "kit/protocol/server_session.h"

namespace chatkit {

std::uint64_t FrameDeadline::timer_ms(std::uint64_t now, std::uint64_t idle_ms,
                                      bool frame_pending) const {
  if (!frame_pending || !started_) return idle_ms;
  const std::uint64_t elapsed = now - started_at_;
  const std::uint64_t left = elapsed >= timeout_ms_ ? 0 : timeout_ms_ - elapsed;
  return std::min(idle_ms, left);
}

std::string FrameDeadline::describe(std::uint64_t now, const FrameDecoder& decoder) const {
  return "frame timeout: " + describe_partial_frame(decoder) + " in " +
         seconds_text(now - started_at_) + " (--frame-timeout " + seconds_text(timeout_ms_, false) +
         ")";
}

}  // namespace chatkit
