// WebBridgeOptions: the settings of a WebBridge (bridge/web_bridge.h), as chat-bridge and
// chat-server --web fill them from their command lines (bridge/web_options_cli.h).
//
// The target (the chat server every WebSocket is relayed to) is deliberately not an option
// here: it is fixed when the bridge starts (WebBridge::start) and nothing a browser sends can
// change it.
#ifndef CHATKIT_BRIDGE_BRIDGE_OPTIONS_H_
#define CHATKIT_BRIDGE_BRIDGE_OPTIONS_H_

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "bridge/origin_policy.h"
#include "kit/framing/frame_codec.h"

namespace chatkit {

// Where the viewer page is built (<build>/wasm-viewer/www), compiled in by bridge/CMakeLists.txt.
const char* default_web_root();

struct WebBridgeOptions {
  // Loopback only unless the instructor says otherwise: the bridge is a way into the chat
  // server, and a classroom network is not the place to open one by accident.
  std::string bind = "127.0.0.1";
  int port = 8080;  // 0 = any free port (WebBridge::port() tells which).
  // Origins allowed to open a WebSocket besides the page's own (--allow-origin).
  std::vector<Origin> allowed_origins;
  // The directory whose files are served over GET (the built viewer).
  std::string web_root = default_web_root();
  // Shown to the page at /bridge.json: the stage the chat server runs, when the bridge knows it
  // (chat-server --web does; a standalone chat-bridge only when told with --stage).
  std::optional<int> stage;
  // Where `stage` came from, also shown at /bridge.json, so that the page does not present a
  // guess as a fact: the chat server's own setting (chat-server --web runs the bridge in the
  // same process), or chat-bridge's --stage option (what the instructor said the server runs).
  enum class StageSource { kChatServer, kBridgeOption };
  StageSource stage_source = StageSource::kChatServer;

  // The largest WebSocket message accepted from a browser: one whole frame of the largest
  // message the chat server accepts (4 length bytes + 1 MiB). Larger ones end the session with
  // close code 1009.
  std::size_t max_ws_message_bytes = kFrameHeaderBytes + kDefaultMaxMessageBytes;
  // Bytes the bridge holds for one direction of one session before it stops reading the side
  // that is ahead (backpressure).
  std::size_t max_buffered_bytes = 1024 * 1024;
  // WebSocket sessions open at once; more are refused with 503.
  std::size_t max_sessions = 32;
  // TCP connections to the web port at once (HTTP and WebSocket); more are closed at accept.
  std::size_t max_connections = 128;
  // The largest static file served.
  std::size_t max_file_bytes = 64 * 1024 * 1024;

  // A request head must arrive completely within this time (slow clients hold no slot forever).
  std::chrono::milliseconds request_timeout{10000};
  // An idle keep-alive connection is closed after this time.
  std::chrono::milliseconds keep_alive_timeout{15000};
  // Connecting to the chat server may take this long before the WebSocket is closed with 1014.
  std::chrono::milliseconds connect_timeout{5000};
  // After sending a close frame, the bridge waits this long for the browser's close frame.
  std::chrono::milliseconds close_timeout{2000};
  // A session whose buffered bytes make no progress for this long (one side stopped reading)
  // is closed with 1011.
  std::chrono::milliseconds stall_timeout{30000};
  // A closing session's last bytes (and FIN) may take this long on either connection before
  // the bridge cuts it: a peer that stopped reading cannot hold a session slot forever.
  std::chrono::milliseconds teardown_timeout{10000};
};

}  // namespace chatkit

#endif  // CHATKIT_BRIDGE_BRIDGE_OPTIONS_H_
