#include "bridge/web_connection.h"

#include <cassert>
#include <utility>

#include "bridge/web_bridge.h"
#include "kit/net/address.h"

namespace chatkit {

WebConnection::WebConnection(WebBridge& bridge, std::uint64_t id)
    : bridge_(bridge), id_(id), name_("web #" + std::to_string(id)), client_(this) {}

WebConnection::~WebConnection() {
  assert(released_ && "a WebConnection is deleted only by WebBridge::release()");
  assert(file_read_ == nullptr);
}

void WebConnection::start(uv_stream_t* listener, bool at_capacity) {
  timer_.init(
      bridge_.loop(), [this] { on_timeout(); }, [this] { maybe_release(); });
  UvError error = client_.init(bridge_.loop());
  if (error) {
    log(error.message());
    timer_.close();
    return;
  }
  stream_open_ = true;
  error = client_.accept_from(listener);
  sockaddr_storage peer;
  if (!error && !peer_address(client_.tcp(), &peer)) {
    name_ += " " + format_address(reinterpret_cast<const sockaddr*>(&peer));
  }
  if (error) {
    log(error.message());
    close_stream();
    return;
  }
  if (at_capacity) {
    refuse(503, "too many connections to the bridge (" +
                    std::to_string(bridge_.options().max_connections) + "); try again shortly");
    return;
  }
  timer_.start(bridge_.options().request_timeout);
  if (client_.start_reading()) close_stream();
}

// ---- Reading requests ---------------------------------------------------------------------

void WebConnection::on_stream_data(const char* data, std::size_t size) {
  if (phase_ == Phase::kWebSocket) {
    feed_ ? feed_->on_browser_data(data, size) : relay_->on_browser_data(data, size);
    return;
  }
  input_.append(data, size);
  process_input();
}

void WebConnection::process_input() {
  while (phase_ == Phase::kReading && !input_.empty()) {
    const std::size_t used = reader_.feed(input_.data(), input_.size());
    input_.erase(0, used);
    switch (reader_.status()) {
      case HttpRequestReader::Status::kIncomplete:
        break;
      case HttpRequestReader::Status::kComplete:
        handle_request();
        break;
      case HttpRequestReader::Status::kFailed:
        refuse(reader_.error_status(), reader_.error_text());
        break;
    }
  }
}

void WebConnection::on_target_connected(const UvError& error) {
  if (phase_ != Phase::kConnecting) {  // Closing already.
    if (error) relay_->abort();
    return;
  }
  const UvError write_error = client_.write(serialize(accept_response_));
  if (write_error) {
    relay_->abort();
    close_stream();
    return;
  }
  std::string early = begin_websocket();
  if (error) {
    // A refused upgrade would reach the page as a bare close 1006: accept the WebSocket and
    // close it with the reason instead, which the page can show.
    log("cannot connect to the chat server at " + bridge_.target_text() + ": " + error.message() +
        "; WebSocket accepted only to close it with " + std::to_string(kCloseBadGateway));
    relay_->open_refused(kCloseBadGateway, unreachable_target_reason(bridge_.target_text(), error),
                         early);
    return;
  }
  log("WebSocket open, relaying to the chat server at " + bridge_.target_text());
  relay_->open(early);
}

void WebConnection::feed_log(const std::string& text) {
  log("feed " + text);
}

void WebConnection::on_feed_closed() {
  feed_closed_ = true;
  end_session_count();
  maybe_release();
}

void WebConnection::relay_log(const std::string& text) {
  log("WebSocket " + text);
}

void WebConnection::on_relay_closed() {
  relay_closed_ = true;
  end_session_count();
  maybe_release();
}

std::string WebConnection::begin_websocket() {
  phase_ = Phase::kWebSocket;
  ++bridge_.mutable_stats().sessions_opened;
  return std::exchange(input_, std::string());
}

void WebConnection::end_session_count() {
  if (session_counted_) {
    session_counted_ = false;
    bridge_.end_session();
  }
}

// ---- Responses ----------------------------------------------------------------------------

void WebConnection::refuse(int status, const std::string& reason) {
  log(std::to_string(status) + " " + reason);
  // After a refusal the connection closes: the client may be confused about the protocol, and
  // the next bytes it sends should not be taken as a request.
  respond(error_response(status, reason, /*close=*/true));
}

void WebConnection::respond(HttpResponse response) {
  if (stream_closing_) return;
  phase_ = Phase::kResponding;
  response.head_only = response.head_only || head_only_;
  if (!keep_alive_ || bridge_.stopping()) response.close = true;
  if (response.close) keep_alive_ = false;
  if (client_.write(serialize(response))) close_stream();
}

void WebConnection::on_stream_written(const UvError& error) {
  if (phase_ == Phase::kWebSocket) {
    feed_ ? feed_->on_browser_written(error) : relay_->on_browser_written(error);
    return;
  }
  if (error) {
    close_stream();
    return;
  }
  if (phase_ != Phase::kResponding || client_.bytes_in_flight() > 0) return;
  if (!keep_alive_) {
    phase_ = Phase::kClosing;
    stream_closing_ = true;
    client_.close_after_writes();
    return;
  }
  // The response is out: read the next request, which may be waiting in input_ already.
  phase_ = Phase::kReading;
  head_only_ = false;
  reader_.reset();
  timer_.start(bridge_.options().keep_alive_timeout);
  if (client_.start_reading()) {
    close_stream();
    return;
  }
  process_input();
}

void WebConnection::on_stream_end(const UvError& error) {
  if (phase_ == Phase::kWebSocket) {
    feed_ ? feed_->on_browser_end(error) : relay_->on_browser_end(error);
    return;
  }
  // The client is gone or has nothing more to ask: finish a response in progress, if it can
  // still be delivered, and close.
  keep_alive_ = false;
  if (error.code() == UV_EOF && phase_ == Phase::kResponding) return;
  close_stream();
}

// ---- Timers, stopping, closing ------------------------------------------------------------

void WebConnection::on_timeout() {
  if (phase_ != Phase::kReading) return;
  if (reader_.head_bytes() == 0 && input_.empty()) {
    close_stream();  // An idle keep-alive connection (or one that never said anything).
    return;
  }
  client_.stop_reading();
  refuse(408, "the request head did not arrive in time");
}

void WebConnection::on_bridge_stopping() {
  switch (phase_) {
    case Phase::kReading:
      close_stream();
      break;
    case Phase::kResponding:
      keep_alive_ = false;  // Finish this response, then close.
      break;
    case Phase::kConnecting:
      relay_->abort();
      refuse(503, "the bridge is shutting down");
      break;
    case Phase::kWebSocket:
      feed_ ? feed_->go_away() : relay_->go_away();
      break;
    case Phase::kClosing:
      break;
  }
}

void WebConnection::close_now() {
  if (relay_) relay_->abort();
  if (feed_ && !feed_closed_) feed_->abort();
  close_stream();
}

void WebConnection::close_stream() {
  if (!stream_open_ || stream_closing_) {
    if (!stream_open_) timer_.close();  // Nothing to close (init failed): the timer goes too.
    return;
  }
  stream_closing_ = true;
  phase_ = Phase::kClosing;
  client_.close();
}

void WebConnection::on_stream_closed() {
  stream_open_ = false;
  stream_closing_ = true;
  phase_ = Phase::kClosing;
  if (file_read_ != nullptr) {
    file_read_->cancel();
    file_read_ = nullptr;
  }
  timer_.close();
  // The timer is still open here (its close callback runs later), so whatever the relay
  // reports now cannot release this connection under our feet.
  assert(timer_.open());
  if (relay_ && !relay_closed_) relay_->on_browser_closed();
  if (feed_ && !feed_closed_) feed_->on_browser_closed();
  maybe_release();
}

void WebConnection::maybe_release() {
  if (released_ || stream_open_ || timer_.open()) return;
  if (relay_ && !relay_closed_) return;
  if (feed_ && !feed_closed_) return;
  released_ = true;
  bridge_.release(this);
}

void WebConnection::log(const std::string& text) {
  bridge_.log(name_ + " " + text);
}

}  // namespace chatkit
