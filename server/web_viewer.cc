#include "server/web_viewer.h"

#include "bridge/web_bridge.h"
#include "bridge/web_options_cli.h"
#include "kit/net/address.h"

namespace chatkit {

void add_web_viewer_options(CLI::App& app, WebViewerOptions* options) {
  CLI::Option* web =
      app.add_option("--web", options->port,
                     "also serve the browser viewer on this port (0 picks a free one)")
          ->check(CLI::Range(0, 65535));
  add_web_bridge_options(app, &options->bridge, web);
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
  bridge_->start(reinterpret_cast<const sockaddr*>(&target));
  for (const std::string& url : bridge_->network_urls()) logger_.log("viewer also at " + url);
  bridge_->handle_signals();
}

void WebViewer::stop() {
  if (bridge_) bridge_->stop();
}

}  // namespace chatkit
