// BufferedSocket: the TCP connection inside TestClient and ScriptedConnection. Private to
// harness/; tests use those two classes.
//
// A BufferedSocket owns one uv_tcp_t. Once connected (or accepted) it reads continuously: bytes
// are appended to a buffer that the read_* steps consume, and the end of reading is recorded as
// PeerClose::kEof (orderly FIN) or PeerClose::kReset (any read error). Every step is blocking:
// it runs the shared TestLoop until it is done or its timeout passes, and a step that fails
// returns false / nullopt / kOpen with last_error() saying why in words.
//
// Lifetime: the handle lives inside this object, so the object must outlive the handle's close
// callback. close(), reset() and the destructor request the close and run the loop until the
// callback has run. request_close() only requests it; it is the one call that is safe inside a
// libuv callback, and the destructor still waits for the close to finish.
#ifndef CHATKIT_HARNESS_BUFFERED_SOCKET_H_
#define CHATKIT_HARNESS_BUFFERED_SOCKET_H_

#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/test_client.h"
#include "harness/test_loop.h"

namespace chatkit::testing {

// Writes `bytes` to `stream` and runs `loop` until libuv reports the write complete. Returns ""
// on success, else the reason, starting with `step`. A write that times out stays queued; its
// buffer is owned by the request and freed when libuv finishes or cancels it.
std::string write_and_wait(TestLoop& loop, uv_stream_t* stream, std::string_view bytes,
                           const std::string& step, milliseconds timeout);
// Requests a half-close (uv_shutdown: FIN once queued writes are out) and waits for it. Returns
// "" on success, else the reason, starting with `step`.
std::string shutdown_and_wait(TestLoop& loop, uv_stream_t* stream, const std::string& step,
                              milliseconds timeout);

class BufferedSocket {
 public:
  // `owner` names the helper in error texts ("TestClient", "ScriptedConnection").
  BufferedSocket(TestLoop& loop, std::string owner);
  // Closes the handle if still open (a plain close) and waits for its close callback.
  ~BufferedSocket();
  BufferedSocket(const BufferedSocket&) = delete;
  BufferedSocket& operator=(const BufferedSocket&) = delete;

  // Connects to an IPv4 or IPv6 literal and starts reading. Clears what an earlier connection
  // received. Fails when this socket is open already.
  bool connect(const std::string& host, int port, milliseconds timeout);
  // Accepts the pending connection of `listener` and starts reading. Safe inside the listener's
  // connection callback: on failure it only requests the close.
  bool accept_from(uv_stream_t* listener);

  bool send(std::string_view bytes, milliseconds timeout);
  bool shutdown_write(milliseconds timeout);
  // Closes the handle (uv_close, or with a RST for reset()) and waits for the close callback.
  // Queued writes are cancelled. Received bytes stay readable.
  void close();
  void reset();
  // Requests a plain close without waiting; see the lifetime note above.
  void request_close();

  std::optional<std::string> read_frame(milliseconds timeout, std::uint32_t max_message_bytes);
  std::optional<std::string> read_exact(std::size_t count, milliseconds timeout);
  PeerClose read_until_close(std::string* bytes, milliseconds timeout);
  std::string read_available(milliseconds duration);
  // Stops taking bytes from the socket until the next read_* call, so the kernel's buffers fill
  // up and the peer meets a client that does not read.
  void pause_reading();

  PeerClose peer_close() const { return peer_close_; }
  bool connected() const { return connected_; }
  const std::string& received_total() const { return total_; }
  const std::string& last_error() const { return last_error_; }
  const std::string& peer_ip() const { return peer_ip_; }

 private:
  enum class FrameProgress { kIncomplete, kComplete, kTooLong };

  static void on_alloc(uv_handle_t* handle, std::size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_close(uv_handle_t* handle);

  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&tcp_); }
  bool init();
  bool start_reading();
  void resume_reading();
  void close_with(bool send_reset);
  void wait_closed();
  // Sets last_error_ to "<owner>.<text>" and returns false, for `return fail(...)`.
  bool fail(const std::string& text);
  // True when nothing more can arrive: the peer ended the connection or we stopped reading.
  bool input_ended() const { return !reading_; }
  FrameProgress frame_progress(std::uint32_t max_message_bytes) const;
  // The unconsumed bytes and how the connection stands, for failure texts.
  std::string describe_pending() const;

  TestLoop& loop_;
  std::string owner_;
  uv_tcp_t tcp_{};
  bool initialized_ = false;      // uv_tcp_init done, close callback not run yet.
  bool close_requested_ = false;  // We called uv_close on the current handle.
  bool connected_ = false;
  bool reading_ = false;
  std::vector<char> read_buffer_;
  std::string buffer_;  // Received, not yet consumed.
  std::string total_;   // Received since connect/accept.
  PeerClose peer_close_ = PeerClose::kOpen;
  bool paused_ = false;     // pause_reading() stopped libuv's reads; input has not ended.
  std::string end_reason_;  // How reading ended ("EOF", "read: connection reset ...").
  std::string peer_ip_;
  std::string last_error_;
};

}  // namespace chatkit::testing

#endif  // CHATKIT_HARNESS_BUFFERED_SOCKET_H_
