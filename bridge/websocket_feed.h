// WebSocketFeed: one page's WebSocket on a feed endpoint (bridge/feed_handler.h): text messages
// from the embedding program to the page, and the page's small requests back to it.
//
// What travels:
//  - handler -> page: each FeedSession::send_text() is one text message, in order. wslay copies
//    the text; at most kFeedWriteWindow bytes of frames are handed to the page's socket at a
//    time, the rest waits in wslay's queue, and queued_bytes() counts both, so the handler can
//    send less to a page that reads slowly.
//  - page -> handler: each text message, whole, to FeedHandler::on_feed_message. A binary message
//    ends the session with 1003, one larger than the limit with 1009 (refused by its length
//    field, before its payload is read).
//
// Ending: the page's close frame is answered and the connection ends; close() or go_away()
// (the bridge is stopping: 1001) sends a close frame and waits `close_timeout` for the page's
// answer. A page that takes no bytes for `stall_timeout` while some are queued for it is cut
// off (it cannot hold a session slot forever). FeedHandler::on_feed_closed runs once, from one
// of the bridge's own events, never from inside send_text() or close().
//
// Lifetime: owned by a WebConnection, which owns the page's TcpStream and forwards its events
// here. open() once the 101 response is queued (or abort()); Owner::on_feed_closed() runs once
// the feed's timer has closed, after the page's stream closed (on_browser_closed()) or abort();
// only then may the owner destroy the feed.
#ifndef CHATKIT_BRIDGE_WEBSOCKET_FEED_H_
#define CHATKIT_BRIDGE_WEBSOCKET_FEED_H_

#include <uv.h>
#include <wslay/wslay.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "bridge/closable_timer.h"
#include "bridge/feed_handler.h"
#include "bridge/websocket_relay.h"
#include "bridge/wslay_input.h"
#include "bridge/wslay_output.h"
#include "kit/net/tcp_stream.h"

namespace chatkit {

// The largest message a page may send on a feed: requests are a few dozen bytes.
inline constexpr std::size_t kMaxFeedRequestBytes = 4096;

class WebSocketFeed final : public FeedSession {
 public:
  class Owner {
   public:
    virtual ~Owner() = default;
    // One line for the log about this session.
    virtual void feed_log(const std::string& text) = 0;
    // Every handle of the feed is closed; the owner may destroy it.
    virtual void on_feed_closed() = 0;
  };

  // `limits`: close_timeout, stall_timeout and teardown_timeout are used (see RelayLimits).
  WebSocketFeed(uv_loop_t* loop, TcpStream& browser, Owner& owner, FeedHandler& handler,
                std::uint64_t id, RelayLimits limits);
  ~WebSocketFeed() override;
  WebSocketFeed(const WebSocketFeed&) = delete;
  WebSocketFeed& operator=(const WebSocketFeed&) = delete;

  // Starts the session (the 101 response is queued on the page's stream): tells the handler,
  // then reads the page. `early` holds bytes the page sent after its upgrade request.
  void open(std::string_view early);

  // The page's stream, forwarded by the owner.
  void on_browser_data(const char* data, std::size_t size);
  void on_browser_end(const UvError& error);
  void on_browser_written(const UvError& error);
  void on_browser_closed();
  // The bridge is stopping: close 1001.
  void go_away();
  // Closes the feed's timer now (the owner closes the stream); Owner::on_feed_closed follows.
  void abort();

  // FeedSession.
  std::uint64_t session_id() const override { return id_; }
  bool send_text(std::string_view text) override;
  std::size_t queued_bytes() const override;
  void close(std::uint16_t code, std::string_view reason) override;

 private:
  static ssize_t on_wslay_recv(wslay_event_context_ptr ctx, std::uint8_t* buf, std::size_t len,
                               int flags, void* user_data);
  static ssize_t on_wslay_send(wslay_event_context_ptr ctx, const std::uint8_t* data,
                               std::size_t len, int flags, void* user_data);
  static void on_wslay_message(wslay_event_context_ptr ctx, const wslay_event_on_msg_recv_arg* arg,
                               void* user_data);
  void handle_message(const wslay_event_on_msg_recv_arg& arg);
  void on_deadline();
  // Sends what wslay has queued within the write window; ends the stream once the close
  // handshake is done; keeps the stall deadline.
  void pump();
  void close_browser(bool graceful);
  // Tells the handler, once, when no more can be sent. Called only from the bridge's events.
  void notify_if_over();

  uv_loop_t* loop_;
  TcpStream& browser_;
  Owner& owner_;
  FeedHandler& handler_;
  const std::uint64_t id_;
  RelayLimits limits_;
  ClosableTimer timer_;
  wslay_event_context_ptr ws_ = nullptr;
  WslayInput input_;    // Page bytes being handed to wslay during on_browser_data.
  WslayOutput output_;  // Frame bytes produced during one pump, written as one write.
  enum class Deadline { kNone, kStall, kCloseHandshake, kTeardown };
  Deadline deadline_ = Deadline::kNone;
  bool opened_ = false;         // open() ran: the handler knows the session.
  bool handler_told_ = false;   // on_feed_closed() ran.
  bool in_handler_ = false;     // Inside a call into the handler from wslay's receive.
  bool ws_closing_ = false;     // A close frame is queued or was received.
  bool browser_ended_ = false;  // The page's TCP side ended.
  bool browser_closing_ = false;
  bool browser_closed_ = false;
  bool closed_reported_ = false;
  std::uint64_t sent_messages_ = 0;
};

}  // namespace chatkit

#endif  // CHATKIT_BRIDGE_WEBSOCKET_FEED_H_
