// WebSocketRelay: one browser's WebSocket, relayed byte for byte to one TCP connection to the
// chat server.
//
// What travels (see bridge/README.md for the contract the viewer page relies on):
//  - browser -> chat server: the payload of every binary message, in order, exactly. An empty
//    binary message is the browser's half-close: the bridge sends FIN to the chat server once
//    the earlier bytes are out (what shutdown(SHUT_WR) does for a TCP client), and the
//    WebSocket stays open for the rest of the server's answer.
//  - chat server -> browser: every chunk read from the chat server, as one binary message, in
//    order, exactly. Chunk boundaries are wherever TCP put them; they mean nothing.
//  - Text messages are refused (close 1003): the chat bytes are binary. A message larger than
//    the limit is refused (close 1009) before its payload is read.
//
// Closing either side closes the other:
//  - the chat server closes (FIN): once every byte it sent has gone out to the browser, the
//    bridge sends close 1000; a reset (RST) becomes close 4000, so the viewer can show the
//    difference that stage 3 relies on (section 3.4 of docs/protocol.md);
//  - the browser closes (close frame, or its TCP connection ends): the bridge answers the close
//    frame and sends FIN to the chat server after the bytes already relayed.
// The bridge closes its side of the browser's TCP connection with uv_shutdown first, so the
// close frame is delivered (uv_close alone drops queued writes), once the browser has answered
// the close or the close timeout has passed.
//
// Backpressure: each direction holds at most about `max_buffered_bytes`. When the browser reads
// slower than the chat server sends, the bridge stops reading from the chat server (whose own
// writes then back up in TCP, as if the browser were a slow chat client); and the other way
// round. A paused direction whose writes make no progress for `stall_timeout` ends the session
// (close 1011): a peer that never reads again cannot hold it. Once the relay is closing, both
// connections get `teardown_timeout` to deliver their last bytes; then they are closed regardless.
//
// Lifetime: owned by a WebConnection, which owns the browser's TcpStream and forwards its
// events here. connect() and then open() (or open_refused(), or abort()); Owner::on_relay_closed()
// runs once every handle of the relay (the chat-server stream and its timer) is closed, which is
// after the browser's stream has closed (on_browser_closed()) or the connection attempt failed;
// only then may the owner destroy the relay.
#ifndef CHATKIT_BRIDGE_WEBSOCKET_RELAY_H_
#define CHATKIT_BRIDGE_WEBSOCKET_RELAY_H_

#include <uv.h>
#include <wslay/wslay.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "bridge/bridge_stats.h"
#include "bridge/closable_timer.h"
#include "bridge/wslay_input.h"
#include "bridge/wslay_output.h"
#include "kit/net/tcp_stream.h"

namespace chatkit {

// Close codes the bridge sends besides RFC 6455's own (1000 normal, 1001 going away, 1003 text
// refused, 1008 data after half-close, 1009 too big, 1011 internal error).
inline constexpr std::uint16_t kCloseTargetReset = 4000;  // The chat server reset the connection.
// The chat server could not be reached (IANA's "Bad Gateway"): the bridge accepts the WebSocket
// only to say why, because a browser shows the page nothing of a refused upgrade but code 1006.
inline constexpr std::uint16_t kCloseBadGateway = 1014;

// `text` cut to the 123 bytes a close frame's reason has room for (RFC 6455, section 5.5), at a
// character boundary: a browser fails a connection whose close reason is not valid UTF-8.
std::string close_reason_text(std::string_view text);
// The reason of close 1014 when the chat server at `target` could not be reached: "cannot reach
// the chat server at 127.0.0.1:10000: connection refused (ECONNREFUSED)"; without the target
// when the whole would not fit in a close frame, so that the failure itself is never cut off.
std::string unreachable_target_reason(std::string_view target, const UvError& error);

struct RelayLimits {
  std::size_t max_message_bytes = 0;
  std::size_t max_buffered_bytes = 0;
  std::chrono::milliseconds connect_timeout{5000};
  // How long the browser has to answer our close frame.
  std::chrono::milliseconds close_timeout{2000};
  // How long a paused direction may go without any write completing before the session is
  // closed with 1011: a peer that stops reading for good must not hold a session.
  std::chrono::milliseconds stall_timeout{30000};
  // How long the orderly ends (the last bytes, then FIN) may take on both connections before
  // the relay cuts them: a peer that stops reading must not hold a session forever.
  std::chrono::milliseconds teardown_timeout{10000};
};

class WebSocketRelay final : private TcpStream::Handler {
 public:
  class Owner {
   public:
    virtual ~Owner() = default;
    // The attempt to reach the chat server ended: error empty = connected (the owner now sends
    // the 101 response and calls open()); else the owner either sends the 101 response and
    // calls open_refused() to tell the browser why over the WebSocket, or calls abort().
    virtual void on_target_connected(const UvError& error) = 0;
    // One line for the log about this session.
    virtual void relay_log(const std::string& text) = 0;
    // Every handle of the relay is closed; the owner may destroy it.
    virtual void on_relay_closed() = 0;
  };

  WebSocketRelay(uv_loop_t* loop, TcpStream& browser, Owner& owner, RelayLimits limits,
                 BridgeStats& stats);
  ~WebSocketRelay() override;
  WebSocketRelay(const WebSocketRelay&) = delete;
  WebSocketRelay& operator=(const WebSocketRelay&) = delete;

  // Connects to the chat server. Returns an error if the attempt cannot start (then nothing is
  // reported, and the owner goes on as after Owner::on_target_connected with that error: 101
  // and open_refused(), or abort()); otherwise Owner::on_target_connected reports the outcome,
  // within the connect timeout.
  UvError connect(const sockaddr* target);
  // Starts relaying, after the 101 response was queued on the browser's stream. `early` holds
  // bytes the browser sent after its upgrade request (already WebSocket frames).
  void open(std::string_view early);
  // Instead of open(), after a failed connect: the WebSocket (101 queued) only carries a close
  // frame with `code` and `reason` (cut to fit, see close_reason_text), reads the browser's
  // answer (dropping any data before it) and ends as any closing session does.
  void open_refused(std::uint16_t code, std::string_view reason, std::string_view early);

  // The browser's stream, forwarded by the owner.
  void on_browser_data(const char* data, std::size_t size);
  void on_browser_end(const UvError& error);
  void on_browser_written(const UvError& error);
  // The browser's stream has closed: nothing more can be sent there. The chat server gets FIN
  // after the bytes already relayed.
  void on_browser_closed();

  // The bridge is stopping: close 1001 to the browser, FIN to the chat server.
  void go_away();
  // Closes the relay's handles now (no close frame); Owner::on_relay_closed follows.
  void abort();

 private:
  // TcpStream::Handler, for the chat-server stream.
  void on_stream_data(const char* data, std::size_t size) override;
  void on_stream_end(const UvError& error) override;
  void on_stream_written(const UvError& error) override;
  void on_stream_closed() override;

  // wslay's callbacks; user_data is the relay.
  static ssize_t on_wslay_recv(wslay_event_context_ptr ctx, std::uint8_t* buf, std::size_t len,
                               int flags, void* user_data);
  static ssize_t on_wslay_send(wslay_event_context_ptr ctx, const std::uint8_t* data,
                               std::size_t len, int flags, void* user_data);
  static void on_wslay_message(wslay_event_context_ptr ctx, const wslay_event_on_msg_recv_arg* arg,
                               void* user_data);
  // The deadline of the current wait passed (connect, close handshake, stall, teardown).
  void on_deadline();

  // Creates the wslay context and starts reading the browser; false (the relay closing) if
  // either fails.
  bool start_websocket();
  void handle_message(const wslay_event_on_msg_recv_arg& arg);
  // Queues a close frame (`code`, `reason`); later browser messages are not relayed. Does not
  // send: it may run inside wslay_event_recv(), and the caller pumps afterwards.
  void close_websocket(std::uint16_t code, const std::string& reason);
  // Sends what wslay has queued, within the browser-side window; queues a pending close once
  // the data before it is out; closes what is finished; applies backpressure both ways.
  void pump();
  void apply_backpressure();
  // A write completed: a pending stall deadline starts over.
  void on_progress();
  void close_target_after_writes();
  void close_browser(bool graceful);
  enum class Deadline { kNone, kConnect, kStall, kCloseHandshake, kTeardown };
  void arm(Deadline deadline, std::chrono::milliseconds timeout);
  // Bounds the orderly ends of both connections (see teardown_timeout).
  void arm_teardown();
  void maybe_closed();
  // Bytes waiting to go to the browser: in wslay's queue and on the browser's stream.
  std::size_t queued_for_browser() const;

  uv_loop_t* loop_;
  TcpStream& browser_;
  Owner& owner_;
  RelayLimits limits_;
  BridgeStats& stats_;
  TcpStream target_;
  ClosableTimer timer_;
  wslay_event_context_ptr ws_ = nullptr;

  // Browser bytes being handed to wslay during on_browser_data.
  WslayInput input_;
  // Frame bytes wslay produced during one pump, written to the browser as one write.
  WslayOutput output_;

  // The chat-server stream.
  bool target_open_ = false;  // init() succeeded; its close callback has not run.
  bool target_connected_ = false;
  bool target_ended_ = false;          // The chat server's side ended (EOF or error).
  bool target_closing_ = false;        // We asked for the close.
  bool target_paused_ = false;         // Not read: the browser is behind (backpressure).
  bool target_half_closed_ = false;    // The browser asked for FIN (an empty binary message).
  bool target_shutdown_done_ = false;  // ...and the FIN has gone out.
  // The browser's stream (owned by the WebConnection).
  bool browser_ended_ = false;    // Its TCP side ended, or the stream closed.
  bool browser_closing_ = false;  // We asked the stream to close.
  bool browser_paused_ = false;   // Not read: the chat server is behind (backpressure).
  bool browser_closed_ = false;   // Its close callback has run.
  // The timer: the connect timeout, the close handshake's, then the teardown's.
  Deadline deadline_ = Deadline::kNone;
  bool close_handshake_timed_ = false;  // The close-handshake deadline was armed (once only).
  // The close frame to send once the chat server's last bytes are out.
  bool close_pending_ = false;
  std::uint16_t pending_code_ = 1000;
  std::string pending_reason_;
  // A close frame is queued: later browser messages are ignored, not relayed.
  bool ws_closing_ = false;
  bool closed_reported_ = false;
  std::uint64_t bytes_up_ = 0;    // browser -> chat server, this session.
  std::uint64_t bytes_down_ = 0;  // chat server -> browser, this session.
};

}  // namespace chatkit

#endif  // CHATKIT_BRIDGE_WEBSOCKET_RELAY_H_
