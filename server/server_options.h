// The reference server's settings, as given on the command line (see main.cc for the flags).
#ifndef CHATKIT_SERVER_SERVER_OPTIONS_H_
#define CHATKIT_SERVER_SERVER_OPTIONS_H_

#include <chrono>
#include <cstddef>
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
  // A client's one frame must arrive whole within this time of its first byte, so that a client
  // trickling a byte every few seconds cannot hold a connection forever (server/frame_deadline.h).
  std::chrono::milliseconds frame_timeout{30000};
  // Clients served at once; one more is accepted and reset at once (server/connection_limit.h).
  std::size_t max_connections = 10000;
  // --chaos: write in random small pieces with small delays and drop some connections mid-frame
  // (server/chaos_writer.h). The seed makes a run's decisions repeatable.
  bool chaos = false;
  std::uint64_t chaos_seed = 0;
  unsigned chaos_drop_percent = 10;
};

}  // namespace chatkit

#endif  // CHATKIT_SERVER_SERVER_OPTIONS_H_
