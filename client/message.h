// Checks and texts about message bytes, shared by the option parser and the conversation.
#ifndef CHATKIT_CLIENT_MESSAGE_H_
#define CHATKIT_CLIENT_MESSAGE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kit/diagnostics/byte_dump.h"
#include "kit/protocol/stage.h"

namespace chatkit {

// The most a stage-3 server adds to a message to make its post "[<time> <host>] <message>":
// 36 bytes ("[", the 32-byte time, " ", "] ") and the host name, which may be as long as the
// longest DNS name, 253 bytes (docs/protocol.md, section 2.5). The client cannot know the name
// the server will find for it, so it assumes the longest, as the browser viewer does.
inline constexpr std::uint32_t kPostPrefixMaxBytes = 36 + 253;

// The longest message a stage-3 post can carry within a frame limit of `max_bytes`.
std::uint32_t max_post_message_bytes(std::uint32_t max_bytes);

// Returns "" when `message` can be sent at `stage`: valid UTF-8, at most `max_bytes` long, and
// at stage 3 at most max_post_message_bytes(max_bytes) long, so that the server can store its
// post. Otherwise returns the reason, with a byte dump for bad UTF-8.
std::string check_message(std::string_view message, Stage stage, std::uint32_t max_bytes);

// hex_dump() of at most the first 64 bytes, indented by two spaces to sit under an error line,
// without the final line end (the caller ends the line). `mark` puts a caret under one byte.
std::string indented_dump(std::string_view bytes, std::size_t mark = kNoMark);

}  // namespace chatkit

#endif  // CHATKIT_CLIENT_MESSAGE_H_
