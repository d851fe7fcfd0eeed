// ChatServer: the reference chat server for all three stages, on one libuv loop.
//
// It owns the listening socket, every Connection, the history (in memory for every stage, and
// durable in a HistoryStore for stage 3), the reverse-DNS resolver and the signal handlers.
// One loop serves every client: no client, however slow, delays another, because nothing on
// the loop waits — reads, writes, DNS and disk commits all complete through callbacks.
//
// Lifetime: construct, start(), run the loop. SIGINT/SIGTERM (or stop()) begin the graceful
// stop: the listener closes, connections finish (bounded by the shutdown grace period), the
// store closes after its last commit, and the remaining handles close, so uv_run returns.
#ifndef CHATKIT_SERVER_CHAT_SERVER_H_
#define CHATKIT_SERVER_CHAT_SERVER_H_

#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "kit/log/logger.h"
#include "kit/protocol/history_log.h"
#include "server/class_view/connection_observer.h"
#include "server/connection_limit.h"
#include "server/host_resolver.h"
#include "server/server_options.h"

namespace chatkit {

class Connection;
class HistoryStore;

class ChatServer {
 public:
  ChatServer(uv_loop_t* loop, ServerOptions options, Logger& logger);
  // Precondition: the loop has run to completion after start() (or start() failed).
  ~ChatServer();
  ChatServer(const ChatServer&) = delete;
  ChatServer& operator=(const ChatServer&) = delete;

  // Opens and loads the store (stage 3), listens, installs the signal handlers, and prints the
  // "listening on ADDR:PORT" line. On failure returns false with *error saying what failed;
  // every handle opened so far is closed, so running the loop then returns promptly.
  bool start(std::string* error);
  // Begins the graceful stop (what SIGINT and SIGTERM do). Safe to call more than once.
  void stop();

  // Tells `observer` (the class view; it must outlive the server) about every connection from
  // now on. Call before start(), at most once; without it no connection is observed.
  void set_observer(ConnectionObserver* observer) { observer_ = observer; }
  ConnectionObserver* observer() const { return observer_; }

  // The port actually listened on (useful with --port 0).
  int port() const { return port_; }

  // For Connection.
  const ServerOptions& options() const { return options_; }
  Logger& logger() { return logger_; }
  HistoryLog& history() { return history_; }
  HostResolver& resolver() { return resolver_; }
  std::size_t open_connections() const { return connections_.size(); }
  // Stages 1 and 2: adds a message to the in-memory history.
  void append_message(std::string_view message);
  // Stage 3: stores `post`; when durable (or failed) tells the connection `connection_id` if it
  // is still open, and adds the post to the in-memory history if it was stored.
  void store_post(std::uint64_t connection_id, std::string post);
  // Called by a Connection from its last close callback; deletes it.
  void release(Connection* connection);

 private:
  static void on_connection(uv_stream_t* listener, int status);
  static void on_signal(uv_signal_t* signal, int signum);
  static void on_grace_expired(uv_timer_t* timer);
  bool open_store(std::string* error);
  // Why the stored post numbered `number` (from 1) cannot be served, or "" when it can: larger
  // than --max-message-bytes, or not UTF-8.
  std::string unservable_post_reason(std::string_view post, std::uint64_t number) const;
  bool listen(std::string* error);
  void maybe_finish_stop();
  void close_handles();

  uv_loop_t* loop_;
  ServerOptions options_;
  Logger& logger_;
  HistoryLog history_;
  std::unique_ptr<HistoryStore> store_;
  HostResolver resolver_;
  ConnectionLimit limit_;  // --max-connections.
  ConnectionObserver* observer_ = nullptr;
  uv_tcp_t listener_{};
  uv_signal_t sigint_{};
  uv_signal_t sigterm_{};
  uv_timer_t grace_timer_{};
  int port_ = 0;
  std::uint64_t next_connection_id_ = 1;
  std::unordered_map<std::uint64_t, Connection*> connections_;
  // kStarting until start() succeeds; stop() then drains the connections, closes the store
  // (stage 3) and the handles, in that order. Phases only move forward.
  enum class Phase { kStarting, kServing, kDraining, kClosingStore, kStopped };
  void enter(Phase next);
  Phase phase_ = Phase::kStarting;
  // Whether the server got as far as "listening on": a server that never started logs nothing
  // about stopping (its one line is the reason it could not start).
  bool served_ = false;
};

}  // namespace chatkit

#endif  // CHATKIT_SERVER_CHAT_SERVER_H_
