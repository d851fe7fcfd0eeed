// ScriptedServer: a chat server stand-in that tests script, to check a client's exact bytes.
//
// It listens on 127.0.0.1 (or another loopback address) port 0 and accepts every connection,
// as soon as it arrives, into a ScriptedConnection that records all bytes received. The test drives
// each connection with blocking calls that run the shared TestLoop, so a client under test (a
// ChildProcess on the same loop) runs meanwhile.
#ifndef CHATKIT_HARNESS_SCRIPTED_SERVER_H_
#define CHATKIT_HARNESS_SCRIPTED_SERVER_H_

#include <uv.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/test_client.h"
#include "harness/test_loop.h"

namespace chatkit::testing {

class ScriptedServer;

// One accepted connection. Owned by its ScriptedServer; valid until the server is destroyed.
class ScriptedConnection {
 public:
  // Writes raw bytes and waits for the write to complete.
  bool send(std::string_view bytes, milliseconds timeout = kStepTimeout);
  bool send_frame(std::string_view message, milliseconds timeout = kStepTimeout);
  // Reads one frame / exact bytes / until close, like TestClient (frames up to 64 MiB).
  std::optional<std::string> read_frame(milliseconds timeout = kStepTimeout);
  std::optional<std::string> read_exact(std::size_t count, milliseconds timeout = kStepTimeout);
  PeerClose read_until_close(std::string* bytes, milliseconds timeout = kStepTimeout);
  // Sends FIN after queued writes (uv_shutdown), then keeps reading.
  bool shutdown_write(milliseconds timeout = kStepTimeout);
  // Close plainly / with a RST, like TestClient; both return once the handle is closed.
  void close();
  void reset();

  PeerClose peer_close() const;
  const std::string& received_total() const;
  // The peer's address as the server saw it ("127.0.0.1").
  const std::string& peer_ip() const;
  // The reason for the last failure, in words.
  const std::string& last_error() const;

  // Closes the connection if still open (a plain close).
  ~ScriptedConnection();
  ScriptedConnection(const ScriptedConnection&) = delete;
  ScriptedConnection& operator=(const ScriptedConnection&) = delete;

 private:
  friend class ScriptedServer;
  struct Impl;
  explicit ScriptedConnection(TestLoop& loop);

  std::unique_ptr<Impl> impl_;
};

class ScriptedServer {
 public:
  // Listens on `bind_ip`:0. listening() tells whether that worked, last_error() why not.
  explicit ScriptedServer(TestLoop& loop, const std::string& bind_ip = "127.0.0.1");
  // Stops listening, then closes every connection still open (plainly).
  ~ScriptedServer();
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  bool listening() const { return port_ > 0; }
  int port() const { return port_; }
  // Waits for the next connection not yet returned by accept(), in arrival order; nullptr on
  // timeout (last_error() says so).
  ScriptedConnection* accept(milliseconds timeout = kStepTimeout);
  std::size_t connections_accepted() const { return connections_.size(); }
  // Why listening or the last accept failed, in words; "" if nothing failed.
  const std::string& last_error() const { return last_error_; }

 private:
  static void on_connection(uv_stream_t* server, int status);
  static void on_listener_closed(uv_handle_t* handle);

  TestLoop& loop_;
  uv_tcp_t listener_{};
  bool listener_open_ = false;  // uv_tcp_init done, close callback not run yet.
  int port_ = 0;
  std::string last_error_;
  // Connections whose accept failed; kept until their handle has closed.
  std::vector<std::unique_ptr<ScriptedConnection>> failed_;
  std::vector<std::unique_ptr<ScriptedConnection>> connections_;
  std::size_t next_to_return_ = 0;
};

}  // namespace chatkit::testing

#endif  // CHATKIT_HARNESS_SCRIPTED_SERVER_H_
