// Stage-3 posts: "[<time> <host>] <message>".
//
// <time> is format_local_timestamp()'s ISO 8601 text (kit/time/timestamp.h), <host> the sender's
// reverse-DNS name or IP address, <message> the text the client sent, verbatim. The server
// stores and sends exactly this text; clients print it as it is.
#ifndef CHATKIT_KIT_PROTOCOL_POST_H_
#define CHATKIT_KIT_PROTOCOL_POST_H_

#include <optional>
#include <string>
#include <string_view>

namespace chatkit {

struct PostParts {
  std::string_view time;
  std::string_view host;
  std::string_view message;
};

// Builds the stored text of a post.
std::string format_post(std::string_view time, std::string_view host, std::string_view message);

// Splits a post built by format_post(). Returns nullopt when `post` does not have that shape:
// '[', a timestamp accepted by is_local_timestamp(), one space, a host without spaces or ']',
// "] ", then the message (which may be anything, including ']' and newlines).
std::optional<PostParts> parse_post(std::string_view post);

}  // namespace chatkit

#endif  // CHATKIT_KIT_PROTOCOL_POST_H_
