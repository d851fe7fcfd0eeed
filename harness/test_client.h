// TestClient: a scripted chat client for tests, written as blocking calls over a TestLoop.
//
// Every call runs the loop until its condition holds or its timeout passes, so failures are
// timeouts with a reason, never hangs. Bytes that arrive are buffered; read_* calls consume
// from that buffer. The connection records how it ended (orderly EOF or reset).
#ifndef CHATKIT_HARNESS_TEST_CLIENT_H_
#define CHATKIT_HARNESS_TEST_CLIENT_H_

#include <uv.h>

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "harness/test_loop.h"
#include "kit/framing/frame_codec.h"

namespace chatkit::testing {

// How the peer ended the connection, as far as this client has seen.
enum class PeerClose {
  kOpen,   // Nothing yet.
  kEof,    // Orderly close (FIN): read returned UV_EOF.
  kReset,  // Connection reset (RST) or another read error.
};
const char* to_string(PeerClose close);
// Prints to_string(close), so that GoogleTest failure messages name the value.
std::ostream& operator<<(std::ostream& out, PeerClose close);

class BufferedSocket;

class TestClient {
 public:
  explicit TestClient(TestLoop& loop);
  // Closes the socket if open (a plain close, not a reset).
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  // Connects to host:port (IPv4 or IPv6 literal) and starts reading. Returns false on failure,
  // with last_error() saying why. After close() or reset() the client may connect again; that
  // clears what the earlier connection received.
  bool connect(const std::string& host, int port, milliseconds timeout = kStepTimeout);

  // Writes raw bytes and waits until libuv reports the write complete.
  bool send(std::string_view bytes, milliseconds timeout = kStepTimeout);
  // send(encode_frame(message)).
  bool send_frame(std::string_view message, milliseconds timeout = kStepTimeout);
  // Half-closes: no more bytes from us (FIN); reading goes on.
  bool shutdown_write(milliseconds timeout = kStepTimeout);
  // Closes with a RST (uv_tcp_close_reset), as a crashed or rude client would.
  void reset();
  // Closes gracefully (uv_close). Pending writes may be dropped.
  void close();
  // Both return once the handle is closed. Bytes received before stay readable.

  // Reads one complete frame; nullopt on timeout, peer close or a decode error (last_error()).
  // `max_message_bytes` bounds what the test accepts. On failure nothing is consumed.
  std::optional<std::string> read_frame(milliseconds timeout = kStepTimeout,
                                        std::uint32_t max_message_bytes = 64 * 1024 * 1024);
  // Reads exactly `count` raw bytes; nullopt on timeout or close before that.
  std::optional<std::string> read_exact(std::size_t count, milliseconds timeout = kStepTimeout);
  // Reads until the peer closes the connection; returns how it closed (kOpen = timed out).
  // The bytes that arrived meanwhile are appended to *bytes when it is not null.
  PeerClose read_until_close(std::string* bytes, milliseconds timeout = kStepTimeout);
  // Waits up to `duration` and returns whatever arrived (possibly nothing); used to check that
  // nothing is sent.
  std::string read_available(milliseconds duration);
  // Stops reading from the socket until the next read_* call: the server meets a client that
  // does not read, and its writes back up.
  void pause_reading();

  PeerClose peer_close() const;
  bool connected() const;
  // Everything received since connect(), consumed or not (for failure messages).
  const std::string& received_total() const;
  // The reason for the last failure, in words.
  const std::string& last_error() const;

 private:
  // The connection; shared with ScriptedConnection (harness/buffered_socket.h).
  std::unique_ptr<BufferedSocket> socket_;
};

}  // namespace chatkit::testing

#endif  // CHATKIT_HARNESS_TEST_CLIENT_H_
