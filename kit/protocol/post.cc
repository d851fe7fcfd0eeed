#include "kit/protocol/post.h"

#include "kit/time/timestamp.h"

namespace chatkit {

std::string format_post(std::string_view time, std::string_view host, std::string_view message) {
  std::string post;
  post.reserve(time.size() + host.size() + message.size() + 4);
  post += '[';
  post += time;
  post += ' ';
  post += host;
  post += "] ";
  post += message;
  return post;
}

std::optional<PostParts> parse_post(std::string_view post) {
  if (post.empty() || post.front() != '[') return std::nullopt;
  const std::size_t time_end = post.find(' ', 1);
  if (time_end == std::string_view::npos) return std::nullopt;
  const std::size_t host_end = post.find("] ", time_end + 1);
  if (host_end == std::string_view::npos) return std::nullopt;

  PostParts parts;
  parts.time = post.substr(1, time_end - 1);
  parts.host = post.substr(time_end + 1, host_end - time_end - 1);
  parts.message = post.substr(host_end + 2);
  if (!is_local_timestamp(parts.time) || parts.host.empty()) return std::nullopt;
  if (parts.host.find_first_of(" ]") != std::string_view::npos) return std::nullopt;
  return parts;
}

}  // namespace chatkit
