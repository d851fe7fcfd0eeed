// Checks and texts about message bytes, shared by the option parser, the conversation and the
// history receiver.
#ifndef CHATKIT_CLIENT_MESSAGE_H_
#define CHATKIT_CLIENT_MESSAGE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kit/diagnostics/byte_dump.h"

namespace chatkit {

// Returns "" when `message` can be sent: valid UTF-8 and at most `max_bytes` long. Otherwise
// returns the reason, with a byte dump for bad UTF-8.
std::string check_message(std::string_view message, std::uint32_t max_bytes);

// hex_dump() of at most the first 64 bytes, indented by two spaces to sit under an error line,
// without the final line end (the caller ends the line). `mark` puts a caret under one byte.
std::string indented_dump(std::string_view bytes, std::size_t mark = kNoMark);

}  // namespace chatkit

#endif  // CHATKIT_CLIENT_MESSAGE_H_
