// Listener and lookup_host_name (kit/blocking/socket.h).
#include <cassert>
#include <stdexcept>
#include <utility>

#include "kit/blocking/io_thread.h"
#include "kit/blocking/socket.h"
#include "kit/blocking/socket_io.h"
#include "kit/blocking/socket_state.h"
#include "kit/net/address.h"

namespace chatkit {

using blocking::Deadline;
using blocking::IoThread;
using blocking::ListenerState;
using blocking::SocketState;

namespace blocking {
namespace {

void on_listener_closed(uv_handle_t* handle) {
  auto* state = static_cast<ListenerState*>(handle->data);
  {
    std::lock_guard<std::mutex> lock(state->mutex);
    state->handle_open = false;
    state->handle_closed = true;
    state->changed.notify_all();
  }
  std::shared_ptr<ListenerState> keep = std::move(state->self);
}

// Accepts the connection libuv has waiting into a new socket and queues it for accept().
void accept_one(ListenerState* listener) {
  auto socket = std::make_shared<SocketState>();
  uv_loop_t* loop = listener->tcp.loop;
  if (const int status = uv_tcp_init(loop, &socket->tcp); status < 0) {
    std::lock_guard<std::mutex> lock(listener->mutex);
    listener->accept_error = status;
    listener->changed.notify_all();
    return;
  }
  socket->tcp.data = socket.get();
  socket->self = socket;
  const int status = uv_accept(reinterpret_cast<uv_stream_t*>(&listener->tcp),
                               reinterpret_cast<uv_stream_t*>(&socket->tcp));
  if (status < 0) {
    close_socket_handle(socket.get());
    std::lock_guard<std::mutex> lock(listener->mutex);
    listener->accept_error = status;
    listener->changed.notify_all();
    return;
  }
  adopt_connected(socket.get());
  std::lock_guard<std::mutex> lock(listener->mutex);
  listener->ready.push_back(std::move(socket));
  listener->changed.notify_all();
}

void on_connection(uv_stream_t* server, int status) {
  auto* listener = static_cast<ListenerState*>(server->data);
  {
    std::lock_guard<std::mutex> lock(listener->mutex);
    if (status < 0) {
      listener->accept_error = status;
      listener->changed.notify_all();
      return;
    }
    // The queue is full: leave the connection with libuv (on Unix it then stops accepting until
    // we call uv_accept), so that further clients wait in the system's backlog, as they would
    // for a plain blocking socket.
    if (listener->ready.size() >= listener->backlog) {
      ++listener->deferred;
      return;
    }
  }
  accept_one(listener);
}

void bind_and_listen(ListenerState* state, uv_loop_t* loop, const std::string& ip, int port) {
  auto fail = [state](std::string step, int status) {
    std::lock_guard<std::mutex> lock(state->mutex);
    state->bound = true;
    state->bind_error = status;
    state->bind_step = std::move(step);
    state->changed.notify_all();
  };
  const std::string where =
      (ip.find(':') != std::string::npos ? "[" + ip + "]" : ip) + ":" + std::to_string(port);
  sockaddr_storage address{};
  int status = 0;
  std::string step = "listen on " + where;
  if (const UvError error = parse_ip_address(ip, port, &address)) {
    status = error.code();
    step += ": \"" + ip + "\" is not an IP address";
  } else {
    status = uv_tcp_init(loop, &state->tcp);
  }
  if (status < 0) {
    // No handle, so no close callback: drop the loop's reference here. The caller holds one
    // until it has seen the failure.
    std::shared_ptr<ListenerState> keep = std::move(state->self);
    return fail(step, status);
  }
  state->tcp.data = state;
  status = uv_tcp_bind(&state->tcp, reinterpret_cast<const sockaddr*>(&address), 0);
  if (status == 0) {
    status = uv_listen(reinterpret_cast<uv_stream_t*>(&state->tcp),
                       static_cast<int>(state->backlog), on_connection);
  }
  sockaddr_storage local{};
  if (status == 0) status = local_address(&state->tcp, &local).code();
  if (status < 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(&state->tcp), on_listener_closed);
    return fail(step, status);
  }
  state->port = address_port(reinterpret_cast<const sockaddr*>(&local));
  state->address = format_address(reinterpret_cast<const sockaddr*>(&local));
  std::lock_guard<std::mutex> lock(state->mutex);
  state->bound = true;
  state->handle_open = true;
  state->changed.notify_all();
}

void close_listener(ListenerState* state) {
  std::deque<std::shared_ptr<SocketState>> unclaimed;
  {
    std::lock_guard<std::mutex> lock(state->mutex);
    unclaimed.swap(state->ready);
    state->handle_open = false;
    state->changed.notify_all();
  }
  for (const auto& socket : unclaimed) close_socket_handle(socket.get());
  auto* handle = reinterpret_cast<uv_handle_t*>(&state->tcp);
  if (!uv_is_closing(handle)) uv_close(handle, on_listener_closed);
}

}  // namespace
}  // namespace blocking

Listener::Listener() = default;

Listener::~Listener() {
  close();
}

Listener::Listener(Listener&& other) noexcept
    : io_(std::move(other.io_)), state_(std::move(other.state_)), timeout_(other.timeout_) {}

Listener& Listener::operator=(Listener&& other) noexcept {
  if (this != &other) {
    close();
    io_ = std::move(other.io_);
    state_ = std::move(other.state_);
    timeout_ = other.timeout_;
  }
  return *this;
}

Listener Listener::bind(const std::string& ip, int port, int backlog) {
  if (port < 0 || port > 65535) {
    throw std::invalid_argument("Listener::bind: port " + std::to_string(port) +
                                " is not in 0..65535");
  }
  if (backlog < 1) throw std::invalid_argument("Listener::bind: backlog must be at least 1");
  Listener listener;
  listener.io_ = IoThread::shared();
  listener.state_ = std::make_shared<ListenerState>();
  listener.state_->backlog = static_cast<std::size_t>(backlog);
  // The loop keeps the state alive from uv_tcp_init to the close callback.
  listener.state_->self = listener.state_;
  ListenerState* raw = listener.state_.get();
  listener.io_->post(
      [raw, ip, port](uv_loop_t* loop) { blocking::bind_and_listen(raw, loop, ip, port); });

  ListenerState& state = *listener.state_;
  std::unique_lock<std::mutex> lock(state.mutex);
  state.changed.wait(lock, [&] { return state.bound; });
  if (state.bind_error != 0) {
    const UvError error(state.bind_step, state.bind_error);
    lock.unlock();
    // The I/O thread has dropped its reference, or drops it in the close callback.
    listener.state_.reset();
    listener.io_.reset();
    throw SocketError(error);
  }
  return listener;
}

Socket Listener::accept() {
  if (!state_) {
    throw SocketError(UvError("accept: the listener is not listening", UV_EBADF));
  }
  ListenerState& state = *state_;
  std::unique_lock<std::mutex> lock(state.mutex);
  auto ready = [&] {
    return !state.ready.empty() || state.accept_error != 0 || !state.handle_open;
  };
  if (!Deadline(timeout_).wait(lock, state.changed, ready)) {
    throw SocketTimeout(UvError("accept on " + state.address + ": timed out after " +
                                    std::to_string(timeout_.count()) + " ms",
                                UV_ETIMEDOUT));
  }
  if (!state.ready.empty()) {
    std::shared_ptr<SocketState> socket = std::move(state.ready.front());
    state.ready.pop_front();
    if (state.deferred > 0) {
      --state.deferred;
      ListenerState* raw = state_.get();
      io_->post([raw, keep = state_](uv_loop_t*) { blocking::accept_one(raw); });
    }
    return Socket(io_, std::move(socket));
  }
  if (state.accept_error != 0) {
    const int status = state.accept_error;
    state.accept_error = 0;
    throw SocketError(UvError("accept on " + state.address, status));
  }
  throw SocketError(UvError("accept on " + state.address + ": the listener was closed", UV_EBADF));
}

void Listener::close() {
  if (!state_) return;
  std::shared_ptr<ListenerState> state = std::move(state_);
  ListenerState* raw = state.get();
  io_->post([raw, state](uv_loop_t*) { blocking::close_listener(raw); });
  {
    std::unique_lock<std::mutex> lock(state->mutex);
    state->changed.wait(lock, [&] { return state->handle_closed; });
  }
  io_.reset();
}

void Listener::set_timeout(std::chrono::milliseconds timeout) {
  if (timeout.count() < 0) throw std::invalid_argument("Listener::set_timeout: negative timeout");
  timeout_ = timeout;
}

bool Listener::is_open() const {
  if (!state_) return false;
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->handle_open;
}

int Listener::port() const {
  return state_ ? state_->port : 0;
}

std::string Listener::address() const {
  return state_ ? state_->address : "";
}

std::string lookup_host_name(const std::string& ip, std::chrono::milliseconds timeout) {
  sockaddr_storage address{};
  if (parse_ip_address(ip, 0, &address)) {
    throw std::invalid_argument("lookup_host_name: \"" + ip + "\" is not an IP address");
  }
  struct LookupOp {
    uv_getnameinfo_t req{};
    std::shared_ptr<LookupOp> self;  // I/O thread only: alive until the callback.
    std::mutex mutex;
    std::condition_variable changed;
    bool done = false;  // Guarded by mutex, like name.
    std::string name;
  };
  std::shared_ptr<IoThread> io = IoThread::shared();
  auto op = std::make_shared<LookupOp>();
  op->self = op;
  io->post([op = op.get(), address](uv_loop_t* loop) {
    op->req.data = op;
    const int status = uv_getnameinfo(
        loop, &op->req,
        [](uv_getnameinfo_t* req, int result, const char* hostname, const char* /*service*/) {
          auto* done = static_cast<LookupOp*>(req->data);
          {
            std::lock_guard<std::mutex> lock(done->mutex);
            done->done = true;
            if (result == 0 && hostname != nullptr) done->name = hostname;
            done->changed.notify_all();
          }
          std::shared_ptr<LookupOp> keep = std::move(done->self);
        },
        reinterpret_cast<const sockaddr*>(&address), NI_NAMEREQD);
    if (status < 0) {
      std::lock_guard<std::mutex> lock(op->mutex);
      op->done = true;
      op->changed.notify_all();
      // No callback will come; the caller's reference keeps op alive until it has looked.
      op->self.reset();
    }
  });
  std::unique_lock<std::mutex> lock(op->mutex);
  // A lookup that is still running when the timeout passes finishes later on its own.
  if (!Deadline(timeout).wait(lock, op->changed, [&] { return op->done; })) return ip;
  const std::string& name = op->name;
  if (name.empty() || name.find_first_of(" ]") != std::string::npos) return ip;
  return name;
}

}  // namespace chatkit
