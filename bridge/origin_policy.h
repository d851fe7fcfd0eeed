// OriginPolicy: which web pages may use the bridge, and under which names it may be addressed.
//
// A WebSocket is not bound by the browser's same-origin policy: any page the instructor visits
// could open ws://127.0.0.1:8080/ws and chat through the bridge. Browsers always send an
// Origin header with a WebSocket upgrade, so the bridge accepts an upgrade only when Origin is
// the bridge's own page (http://<the Host header>) or was allowed with --allow-origin.
//
// Two more rules close the remaining holes:
//  - DNS rebinding: a hostile page at http://evil.example:8080 whose name is re-pointed to
//    127.0.0.1 is "same-origin" with itself. So every request's Host must be a name the bridge
//    answers to: an IP address, "localhost", this machine's host name, or the host of an
//    allowed origin. A rebinding attacker's own domain name is none of these.
//  - No Origin header at all: only non-browser programs (test clients, websocat, a student's
//    Python script) omit it, and they could connect to the chat port directly anyway, so the
//    bridge accepts them. A browser cannot be made to omit it.
#ifndef CHATKIT_BRIDGE_ORIGIN_POLICY_H_
#define CHATKIT_BRIDGE_ORIGIN_POLICY_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chatkit {

// A web origin (RFC 6454): scheme, host and port, normalised (lowercase; the scheme's default
// port filled in; IPv6 hosts without brackets).
struct Origin {
  std::string scheme;  // "http" or "https".
  std::string host;    // "127.0.0.1", "localhost", "::1", "teacher-pc.lab".
  int port = 0;

  // "http://127.0.0.1:8080", "https://[::1]" (the default port left out, as browsers send it).
  std::string to_string() const;
  bool operator==(const Origin& other) const {
    return scheme == other.scheme && host == other.host && port == other.port;
  }
};

// Parses an origin as browsers send it and as --allow-origin takes it: "http://host[:port]",
// with an optional trailing "/". Anything else (a path, user info, another scheme, "null") is
// nullopt.
std::optional<Origin> parse_origin(std::string_view text);

// A Host header value: "127.0.0.1:8080", "localhost", "[::1]:8080". `port` is 0 when absent.
struct HostHeader {
  std::string host;  // Lowercase; IPv6 without brackets.
  int port = 0;
};
std::optional<HostHeader> parse_host_header(std::string_view text);

class OriginPolicy {
 public:
  // `allowed` are the --allow-origin origins; `machine_names` the names this machine answers
  // to besides IP addresses and "localhost" (its host name; compared case-insensitively).
  OriginPolicy(std::vector<Origin> allowed, std::vector<std::string> machine_names);

  // True when a request addressed to `host_header` may be served (the DNS-rebinding rule).
  bool host_allowed(const HostHeader& host) const;
  // True when a WebSocket upgrade from `origin` (nullopt: no Origin header) to a request whose
  // Host is `host` may proceed: no Origin, the page's own origin (http://<host>), or an allowed
  // one. `origin_text` is the raw header, for the failure text in *why.
  bool origin_allowed(const std::optional<std::string_view>& origin_text, const HostHeader& host,
                      std::string* why) const;

 private:
  std::vector<Origin> allowed_;
  std::vector<std::string> machine_names_;  // Lowercase.
};

}  // namespace chatkit

#endif  // CHATKIT_BRIDGE_ORIGIN_POLICY_H_
