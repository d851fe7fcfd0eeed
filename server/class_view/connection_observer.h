// ConnectionObserver: what the chat server tells an observer about every connection to the chat
// port, as it happens: the class view's recorder (server/class_view/class_recorder.h) is one.
//
// ChatServer holds at most one observer, set before start(); without one (no --web) each hook
// is a null-pointer test and nothing else, so a server without the class view pays nothing for
// it. Calls come from the loop thread, synchronously inside the connection's own events; the
// observer must not call back into the server, and views passed in are valid only during the
// call.
//
// For one connection id the calls come in this order: on_opened (or on_refused, alone), then
// any of on_client_bytes, on_server_bytes, on_client_end, on_message, on_protocol_error, then
// on_closed exactly once. A connection whose accept failed may get on_closed without
// on_opened; an observer ignores ids it does not know.
#ifndef CHATKIT_SERVER_CLASS_VIEW_CONNECTION_OBSERVER_H_
#define CHATKIT_SERVER_CLASS_VIEW_CONNECTION_OBSERVER_H_

#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace chatkit {

// How a connection ended, from the server's side.
enum class ConnectionEnd {
  kClose,          // Orderly: the conversation finished (FIN), or the client closed first.
  kReset,          // The client reset it, a write failed, or the server reset it (a post not
                   // stored, a chaos drop).
  kIdleTimeout,    // No progress for --idle-timeout, or the frame not whole by --frame-timeout.
  kRefused,        // Over --max-connections: accepted and reset at once.
  kProtocolError,  // The client broke the protocol (ServerSession rejected it).
  kServerStopped,  // The server was stopping (signal, stdin's end, the grace period).
};

// "close", "reset", "idle timeout", "refused", "protocol error", "server stopped".
inline const char* connection_end_name(ConnectionEnd end) {
  switch (end) {
    case ConnectionEnd::kClose:
      return "close";
    case ConnectionEnd::kReset:
      return "reset";
    case ConnectionEnd::kIdleTimeout:
      return "idle timeout";
    case ConnectionEnd::kRefused:
      return "refused";
    case ConnectionEnd::kProtocolError:
      return "protocol error";
    case ConnectionEnd::kServerStopped:
      return "server stopped";
  }
  return "close";
}

class ConnectionObserver {
 public:
  virtual ~ConnectionObserver() = default;
  // Connection `id` was accepted from `peer`.
  virtual void on_opened(std::uint64_t id, const sockaddr* peer) = 0;
  // A connection from `peer` was refused (over --max-connections); it gets the id `id`, taken
  // from the same sequence as accepted connections, and no other call.
  virtual void on_refused(std::uint64_t id, const sockaddr* peer) = 0;
  // Bytes the client sent, as read.
  virtual void on_client_bytes(std::uint64_t id, const char* data, std::size_t size) = 0;
  // The client's side ended: `orderly` for a FIN, false for a reset or a read error.
  virtual void on_client_end(std::uint64_t id, bool orderly) = 0;
  // Bytes the server queued to the client, in order (history replays, acknowledgements).
  virtual void on_server_bytes(std::uint64_t id, const uv_buf_t* bufs, unsigned count) = 0;
  // The client's message was taken: appended (stages 1, 2) or handed to the store (stage 3).
  virtual void on_message(std::uint64_t id, std::string_view message) = 0;
  // The server rejected the client's bytes; `reason` is the text of its log line.
  virtual void on_protocol_error(std::uint64_t id, const std::string& reason) = 0;
  // The connection's socket is closed; `end` says how it ended.
  virtual void on_closed(std::uint64_t id, ConnectionEnd end) = 0;
};

}  // namespace chatkit

#endif  // CHATKIT_SERVER_CLASS_VIEW_CONNECTION_OBSERVER_H_
