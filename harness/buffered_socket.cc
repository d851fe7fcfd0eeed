#include "harness/buffered_socket.h"

#include <cassert>
#include <memory>
#include <utility>

#include "kit/diagnostics/byte_dump.h"
#include "kit/framing/frame_codec.h"
#include "kit/net/address.h"
#include "kit/net/uv_error.h"

namespace chatkit::testing {

namespace {

constexpr std::size_t kReadBufferBytes = 64 * 1024;
// Failure texts show at most this many unread bytes; enough to see a few frames.
constexpr std::size_t kDumpBytes = 64;

std::string in_ms(milliseconds duration) {
  return std::to_string(duration.count()) + " ms";
}

// Shared by a blocking step and its request's callback. A step that times out stops looking,
// but the request may still complete (or be cancelled by a close) later; the shared completion
// keeps that late callback harmless.
struct Completion {
  bool done = false;
  int status = 0;
};

template <typename Request>
struct PendingRequest {
  Request req{};
  std::shared_ptr<Completion> completion = std::make_shared<Completion>();
  std::string bytes;  // A write's bytes: libuv reads them until the callback.
};

// The callback of every request here (connect, write, shutdown); it frees the request.
template <typename Request>
void on_request_done(Request* req, int status) {
  std::unique_ptr<PendingRequest<Request>> request(
      static_cast<PendingRequest<Request>*>(req->data));
  request->completion->done = true;
  request->completion->status = status;
}

std::string wait_for(TestLoop& loop, const std::shared_ptr<Completion>& completion,
                     const std::string& step, milliseconds timeout) {
  if (!loop.run_until([&] { return completion->done; }, timeout)) {
    return step + ": not complete after " + in_ms(timeout);
  }
  if (completion->status < 0) return UvError(step, completion->status).message();
  return "";
}

}  // namespace

std::string write_and_wait(TestLoop& loop, uv_stream_t* stream, std::string_view bytes,
                           const std::string& step, milliseconds timeout) {
  auto request = std::make_unique<PendingRequest<uv_write_t>>();
  request->bytes.assign(bytes);
  request->req.data = request.get();
  const std::shared_ptr<Completion> completion = request->completion;
  const uv_buf_t buf =
      uv_buf_init(request->bytes.data(), static_cast<unsigned>(request->bytes.size()));
  const int status = uv_write(&request->req, stream, &buf, 1, on_request_done<uv_write_t>);
  if (status < 0) return UvError(step, status).message();
  request.release();  // Freed in on_request_done.
  return wait_for(loop, completion, step, timeout);
}

std::string shutdown_and_wait(TestLoop& loop, uv_stream_t* stream, const std::string& step,
                              milliseconds timeout) {
  auto request = std::make_unique<PendingRequest<uv_shutdown_t>>();
  request->req.data = request.get();
  const std::shared_ptr<Completion> completion = request->completion;
  const int status = uv_shutdown(&request->req, stream, on_request_done<uv_shutdown_t>);
  if (status < 0) return UvError(step, status).message();
  request.release();  // Freed in on_request_done.
  return wait_for(loop, completion, step, timeout);
}

BufferedSocket::BufferedSocket(TestLoop& loop, std::string owner)
    : loop_(loop), owner_(std::move(owner)), read_buffer_(kReadBufferBytes) {}

BufferedSocket::~BufferedSocket() {
  close_with(false);
}

bool BufferedSocket::fail(const std::string& text) {
  last_error_ = owner_ + "::" + text;
  return false;
}

bool BufferedSocket::init() {
  const int status = uv_tcp_init(loop_.get(), &tcp_);
  if (status < 0) return fail(UvError("tcp init", status).message());
  tcp_.data = this;
  initialized_ = true;
  close_requested_ = false;
  buffer_.clear();
  total_.clear();
  peer_close_ = PeerClose::kOpen;
  end_reason_.clear();
  peer_ip_.clear();
  return true;
}

bool BufferedSocket::start_reading() {
  const int status = uv_read_start(stream(), on_alloc, on_read);
  if (status < 0) {
    fail(UvError("read start", status).message());
    request_close();
    return false;
  }
  reading_ = true;
  return true;
}

void BufferedSocket::pause_reading() {
  if (!reading_ || paused_) return;
  uv_read_stop(stream());
  paused_ = true;
}

void BufferedSocket::resume_reading() {
  if (!paused_) return;
  paused_ = false;
  if (reading_ && uv_read_start(stream(), on_alloc, on_read) < 0) reading_ = false;
}

bool BufferedSocket::connect(const std::string& host, int port, milliseconds timeout) {
  if (initialized_) return fail("connect: the socket is open already; close() it first");
  sockaddr_storage address{};
  if (const UvError error = parse_ip_address(host, port, &address)) {
    return fail("connect: " + error.message() +
                " (the host must be an IP literal: 127.0.0.1, ::1)");
  }
  const auto* addr = reinterpret_cast<const sockaddr*>(&address);
  const std::string step = "connect to " + format_address(addr);
  if (!init()) return false;

  auto request = std::make_unique<PendingRequest<uv_connect_t>>();
  request->req.data = request.get();
  const std::shared_ptr<Completion> completion = request->completion;
  const int status = uv_tcp_connect(&request->req, &tcp_, addr, on_request_done<uv_connect_t>);
  std::string error;
  if (status < 0) {
    error = UvError(step, status).message();
  } else {
    request.release();  // Freed in on_request_done.
    error = wait_for(loop_, completion, step, timeout);
  }
  if (!error.empty()) {
    fail(error);
    close_with(false);  // Also cancels a connect still in progress.
    return false;
  }
  // Tests often write a frame in pieces on purpose; each piece should leave at once.
  uv_tcp_nodelay(&tcp_, 1);
  peer_ip_ = format_ip(addr);
  connected_ = true;
  if (!start_reading()) {
    wait_closed();
    return false;
  }
  return true;
}

bool BufferedSocket::accept_from(uv_stream_t* listener) {
  if (initialized_) return fail("accept: the socket is open already");
  if (!init()) return false;
  const int status = uv_accept(listener, stream());
  if (status < 0) {
    fail(UvError("accept", status).message());
    request_close();
    return false;
  }
  uv_tcp_nodelay(&tcp_, 1);
  sockaddr_storage peer{};
  if (!peer_address(&tcp_, &peer)) peer_ip_ = format_ip(reinterpret_cast<const sockaddr*>(&peer));
  connected_ = true;
  return start_reading();
}

void BufferedSocket::on_alloc(uv_handle_t* handle, std::size_t /*suggested*/, uv_buf_t* buf) {
  auto* self = static_cast<BufferedSocket*>(handle->data);
  *buf = uv_buf_init(self->read_buffer_.data(), static_cast<unsigned>(self->read_buffer_.size()));
}

void BufferedSocket::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<BufferedSocket*>(stream->data);
  if (nread > 0) {
    self->buffer_.append(buf->base, static_cast<std::size_t>(nread));
    self->total_.append(buf->base, static_cast<std::size_t>(nread));
    return;
  }
  if (nread == 0) return;  // EAGAIN: nothing arrived after all.
  // After EOF or an error nothing more can arrive; stop so that libuv stops polling.
  uv_read_stop(stream);
  self->reading_ = false;
  if (nread == UV_EOF) {
    self->peer_close_ = PeerClose::kEof;
    self->end_reason_ = "EOF";
  } else {
    self->peer_close_ = PeerClose::kReset;
    self->end_reason_ = UvError("read", static_cast<int>(nread)).message();
  }
}

void BufferedSocket::on_close(uv_handle_t* handle) {
  auto* self = static_cast<BufferedSocket*>(handle->data);
  self->initialized_ = false;
  self->close_requested_ = false;
}

bool BufferedSocket::send(std::string_view bytes, milliseconds timeout) {
  if (!connected_) return fail("send: not connected");
  const std::string error = write_and_wait(
      loop_, stream(), bytes, "send: write of " + std::to_string(bytes.size()) + " bytes", timeout);
  return error.empty() || fail(error);
}

bool BufferedSocket::shutdown_write(milliseconds timeout) {
  if (!connected_) return fail("shutdown_write: not connected");
  const std::string error = shutdown_and_wait(loop_, stream(), "shutdown_write", timeout);
  return error.empty() || fail(error);
}

void BufferedSocket::close() {
  close_with(false);
}

void BufferedSocket::reset() {
  close_with(true);
}

void BufferedSocket::request_close() {
  if (!initialized_ || close_requested_) return;
  auto* handle = reinterpret_cast<uv_handle_t*>(&tcp_);
  connected_ = false;
  reading_ = false;
  if (uv_is_closing(handle)) {
    // TestLoop::close() closed it already, without a callback: there is nothing to wait for.
    initialized_ = false;
    return;
  }
  close_requested_ = true;
  uv_close(handle, on_close);
}

void BufferedSocket::close_with(bool send_reset) {
  if (!initialized_) return;
  if (send_reset && !close_requested_ &&
      !uv_is_closing(reinterpret_cast<const uv_handle_t*>(&tcp_))) {
    connected_ = false;
    reading_ = false;
    close_requested_ = true;
    const int status = uv_tcp_close_reset(&tcp_, on_close);
    if (status < 0) {
      // uv_tcp_close_reset refuses a socket with a shutdown requested; still close it.
      close_requested_ = false;
      fail(UvError("reset", status).message() + "; closed without a RST instead");
    }
  }
  request_close();
  wait_closed();
}

void BufferedSocket::wait_closed() {
  if (!initialized_) return;
  // The close callback runs in the next loop iteration; until then libuv still uses tcp_.
  loop_.run_until([this] { return !initialized_; });
  assert(!initialized_ && "the close callback of a BufferedSocket did not run");
}

BufferedSocket::FrameProgress BufferedSocket::frame_progress(
    std::uint32_t max_message_bytes) const {
  if (buffer_.size() < kFrameHeaderBytes) return FrameProgress::kIncomplete;
  const std::uint32_t length =
      read_frame_header(reinterpret_cast<const std::uint8_t*>(buffer_.data()));
  if (length > max_message_bytes) return FrameProgress::kTooLong;
  if (buffer_.size() - kFrameHeaderBytes < length) return FrameProgress::kIncomplete;
  return FrameProgress::kComplete;
}

std::string BufferedSocket::describe_pending() const {
  std::string text;
  if (peer_close_ == PeerClose::kEof) {
    text = "the peer closed the connection (EOF); ";
  } else if (peer_close_ == PeerClose::kReset) {
    text = "the connection failed (" + end_reason_ + "); ";
  } else if (!reading_) {
    text = "this side closed the socket; ";
  }
  if (buffer_.empty()) {
    return text + "no unread bytes (" + std::to_string(total_.size()) + " received in total)";
  }
  text += std::to_string(buffer_.size()) + " unread bytes";
  if (buffer_.size() >= kFrameHeaderBytes) {
    const std::uint32_t length =
        read_frame_header(reinterpret_cast<const std::uint8_t*>(buffer_.data()));
    text += " (as a frame: length " + std::to_string(length) + ", " +
            std::to_string(buffer_.size() - kFrameHeaderBytes) + " payload bytes here)";
  }
  std::string dump = hex_dump(buffer_, kNoMark, kDumpBytes, "  ");
  if (!dump.empty() && dump.back() == '\n') dump.pop_back();
  return text + ":\n" + dump;
}

std::optional<std::string> BufferedSocket::read_frame(milliseconds timeout,
                                                      std::uint32_t max_message_bytes) {
  resume_reading();
  loop_.run_until(
      [&] {
        return frame_progress(max_message_bytes) != FrameProgress::kIncomplete || input_ended();
      },
      timeout);
  if (frame_progress(max_message_bytes) == FrameProgress::kIncomplete) {
    fail(input_ended()
             ? "read_frame: no complete frame before the input ended; " + describe_pending()
             : "read_frame: no complete frame within " + in_ms(timeout) + "; " +
                   describe_pending());
    return std::nullopt;
  }
  // The decoder has the last word: it checks the limit and the UTF-8 and words the error.
  FrameDecoder decoder(max_message_bytes);
  const std::size_t used = decoder.feed(buffer_);
  if (decoder.state() != FrameDecoder::State::kFrameDone) {
    fail("read_frame: " + decoder.error_text() + "; " + describe_pending());
    return std::nullopt;
  }
  std::string message(decoder.message());  // Copy first: the view may point into buffer_.
  buffer_.erase(0, used);
  return message;
}

std::optional<std::string> BufferedSocket::read_exact(std::size_t count, milliseconds timeout) {
  resume_reading();
  loop_.run_until([&] { return buffer_.size() >= count || input_ended(); }, timeout);
  if (buffer_.size() < count) {
    const std::string wanted = std::to_string(count) + " bytes";
    fail(input_ended() ? "read_exact: input ended before " + wanted + "; " + describe_pending()
                       : "read_exact: no " + wanted + " within " + in_ms(timeout) + "; " +
                             describe_pending());
    return std::nullopt;
  }
  std::string bytes = buffer_.substr(0, count);
  buffer_.erase(0, count);
  return bytes;
}

PeerClose BufferedSocket::read_until_close(std::string* bytes, milliseconds timeout) {
  resume_reading();
  loop_.run_until([this] { return input_ended(); }, timeout);
  if (peer_close_ == PeerClose::kOpen) {
    fail(input_ended()
             ? "read_until_close: this side is not connected or closed first; " + describe_pending()
             : "read_until_close: the peer did not close within " + in_ms(timeout) + "; " +
                   describe_pending());
  }
  if (bytes != nullptr) bytes->append(buffer_);
  buffer_.clear();
  return peer_close_;
}

std::string BufferedSocket::read_available(milliseconds duration) {
  resume_reading();
  loop_.run_until([this] { return input_ended(); }, duration);
  std::string bytes = std::move(buffer_);
  buffer_.clear();
  return bytes;
}

}  // namespace chatkit::testing
