// The words ClientSession uses, shared by its .cc files: what a stage sign says, what a post
// looks like, and byte dumps sized for one error line. Internal to kit/protocol.
#ifndef CHATKIT_KIT_PROTOCOL_CLIENT_SESSION_TEXT_H_
#define CHATKIT_KIT_PROTOCOL_CLIENT_SESSION_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "kit/diagnostics/byte_dump.h"
#include "kit/protocol/client_session.h"

namespace chatkit {

// "it seems to run stage <N>" for the stage `sign` points to: the end of every headline that has
// found another stage in the server's bytes (the caller's remedy follows it).
std::string seems_to_run_text(StageSign sign);

// "[", text with a space in it, "] ": the shape of the course's stage-3 posts too, whose time has
// no UTC offset and which parse_post() therefore refuses.
bool shaped_like_post(std::string_view payload);

// hex_dump() of at most the first 64 bytes, indented by two spaces to sit under an error line,
// without the final line end. `mark` puts a caret under one byte.
std::string indented_bytes(std::string_view bytes, std::size_t mark = kNoMark);

}  // namespace chatkit

#endif  // CHATKIT_KIT_PROTOCOL_CLIENT_SESSION_TEXT_H_
