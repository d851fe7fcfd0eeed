// OutputWriter: where a Connection's output goes, chosen once when the connection starts.
//
// Normally that is the connection's TcpStream itself (StreamWriter). With `chat-server --chaos`
// it is a ChaosWriter in front of the stream (server/chaos_writer.h), which hands the same bytes
// to the stream in random pieces and may drop the connection in the middle of a frame. The
// Connection writes, measures its backpressure and ends its output through this interface
// only, so it never asks which writer it has.
//
// The buffers' contract is the stream's: the caller keeps each buffer valid until
// bytes_in_flight() has dropped to 0 after the write, or the stream has closed.
#ifndef CHATKIT_SERVER_OUTPUT_WRITER_H_
#define CHATKIT_SERVER_OUTPUT_WRITER_H_

#include <uv.h>

#include <cstddef>

#include "kit/net/tcp_stream.h"
#include "kit/net/uv_error.h"

namespace chatkit {

class OutputWriter {
 public:
  virtual ~OutputWriter() = default;
  // Queues `count` borrowed buffers (at most TcpStream::kMaxBuffersPerWrite). An error means
  // that nothing was queued: the stream is closing, or its output is ending.
  virtual UvError write(const uv_buf_t* bufs, unsigned count) = 0;
  // Bytes accepted by write() and not yet written by the socket.
  virtual std::size_t bytes_in_flight() const = 0;
  // Ends the connection with a FIN once every queued byte is out, as
  // TcpStream::close_after_writes() does. Calling it again changes nothing.
  virtual void close_after_writes() = 0;
};

// The plain writer: every call goes straight to the stream.
class StreamWriter final : public OutputWriter {
 public:
  // `stream` must outlive the writer.
  explicit StreamWriter(TcpStream& stream) : stream_(stream) {}

  UvError write(const uv_buf_t* bufs, unsigned count) override {
    return stream_.write_borrowed(bufs, count);
  }
  std::size_t bytes_in_flight() const override { return stream_.bytes_in_flight(); }
  void close_after_writes() override { stream_.close_after_writes(); }

 private:
  TcpStream& stream_;
};

}  // namespace chatkit

#endif  // CHATKIT_SERVER_OUTPUT_WRITER_H_
