// The reference server's settings, as given on the command line (see main.cc for the flags).
#ifndef CHATKIT_SERVER_SERVER_OPTIONS_H_
#define CHATKIT_SERVER_SERVER_OPTIONS_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "kit/framing/frame_codec.h"
#include "kit/protocol/stage.h"

namespace chatkit {

struct ServerOptions {
  Stage stage = Stage::kPersisted;
  // 0.0.0.0 by default: students connect over the classroom network.
  std::string bind = "0.0.0.0";
  int port = 10000;  // 0 = any free port (the "listening on" line tells which).
  std::string data_path = "chat-history.db";  // Stage 3 only.
  std::uint32_t max_message_bytes = kDefaultMaxMessageBytes;
  // A connection that makes no progress (no byte in or out) for this long is closed.
  std::chrono::milliseconds idle_timeout{30000};
  // How long a reverse-DNS lookup may take before a post names the sender by IP address.
  std::chrono::milliseconds host_lookup_deadline{2000};
  // After SIGINT/SIGTERM, how long connections may take to finish before they are closed.
  std::chrono::milliseconds shutdown_grace{10000};
};

}  // namespace chatkit

#endif  // CHATKIT_SERVER_SERVER_OPTIONS_H_
