// ClassView: chat-server's live class view (issue 15), on the viewer's port of --web: the page
// /class, its feed /class/ws (server/class_view/class_feed.h), and the recorder behind them.
//
//   chat-server --web 8080                       ->  class view at http://127.0.0.1:8080/class
//   chat-server --web 8080 --web-bind 0.0.0.0    ->  class view at
//                                                    http://127.0.0.1:8080/class?token=<32 hex>
//
// Access: on loopback the page just opens (whoever can reach 127.0.0.1 runs on this machine).
// When the viewer listens on any other address, students can reach the port, and the class view
// shows everyone's bytes: /class, /class.html and /class/ws then need ?token=T, a fresh 128-bit
// random token printed by chat-server at start; without it they get 403 and a sentence saying
// so. The rest of the viewer stays open as before. The class view is read-only: nothing a page
// sends changes the server.
//
// Lifetime: WebViewer owns it. Construct it before the ChatServer starts (observer() goes to
// ChatServer::set_observer, so recording starts with the server), attach() it to the bridge
// before the loop runs, and destroy it after the loop has run to completion.
#ifndef CHATKIT_SERVER_CLASS_VIEW_CLASS_VIEW_H_
#define CHATKIT_SERVER_CLASS_VIEW_CLASS_VIEW_H_

#include <uv.h>

#include <memory>
#include <string>

#include "server/class_view/class_feed.h"
#include "server/class_view/class_recorder.h"
#include "server/server_options.h"

namespace chatkit {

class WebBridge;

class ClassView {
 public:
  static constexpr const char* kPagePath = "/class";
  static constexpr const char* kFeedPath = "/class/ws";
  static constexpr const char* kPageFile = "class.html";

  ClassView(uv_loop_t* loop, ClassViewLimits limits, const ServerOptions& server);
  ClassView(const ClassView&) = delete;
  ClassView& operator=(const ClassView&) = delete;

  // What the chat server reports every connection to.
  ConnectionObserver* observer() { return &recorder_; }
  const ClassRecorder& recorder() const { return recorder_; }

  // Adds the page, the feed and, when `bridge` listens beyond loopback, the token guard to
  // `bridge`; `chat_port` is the port the chat server listens on (for the hello message). False
  // with *error when no random token could be made.
  bool attach(WebBridge& bridge, int chat_port, std::string* error);
  // "http://127.0.0.1:8080/class", with "?token=..." when one is needed. After attach().
  std::string url(const WebBridge& bridge) const;
  // The token pages need; empty on loopback.
  const std::string& token() const { return token_; }

 private:
  uv_loop_t* loop_;
  ServerOptions server_;
  ClassRecorder recorder_;
  std::unique_ptr<ClassFeed> feed_;
  std::string token_;
};

// Whether `ip` is a loopback address (127.0.0.0/8, ::1, or ::ffff:127.x.y.z); false for
// anything else, including text that is no address.
bool is_loopback_address(const std::string& ip);

}  // namespace chatkit

#endif  // CHATKIT_SERVER_CLASS_VIEW_CLASS_VIEW_H_
