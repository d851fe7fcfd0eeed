// EmbedderRoutes: the paths a program that embeds the bridge adds to it (chat-server --web adds
// its class view): WebSocket feeds, pages served under a path of their own, and paths that need
// an access token.
//
// The bridge's own routes (the files, /bridge.json, /ws) stay as they are; these come first.
// Everything is set up before the loop runs and never changes afterwards. Paths are compared
// exactly, after the request path is decoded (bridge/request_path.h), without the query.
//
// The access token: a request for a guarded path must carry `?token=<token>` (other query
// parameters may come before or after it). A missing or different token gets 403 with the
// refusal text given; the comparison takes the same time wherever the first difference is, so
// that timing answers teach an attacker nothing about the token.
#ifndef CHATKIT_BRIDGE_EMBEDDER_ROUTES_H_
#define CHATKIT_BRIDGE_EMBEDDER_ROUTES_H_

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "bridge/feed_handler.h"

namespace chatkit {

class EmbedderRoutes {
 public:
  // WebSocket upgrades at `path` ("/class/ws") go to `handler`, which must outlive the bridge.
  void add_feed(std::string path, FeedHandler* handler);
  // GET `path` ("/class") serves `file` ("class.html") from the web root.
  void add_page(std::string path, std::string file);
  // Requests for `path` need ?token=`token`; refused ones get 403 and `refusal`.
  void require_token(std::string path, std::string token, std::string refusal);

  FeedHandler* feed(std::string_view path) const;
  const std::string* page(std::string_view path) const;
  // The refusal text when a request for `path` with request target `target` (path and query,
  // as received) lacks the right token; nullopt when it may go on.
  std::optional<std::string> refusal(std::string_view path, std::string_view target) const;

 private:
  struct Guard {
    std::string token;
    std::string refusal;
  };
  std::unordered_map<std::string, FeedHandler*> feeds_;
  std::unordered_map<std::string, std::string> pages_;
  std::unordered_map<std::string, Guard> guards_;
};

// The value of query parameter `name` in request target `target` ("/p?a=1&token=x" -> "x"),
// as written (not percent-decoded); nullopt when absent.
std::optional<std::string_view> query_parameter(std::string_view target, std::string_view name);

// True when `given` equals `expected`, in a time that depends only on their lengths.
bool constant_time_equal(std::string_view given, std::string_view expected);

}  // namespace chatkit

#endif  // CHATKIT_BRIDGE_EMBEDDER_ROUTES_H_
