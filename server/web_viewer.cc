#include "server/web_viewer.h"

#include "bridge/web_bridge.h"
#include "bridge/web_options_cli.h"
#include "kit/net/address.h"
#include "server/class_view/class_view.h"

namespace chatkit {

void add_web_viewer_options(CLI::App& app, WebViewerOptions* options) {
  CLI::Option* web =
      app.add_option("--web", options->port,
                     "also serve the browser viewer on this port (0 picks a free one)")
          ->check(CLI::Range(0, 65535));
  add_web_bridge_options(app, &options->bridge, web);
  app.add_option("--class-connections", options->class_view.max_connections,
                 "class view (/class): the connections kept, the newest")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}))
      ->needs(web)
      ->capture_default_str();
  app.add_option("--class-bytes", options->class_view.max_bytes,
                 "class view (/class): the first bytes kept of each connection, each way")
      ->check(CLI::Range(std::size_t{1}, std::size_t{16 * 1024 * 1024}))
      ->needs(web)
      ->capture_default_str();
}

WebViewer::WebViewer(uv_loop_t* loop, const WebViewerOptions& options, const ServerOptions& server,
                     Logger& logger)
    : server_(server), logger_(logger) {
  if (options.port < 0) return;
  WebBridgeOptions bridge = options.bridge;
  bridge.port = options.port;
  bridge.stage = stage_number(server.stage);
  // A browser message carries one whole frame: 4 length bytes and the largest message.
  bridge.max_ws_message_bytes = kFrameHeaderBytes + server.max_message_bytes;
  bridge_ = std::make_unique<WebBridge>(loop, std::move(bridge),
                                        [this](const std::string& line) { logger_.log(line); });
  class_view_ = std::make_unique<ClassView>(loop, options.class_view, server);
}

ConnectionObserver* WebViewer::observer() {
  return class_view_ ? class_view_->observer() : nullptr;
}

WebViewer::~WebViewer() = default;

bool WebViewer::listen(std::string* error) {
  return !bridge_ || bridge_->listen(error);
}

void WebViewer::start(int chat_port) {
  if (!bridge_) return;
  // Connect to the chat port the way a local client would: over loopback when the server
  // listens on every address.
  std::string host = server_.bind;
  if (host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  sockaddr_storage target;
  if (parse_ip_address(host, chat_port, &target)) {
    // Cannot happen: the chat server listens on this very address.
    logger_.log("viewer: cannot bridge to " + host);
    bridge_->stop();
    return;
  }
  logger_.raw("viewer at " + bridge_->url());
  std::string error;
  if (class_view_->attach(*bridge_, chat_port, &error)) {
    logger_.raw("class view at " + class_view_->url(*bridge_));
  } else {
    logger_.log(error + "; the class view is off");
  }
  bridge_->start(reinterpret_cast<const sockaddr*>(&target));
  for (const std::string& url : bridge_->network_urls()) logger_.log("viewer also at " + url);
  bridge_->handle_signals();
}

void WebViewer::stop() {
  if (bridge_) bridge_->stop();
}

}  // namespace chatkit
