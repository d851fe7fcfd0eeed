// chat-load's settings, as given on the command line (bench/load/main.cc).
#ifndef CHATKIT_BENCH_LOAD_LOAD_OPTIONS_H_
#define CHATKIT_BENCH_LOAD_LOAD_OPTIONS_H_

#include <uv.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kit/framing/frame_codec.h"

namespace chatkit {

// What each active client does in one transaction (always: connect, read the history).
enum class LoadMode {
  kRead,  // Send the empty message (nothing is stored), wait for the close.
  kPost,  // Send a message of --message-bytes; in stage 3 read the acknowledgement; wait for the
          // close.
  kHold,  // kRead, while --hold idle connections stay open (they read their history, then wait).
};

const char* to_string(LoadMode mode);
std::optional<LoadMode> load_mode_from_name(std::string_view name);

struct LoadOptions {
  sockaddr_storage server{};  // Where the server listens.
  std::string server_text;    // The same, as "127.0.0.1:10000", for the report.
  int stage = 3;              // 2 or 3: only stage 3 acknowledges posts.
  LoadMode mode = LoadMode::kRead;
  unsigned clients = 8;         // Active closed-loop clients (all threads together).
  unsigned threads = 1;         // Event loops, one thread each.
  unsigned hold = 0;            // Idle connections kept open (all threads together).
  double warmup_seconds = 1.0;  // Transactions that end before this are not counted.
  double duration_seconds = 5.0;
  std::uint32_t message_bytes = 32;  // kPost: bytes of each message.
  double timeout_seconds = 10.0;     // A transaction that takes longer counts as an error.
  std::uint32_t max_message_bytes = kDefaultMaxMessageBytes;
};

}  // namespace chatkit

#endif  // CHATKIT_BENCH_LOAD_LOAD_OPTIONS_H_
