#include "kit/blocking/socket.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "kit/blocking/io_thread.h"
#include "kit/blocking/socket_io.h"
#include "kit/blocking/socket_state.h"
#include "kit/net/address.h"

namespace chatkit {

using blocking::Completion;
using blocking::Deadline;
using blocking::IoThread;
using blocking::SocketState;

namespace blocking {

namespace {

// libuv reads up to this much per callback; it bounds nothing else.
constexpr std::size_t kReadChunkBytes = 64 * 1024;
// Consumed bytes are dropped from the front of the input buffer once there are this many.
constexpr std::size_t kCompactBytes = 64 * 1024;

void on_socket_closed(uv_handle_t* handle) {
  auto* state = static_cast<SocketState*>(handle->data);
  {
    std::lock_guard<std::mutex> lock(state->mutex);
    state->handle_open = false;
    state->handle_closed = true;
    state->reading = false;
    state->changed.notify_all();
  }
  // Last: this may free the state, so nothing touches it afterwards.
  std::shared_ptr<SocketState> keep = std::move(state->self);
}

void on_alloc(uv_handle_t* handle, std::size_t /*suggested*/, uv_buf_t* buf) {
  auto* state = static_cast<SocketState*>(handle->data);
  state->chunk.resize(kReadChunkBytes);
  *buf = uv_buf_init(state->chunk.data(), static_cast<unsigned int>(state->chunk.size()));
}

void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* state = static_cast<SocketState*>(stream->data);
  std::lock_guard<std::mutex> lock(state->mutex);
  if (nread > 0) {
    state->input.append(buf->base, static_cast<std::size_t>(nread));
  } else if (nread == UV_EOF) {
    state->input_ended = true;
  } else if (nread < 0) {
    state->read_error = static_cast<int>(nread);
  }
  // Read on demand only: bytes nobody asked for stay in the system's buffers, as with a plain
  // blocking socket, so a program that stops receiving makes its peer's sends block.
  if (nread < 0 || state->available() >= state->wanted) {
    uv_read_stop(stream);
    state->reading = false;
  }
  state->changed.notify_all();
}

// Starts reading if a receiver is waiting for bytes that have not arrived. I/O thread.
void start_reading(SocketState* state) {
  std::lock_guard<std::mutex> lock(state->mutex);
  state->start_posted = false;
  if (!state->handle_open || state->reading || state->input_ended || state->read_error != 0 ||
      state->available() >= state->wanted) {
    return;
  }
  auto* stream = reinterpret_cast<uv_stream_t*>(&state->tcp);
  if (const int status = uv_read_start(stream, on_alloc, on_read); status < 0) {
    state->read_error = status;
    state->changed.notify_all();
    return;
  }
  state->reading = true;
}

}  // namespace

void adopt_connected(SocketState* state) {
  state->tcp.data = state;
  sockaddr_storage peer{};
  if (!peer_address(&state->tcp, &peer)) {
    state->peer_ip = format_ip(reinterpret_cast<const sockaddr*>(&peer));
    state->peer_port = address_port(reinterpret_cast<const sockaddr*>(&peer));
  }
  std::lock_guard<std::mutex> lock(state->mutex);
  state->handle_open = true;
}

void close_socket_handle(SocketState* state) {
  auto* handle = reinterpret_cast<uv_handle_t*>(&state->tcp);
  if (uv_is_closing(handle)) return;
  {
    std::lock_guard<std::mutex> lock(state->mutex);
    state->handle_open = false;
    state->changed.notify_all();
  }
  uv_close(handle, on_socket_closed);
}

std::string socket_step(const SocketState& state, const std::string& what) {
  if (state.peer_ip.empty()) return what;
  const bool ipv6 = state.peer_ip.find(':') != std::string::npos;
  return what + " " + (ipv6 ? "[" + state.peer_ip + "]" : state.peer_ip) + ":" +
         std::to_string(state.peer_port);
}

// A connection being set up: name lookup, then one connect attempt per address until one
// works. Lives until its last request has called back (`self`).
struct ConnectOp {
  enum class Phase { kResolving, kConnecting, kClosingAttempt, kDone };

  std::string host;
  int port = 0;
  std::shared_ptr<SocketState> state = std::make_shared<SocketState>();
  std::shared_ptr<ConnectOp> self;  // I/O thread only.
  uv_getaddrinfo_t resolve{};
  uv_connect_t connect{};
  std::vector<sockaddr_storage> addresses;
  std::size_t next = 0;
  UvError last_error;
  Phase phase = Phase::kResolving;
  bool cancelled = false;  // The caller gave up (I/O thread's view).
  // Guarded by state->mutex.
  bool finished = false;
  bool abandoned = false;  // The caller gave up (caller's view).
  UvError result;

  std::string target() const {
    const bool ipv6 = host.find(':') != std::string::npos;
    return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
  }

  // Reports the outcome to the caller, or cleans up if the caller is gone.
  void finish(UvError error) {
    phase = Phase::kDone;
    bool abandoned_now = false;
    {
      std::lock_guard<std::mutex> lock(state->mutex);
      finished = true;
      result = std::move(error);
      abandoned_now = abandoned;
      state->changed.notify_all();
    }
    // Connected after the caller timed out: nobody will ever use this connection.
    if (abandoned_now && !result) close_socket_handle(state.get());
    std::shared_ptr<ConnectOp> keep = std::move(self);
  }

  void start(uv_loop_t* loop) {
    resolve.data = this;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    const std::string service = std::to_string(port);
    const int status =
        uv_getaddrinfo(loop, &resolve, on_resolved, host.c_str(), service.c_str(), &hints);
    if (status < 0) finish(UvError("resolve " + host, status));
  }

  static void on_resolved(uv_getaddrinfo_t* req, int status, addrinfo* result) {
    auto* op = static_cast<ConnectOp*>(req->data);
    for (addrinfo* info = result; info != nullptr; info = info->ai_next) {
      sockaddr_storage address{};
      std::memcpy(&address, info->ai_addr, std::min<std::size_t>(info->ai_addrlen, sizeof address));
      op->addresses.push_back(address);
    }
    uv_freeaddrinfo(result);
    if (op->cancelled) return op->finish(UvError("connect to " + op->target(), UV_ECANCELED));
    if (status < 0) return op->finish(UvError("resolve " + op->host, status));
    op->last_error = UvError("resolve " + op->host + ": no address", UV_EAI_NONAME);
    op->try_next(req->loop);
  }

  void try_next(uv_loop_t* loop) {
    if (next == addresses.size()) return finish(last_error);
    const auto* address = reinterpret_cast<const sockaddr*>(&addresses[next++]);
    const std::string step = "connect to " + format_address(address) +
                             (host == format_ip(address) ? "" : " (" + host + ")");
    if (const int status = uv_tcp_init(loop, &state->tcp); status < 0) {
      return finish(UvError(step, status));
    }
    state->tcp.data = this;
    phase = Phase::kConnecting;
    connect.data = this;
    const int status = uv_tcp_connect(&connect, &state->tcp, address, on_connected);
    if (status < 0) {
      last_error = UvError(step, status);
      close_attempt();
    } else {
      last_error = UvError(step, 0);  // The step's name, for on_connected's error.
    }
  }

  void close_attempt() {
    phase = Phase::kClosingAttempt;
    uv_close(reinterpret_cast<uv_handle_t*>(&state->tcp), on_attempt_closed);
  }

  static void on_connected(uv_connect_t* req, int status) {
    auto* op = static_cast<ConnectOp*>(req->data);
    if (op->phase != Phase::kConnecting) return;  // Cancelled: the handle is closing already.
    if (status < 0) {
      op->last_error = UvError(op->last_error.step(), status);
      return op->close_attempt();
    }
    SocketState* state = op->state.get();
    state->self = op->state;
    adopt_connected(state);
    op->finish(UvError());
  }

  static void on_attempt_closed(uv_handle_t* handle) {
    auto* op = static_cast<ConnectOp*>(handle->data);
    if (op->cancelled) return op->finish(UvError("connect to " + op->target(), UV_ECANCELED));
    op->try_next(handle->loop);
  }

  // The caller timed out. I/O thread.
  void cancel() {
    cancelled = true;
    switch (phase) {
      case Phase::kResolving:
        // Fails when the lookup is running already; on_resolved then sees `cancelled`.
        uv_cancel(reinterpret_cast<uv_req_t*>(&resolve));
        break;
      case Phase::kConnecting:
        close_attempt();
        break;
      case Phase::kClosingAttempt:  // on_attempt_closed sees `cancelled`.
      case Phase::kDone:            // finish() closed the connection if it was made.
        break;
    }
  }
};

}  // namespace blocking

namespace {

std::string timeout_text(std::chrono::milliseconds timeout) {
  return "timed out after " + std::to_string(timeout.count()) + " ms";
}

SocketError not_connected(const std::string& what) {
  return SocketError(UvError(what + ": the socket is not connected", UV_EBADF));
}

}  // namespace

Socket::Socket() = default;

Socket::Socket(std::shared_ptr<IoThread> io, std::shared_ptr<SocketState> state)
    : io_(std::move(io)), state_(std::move(state)) {}

Socket::~Socket() {
  close();
}

Socket::Socket(Socket&& other) noexcept
    : io_(std::move(other.io_)), state_(std::move(other.state_)), timeout_(other.timeout_) {}

Socket& Socket::operator=(Socket&& other) noexcept {
  if (this != &other) {
    close();
    io_ = std::move(other.io_);
    state_ = std::move(other.state_);
    timeout_ = other.timeout_;
  }
  return *this;
}

Socket Socket::connect(const std::string& host, int port, std::chrono::milliseconds timeout) {
  if (timeout.count() < 0) throw std::invalid_argument("Socket::connect: negative timeout");
  std::shared_ptr<IoThread> io = IoThread::shared();
  auto op = std::make_shared<blocking::ConnectOp>();
  op->host = host;
  op->port = port;
  op->self = op;
  io->post([op](uv_loop_t* loop) { op->start(loop); });

  SocketState& state = *op->state;
  std::unique_lock<std::mutex> lock(state.mutex);
  if (!Deadline(timeout).wait(lock, state.changed, [&] { return op->finished; })) {
    op->abandoned = true;
    lock.unlock();
    io->post([op](uv_loop_t*) { op->cancel(); });
    throw SocketTimeout(
        UvError("connect to " + op->target() + ": " + timeout_text(timeout), UV_ETIMEDOUT));
  }
  if (op->result) throw SocketError(op->result);
  return Socket(std::move(io), op->state);
}

bool Socket::is_open() const {
  if (!state_) return false;
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->handle_open;
}

const std::string& Socket::peer_ip() const {
  static const std::string kNone;
  return state_ ? state_->peer_ip : kNone;
}

int Socket::peer_port() const {
  return state_ ? state_->peer_port : 0;
}

std::string Socket::peer_address() const {
  if (!state_) return "";
  return blocking::socket_step(*state_, "").substr(1);
}

void Socket::set_timeout(std::chrono::milliseconds timeout) {
  if (timeout.count() < 0) throw std::invalid_argument("Socket::set_timeout: negative timeout");
  timeout_ = timeout;
}

void Socket::send_all(std::string_view bytes) {
  if (!state_) throw not_connected("send");
  SocketState& state = *state_;
  const std::string step =
      blocking::socket_step(state, "send " + std::to_string(bytes.size()) + " bytes to");
  {
    std::lock_guard<std::mutex> lock(state.mutex);
    if (state.send_broken) {
      throw SocketError(UvError(step + ": an earlier send timed out part-way", UV_ECANCELED));
    }
  }
  if (bytes.empty()) return;

  struct WriteOp {
    uv_write_t req{};
    std::string bytes;
    std::shared_ptr<SocketState> state;
    std::shared_ptr<Completion> completion = std::make_shared<Completion>();
    void complete(int status) {
      std::lock_guard<std::mutex> lock(state->mutex);
      completion->done = true;
      completion->status = status;
      state->changed.notify_all();
    }
  };
  auto* op = new WriteOp{{}, std::string(bytes), state_};
  std::shared_ptr<Completion> completion = op->completion;
  io_->post([op](uv_loop_t*) {
    bool open = false;
    {
      std::lock_guard<std::mutex> lock(op->state->mutex);
      open = op->state->handle_open;
    }
    int status = UV_EBADF;
    if (open) {
      // One buffer: libuv keeps writing it, however many system calls that takes.
      uv_buf_t buf = uv_buf_init(op->bytes.data(), static_cast<unsigned int>(op->bytes.size()));
      op->req.data = op;
      status = uv_write(&op->req, reinterpret_cast<uv_stream_t*>(&op->state->tcp), &buf, 1,
                        [](uv_write_t* req, int result) {
                          auto* done = static_cast<WriteOp*>(req->data);
                          done->complete(result);
                          delete done;
                        });
      if (status == 0) return;
    }
    op->complete(status);
    delete op;
  });

  std::unique_lock<std::mutex> lock(state.mutex);
  if (!Deadline(timeout_).wait(lock, state.changed, [&] { return completion->done; })) {
    state.send_broken = true;
    throw SocketTimeout(UvError(step + ": " + timeout_text(timeout_), UV_ETIMEDOUT));
  }
  if (completion->status < 0) throw SocketError(UvError(step, completion->status));
}

std::string Socket::receive_exact(std::size_t count) {
  if (!state_) throw not_connected("receive");
  SocketState& state = *state_;
  std::unique_lock<std::mutex> lock(state.mutex);
  auto ready = [&] {
    return state.available() >= count || state.input_ended || state.read_error != 0 ||
           !state.handle_open;
  };
  if (!ready()) {
    state.wanted = count;
    if (!state.reading && !state.start_posted) {
      state.start_posted = true;
      SocketState* raw = state_.get();
      io_->post([raw, keep = state_](uv_loop_t*) { blocking::start_reading(raw); });
    }
    const bool arrived = Deadline(timeout_).wait(lock, state.changed, ready);
    state.wanted = 0;
    if (!arrived) {
      throw SocketTimeout(UvError(
          blocking::socket_step(state, "receive " + std::to_string(count) + " bytes from") + ": " +
              timeout_text(timeout_) + " (" + std::to_string(state.available()) + " arrived)",
          UV_ETIMEDOUT));
    }
  }
  if (state.available() < count) {
    if (!state.handle_open && !state.handle_closed && state.read_error == 0 && !state.input_ended) {
      throw not_connected("receive");
    }
    if (state.read_error != 0) {
      throw SocketError(UvError(blocking::socket_step(state, "receive from"), state.read_error));
    }
    if (!state.input_ended) throw not_connected("receive");
    count = state.available();  // End of stream: what there is.
  }
  std::string bytes = state.input.substr(state.input_offset, count);
  state.input_offset += count;
  if (state.input_offset >= blocking::kCompactBytes || state.input_offset == state.input.size()) {
    state.input.erase(0, state.input_offset);
    state.input_offset = 0;
  }
  return bytes;
}

std::string Socket::receive(std::size_t max_bytes) {
  if (max_bytes == 0) return "";
  if (!state_) throw not_connected("receive");
  std::size_t available = 0;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    available = state_->available();
  }
  // Nothing there yet: wait for the first byte, then take whatever has come with it.
  if (available == 0) {
    std::string first = receive_exact(1);
    if (first.empty()) return first;
    std::lock_guard<std::mutex> lock(state_->mutex);
    const std::size_t more = std::min(max_bytes - 1, state_->available());
    first += state_->input.substr(state_->input_offset, more);
    state_->input_offset += more;
    return first;
  }
  return receive_exact(std::min(max_bytes, available));
}

void Socket::shutdown_write() {
  if (!state_) throw not_connected("shutdown");
  SocketState& state = *state_;
  struct ShutdownOp {
    uv_shutdown_t req{};
    std::shared_ptr<SocketState> state;
    std::shared_ptr<Completion> completion = std::make_shared<Completion>();
    // Reports the outcome and frees the operation.
    static void complete(ShutdownOp* op, int status) {
      {
        std::lock_guard<std::mutex> lock(op->state->mutex);
        op->completion->done = true;
        op->completion->status = status;
        op->state->changed.notify_all();
      }
      delete op;
    }
  };
  auto* op = new ShutdownOp{{}, state_};
  std::shared_ptr<Completion> completion = op->completion;
  io_->post([op](uv_loop_t*) {
    bool open = false;
    {
      std::lock_guard<std::mutex> lock(op->state->mutex);
      open = op->state->handle_open;
    }
    if (!open) return ShutdownOp::complete(op, UV_EBADF);
    op->req.data = op;
    const int status =
        uv_shutdown(&op->req, reinterpret_cast<uv_stream_t*>(&op->state->tcp),
                    [](uv_shutdown_t* req, int result) {
                      ShutdownOp::complete(static_cast<ShutdownOp*>(req->data), result);
                    });
    if (status < 0) ShutdownOp::complete(op, status);
  });
  std::unique_lock<std::mutex> lock(state.mutex);
  if (!Deadline(timeout_).wait(lock, state.changed, [&] { return completion->done; })) {
    throw SocketTimeout(UvError(
        blocking::socket_step(state, "shutdown to") + ": " + timeout_text(timeout_), UV_ETIMEDOUT));
  }
  if (completion->status < 0) {
    throw SocketError(UvError(blocking::socket_step(state, "shutdown to"), completion->status));
  }
}

void Socket::close() {
  if (!state_) return;
  std::shared_ptr<SocketState> state = std::move(state_);
  SocketState* raw = state.get();
  io_->post([raw, state](uv_loop_t*) { blocking::close_socket_handle(raw); });
  {
    // The close callback runs within one turn of the loop; wait for it, so that the connection
    // is really closed when close() returns (the peer may already see our FIN).
    std::unique_lock<std::mutex> lock(state->mutex);
    state->changed.wait(lock, [&] { return state->handle_closed; });
  }
  io_.reset();
}

}  // namespace chatkit
