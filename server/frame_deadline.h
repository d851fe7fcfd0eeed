// FrameDeadline: the client's one frame must arrive whole within --frame-timeout of its first
// byte.
//
// The idle timeout alone cannot stop a client that trickles its frame one byte every few
// seconds: every byte is progress and restarts the idle timer, so a 1 MiB frame could hold a
// connection (and its descriptor and buffer) for weeks. The deadline bounds the whole frame
// instead. It starts at the first byte the client sends, not at accept: a slow reader of a long
// history, or a student still typing the message, has not started its frame and is governed by
// the idle timeout alone (docs/protocol.md section 4.2).
//
// A value type with no handle: Connection folds the deadline into its idle timer, arming it for
// whichever of the two comes first. Times are the loop's clock in milliseconds (uv_now).
#ifndef CHATKIT_SERVER_FRAME_DEADLINE_H_
#define CHATKIT_SERVER_FRAME_DEADLINE_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "kit/framing/frame_codec.h"

namespace chatkit {

class FrameDeadline {
 public:
  explicit FrameDeadline(std::chrono::milliseconds timeout)
      : timeout_ms_(static_cast<std::uint64_t>(timeout.count())) {}

  // The client sent bytes at `now`: the first call starts the clock, later ones change nothing.
  void on_client_bytes(std::uint64_t now) {
    if (started_) return;
    started_ = true;
    started_at_ = now;
  }
  bool started() const { return started_; }

  // The milliseconds the connection's timer may wait from `now`: `idle_ms`, or less when the
  // frame's deadline comes first. `frame_pending` is false once the frame is complete (or the
  // connection stopped reading), and the deadline no longer applies then.
  std::uint64_t timer_ms(std::uint64_t now, std::uint64_t idle_ms, bool frame_pending) const;
  // True when the frame is still pending at `now` and its deadline has passed.
  bool expired(std::uint64_t now, bool frame_pending) const {
    return frame_pending && started_ && now - started_at_ >= timeout_ms_;
  }
  // "frame timeout: after 3 of 12 payload bytes in 30000 ms (--frame-timeout 30000 ms)", for the
  // connection's "closed" log line.
  std::string describe(std::uint64_t now, const FrameDecoder& decoder) const;

 private:
  std::uint64_t timeout_ms_;
  bool started_ = false;
  std::uint64_t started_at_ = 0;
};

}  // namespace chatkit

#endif  // CHATKIT_SERVER_FRAME_DEADLINE_H_
