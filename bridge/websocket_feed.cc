#include "bridge/websocket_feed.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace chatkit {
namespace {

// The most frame bytes handed to the page's stream at once; the rest waits in wslay's queue.
constexpr std::size_t kFeedWriteWindow = 256 * 1024;

WebSocketFeed* feed_of(void* user_data) {
  return static_cast<WebSocketFeed*>(user_data);
}

}  // namespace

WebSocketFeed::WebSocketFeed(uv_loop_t* loop, TcpStream& browser, Owner& owner,
                             FeedHandler& handler, std::uint64_t id, RelayLimits limits)
    : loop_(loop), browser_(browser), owner_(owner), handler_(handler), id_(id), limits_(limits) {
  timer_.init(
      loop_, [this] { on_deadline(); },
      [this] {
        if (!closed_reported_) {
          closed_reported_ = true;
          owner_.feed_log("closed after " + std::to_string(sent_messages_) + " messages");
          owner_.on_feed_closed();
        }
      });
}

WebSocketFeed::~WebSocketFeed() {
  assert(closed_reported_ && "destroy a WebSocketFeed only after on_feed_closed()");
  if (ws_ != nullptr) wslay_event_context_free(ws_);
}

void WebSocketFeed::open(std::string_view early) {
  const wslay_event_callbacks callbacks = {on_wslay_recv, on_wslay_send, nullptr,         nullptr,
                                           nullptr,       nullptr,       on_wslay_message};
  if (wslay_event_context_server_init(&ws_, &callbacks, this) != 0) {
    ws_ = nullptr;
    owner_.feed_log("out of memory for the WebSocket");
    close_browser(false);
    return;
  }
  wslay_event_config_set_max_recv_msg_length(ws_, kMaxFeedRequestBytes);
  if (const UvError error = browser_.start_reading()) {
    owner_.feed_log(error.message());
    close_browser(false);
    return;
  }
  opened_ = true;
  handler_.on_feed_open(*this);
  if (!early.empty()) {
    on_browser_data(early.data(), early.size());
  } else {
    pump();
    notify_if_over();
  }
}

// ---- FeedSession --------------------------------------------------------------------------

bool WebSocketFeed::send_text(std::string_view text) {
  if (ws_ == nullptr || ws_closing_ || browser_closing_ || browser_ended_) return false;
  const wslay_event_msg message = {WSLAY_TEXT_FRAME,
                                   reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
  if (wslay_event_queue_msg(ws_, &message) != 0) return false;
  ++sent_messages_;
  if (!in_handler_) pump();  // Inside the receive loop, on_browser_data pumps afterwards.
  return true;
}

std::size_t WebSocketFeed::queued_bytes() const {
  const std::size_t in_wslay = ws_ != nullptr ? wslay_event_get_queued_msg_length(ws_) : 0;
  return in_wslay + output_.size() + browser_.bytes_in_flight();
}

void WebSocketFeed::close(std::uint16_t code, std::string_view reason) {
  if (ws_ == nullptr || ws_closing_) return;
  ws_closing_ = true;
  const std::string text = close_reason_text(reason);
  wslay_event_queue_close(ws_, code, reinterpret_cast<const std::uint8_t*>(text.data()),
                          text.size());
  if (!in_handler_) pump();
}

// ---- The page's side ----------------------------------------------------------------------

void WebSocketFeed::on_browser_data(const char* data, std::size_t size) {
  if (ws_ == nullptr || browser_closing_) return;
  input_.set(data, size);
  const int status = wslay_event_recv(ws_);
  input_.clear();
  if (status != 0) {
    owner_.feed_log("WebSocket receive failed (wslay error " + std::to_string(status) + ")");
    close_browser(false);
  } else {
    pump();
  }
  notify_if_over();
}

ssize_t WebSocketFeed::on_wslay_recv(wslay_event_context_ptr ctx, std::uint8_t* buf,
                                     std::size_t len, int, void* user_data) {
  return feed_of(user_data)->input_.read(ctx, buf, len);
}

void WebSocketFeed::on_wslay_message(wslay_event_context_ptr,
                                     const wslay_event_on_msg_recv_arg* arg, void* user_data) {
  feed_of(user_data)->handle_message(*arg);
}

void WebSocketFeed::handle_message(const wslay_event_on_msg_recv_arg& arg) {
  switch (arg.opcode) {
    case WSLAY_TEXT_FRAME:
      if (ws_closing_) return;
      in_handler_ = true;
      handler_.on_feed_message(
          *this, std::string_view(reinterpret_cast<const char*>(arg.msg), arg.msg_length));
      in_handler_ = false;
      return;
    case WSLAY_BINARY_FRAME:
      if (!ws_closing_) close(1003, "this feed takes text messages only");
      return;
    case WSLAY_CONNECTION_CLOSE:
      ws_closing_ = true;  // wslay has queued the answering close frame.
      return;
    default:
      return;  // Ping (wslay answers it) and pong.
  }
}

void WebSocketFeed::on_browser_end(const UvError& error) {
  browser_ended_ = true;
  close_browser(error.code() == UV_EOF);
  notify_if_over();
}

void WebSocketFeed::on_browser_written(const UvError& error) {
  if (error) {
    close_browser(false);
  } else {
    if (deadline_ == Deadline::kStall) timer_.start(limits_.stall_timeout);  // Progress.
    pump();
  }
  notify_if_over();
}

void WebSocketFeed::on_browser_closed() {
  browser_ended_ = browser_closing_ = browser_closed_ = true;
  notify_if_over();
  timer_.close();
}

void WebSocketFeed::go_away() {
  close(1001, "the server is shutting down");
  notify_if_over();
}

void WebSocketFeed::abort() {
  browser_closing_ = true;
  notify_if_over();
  timer_.close();
}

// ---- Sending and ending -------------------------------------------------------------------

ssize_t WebSocketFeed::on_wslay_send(wslay_event_context_ptr ctx, const std::uint8_t* data,
                                     std::size_t len, int, void* user_data) {
  WebSocketFeed* self = feed_of(user_data);
  return self->output_.accept(ctx, data, len, self->browser_closing_,
                              self->browser_.bytes_in_flight(), kFeedWriteWindow);
}

void WebSocketFeed::pump() {
  if (ws_ == nullptr || browser_closing_) return;
  bool failed = wslay_event_send(ws_) != 0;
  if (!output_.empty()) {
    const UvError error = browser_.write(output_.take());
    failed = failed || static_cast<bool>(error);
  }
  if (failed) {
    close_browser(false);
    return;
  }
  if (wslay_event_get_close_sent(ws_)) {
    if (wslay_event_get_close_received(ws_) || browser_ended_ || !wslay_event_want_read(ws_)) {
      close_browser(true);
    } else if (deadline_ != Deadline::kCloseHandshake) {
      deadline_ = Deadline::kCloseHandshake;
      timer_.start(limits_.close_timeout);
    }
    return;
  }
  // A page that takes none of the bytes queued for it for stall_timeout is cut off.
  const bool waiting = browser_.bytes_in_flight() > 0;
  if (waiting && deadline_ == Deadline::kNone) {
    deadline_ = Deadline::kStall;
    timer_.start(limits_.stall_timeout);
  } else if (!waiting && deadline_ == Deadline::kStall) {
    deadline_ = Deadline::kNone;
    timer_.stop();
  }
}

void WebSocketFeed::on_deadline() {
  const Deadline deadline = deadline_;
  deadline_ = Deadline::kNone;
  if (deadline == Deadline::kStall) {
    owner_.feed_log("no progress for " + std::to_string(limits_.stall_timeout.count()) +
                    " ms: the page stopped reading");
    close_browser(false);
  } else if (deadline == Deadline::kCloseHandshake) {
    close_browser(true);  // The page never answered our close frame.
  } else if (deadline == Deadline::kTeardown && !browser_closed_) {
    browser_.close();  // The page stopped reading while its last bytes were going out.
  }
  notify_if_over();
}

void WebSocketFeed::close_browser(bool graceful) {
  if (browser_closing_) return;
  browser_closing_ = true;
  if (graceful) {
    deadline_ = Deadline::kTeardown;
    timer_.start(limits_.teardown_timeout);
    browser_.close_after_writes();
  } else {
    browser_.close();
  }
}

void WebSocketFeed::notify_if_over() {
  if (!opened_ || handler_told_) return;
  if (!ws_closing_ && !browser_closing_ && !browser_ended_) return;
  handler_told_ = true;
  handler_.on_feed_closed(*this);
}

}  // namespace chatkit
