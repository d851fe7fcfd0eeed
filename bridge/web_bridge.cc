#include "bridge/web_bridge.h"

#include <cassert>
#include <csignal>
#include <cstring>
#include <utility>

#include "bridge/web_connection.h"
#include "kit/net/address.h"

namespace chatkit {
namespace {

constexpr int kListenBacklog = 128;

template <typename Handle>
uv_handle_t* as_handle(Handle* handle) {
  return reinterpret_cast<uv_handle_t*>(handle);
}

// The names this machine answers to besides IP addresses and "localhost", for the Host check.
std::vector<std::string> machine_names() {
  char name[256];
  std::size_t size = sizeof name;
  if (uv_os_gethostname(name, &size) != 0) return {};
  std::string host(name, size);
  std::vector<std::string> names{host};
  // A short host name is also reached as <name>.local on networks with mDNS.
  if (host.find('.') == std::string::npos) names.push_back(host + ".local");
  return names;
}

std::string url_host(const std::string& ip) {
  return ip.find(':') != std::string::npos ? "[" + ip + "]" : ip;
}

}  // namespace

WebBridge::WebBridge(uv_loop_t* loop, WebBridgeOptions options, LogSink log)
    : loop_(loop),
      options_(std::move(options)),
      log_(std::move(log)),
      origin_policy_(options_.allowed_origins, machine_names()) {}

WebBridge::~WebBridge() {
  assert(connections_.empty());
  assert((stopped_ || (!listener_open_ && !signals_open_)) && handles_closing_ == 0 &&
         "destroy a WebBridge only after it stopped");
}

bool WebBridge::listen(std::string* error) {
  uv_tcp_init(loop_, &listener_);
  listener_.data = this;
  listener_open_ = true;
  sockaddr_storage addr;
  UvError uv_error = parse_ip_address(options_.bind, options_.port, &addr);
  if (uv_error) {
    *error = "--web-bind takes an IP address (127.0.0.1, 0.0.0.0, ::, ...), not \"" +
             options_.bind + "\"";
    stop();
    return false;
  }
  const std::string where = format_address(reinterpret_cast<const sockaddr*>(&addr));
  uv_error = check_uv(("bind " + where).c_str(),
                      uv_tcp_bind(&listener_, reinterpret_cast<const sockaddr*>(&addr), 0));
  if (!uv_error) {
    uv_error = check_uv(
        ("listen on " + where).c_str(),
        uv_listen(reinterpret_cast<uv_stream_t*>(&listener_), kListenBacklog, on_connection));
  }
  sockaddr_storage bound;
  if (!uv_error) uv_error = local_address(&listener_, &bound);
  if (uv_error) {
    *error = "web port: " + uv_error.message();
    stop();
    return false;
  }
  port_ = address_port(reinterpret_cast<const sockaddr*>(&bound));
  return true;
}

void WebBridge::start(const sockaddr* target) {
  assert(!target_set_);
  const std::size_t size =
      target->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  std::memcpy(&target_, target, size);
  target_set_ = true;
  target_text_ = format_address(target);
  log("bridge: viewer files from " + options_.web_root + ", WebSockets at /ws relayed to " +
      target_text_);
}

void WebBridge::handle_signals() {
  uv_signal_init(loop_, &sigint_);
  uv_signal_init(loop_, &sigterm_);
  sigint_.data = sigterm_.data = this;
  signals_open_ = true;
  uv_signal_start(&sigint_, on_signal, SIGINT);
  uv_signal_start(&sigterm_, on_signal, SIGTERM);
}

std::string WebBridge::url() const {
  std::string host = options_.bind;
  if (host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  return "http://" + url_host(host) + ":" + std::to_string(port_) + "/";
}

std::vector<std::string> WebBridge::network_urls() const {
  std::vector<std::string> urls;
  const bool any_v4 = options_.bind == "0.0.0.0";
  const bool any_v6 = options_.bind == "::";
  if (!any_v4 && !any_v6) return urls;
  uv_interface_address_t* interfaces = nullptr;
  int count = 0;
  if (uv_interface_addresses(&interfaces, &count) != 0) return urls;
  for (int i = 0; i < count; ++i) {
    const uv_interface_address_t& entry = interfaces[i];
    if (entry.is_internal) continue;
    const auto* addr = reinterpret_cast<const sockaddr*>(&entry.address);
    // Link-local IPv6 addresses need a zone index that browsers do not take in URLs.
    if (addr->sa_family == AF_INET6) {
      const auto& v6 = entry.address.address6.sin6_addr;
      if (!any_v6 || (v6.s6_addr[0] == 0xfe && (v6.s6_addr[1] & 0xc0) == 0x80)) continue;
    }
    urls.push_back("http://" + url_host(format_ip(addr)) + ":" + std::to_string(port_) + "/");
  }
  uv_free_interface_addresses(interfaces, count);
  return urls;
}

RelayLimits WebBridge::relay_limits() const {
  RelayLimits limits;
  limits.max_message_bytes = options_.max_ws_message_bytes;
  limits.max_buffered_bytes = options_.max_buffered_bytes;
  limits.connect_timeout = options_.connect_timeout;
  limits.close_timeout = options_.close_timeout;
  limits.teardown_timeout = options_.teardown_timeout;
  limits.stall_timeout = options_.stall_timeout;
  return limits;
}

bool WebBridge::begin_session() {
  if (stats_.sessions_open >= options_.max_sessions) return false;
  ++stats_.sessions_open;
  return true;
}

void WebBridge::end_session() {
  assert(stats_.sessions_open > 0);
  --stats_.sessions_open;
}

void WebBridge::on_connection(uv_stream_t* listener, int status) {
  auto* self = static_cast<WebBridge*>(listener->data);
  if (status < 0) {
    self->log("bridge: accept: " + UvError("accept", status).message());
    return;
  }
  if (self->stopping_) return;
  assert(self->target_set_ && "WebBridge::start() must run before the loop");
  ++self->stats_.connections_accepted;
  const bool refuse = self->connections_.size() >= self->options_.max_connections;
  const std::uint64_t id = self->next_id_++;
  auto* connection = new WebConnection(*self, id);
  self->connections_.emplace(id, connection);
  connection->start(listener, refuse);
}

void WebBridge::release(WebConnection* connection) {
  connections_.erase(connection->id());
  delete connection;
  if (stopping_) maybe_finish_stop();
}

void WebBridge::on_signal(uv_signal_t* signal, int signum) {
  auto* self = static_cast<WebBridge*>(signal->data);
  if (self->stopping_) {
    self->log("bridge: signal " + std::to_string(signum) + " again: closing every connection now");
    self->close_all_now();
    return;
  }
  self->log("bridge: signal " + std::to_string(signum) + ": stopping");
  self->stop();
}

void WebBridge::stop() {
  if (stopping_) return;
  stopping_ = true;
  if (listener_open_) {
    listener_open_ = false;
    ++handles_closing_;
    uv_close(as_handle(&listener_), [](uv_handle_t* handle) {
      auto* self = static_cast<WebBridge*>(handle->data);
      --self->handles_closing_;
      self->maybe_finish_stop();
    });
  }
  // Copy the list: a connection may close (and release itself) while being told.
  std::vector<WebConnection*> open;
  for (auto& [id, connection] : connections_) open.push_back(connection);
  for (WebConnection* connection : open) connection->on_bridge_stopping();
  maybe_finish_stop();
}

void WebBridge::close_all_now() {
  std::vector<WebConnection*> open;
  for (auto& [id, connection] : connections_) open.push_back(connection);
  for (WebConnection* connection : open) connection->close_now();
}

void WebBridge::maybe_finish_stop() {
  if (!stopping_ || !connections_.empty() || stopped_) return;
  if (signals_open_) {
    signals_open_ = false;
    handles_closing_ += 2;
    const auto on_closed = [](uv_handle_t* handle) {
      auto* self = static_cast<WebBridge*>(handle->data);
      --self->handles_closing_;
      self->maybe_finish_stop();
    };
    uv_close(as_handle(&sigint_), on_closed);
    uv_close(as_handle(&sigterm_), on_closed);
  }
  if (handles_closing_ > 0) return;
  stopped_ = true;
  log("bridge: stopped");
}

}  // namespace chatkit
