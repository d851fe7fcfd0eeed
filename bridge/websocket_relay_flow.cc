// WebSocketRelay, continued: how bytes leave (within a window, under backpressure) and how a
// session ends (close frames, FIN, deadlines). The events of both connections are in
// websocket_relay.cc.
#include <algorithm>
#include <string>

#include "bridge/websocket_relay.h"
#include "kit/framing/utf8.h"

namespace chatkit {
namespace {

// The most frame bytes handed to the browser's stream at once; the rest waits in wslay's queue,
// where apply_backpressure() counts it.
constexpr std::size_t kBrowserWriteWindow = 256 * 1024;
// A close frame's reason is at most 123 bytes (RFC 6455, section 5.5: 125 with the code).
constexpr std::size_t kMaxCloseReason = 123;

// Stops reading `reader` when `queued` bytes (waiting to go the other way) exceed `limit`, and
// resumes at half the limit, so that a busy session does not flap on every write. Returns the
// error of a resume that failed.
UvError throttle(TcpStream& reader, bool* paused, std::size_t queued, std::size_t limit) {
  if (!*paused && queued > limit) {
    reader.stop_reading();
    *paused = true;
  } else if (*paused && queued <= limit / 2) {
    *paused = false;
    return reader.start_reading();
  }
  return {};
}

}  // namespace

std::string close_reason_text(std::string_view text) {
  return std::string(utf8_prefix(text, kMaxCloseReason));
}

std::string unreachable_target_reason(std::string_view target, const UvError& error) {
  const std::string failure =
      std::string(uv_strerror(error.code())) + " (" + uv_err_name(error.code()) + ")";
  std::string reason = "cannot reach the chat server at " + std::string(target) + ": " + failure;
  // The page shows the target anyway (/bridge.json); the failure is what it cannot know.
  if (reason.size() > kMaxCloseReason) reason = "cannot reach the chat server: " + failure;
  return close_reason_text(reason);
}

ssize_t WebSocketRelay::on_wslay_send(wslay_event_context_ptr ctx, const std::uint8_t* data,
                                      std::size_t len, int, void* user_data) {
  auto* self = static_cast<WebSocketRelay*>(user_data);
  return self->output_.accept(ctx, data, len, self->browser_closing_,
                              self->browser_.bytes_in_flight(), kBrowserWriteWindow);
}

void WebSocketRelay::close_websocket(std::uint16_t code, const std::string& reason) {
  if (ws_ == nullptr || ws_closing_) return;
  ws_closing_ = true;
  close_pending_ = false;
  const std::string text = close_reason_text(reason);
  wslay_event_queue_close(ws_, code, reinterpret_cast<const std::uint8_t*>(text.data()),
                          text.size());
}

void WebSocketRelay::pump() {
  if (ws_ != nullptr && !browser_closing_) {
    bool failed = wslay_event_send(ws_) != 0;
    // The chat server has ended: its close goes out after its last bytes. (wslay sends control
    // frames ahead of queued data, so the close is queued only once the data is gone.)
    if (!failed && close_pending_ && !wslay_event_want_write(ws_)) {
      close_pending_ = false;
      close_websocket(pending_code_, pending_reason_);
      failed = wslay_event_send(ws_) != 0;
    }
    if (!output_.empty()) {
      const UvError error = browser_.write(output_.take());
      failed = failed || static_cast<bool>(error);
    }
    if (failed) {
      close_browser(false);
      close_target_after_writes();
    } else if (wslay_event_get_close_sent(ws_)) {
      // No chat byte can reach the browser after the close frame: the chat server gets FIN.
      close_target_after_writes();
      // wslay also stops reading at a close frame it takes for invalid, such as a browser's echo
      // of 1014 (a code newer than wslay's list): no close will be received then, so no wait.
      if (wslay_event_get_close_received(ws_) || browser_ended_ || !wslay_event_want_read(ws_)) {
        close_browser(true);
      } else if (!close_handshake_timed_) {
        // Wait for the browser's close frame (reading on, so that nothing unread makes the
        // kernel answer with a reset that could destroy our close frame), but not forever.
        close_handshake_timed_ = true;
        arm(Deadline::kCloseHandshake, limits_.close_timeout);
      }
    }
  }
  apply_backpressure();
}

std::size_t WebSocketRelay::queued_for_browser() const {
  const std::size_t in_wslay = ws_ != nullptr ? wslay_event_get_queued_msg_length(ws_) : 0;
  return in_wslay + output_.size() + browser_.bytes_in_flight();
}

void WebSocketRelay::apply_backpressure() {
  if (ws_ == nullptr) return;
  const std::size_t for_browser = queued_for_browser();
  const std::size_t for_target = target_.bytes_in_flight();
  stats_.peak_queued_for_browser = std::max(stats_.peak_queued_for_browser, for_browser);
  stats_.peak_queued_for_target = std::max(stats_.peak_queued_for_target, for_target);
  const std::size_t limit = limits_.max_buffered_bytes;
  if (!target_ended_ && !target_closing_) {
    if (const UvError error = throttle(target_, &target_paused_, for_browser, limit)) {
      on_stream_end(error);
    }
  }
  if (!browser_ended_ && !browser_closing_) {
    if (throttle(browser_, &browser_paused_, for_target, limit)) close_browser(false);
  }
  // While a direction is paused, the peer it waits for must make progress.
  const bool paused = target_paused_ || browser_paused_;
  if (paused && deadline_ == Deadline::kNone) {
    arm(Deadline::kStall, limits_.stall_timeout);
  } else if (!paused && deadline_ == Deadline::kStall) {
    timer_.stop();
    deadline_ = Deadline::kNone;
  }
}

void WebSocketRelay::on_progress() {
  if (deadline_ == Deadline::kStall) arm(Deadline::kStall, limits_.stall_timeout);
}

void WebSocketRelay::close_target_after_writes() {
  if (!target_open_ || target_closing_) return;
  target_closing_ = true;
  arm_teardown();
  target_.stop_reading();
  if (!target_connected_) {
    target_.close();
  } else if (target_half_closed_) {
    // The FIN was requested already; close once it is out (a second shutdown would fail and
    // close at once, dropping the bytes still queued before the first).
    if (target_shutdown_done_) target_.close();
  } else {
    target_.close_after_writes();
  }
}

void WebSocketRelay::close_browser(bool graceful) {
  if (browser_closing_) return;
  browser_closing_ = true;
  if (graceful) {
    arm_teardown();
    browser_.close_after_writes();
  } else {
    browser_.close();
  }
}

void WebSocketRelay::abort() {
  if (target_open_ && !target_closing_) {
    target_closing_ = true;
    target_.close();
  }
  timer_.close();
  maybe_closed();
}

void WebSocketRelay::go_away() {
  if (ws_ == nullptr) return;  // Still connecting: the owner aborts instead.
  close_pending_ = false;
  close_websocket(1001, "the bridge is shutting down");
  pump();
}

void WebSocketRelay::arm(Deadline deadline, std::chrono::milliseconds timeout) {
  deadline_ = deadline;
  timer_.start(timeout);
}

void WebSocketRelay::arm_teardown() {
  // Replaces a pending connect or close-handshake deadline: those waits are over once a
  // connection is being closed.
  if (deadline_ != Deadline::kTeardown) arm(Deadline::kTeardown, limits_.teardown_timeout);
}

void WebSocketRelay::on_deadline() {
  const Deadline deadline = deadline_;
  deadline_ = Deadline::kNone;
  switch (deadline) {
    case Deadline::kConnect:
      // Closing the stream cancels the connect, whose callback then does not run.
      target_closing_ = true;
      target_.close();
      owner_.on_target_connected(
          UvError("connect", UV_ETIMEDOUT));  // Then open_refused() or abort().
      return;
    case Deadline::kStall: {
      const bool browser_stalled = target_paused_;  // The browser is not taking bytes.
      owner_.relay_log(std::string("no progress for ") +
                       std::to_string(limits_.stall_timeout.count()) + " ms: the " +
                       (browser_stalled ? "browser" : "chat server") + " stopped reading");
      close_websocket(1011, browser_stalled ? "the browser stopped reading"
                                            : "the chat server stopped reading");
      close_target_after_writes();
      pump();
      return;
    }
    case Deadline::kCloseHandshake:
      close_browser(true);  // The browser never answered our close frame.
      return;
    case Deadline::kTeardown:
      // A peer stopped reading while we were finishing: cut what is still open.
      if (target_open_) {
        target_closing_ = true;
        target_.close();
      }
      if (!browser_closed_) {
        browser_closing_ = true;
        browser_.close();
      }
      return;
    case Deadline::kNone:
      return;
  }
}

void WebSocketRelay::maybe_closed() {
  if (closed_reported_ || target_open_ || timer_.open()) return;
  // The timer closes last, once the browser's stream has closed or the session never opened.
  closed_reported_ = true;
  if (ws_ != nullptr) {
    owner_.relay_log("closed: sent " + std::to_string(wslay_event_get_status_code_sent(ws_)) +
                     ", received " + std::to_string(wslay_event_get_status_code_received(ws_)) +
                     "; relayed " + std::to_string(bytes_up_) + " bytes to the chat server, " +
                     std::to_string(bytes_down_) + " to the browser");
  }
  owner_.on_relay_closed();
}

}  // namespace chatkit
