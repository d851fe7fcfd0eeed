#include "bridge/origin_policy.h"

#include <uv.h>

#include <algorithm>
#include <cctype>
#include <utility>

namespace chatkit {
namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_ip_literal(const std::string& host) {
  unsigned char buffer[16];
  return uv_inet_pton(AF_INET, host.c_str(), buffer) == 0 ||
         uv_inet_pton(AF_INET6, host.c_str(), buffer) == 0;
}

// A registered name (letters, digits, '-', '.') or, for `bracketed`, an IPv6 literal.
bool valid_host(const std::string& host, bool bracketed) {
  if (host.empty()) return false;
  if (bracketed) {
    unsigned char buffer[16];
    return uv_inet_pton(AF_INET6, host.c_str(), buffer) == 0;
  }
  return std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
  });
}

// "host", "host:port", "[v6]" or "[v6]:port" into host and port (0 when absent).
std::optional<HostHeader> parse_authority(std::string_view text) {
  HostHeader out;
  std::string_view host_part;
  std::string_view port_part;
  bool bracketed = false;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host_part = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port_part = rest.substr(1);
      if (port_part.empty()) return std::nullopt;
    }
    bracketed = true;
  } else {
    const std::size_t colon = text.find(':');
    host_part = text.substr(0, colon);
    if (colon != std::string_view::npos) {
      port_part = text.substr(colon + 1);
      if (port_part.empty()) return std::nullopt;
    }
  }
  out.host = lowercase(host_part);
  if (!valid_host(out.host, bracketed)) return std::nullopt;
  if (!port_part.empty()) {
    if (port_part.size() > 5) return std::nullopt;
    int port = 0;
    for (char c : port_part) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) return std::nullopt;
    out.port = port;
  }
  return out;
}

int default_port(const std::string& scheme) {
  return scheme == "https" ? 443 : 80;
}

}  // namespace

std::string Origin::to_string() const {
  std::string out = scheme + "://";
  out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != default_port(scheme)) out += ":" + std::to_string(port);
  return out;
}

std::optional<Origin> parse_origin(std::string_view text) {
  const std::size_t separator = text.find("://");
  if (separator == std::string_view::npos) return std::nullopt;
  Origin origin;
  origin.scheme = lowercase(text.substr(0, separator));
  if (origin.scheme != "http" && origin.scheme != "https") return std::nullopt;
  std::string_view authority = text.substr(separator + 3);
  if (!authority.empty() && authority.back() == '/') authority.remove_suffix(1);
  // A path, query, fragment or user info makes it a URL, not an origin.
  if (authority.find_first_of("/?#@") != std::string_view::npos) return std::nullopt;
  std::optional<HostHeader> parsed = parse_authority(authority);
  if (!parsed) return std::nullopt;
  origin.host = std::move(parsed->host);
  origin.port = parsed->port != 0 ? parsed->port : default_port(origin.scheme);
  return origin;
}

std::optional<HostHeader> parse_host_header(std::string_view text) {
  return parse_authority(text);
}

OriginPolicy::OriginPolicy(std::vector<Origin> allowed, std::vector<std::string> machine_names)
    : allowed_(std::move(allowed)) {
  for (const std::string& name : machine_names) {
    if (!name.empty()) machine_names_.push_back(lowercase(name));
  }
}

bool OriginPolicy::host_allowed(const HostHeader& host) const {
  if (is_ip_literal(host.host) || host.host == "localhost") return true;
  if (std::find(machine_names_.begin(), machine_names_.end(), host.host) != machine_names_.end()) {
    return true;
  }
  return std::any_of(allowed_.begin(), allowed_.end(),
                     [&](const Origin& origin) { return origin.host == host.host; });
}

bool OriginPolicy::origin_allowed(const std::optional<std::string_view>& origin_text,
                                  const HostHeader& host, std::string* why) const {
  if (!origin_text) return true;  // Not a browser; see the header comment.
  const std::optional<Origin> origin = parse_origin(*origin_text);
  if (!origin) {
    *why = "Origin \"" + std::string(*origin_text) + "\" is not an http(s) origin";
    return false;
  }
  Origin own{"http", host.host, host.port != 0 ? host.port : 80};
  if (*origin == own) return true;
  if (std::find(allowed_.begin(), allowed_.end(), *origin) != allowed_.end()) return true;
  *why = "Origin " + origin->to_string() + " is neither this page's (" + own.to_string() +
         ") nor allowed with --allow-origin";
  return false;
}

}  // namespace chatkit
