// WebConnection: one TCP connection to the bridge's web port, from accept to close.
//
// It reads HTTP request heads (keep-alive: one after another) and answers each one: a static
// file from the web root, /bridge.json, or, at /ws, a WebSocket upgrade. An accepted upgrade
// turns the connection into a WebSocketRelay to the chat server for the rest of its life.
//
//   reading a request head --GET file--> responding --keep-alive--> reading ...
//            |                                \--otherwise--> closing
//            \--GET /ws--> connecting to the chat server --ok--> 101, WebSocket relay
//                                         \--failed--> 101, close 1014 with the reason
//
// Every refusal is an HTTP error response with a one-line reason in its body, and the same
// reason in the bridge's log: 400 (malformed request, path leaving the web root), 403 (Host
// not a name of this bridge, Origin not allowed), 404, 405 (not GET/HEAD), 408 (head too
// slow), 413 (a body), 426 (not a WebSocket upgrade at /ws, or another WebSocket version), 431
// (head too large), 503 (too many connections or sessions, or the bridge is stopping). The one
// exception is a chat server the bridge cannot reach: a browser hides an HTTP refusal of an
// upgrade from the page (it sees close 1006 and nothing else), so the bridge accepts the
// WebSocket and closes it at once with 1014 and the reason ("... connection refused").
//
// Lifetime: WebBridge creates a WebConnection with new and calls start(). It lives until its
// stream, its timer and its relay (if any) are all closed, and then hands itself back to
// WebBridge::release() from the last close callback. No one else deletes it.
#ifndef CHATKIT_BRIDGE_WEB_CONNECTION_H_
#define CHATKIT_BRIDGE_WEB_CONNECTION_H_

#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>

#include "bridge/closable_timer.h"
#include "bridge/file_reader.h"
#include "bridge/http_request.h"
#include "bridge/http_response.h"
#include "bridge/websocket_feed.h"
#include "bridge/websocket_relay.h"
#include "kit/net/tcp_stream.h"

namespace chatkit {

class WebBridge;
struct RequestPath;
struct HostHeader;

class WebConnection final : private TcpStream::Handler,
                            private WebSocketRelay::Owner,
                            private WebSocketFeed::Owner {
 public:
  WebConnection(WebBridge& bridge, std::uint64_t id);
  ~WebConnection() override;
  WebConnection(const WebConnection&) = delete;
  WebConnection& operator=(const WebConnection&) = delete;

  // Accepts the pending connection of `listener` and starts reading requests. With
  // `at_capacity`, answers 503 at once instead (the bridge is at its connection limit) and
  // closes.
  void start(uv_stream_t* listener, bool at_capacity);
  // The bridge is stopping: an idle connection closes now, a response in progress finishes
  // first, a WebSocket gets close 1001.
  void on_bridge_stopping();
  // Closes everything now (a second signal).
  void close_now();

  std::uint64_t id() const { return id_; }

 private:
  enum class Phase { kReading, kResponding, kConnecting, kWebSocket, kClosing };

  // TcpStream::Handler.
  void on_stream_data(const char* data, std::size_t size) override;
  void on_stream_end(const UvError& error) override;
  void on_stream_written(const UvError& error) override;
  void on_stream_closed() override;
  // WebSocketRelay::Owner.
  void on_target_connected(const UvError& error) override;
  void relay_log(const std::string& text) override;
  void on_relay_closed() override;
  // WebSocketFeed::Owner.
  void feed_log(const std::string& text) override;
  void on_feed_closed() override;

  // The request or keep-alive timeout passed.
  void on_timeout();

  // Feeds buffered bytes to the request reader while reading heads.
  void process_input();
  // Answers a complete request (web_routes.cc: the files, /bridge.json and /ws).
  void handle_request();
  // An upgrade at /ws (`feed` null) or at a feed's path.
  void handle_upgrade(const HttpRequest& request, const HostHeader& host, const std::string& path,
                      FeedHandler* feed);
  // Answers 101 and starts the feed session.
  void open_feed(const HttpRequest& request, const std::string& path, FeedHandler& feed);
  void serve_file(const RequestPath& path, bool head_only);
  void serve_bridge_info(bool head_only);
  // Queues `response`; afterwards the connection reads the next request or closes.
  void respond(HttpResponse response);
  // Refuses with `status` and a reason that also goes to the log; closes afterwards.
  void refuse(int status, const std::string& reason);
  // The 101 is out: the connection speaks WebSocket from here. Returns what the browser sent
  // after its request, the session's first input.
  std::string begin_websocket();
  // A WebSocket session (relay or feed) has ended: the bridge stops counting it.
  void end_session_count();
  void close_stream();
  void maybe_release();
  void log(const std::string& text);

  WebBridge& bridge_;
  const std::uint64_t id_;
  std::string name_;  // "web #3 127.0.0.1:51234", the prefix of this connection's log lines.
  TcpStream client_;
  ClosableTimer timer_;
  HttpRequestReader reader_;
  std::string input_;  // Received, not yet given to the reader (or, after an upgrade, to wslay).
  Phase phase_ = Phase::kReading;
  bool keep_alive_ = true;
  bool head_only_ = false;  // The current request is a HEAD.
  FileRead* file_read_ = nullptr;
  HttpResponse accept_response_;  // The 101, sent once the attempt to connect has ended.
  std::unique_ptr<WebSocketRelay> relay_;
  std::unique_ptr<WebSocketFeed> feed_;  // Instead of relay_, at a feed's path.
  bool feed_closed_ = false;
  bool session_counted_ = false;
  bool stream_open_ = false;
  bool stream_closing_ = false;
  bool relay_closed_ = false;
  bool released_ = false;
};

}  // namespace chatkit

#endif  // CHATKIT_BRIDGE_WEB_CONNECTION_H_
