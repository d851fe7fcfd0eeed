// WebConnection's routes: which request gets which answer. The connection's life (reading,
// responding, closing) is in web_connection.cc.
#include <cstdio>
#include <string>
#include <utility>

#include "bridge/mime_types.h"
#include "bridge/origin_policy.h"
#include "bridge/request_path.h"
#include "bridge/web_bridge.h"
#include "bridge/web_connection.h"
#include "bridge/websocket_handshake.h"

namespace chatkit {
namespace {

// The WebSocket endpoint, and the bridge's description of itself for the page.
constexpr std::string_view kWebSocketPath = "/ws";
constexpr std::string_view kBridgeInfoPath = "/bridge.json";

// Text inside a JSON string: quotes, backslashes and control characters escaped.
std::string json_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

void WebConnection::handle_request() {
  const HttpRequest& request = reader_.request();
  ++bridge_.mutable_stats().requests;
  // One request at a time: the next one (pipelined) waits in input_ until this one is answered.
  client_.stop_reading();
  timer_.stop();
  phase_ = Phase::kResponding;
  keep_alive_ = request.keep_alive && !bridge_.stopping();
  head_only_ = request.method == "HEAD";

  const std::optional<std::string_view> host_text = request.header("host");
  if (request.header_count("host") != 1 || !host_text) {
    return refuse(400, "the request needs exactly one Host header");
  }
  const std::optional<HostHeader> host = parse_host_header(*host_text);
  if (!host) return refuse(400, "malformed Host header \"" + std::string(*host_text) + "\"");
  if (!bridge_.origin_policy().host_allowed(*host)) {
    return refuse(403, "\"" + std::string(*host_text) +
                           "\" is not a name of this bridge: open it by IP address or as "
                           "localhost, or allow the name with --allow-origin http://" +
                           std::string(*host_text));
  }
  std::string why;
  const std::optional<RequestPath> path = parse_request_path(request.target, &why);
  if (!path) return refuse(400, "bad path " + request.target + ": " + why);
  const EmbedderRoutes& routes = bridge_.routes();
  if (std::optional<std::string> refusal = routes.refusal(path->path, request.target)) {
    return refuse(403, *refusal);
  }
  if (FeedHandler* feed = routes.feed(path->path)) {
    return handle_upgrade(request, *host, path->path, feed);
  }
  if (path->path == kWebSocketPath) {
    return handle_upgrade(request, *host, path->path, nullptr);
  }
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse response = error_response(405, request.method + " is not served here", false);
    response.headers.emplace_back("Allow", "GET, HEAD");
    log("405 " + request.method + " " + request.target);
    return respond(std::move(response));
  }
  if (is_websocket_upgrade(request)) {
    return refuse(404, "WebSockets are at /ws, not at " + path->path);
  }
  if (path->path == kBridgeInfoPath) return serve_bridge_info(head_only_);
  if (const std::string* page = routes.page(path->path)) {
    return serve_file(RequestPath{path->path, *page}, head_only_);
  }
  serve_file(*path, head_only_);
}

void WebConnection::handle_upgrade(const HttpRequest& request, const HostHeader& host,
                                   const std::string& path, FeedHandler* feed) {
  if (!is_websocket_upgrade(request)) {
    HttpResponse response = error_response(
        426, path + " takes WebSocket connections only (\"Upgrade: websocket\")", true);
    response.headers.emplace_back("Upgrade", "websocket");
    log("426 " + request.method + " " + path + " without a WebSocket upgrade");
    return respond(std::move(response));
  }
  if (std::optional<HttpResponse> refusal = refuse_websocket_request(request)) {
    log(std::to_string(refusal->status) + " WebSocket upgrade refused: " + refusal->body);
    return respond(std::move(*refusal));
  }
  // Two Origin headers are ambiguous; header() would hide them, so count them first.
  if (request.header_count("origin") > 1) {
    return refuse(403, "WebSocket upgrade with more than one Origin header");
  }
  std::string why;
  if (!bridge_.origin_policy().origin_allowed(request.header("origin"), host, &why)) {
    return refuse(403, "WebSocket refused: " + why);
  }
  if (bridge_.stopping()) return refuse(503, "the bridge is shutting down");
  if (!bridge_.begin_session()) {
    return refuse(503, "too many WebSocket sessions (" +
                           std::to_string(bridge_.options().max_sessions) + "); try again shortly");
  }
  session_counted_ = true;
  if (feed != nullptr) return open_feed(request, path, *feed);
  accept_response_ = websocket_accept_response(request);
  // Connect first, answer 101 after: the page's "open" event then means the chat server is
  // reached, and a failure is an HTTP error the bridge can explain.
  phase_ = Phase::kConnecting;
  WebSocketRelay::Owner& owner = *this;  // A private base: converted here, not in make_unique.
  relay_ = std::make_unique<WebSocketRelay>(bridge_.loop(), client_, owner, bridge_.relay_limits(),
                                            bridge_.mutable_stats());
  // A connection attempt that cannot even start ends as one that failed: with close 1014.
  if (const UvError error = relay_->connect(bridge_.target())) on_target_connected(error);
}

void WebConnection::open_feed(const HttpRequest& request, const std::string& path,
                              FeedHandler& feed) {
  // Nothing to connect to: the embedding program answers, so the 101 goes out at once.
  if (client_.write(serialize(websocket_accept_response(request)))) {
    end_session_count();
    close_stream();
    return;
  }
  std::string early = begin_websocket();
  log("WebSocket open, feed " + path);
  WebSocketFeed::Owner& owner = *this;  // A private base: converted here, not in make_unique.
  feed_ = std::make_unique<WebSocketFeed>(bridge_.loop(), client_, owner, feed, id_,
                                          bridge_.relay_limits());
  feed_->open(early);
}

void WebConnection::serve_bridge_info(bool head_only) {
  const WebBridgeOptions& options = bridge_.options();
  HttpResponse response;
  response.content_type = "application/json";
  std::string stage = "null";
  std::string stage_source = "null";
  if (options.stage) {
    stage = std::to_string(*options.stage);
    stage_source = options.stage_source == WebBridgeOptions::StageSource::kChatServer
                       ? "\"server\""
                       : "\"option\"";
  }
  response.body = "{\"websocket\":\"" + std::string(kWebSocketPath) + "\",\"target\":\"" +
                  json_escape(bridge_.target_text()) + "\",\"stage\":" + stage +
                  ",\"stage_source\":" + stage_source +
                  ",\"max_message_bytes\":" + std::to_string(options.max_ws_message_bytes) + "}\n";
  response.head_only = head_only;
  respond(std::move(response));
}

void WebConnection::serve_file(const RequestPath& path, bool head_only) {
  std::string error;
  const std::string file = path.file;
  file_read_ = FileRead::start(
      bridge_.loop(), bridge_.options().web_root, file, bridge_.options().max_file_bytes,
      [this, file, head_only](FileRead::Result result) {
        file_read_ = nullptr;
        using Outcome = FileRead::Result::Outcome;
        switch (result.outcome) {
          case Outcome::kRead: {
            HttpResponse response;
            response.content_type = mime_type_for(file);
            response.body = std::move(result.contents);
            response.head_only = head_only;
            return respond(std::move(response));
          }
          case Outcome::kNotFound:
            return refuse(404, "no file /" + file + " in the viewer");
          case Outcome::kRootMissing:
            return refuse(404, "the viewer page is not built: " + bridge_.options().web_root +
                                   " does not exist. Build chatkit with Emscripten installed "
                                   "(see README.md), or pass --web-root DIR");
          case Outcome::kTooLarge:
            return refuse(500, "/" + file + " is larger than the bridge serves");
          case Outcome::kFailed:
            return refuse(500, "reading /" + file + " failed: " + result.error);
        }
      },
      &error);
  if (file_read_ == nullptr) refuse(500, "reading /" + file + " failed: " + error);
}

}  // namespace chatkit
