// TcpStream: one TCP connection on a libuv loop, with owned or borrowed writes, write
// backpressure accounting and the orderly ways to end a connection.
//
// A TcpStream is a member of its owner (a server's connection, a client) and reports to the
// owner through a Handler. It never frees anything itself: after close(), reset() or
// close_after_writes(), the handle closes and Handler::on_stream_closed() runs exactly once;
// only then may the owner destroy the TcpStream (and itself).
//
// Results are reported once: a method that returns an error did not start the operation and
// will not call back for it; a method that returns no error reports the outcome through the
// Handler later.
#ifndef CHATKIT_KIT_NET_TCP_STREAM_H_
#define CHATKIT_KIT_NET_TCP_STREAM_H_

#include <uv.h>

#include <cstddef>
#include <functional>
#include <string>

#include "kit/net/uv_error.h"

namespace chatkit {

class TcpStream {
 public:
  class Handler {
   public:
    virtual ~Handler() = default;
    // Bytes arrived; `data` is valid only during the call.
    virtual void on_stream_data(const char* data, std::size_t size) = 0;
    // Reading ended for good: error.code() is UV_EOF when the peer closed its side in order
    // (FIN), another code (UV_ECONNRESET, ...) when the connection failed.
    virtual void on_stream_end(const UvError& error) = 0;
    // A write completed (error empty) or failed. bytes_in_flight() already excludes it. Not
    // called for writes cancelled by close() or reset().
    virtual void on_stream_written(const UvError& error) = 0;
    // The handle is closed. The owner may destroy this TcpStream now, and not before.
    virtual void on_stream_closed() = 0;
  };

  // The maximum number of buffers handed to one uv_write (Wine fails uv_write with more than
  // 1024 buffers; we keep the limit everywhere so behaviour is the same on every system).
  static constexpr unsigned kMaxBuffersPerWrite = 1024;

  explicit TcpStream(Handler* handler);
  // Precondition: never initialized, or on_stream_closed() has run.
  ~TcpStream();
  TcpStream(const TcpStream&) = delete;
  TcpStream& operator=(const TcpStream&) = delete;

  // uv_tcp_init on `loop`. Must succeed before anything else is called.
  UvError init(uv_loop_t* loop);
  uv_tcp_t* tcp() { return &tcp_; }
  uv_loop_t* loop() { return tcp_.loop; }

  // uv_accept from `listener` into this stream.
  UvError accept_from(uv_stream_t* listener);
  // Connects to `addr`; `done` runs once with the outcome, unless this returns an error or the
  // stream is closed before the connection completes (the owner is going away then).
  UvError connect(const sockaddr* addr, std::function<void(const UvError&)> done);

  // Starts delivering bytes to on_stream_data until on_stream_end, stop_reading() or close.
  UvError start_reading();
  void stop_reading();

  // Queues `bytes`; the stream owns them until the write completes.
  UvError write(std::string bytes);
  // Queues `count` (at most kMaxBuffersPerWrite) borrowed buffers in one uv_write. The caller
  // guarantees that their memory stays valid until on_stream_written or on_stream_closed.
  UvError write_borrowed(const uv_buf_t* bufs, unsigned count);
  // Bytes queued and not yet reported written.
  std::size_t bytes_in_flight() const { return bytes_in_flight_; }
  std::size_t writes_in_flight() const { return writes_in_flight_; }

  // Sends FIN once every queued write has gone out (uv_shutdown); `done` runs with the outcome.
  UvError shutdown(std::function<void(const UvError&)> done);
  // The graceful end: stop reading, let queued writes finish, send FIN, then close the handle.
  // Whatever fails on the way, the handle closes and on_stream_closed() runs. Calling it again,
  // or writing after it, changes nothing.
  void close_after_writes();
  // Closes at once; queued writes are cancelled (their bytes may never arrive).
  void close();
  // Closes with a TCP reset (RST): the peer sees ECONNRESET, not an orderly end. Used when the
  // server must not let the peer mistake the close for success.
  void reset();
  bool closing() const { return closing_; }

 private:
  struct WriteRequest;
  static void on_alloc(uv_handle_t* handle, std::size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_write(uv_write_t* req, int status);
  static void on_close(uv_handle_t* handle);
  UvError submit(WriteRequest* request, const uv_buf_t* bufs, unsigned count);

  Handler* handler_;
  uv_tcp_t tcp_{};
  bool initialized_ = false;
  bool reading_ = false;
  bool closing_ = false;
  bool ending_ = false;  // close_after_writes() was called.
  std::size_t bytes_in_flight_ = 0;
  std::size_t writes_in_flight_ = 0;
};

}  // namespace chatkit

#endif  // CHATKIT_KIT_NET_TCP_STREAM_H_
