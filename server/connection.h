// Connection: one client of the reference server, from accept to close.
//
// A Connection joins the three parts of a conversation: the socket (TcpStream), the protocol
// (ServerSession, which decides what to do with the client's bytes) and the server's shared
// state (ChatServer: history, store, resolver). It writes in order through an output queue
// that holds history replays and single frames, so an acknowledgement never overtakes the
// history it follows, and it replays history straight from the HistoryLog's blocks with at most
// kReplayWindowBytes queued on the socket: a client that never reads costs the server no
// memory beyond that, however long the history.
//
// Lifetime: ChatServer creates a Connection with new and calls start(). The Connection then
// lives until both of its handles (socket and idle timer) are closed, whichever way the
// conversation ends, and hands itself back to ChatServer::release() from the last close
// callback. No one else deletes it.
//
// State: the connection is always in exactly one phase (server/connection_phase.h), and data
// that means something in some phases only is empty in the others (see the members). Chaos mode
// (--chaos) changes nothing here but the OutputWriter chosen at start: a ChaosWriter instead of the
// plain StreamWriter.
#ifndef CHATKIT_SERVER_CONNECTION_H_
#define CHATKIT_SERVER_CONNECTION_H_

#include <uv.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "kit/net/tcp_stream.h"
#include "kit/protocol/history_log.h"
#include "kit/protocol/server_session.h"
#include "server/class_view/connection_observer.h"
#include "server/connection_phase.h"
#include "server/frame_deadline.h"

namespace chatkit {

class ChatServer;
class OutputWriter;
class StoreError;

class Connection final : public TcpStream::Handler, public ServerSession::Delegate {
 public:
  // Bytes of history replay queued on the socket at most, per connection.
  static constexpr std::size_t kReplayWindowBytes = 1024 * 1024;

  Connection(ChatServer& server, std::uint64_t id);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Accepts the pending connection from `listener` and starts the conversation. On failure the
  // connection logs why and closes itself (it is released as usual).
  void start(uv_stream_t* listener);

  // Stage 3: the store's answer for this connection's post (`post` is its stored text).
  void on_post_stored(const std::string& post, const StoreError& error);
  // The server is stopping: a connection waiting for its client closes now; one that is
  // writing or storing finishes that first.
  void on_server_stopping();
  // Closes at once (queued bytes are dropped); `reason` goes into the "closed" log line, and
  // `end` to the observer (the class view), unless the connection is already closing, or the
  // chaos writer dropped it first.
  void close(const std::string& reason, ConnectionEnd end);

  std::uint64_t id() const { return id_; }

 private:
  // One item of the output queue: a frame (`head`) and, for a replay, the history after it.
  struct Output {
    std::string head;
    bool head_queued = false;
    bool replay = false;
    HistoryLog::Reader history;
  };
  // Stage 3: a post as it arrived, before its time and host make it the stored text.
  struct PendingPost {
    std::string message;
    std::chrono::system_clock::time_point received_at;
  };
  // Stage 3: the reverse lookup of the peer's name, running; cancel(ticket) if we close first.
  struct HostLookup {
    std::uint64_t ticket;
  };

  // TcpStream::Handler.
  void on_stream_data(const char* data, std::size_t size) override;
  void on_stream_end(const UvError& error) override;
  void on_stream_written(const UvError& error) override;
  void on_stream_closed() override;
  // ServerSession::Delegate.
  void send_history() override;
  void append_message(std::string_view message) override;
  void store_post(std::string_view message) override;
  void finish() override;
  void reject(const std::string& reason) override;

  using Phase = ConnectionPhase;
  // Moves to `next`, asserting connection_allows() it; leaving kAwaitingHost drops the post.
  void enter(Phase next);
  void log(const std::string& text) const;
  void queue(std::unique_ptr<Output> output);
  void pump();
  void submit_post(const PendingPost& pending, const std::string& host);
  // Ends with a RST, for a post that was not stored; `reason` names the end in the log.
  void reset_unstored(std::string reason);
  void on_writer_dropped(const std::string& reason);
  void touch();
  static void on_idle_timeout(uv_timer_t* timer);
  static void on_timer_closed(uv_handle_t* handle);

  ChatServer& server_;
  std::uint64_t id_;
  std::string name_;  // "#12 127.0.0.1:51234", the prefix of this connection's log lines.
  TcpStream stream_;
  ServerSession session_;
  uv_timer_t idle_timer_{};  // The idle timeout, or the frame deadline when that comes first.
  FrameDeadline frame_deadline_;
  std::unique_ptr<OutputWriter> writer_;  // From kConversing on: the stream, or the chaos writer.
  Phase phase_ = Phase::kNew;             // The one source of where the conversation is.

  std::deque<std::unique_ptr<Output>> outputs_;  // Not yet fully queued on the socket.
  std::vector<std::unique_ptr<Output>> sent_;    // Queued; their bytes may still be in flight.

  // Why the connection ended, for the "closed (...)" log line. Set on entering kClosing, or
  // before that when the chaos writer drops the connection; that reason then stands ahead of
  // "done" and of a later close(), though not of a refused post's reset.
  std::optional<std::string> close_reason_;
  // The same end, as the observer is told it; set with close_reason_.
  ConnectionEnd end_ = ConnectionEnd::kClose;
  // The server's observer (the class view, with --web), or null: every hook tests it first.
  ConnectionObserver* const observer_;
  // Stage 3: the sender's host name, from a lookup started at accept (none in stages 1, 2).
  std::variant<std::monostate, HostLookup, std::string> host_;
  // Present exactly in kAwaitingHost.
  std::optional<PendingPost> pending_post_;
};

}  // namespace chatkit

#endif  // CHATKIT_SERVER_CONNECTION_H_
