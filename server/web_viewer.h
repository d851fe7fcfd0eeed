// WebViewer: chat-server's --web option, the browser viewer served by the chat server itself.
//
//   chat-server --stage 2 --web 8080     ->  viewer at http://127.0.0.1:8080/
//
// With --web, the same process runs a WebBridge (bridge/web_bridge.h) on the same loop: it
// serves the viewer page and relays each WebSocket to this server's own chat port, over
// loopback when the chat port listens on every address. With it comes the live class view
// (server/class_view/class_view.h): /class on the same port shows every connection to the chat
// port, recorded from the server's start. Without --web, every method here does nothing and
// nothing is recorded (observer() is null).
#ifndef CHATKIT_SERVER_WEB_VIEWER_H_
#define CHATKIT_SERVER_WEB_VIEWER_H_

#include <uv.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "bridge/bridge_options.h"
#include "kit/log/logger.h"
#include "server/class_view/class_recorder.h"
#include "server/server_options.h"

namespace chatkit {

class WebBridge;
class ClassView;

struct WebViewerOptions {
  int port = -1;  // --web PORT; -1 = no viewer.
  WebBridgeOptions bridge;
  ClassViewLimits class_view;  // --class-connections, --class-bytes
};

// Adds --web PORT and the bridge's and the class view's options (--web-bind, --allow-origin,
// --web-root, --class-connections, --class-bytes, which need --web) to chat-server's command
// line.
void add_web_viewer_options(CLI::App& app, WebViewerOptions* options);

class WebViewer {
 public:
  WebViewer(uv_loop_t* loop, const WebViewerOptions& options, const ServerOptions& server,
            Logger& logger);
  // Precondition: the loop has run to completion after stop() or the signal that stops it.
  ~WebViewer();
  WebViewer(const WebViewer&) = delete;
  WebViewer& operator=(const WebViewer&) = delete;

  // Binds the web port. Called before the chat server starts, so that a taken web port stops
  // chat-server before its "listening on" line. False with *error on failure.
  bool listen(std::string* error);
  // Relays to the chat server listening on `chat_port`, prints "viewer at URL" and stops with
  // the chat server on SIGINT/SIGTERM.
  void start(int chat_port);
  // Closes the web port and every viewer connection (when the chat server failed to start).
  void stop();

  // The class view's recorder, for ChatServer::set_observer() before it starts; null without
  // --web.
  ConnectionObserver* observer();

 private:
  ServerOptions server_;
  Logger& logger_;
  std::unique_ptr<WebBridge> bridge_;
  // Declared after the bridge: destroyed first, once the bridge has closed its feed sessions.
  std::unique_ptr<ClassView> class_view_;
};

}  // namespace chatkit

#endif  // CHATKIT_SERVER_WEB_VIEWER_H_
