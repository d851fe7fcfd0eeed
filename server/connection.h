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
#ifndef CHATKIT_SERVER_CONNECTION_H_
#define CHATKIT_SERVER_CONNECTION_H_

#include <uv.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kit/net/tcp_stream.h"
#include "kit/protocol/history_log.h"
#include "kit/protocol/server_session.h"
#include "server/chaos_writer.h"
#include "server/frame_deadline.h"

namespace chatkit {

class ChatServer;
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
  // Closes at once (queued bytes are dropped); `reason` goes into the "closed" log line.
  void close(const std::string& reason);

  std::uint64_t id() const { return id_; }
  // "#12 127.0.0.1:51234", the prefix of this connection's log lines.
  const std::string& name() const { return name_; }

 private:
  // One item of the output queue: a frame (`head`) and, for a replay, the history after it.
  struct Output {
    std::string head;
    bool head_queued = false;
    bool replay = false;
    HistoryLog::Reader history;
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

  void log(const std::string& text) const;
  void queue(std::unique_ptr<Output> output);
  void pump();
  void submit_post_when_host_known();
  void touch();
  static void on_idle_timeout(uv_timer_t* timer);
  static void on_timer_closed(uv_handle_t* handle);
  // Bytes written and not yet out, through the chaos writer when there is one.
  std::size_t bytes_in_flight() const {
    return chaos_ ? chaos_->bytes_in_flight() : stream_.bytes_in_flight();
  }

  ChatServer& server_;
  std::uint64_t id_;
  std::string name_;
  sockaddr_storage peer_{};
  TcpStream stream_;
  ServerSession session_;
  uv_timer_t idle_timer_{};  // The idle timeout, or the frame deadline when that comes first.
  FrameDeadline frame_deadline_;
  std::unique_ptr<ChaosWriter> chaos_;  // --chaos only: writes go through it.

  std::deque<std::unique_ptr<Output>> outputs_;  // Not yet fully queued on the socket.
  std::vector<std::unique_ptr<Output>> sent_;    // Queued; their bytes may still be in flight.
  bool finishing_ = false;                       // Close once the output queue is empty.
  std::string close_reason_;                     // For the "closed (...)" log line.

  // Stage 3: the post, from the message's arrival until the store answers.
  bool awaiting_store_ = false;
  bool post_submitted_ = false;
  std::string message_;
  std::chrono::system_clock::time_point received_at_;
  std::optional<std::string> host_;
  std::uint64_t lookup_ticket_ = 0;
};

}  // namespace chatkit

#endif  // CHATKIT_SERVER_CONNECTION_H_
