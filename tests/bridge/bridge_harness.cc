#include "tests/bridge/bridge_harness.h"

#include <algorithm>

#include "kit/net/address.h"

namespace chatkit::testing {

WebBridgeOptions test_bridge_options(const std::string& web_root) {
  WebBridgeOptions options;
  options.bind = "127.0.0.1";
  options.port = 0;
  options.web_root = web_root;
  options.request_timeout = std::chrono::milliseconds(1000);
  options.keep_alive_timeout = std::chrono::milliseconds(1000);
  options.connect_timeout = std::chrono::milliseconds(2000);
  options.close_timeout = std::chrono::milliseconds(300);
  options.teardown_timeout = std::chrono::milliseconds(500);
  options.stall_timeout = std::chrono::milliseconds(5000);
  return options;
}

BridgeUnderTest::BridgeUnderTest(TestLoop& loop, int target_port, WebBridgeOptions options)
    : loop_(loop), bridge_(loop.get(), std::move(options), [this](const std::string& line) {
        log_.push_back(line);
      }) {
  if (!bridge_.listen(&error_)) {
    log_.push_back("listen failed: " + error_);
    return;
  }
  sockaddr_storage target;
  parse_ip_address("127.0.0.1", target_port, &target);
  bridge_.start(reinterpret_cast<const sockaddr*>(&target));
  started_ = true;
}

BridgeUnderTest::~BridgeUnderTest() {
  stop();
}

bool BridgeUnderTest::stop() {
  bridge_.stop();
  return loop_.run_until([this] { return bridge_.stopped(); });
}

bool BridgeUnderTest::log_contains(std::string_view text) const {
  return std::any_of(log_.begin(), log_.end(),
                     [&](const std::string& line) { return line.find(text) != std::string::npos; });
}

std::string BridgeUnderTest::describe() const {
  std::string out = "bridge log:\n";
  for (const std::string& line : log_) out += "  " + line + "\n";
  return out;
}

SilentTarget::SilentTarget(TestLoop& loop) : loop_(loop), buffer_(64 * 1024) {
  uv_tcp_init(loop_.get(), &listener_);
  listener_.data = this;
  sockaddr_storage address;
  parse_ip_address("127.0.0.1", 0, &address);
  uv_tcp_bind(&listener_, reinterpret_cast<const sockaddr*>(&address), 0);
  if (uv_listen(reinterpret_cast<uv_stream_t*>(&listener_), 8, on_connection) == 0) {
    sockaddr_storage bound;
    if (!local_address(&listener_, &bound)) {
      port_ = address_port(reinterpret_cast<const sockaddr*>(&bound));
    }
  }
}

SilentTarget::~SilentTarget() {
  int pending = 1;
  const auto on_closed = [](uv_handle_t* handle) { --*static_cast<int*>(handle->data); };
  listener_.data = &pending;
  uv_close(reinterpret_cast<uv_handle_t*>(&listener_), on_closed);
  if (accepted_) {
    ++pending;
    connection_.data = &pending;
    uv_close(reinterpret_cast<uv_handle_t*>(&connection_), on_closed);
  }
  loop_.run_until([&pending] { return pending == 0; });
}

void SilentTarget::on_connection(uv_stream_t* server, int status) {
  auto* self = static_cast<SilentTarget*>(server->data);
  if (status < 0 || self->accepted_) return;
  uv_tcp_init(self->loop_.get(), &self->connection_);
  self->connection_.data = self;
  self->accepted_ = true;
  uv_accept(server, reinterpret_cast<uv_stream_t*>(&self->connection_));
}

void SilentTarget::start_reading() {
  uv_read_start(
      reinterpret_cast<uv_stream_t*>(&connection_),
      [](uv_handle_t* handle, std::size_t, uv_buf_t* buf) {
        auto* self = static_cast<SilentTarget*>(handle->data);
        *buf = uv_buf_init(self->buffer_.data(), static_cast<unsigned>(self->buffer_.size()));
      },
      [](uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
        auto* self = static_cast<SilentTarget*>(stream->data);
        if (nread > 0) self->received_.append(buf->base, static_cast<std::size_t>(nread));
        if (nread < 0) {
          self->ended_ = true;
          uv_read_stop(stream);
        }
      });
}

bool SilentTarget::wait_for(std::size_t count, milliseconds timeout) {
  return loop_.run_until([&] { return received_.size() >= count || ended_; }, timeout) &&
         received_.size() >= count;
}

}  // namespace chatkit::testing
