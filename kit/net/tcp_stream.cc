#include "kit/net/tcp_stream.h"

#include <cassert>
#include <memory>
#include <utility>

namespace chatkit {

struct TcpStream::WriteRequest {
  uv_write_t req{};
  TcpStream* stream = nullptr;
  std::size_t bytes = 0;
  std::string owned;  // Empty for borrowed writes.
};

namespace {

struct ConnectRequest {
  uv_connect_t req{};
  std::function<void(const UvError&)> done;
};

struct ShutdownRequest {
  uv_shutdown_t req{};
  std::function<void(const UvError&)> done;
};

// Reads are delivered synchronously and no handler may keep the bytes past on_stream_data, so
// every stream on a thread can share one read buffer. A buffer per connection would cost 64 KiB
// for each of ten thousand idle clients.
constexpr std::size_t kReadBufferBytes = 64 * 1024;
thread_local char read_buffer[kReadBufferBytes];

}  // namespace

TcpStream::TcpStream(Handler* handler) : handler_(handler) {
  tcp_.data = this;
}

TcpStream::~TcpStream() {
  assert((!initialized_ || uv_is_closing(reinterpret_cast<uv_handle_t*>(&tcp_))) &&
         "destroy a TcpStream only after on_stream_closed()");
}

UvError TcpStream::init(uv_loop_t* loop) {
  assert(!initialized_);
  const UvError error = check_uv("tcp init", uv_tcp_init(loop, &tcp_));
  if (!error) {
    initialized_ = true;
    tcp_.data = this;
  }
  return error;
}

UvError TcpStream::accept_from(uv_stream_t* listener) {
  return check_uv("accept", uv_accept(listener, reinterpret_cast<uv_stream_t*>(&tcp_)));
}

UvError TcpStream::connect(const sockaddr* addr, std::function<void(const UvError&)> done) {
  auto request = std::make_unique<ConnectRequest>();
  request->done = std::move(done);
  const int status = uv_tcp_connect(&request->req, &tcp_, addr, [](uv_connect_t* req, int result) {
    std::unique_ptr<ConnectRequest> owned(static_cast<ConnectRequest*>(req->data));
    // UV_ECANCELED means the stream was closed while connecting; its owner is going away.
    if (result == UV_ECANCELED) return;
    owned->done(check_uv("connect", result));
  });
  if (status < 0) return UvError("connect", status);
  request->req.data = request.get();
  request.release();  // Freed in the connect callback.
  return {};
}

UvError TcpStream::start_reading() {
  const UvError error = check_uv(
      "read start", uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), on_alloc, on_read));
  reading_ = !error;
  return error;
}

void TcpStream::stop_reading() {
  if (!reading_) return;
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
  reading_ = false;
}

void TcpStream::on_alloc(uv_handle_t*, std::size_t, uv_buf_t* buf) {
  *buf = uv_buf_init(read_buffer, kReadBufferBytes);
}

void TcpStream::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<TcpStream*>(stream->data);
  if (nread > 0) {
    self->handler_->on_stream_data(buf->base, static_cast<std::size_t>(nread));
    return;
  }
  if (nread == 0) return;  // EAGAIN: nothing to do.
  // libuv stops reading by itself after EOF; after an error the owner is expected to close.
  self->stop_reading();
  self->handler_->on_stream_end(UvError("read", static_cast<int>(nread)));
}

UvError TcpStream::submit(WriteRequest* request, const uv_buf_t* bufs, unsigned count) {
  assert(count <= kMaxBuffersPerWrite);
  request->stream = this;
  request->req.data = request;
  const int status =
      uv_write(&request->req, reinterpret_cast<uv_stream_t*>(&tcp_), bufs, count, on_write);
  if (status < 0) {
    delete request;
    return UvError("write", status);
  }
  bytes_in_flight_ += request->bytes;
  ++writes_in_flight_;
  return {};
}

UvError TcpStream::write(std::string bytes) {
  if (closing_ || ending_) return UvError("write", UV_EPIPE);
  auto* request = new WriteRequest;
  request->owned = std::move(bytes);
  request->bytes = request->owned.size();
  const uv_buf_t buf =
      uv_buf_init(request->owned.data(), static_cast<unsigned>(request->owned.size()));
  return submit(request, &buf, 1);
}

UvError TcpStream::write_borrowed(const uv_buf_t* bufs, unsigned count) {
  if (closing_ || ending_) return UvError("write", UV_EPIPE);
  auto* request = new WriteRequest;
  for (unsigned i = 0; i < count; ++i) request->bytes += bufs[i].len;
  return submit(request, bufs, count);
}

void TcpStream::on_write(uv_write_t* req, int status) {
  std::unique_ptr<WriteRequest> request(static_cast<WriteRequest*>(req->data));
  TcpStream* self = request->stream;
  assert(self->writes_in_flight_ > 0 && self->bytes_in_flight_ >= request->bytes);
  self->bytes_in_flight_ -= request->bytes;
  --self->writes_in_flight_;
  // Writes cancelled by close() are not reported: the owner asked for the close and will hear
  // of it through on_stream_closed().
  if (status == UV_ECANCELED) return;
  self->handler_->on_stream_written(check_uv("write", status));
}

UvError TcpStream::shutdown(std::function<void(const UvError&)> done) {
  auto request = std::make_unique<ShutdownRequest>();
  request->done = std::move(done);
  request->req.data = request.get();
  const int status = uv_shutdown(
      &request->req, reinterpret_cast<uv_stream_t*>(&tcp_), [](uv_shutdown_t* req, int result) {
        std::unique_ptr<ShutdownRequest> owned(static_cast<ShutdownRequest*>(req->data));
        owned->done(check_uv("shutdown", result));
      });
  if (status < 0) return UvError("shutdown", status);
  request.release();  // Freed in the shutdown callback.
  return {};
}

void TcpStream::close_after_writes() {
  if (closing_ || ending_) return;
  ending_ = true;
  stop_reading();
  // uv_shutdown waits for every queued write, then sends FIN; only then is it safe to uv_close
  // without losing the last bytes. If the shutdown cannot even start, close anyway.
  const UvError error = shutdown([this](const UvError&) { close(); });
  if (error) close();
}

void TcpStream::close() {
  if (closing_) return;
  closing_ = true;
  reading_ = false;
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), on_close);
}

void TcpStream::reset() {
  if (closing_) return;
  closing_ = true;
  reading_ = false;
  // uv_tcp_close_reset fails (EINVAL) after a shutdown was requested; fall back to a plain close,
  // which is still a close the client must not read as an acknowledgement.
  if (uv_tcp_close_reset(&tcp_, on_close) < 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), on_close);
  }
}

void TcpStream::on_close(uv_handle_t* handle) {
  auto* self = static_cast<TcpStream*>(handle->data);
  self->handler_->on_stream_closed();
}

}  // namespace chatkit
