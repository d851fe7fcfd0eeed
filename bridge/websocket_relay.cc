#include "bridge/websocket_relay.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace chatkit {
namespace {

WebSocketRelay* relay_of(void* user_data) {
  return static_cast<WebSocketRelay*>(user_data);
}

std::string close_reason_for(const UvError& error) {
  if (error.code() == UV_EOF) return "the chat server closed the connection";
  if (error.code() == UV_ECONNRESET) return "the chat server reset the connection";
  return error.message();
}

}  // namespace

WebSocketRelay::WebSocketRelay(uv_loop_t* loop, TcpStream& browser, Owner& owner,
                               RelayLimits limits, BridgeStats& stats)
    : loop_(loop), browser_(browser), owner_(owner), limits_(limits), stats_(stats), target_(this) {
  timer_.init(
      loop_, [this] { on_deadline(); }, [this] { maybe_closed(); });
}

WebSocketRelay::~WebSocketRelay() {
  assert(closed_reported_ && "destroy a WebSocketRelay only after on_relay_closed()");
  if (ws_ != nullptr) wslay_event_context_free(ws_);
}

UvError WebSocketRelay::connect(const sockaddr* target) {
  UvError error = target_.init(loop_);
  if (error) return error;
  target_open_ = true;
  error = target_.connect(target, [this](const UvError& result) {
    timer_.stop();
    deadline_ = Deadline::kNone;
    if (result) {
      target_closing_ = true;
      target_.close();
      owner_.on_target_connected(result);  // Then open_refused() or abort().
      return;
    }
    target_connected_ = true;
    owner_.on_target_connected(result);
  });
  if (error) {
    target_closing_ = true;
    target_.close();
    return error;
  }
  arm(Deadline::kConnect, limits_.connect_timeout);
  return {};
}

bool WebSocketRelay::start_websocket() {
  const wslay_event_callbacks callbacks = {on_wslay_recv, on_wslay_send, nullptr,         nullptr,
                                           nullptr,       nullptr,       on_wslay_message};
  if (wslay_event_context_server_init(&ws_, &callbacks, this) != 0) {
    owner_.relay_log("out of memory for the WebSocket");
    close_browser(false);
    close_target_after_writes();
    return false;
  }
  // wslay refuses a larger message by its length field, before reading or buffering its payload.
  wslay_event_config_set_max_recv_msg_length(ws_, limits_.max_message_bytes);
  if (const UvError error = browser_.start_reading()) {
    owner_.relay_log(error.message());
    close_browser(false);
    close_target_after_writes();
    return false;
  }
  return true;
}

void WebSocketRelay::open(std::string_view early) {
  assert(target_connected_ && ws_ == nullptr);
  if (const UvError error = target_.start_reading()) {
    owner_.relay_log(error.message());
    close_browser(false);
    close_target_after_writes();
    return;
  }
  if (!start_websocket()) return;
  if (!early.empty()) on_browser_data(early.data(), early.size());
}

void WebSocketRelay::open_refused(std::uint16_t code, std::string_view reason,
                                  std::string_view early) {
  assert(!target_connected_ && ws_ == nullptr);
  if (!start_websocket()) return;
  // Once the close is queued, wslay still reads the browser's frames until its close arrives;
  // handle_message() relays none of them.
  close_websocket(code, std::string(reason));
  if (early.empty()) {
    pump();
  } else {
    on_browser_data(early.data(), early.size());  // Pumps too.
  }
}

// ---- The browser's side -------------------------------------------------------------------

void WebSocketRelay::on_browser_data(const char* data, std::size_t size) {
  if (ws_ == nullptr || browser_closing_) return;
  input_.set(data, size);
  // wslay pulls the bytes through on_wslay_recv and calls on_wslay_message for each complete
  // message. Once it has stopped reading (a close received or sent for an error), the bytes
  // are dropped here: they are read only so that the close frame is not lost to a TCP reset.
  const int status = wslay_event_recv(ws_);
  input_.clear();
  if (status != 0) {
    owner_.relay_log("WebSocket receive failed (wslay error " + std::to_string(status) + ")");
    close_browser(false);
    close_target_after_writes();
    return;
  }
  pump();
}

ssize_t WebSocketRelay::on_wslay_recv(wslay_event_context_ptr ctx, std::uint8_t* buf,
                                      std::size_t len, int, void* user_data) {
  return relay_of(user_data)->input_.read(ctx, buf, len);
}

void WebSocketRelay::on_wslay_message(wslay_event_context_ptr,
                                      const wslay_event_on_msg_recv_arg* arg, void* user_data) {
  relay_of(user_data)->handle_message(*arg);
}

void WebSocketRelay::handle_message(const wslay_event_on_msg_recv_arg& arg) {
  switch (arg.opcode) {
    case WSLAY_BINARY_FRAME: {
      if (ws_closing_) return;  // Closing: nothing more is relayed.
      if (arg.msg_length == 0) {
        if (target_half_closed_) return;
        target_half_closed_ = true;
        const UvError error = target_.shutdown([this](const UvError&) {
          target_shutdown_done_ = true;
          if (target_closing_) target_.close();
        });
        if (error) target_shutdown_done_ = true;
        return;
      }
      if (target_half_closed_) {
        close_websocket(1008, "message after the half-close (empty message)");
        return;
      }
      const UvError error =
          target_.write(std::string(reinterpret_cast<const char*>(arg.msg), arg.msg_length));
      if (error) {
        close_websocket(1011, error.message());
        return;
      }
      bytes_up_ += arg.msg_length;
      stats_.bytes_to_target += arg.msg_length;
      return;
    }
    case WSLAY_TEXT_FRAME:
      if (!ws_closing_) {
        close_websocket(1003, "text messages are refused: send the chat bytes as binary messages");
      }
      return;
    case WSLAY_CONNECTION_CLOSE:
      // wslay has queued the answering close frame; pump() sends it and ends both sides.
      ws_closing_ = true;
      return;
    default:
      return;  // Ping (wslay answers it) and pong.
  }
}

void WebSocketRelay::on_browser_end(const UvError& error) {
  browser_ended_ = true;
  // No close frame can arrive any more: the conversation is over on the browser's side.
  close_target_after_writes();
  close_browser(error.code() == UV_EOF);
}

void WebSocketRelay::on_browser_written(const UvError& error) {
  if (error) {
    close_browser(false);
    close_target_after_writes();
    return;
  }
  on_progress();
  pump();
}

void WebSocketRelay::on_browser_closed() {
  browser_ended_ = true;
  browser_closing_ = true;
  browser_closed_ = true;
  close_target_after_writes();
  // The timer stays while the chat server's last bytes drain (teardown); it closes with it.
  if (!target_open_) timer_.close();
  maybe_closed();
}

// ---- The chat server's side ---------------------------------------------------------------

void WebSocketRelay::on_stream_data(const char* data, std::size_t size) {
  if (ws_ == nullptr || ws_closing_ || close_pending_) return;
  const wslay_event_msg message = {WSLAY_BINARY_FRAME, reinterpret_cast<const std::uint8_t*>(data),
                                   size};
  // wslay copies the bytes; it refuses only once a close is queued, when they have nowhere to go.
  if (wslay_event_queue_msg(ws_, &message) != 0) return;
  bytes_down_ += size;
  stats_.bytes_to_browser += size;
  pump();
}

void WebSocketRelay::on_stream_end(const UvError& error) {
  target_ended_ = true;
  if (!ws_closing_ && !close_pending_) {
    close_pending_ = true;
    pending_code_ = error.code() == UV_EOF          ? 1000
                    : error.code() == UV_ECONNRESET ? kCloseTargetReset
                                                    : 1011;
    pending_reason_ = close_reason_for(error);
  }
  if (error.code() == UV_EOF) {
    close_target_after_writes();
  } else {
    target_closing_ = true;
    target_.close();
  }
  pump();
}

void WebSocketRelay::on_stream_written(const UvError& error) {
  if (error && !target_ended_) {
    on_stream_end(error);
    return;
  }
  if (!error) on_progress();
  pump();
}

void WebSocketRelay::on_stream_closed() {
  target_open_ = false;
  if (browser_closed_) timer_.close();
  maybe_closed();
}

}  // namespace chatkit
