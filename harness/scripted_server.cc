#include "harness/scripted_server.h"

#include <utility>

#include "harness/buffered_socket.h"
#include "kit/framing/frame_codec.h"
#include "kit/net/address.h"
#include "kit/net/uv_error.h"

namespace chatkit::testing {

namespace {

// Matches TestClient's default: the stand-in accepts any frame a test might send.
constexpr std::uint32_t kMaxFrameBytes = 64 * 1024 * 1024;
constexpr int kBacklog = 128;

}  // namespace

struct ScriptedConnection::Impl {
  explicit Impl(TestLoop& loop) : socket(loop, "ScriptedConnection") {}
  BufferedSocket socket;
};

ScriptedConnection::ScriptedConnection(TestLoop& loop) : impl_(std::make_unique<Impl>(loop)) {}

ScriptedConnection::~ScriptedConnection() = default;

bool ScriptedConnection::send(std::string_view bytes, milliseconds timeout) {
  return impl_->socket.send(bytes, timeout);
}

bool ScriptedConnection::send_frame(std::string_view message, milliseconds timeout) {
  return impl_->socket.send(encode_frame(message), timeout);
}

std::optional<std::string> ScriptedConnection::read_frame(milliseconds timeout) {
  return impl_->socket.read_frame(timeout, kMaxFrameBytes);
}

std::optional<std::string> ScriptedConnection::read_exact(std::size_t count, milliseconds timeout) {
  return impl_->socket.read_exact(count, timeout);
}

PeerClose ScriptedConnection::read_until_close(std::string* bytes, milliseconds timeout) {
  return impl_->socket.read_until_close(bytes, timeout);
}

bool ScriptedConnection::shutdown_write(milliseconds timeout) {
  return impl_->socket.shutdown_write(timeout);
}

void ScriptedConnection::close() {
  impl_->socket.close();
}

void ScriptedConnection::reset() {
  impl_->socket.reset();
}

PeerClose ScriptedConnection::peer_close() const {
  return impl_->socket.peer_close();
}

const std::string& ScriptedConnection::received_total() const {
  return impl_->socket.received_total();
}

const std::string& ScriptedConnection::peer_ip() const {
  return impl_->socket.peer_ip();
}

const std::string& ScriptedConnection::last_error() const {
  return impl_->socket.last_error();
}

ScriptedServer::ScriptedServer(TestLoop& loop, const std::string& bind_ip) : loop_(loop) {
  sockaddr_storage address{};
  if (const UvError error = parse_ip_address(bind_ip, 0, &address)) {
    last_error_ = "ScriptedServer: " + error.message();
    return;
  }
  const auto* addr = reinterpret_cast<const sockaddr*>(&address);
  const std::string where = format_address(addr);
  UvError error = check_uv("tcp init", uv_tcp_init(loop_.get(), &listener_));
  if (error) {
    last_error_ = "ScriptedServer: " + error.message();
    return;
  }
  listener_open_ = true;
  listener_.data = this;
  auto* stream = reinterpret_cast<uv_stream_t*>(&listener_);
  error = check_uv(("bind " + where).c_str(), uv_tcp_bind(&listener_, addr, 0));
  if (!error)
    error = check_uv(("listen on " + where).c_str(), uv_listen(stream, kBacklog, on_connection));
  sockaddr_storage bound{};
  if (!error) error = local_address(&listener_, &bound);
  if (error) {
    // Closed in the destructor, like a working listener.
    last_error_ = "ScriptedServer: " + error.message();
    return;
  }
  port_ = address_port(reinterpret_cast<const sockaddr*>(&bound));
}

ScriptedServer::~ScriptedServer() {
  // Stop listening first: on_connection must not add to connections_ while they are destroyed.
  auto* handle = reinterpret_cast<uv_handle_t*>(&listener_);
  if (listener_open_) {
    if (uv_is_closing(handle)) {
      listener_open_ = false;  // TestLoop::close() closed it already, without a callback.
    } else {
      uv_close(handle, on_listener_closed);
      loop_.run_until([this] { return !listener_open_; });
    }
  }
  connections_.clear();
  failed_.clear();
}

void ScriptedServer::on_listener_closed(uv_handle_t* handle) {
  static_cast<ScriptedServer*>(handle->data)->listener_open_ = false;
}

void ScriptedServer::on_connection(uv_stream_t* server, int status) {
  auto* self = static_cast<ScriptedServer*>(server->data);
  if (status < 0) {
    self->last_error_ = "ScriptedServer: " + UvError("accept", status).message();
    return;
  }
  std::unique_ptr<ScriptedConnection> connection(new ScriptedConnection(self->loop_));
  if (!connection->impl_->socket.accept_from(server)) {
    self->last_error_ = connection->impl_->socket.last_error();
    // Its handle is closing; it may only be destroyed once the close callback ran.
    self->failed_.push_back(std::move(connection));
    return;
  }
  self->connections_.push_back(std::move(connection));
}

ScriptedConnection* ScriptedServer::accept(milliseconds timeout) {
  if (!loop_.run_until([this] { return connections_.size() > next_to_return_; }, timeout)) {
    last_error_ = "ScriptedServer::accept: no new connection within " +
                  std::to_string(timeout.count()) + " ms (" + std::to_string(connections_.size()) +
                  " accepted before)";
    return nullptr;
  }
  return connections_[next_to_return_++].get();
}

}  // namespace chatkit::testing
