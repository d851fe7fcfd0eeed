#include "bridge/embedder_routes.h"

#include <utility>

namespace chatkit {

void EmbedderRoutes::add_feed(std::string path, FeedHandler* handler) {
  feeds_[std::move(path)] = handler;
}

void EmbedderRoutes::add_page(std::string path, std::string file) {
  pages_[std::move(path)] = std::move(file);
}

void EmbedderRoutes::require_token(std::string path, std::string token, std::string refusal) {
  guards_[std::move(path)] = Guard{std::move(token), std::move(refusal)};
}

FeedHandler* EmbedderRoutes::feed(std::string_view path) const {
  const auto found = feeds_.find(std::string(path));
  return found == feeds_.end() ? nullptr : found->second;
}

const std::string* EmbedderRoutes::page(std::string_view path) const {
  const auto found = pages_.find(std::string(path));
  return found == pages_.end() ? nullptr : &found->second;
}

std::optional<std::string> EmbedderRoutes::refusal(std::string_view path,
                                                   std::string_view target) const {
  if (guards_.empty()) return std::nullopt;
  const auto found = guards_.find(std::string(path));
  if (found == guards_.end()) return std::nullopt;
  const std::optional<std::string_view> token = query_parameter(target, "token");
  if (token && constant_time_equal(*token, found->second.token)) return std::nullopt;
  return found->second.refusal;
}

std::optional<std::string_view> query_parameter(std::string_view target, std::string_view name) {
  const std::size_t question = target.find('?');
  if (question == std::string_view::npos) return std::nullopt;
  std::string_view query = target.substr(question + 1);
  // A fragment never reaches a server, but a hand-made request may carry one.
  query = query.substr(0, query.find('#'));
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const std::size_t equals = pair.find('=');
    if (pair.substr(0, equals) == name) {
      return equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

bool constant_time_equal(std::string_view given, std::string_view expected) {
  // Every byte of `expected` is compared, whatever `given` holds, and the differences are
  // gathered without branching on them.
  unsigned difference = given.size() == expected.size() ? 0u : 1u;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const unsigned char a = i < given.size() ? static_cast<unsigned char>(given[i]) : 0u;
    difference |= a ^ static_cast<unsigned char>(expected[i]);
  }
  return difference == 0;
}

}  // namespace chatkit
