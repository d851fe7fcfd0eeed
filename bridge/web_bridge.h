// WebBridge: the browser viewer's server. It serves the viewer page over HTTP and relays each
// WebSocket at /ws, as raw bytes in binary messages, to one fixed chat server over TCP.
//
// Browsers cannot open TCP connections, so the bridge is how the viewer page talks the chat
// protocol: every WebSocket the page opens becomes one TCP connection to the chat server, and
// the bytes go through unchanged both ways. The bridge is not a general proxy (websockify's
// history shows how that goes wrong): the chat server it connects to is fixed when it starts,
// and nothing a browser sends can change it. It listens on 127.0.0.1 unless told otherwise,
// accepts WebSocket upgrades only from its own page (bridge/origin_policy.h), caps message
// sizes, buffered bytes, connections and sessions.
//
// It runs on the caller's libuv loop: standalone in chat-bridge, or inside chat-server --web,
// next to the chat server it bridges to.
//
// Lifetime: construct, listen(), start(target), run the loop. stop() (or SIGINT/SIGTERM after
// handle_signals()) begins the graceful stop: the listener closes, idle connections close,
// responses finish, WebSockets get close 1001; once every connection is gone the remaining
// handles close and stopped() becomes true. Destroy the WebBridge only then.
#ifndef CHATKIT_BRIDGE_WEB_BRIDGE_H_
#define CHATKIT_BRIDGE_WEB_BRIDGE_H_

#include <uv.h>

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "bridge/bridge_options.h"
#include "bridge/bridge_stats.h"
#include "bridge/embedder_routes.h"
#include "bridge/origin_policy.h"
#include "bridge/websocket_relay.h"

namespace chatkit {

class WebConnection;

class WebBridge {
 public:
  // Receives one log line at a time, without a newline (the caller adds the timestamp).
  using LogSink = std::function<void(const std::string&)>;

  WebBridge(uv_loop_t* loop, WebBridgeOptions options, LogSink log);
  // Precondition: stopped(), or listen() was never called.
  ~WebBridge();
  WebBridge(const WebBridge&) = delete;
  WebBridge& operator=(const WebBridge&) = delete;

  // Binds options.bind:options.port and listens. On failure returns false with *error saying
  // why; the handles opened so far are closing, so running the loop then returns promptly.
  bool listen(std::string* error);
  // Fixes the chat server every WebSocket is relayed to. Call after listen() and before the
  // loop runs; it never changes afterwards.
  void start(const sockaddr* target);
  // Stops on SIGINT or SIGTERM (a second signal closes every connection at once).
  void handle_signals();
  // Begins the graceful stop. Safe to call more than once, and after a failed listen().
  void stop();
  // Closes every connection now, without waiting for responses or close handshakes.
  void close_all_now();
  // True once every handle of the bridge is closed.
  bool stopped() const { return stopped_; }

  // The port listened on (useful with port 0).
  int port() const { return port_; }
  // The address to open in a browser on this machine: "http://127.0.0.1:8080/" (the loopback
  // address when listening on 0.0.0.0 or ::).
  std::string url() const;
  // With 0.0.0.0 or ::, the addresses other machines can use ("http://192.0.2.5:8080/").
  std::vector<std::string> network_urls() const;
  // "127.0.0.1:10000".
  const std::string& target_text() const { return target_text_; }
  const BridgeStats& stats() const { return stats_; }
  // The paths the embedding program adds (feeds, pages, token guards: bridge/embedder_routes.h).
  // Set them up before the loop runs.
  EmbedderRoutes& routes() { return routes_; }
  const EmbedderRoutes& routes() const { return routes_; }

  // For WebConnection.
  uv_loop_t* loop() const { return loop_; }
  const WebBridgeOptions& options() const { return options_; }
  const OriginPolicy& origin_policy() const { return origin_policy_; }
  const sockaddr* target() const { return reinterpret_cast<const sockaddr*>(&target_); }
  RelayLimits relay_limits() const;
  BridgeStats& mutable_stats() { return stats_; }
  bool stopping() const { return stopping_; }
  // Reserves one WebSocket session slot; false when all are taken.
  bool begin_session();
  void end_session();
  void log(const std::string& text) const { log_(text); }
  // Called by a WebConnection from its last close callback; deletes it.
  void release(WebConnection* connection);

 private:
  static void on_connection(uv_stream_t* listener, int status);
  static void on_signal(uv_signal_t* signal, int signum);
  void maybe_finish_stop();

  uv_loop_t* loop_;
  WebBridgeOptions options_;
  LogSink log_;
  OriginPolicy origin_policy_;
  EmbedderRoutes routes_;
  BridgeStats stats_;
  uv_tcp_t listener_{};
  uv_signal_t sigint_{};
  uv_signal_t sigterm_{};
  bool listener_open_ = false;
  bool signals_open_ = false;
  int handles_closing_ = 0;
  sockaddr_storage target_{};
  bool target_set_ = false;
  std::string target_text_;
  int port_ = 0;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, WebConnection*> connections_;
  bool stopping_ = false;
  bool stopped_ = false;
};

}  // namespace chatkit

#endif  // CHATKIT_BRIDGE_WEB_BRIDGE_H_
