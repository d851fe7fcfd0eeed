// The course's three stages and the small pieces of protocol text they share.
#ifndef CHATKIT_KIT_PROTOCOL_STAGE_H_
#define CHATKIT_KIT_PROTOCOL_STAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chatkit {

enum class Stage {
  kSendOnly = 1,   // The client sends one message; the server keeps it in memory.
  kHistory = 2,    // The server first sends the history; `history` asks for it again.
  kPersisted = 3,  // Posts are stored durably with time and sender host, and acknowledged.
};

// 1, 2 or 3 -> the stage; anything else -> nullopt.
std::optional<Stage> stage_from_number(int number);
int stage_number(Stage stage);
// "send-only", "history", "persisted".
const char* stage_name(Stage stage);

// The stage-2 command that asks the server to send the history again.
inline constexpr std::string_view kHistoryCommand = "history";

// The history count frame's text: the count in decimal ASCII ("3"), never binary.
std::string format_count(std::uint64_t count);
// Parses a count frame: one or more ASCII digits, nothing else, no leading '+', '-' or space,
// at most 18 digits. Returns nullopt for anything else (a count sent as binary bytes, say).
std::optional<std::uint64_t> parse_count(std::string_view text);

}  // namespace chatkit

#endif  // CHATKIT_KIT_PROTOCOL_STAGE_H_
