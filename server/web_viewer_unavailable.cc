// chat-server's --web in a build without the browser viewer's bridge (CHATKIT_BUILD_BRIDGE OFF,
// the default on Windows: wslay, http-parser and OpenSSL are not built there, docs/windows.md).
//
// The option stays on the command line so that `--web 8080` fails with a sentence saying why
// (exit code 2, like every usage error) instead of "unknown option"; without --web the viewer
// does nothing, exactly as in a build with the bridge.
#include <string>

#include "server/web_viewer.h"

namespace chatkit {

// web_viewer.h holds a std::unique_ptr<WebBridge>, whose destructor needs a complete type. This
// build links no bridge, so this empty definition is the program's only one; no WebBridge is
// ever created here.
class WebBridge {};
class ClassView {};

// The one out-of-line function of WebBridgeOptions (bridge/bridge_options.cc in a build with
// the bridge): there is no viewer page to serve.
const char* default_web_root() {
  return "";
}

void add_web_viewer_options(CLI::App& app, WebViewerOptions* options) {
  app.add_option("--web", options->port,
                 "serve the browser viewer on this port (not available in this build)")
      ->check(CLI::Validator(
          [](const std::string&) {
            return std::string(
                "this chat-server was built without the browser viewer (its WebSocket bridge "
                "needs wslay, http-parser and OpenSSL, which this build leaves out; see "
                "docs/windows.md)");
          },
          "", "web viewer unavailable"));
}

ConnectionObserver* WebViewer::observer() {
  return nullptr;
}

WebViewer::WebViewer(uv_loop_t* /*loop*/, const WebViewerOptions& /*options*/,
                     const ServerOptions& server, Logger& logger)
    : server_(server), logger_(logger) {}

WebViewer::~WebViewer() = default;

bool WebViewer::listen(std::string* /*error*/) {
  return true;
}

void WebViewer::start(int /*chat_port*/) {}

void WebViewer::stop() {}

}  // namespace chatkit
