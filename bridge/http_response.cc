#include "bridge/http_response.h"

#include <cstdio>
#include <ctime>

namespace chatkit {
namespace {

// The Date header (RFC 9110: an origin server with a clock sends one), in IMF-fixdate form.
std::string http_date_now() {
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t now = std::time(nullptr);
  // gmtime's static buffer is fine here: the bridge runs on one thread. The names are spelled
  // out rather than taken from strftime's %a and %b, which follow the locale.
  const std::tm* utc = std::gmtime(&now);
  if (utc == nullptr) return "";
  char text[64];
  std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[utc->tm_wday],
                utc->tm_mday, kMonths[utc->tm_mon], utc->tm_year + 1900, utc->tm_hour, utc->tm_min,
                utc->tm_sec);
  return text;
}

}  // namespace

const char* http_reason(int status) {
  switch (status) {
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Content Too Large";
    case 426:
      return "Upgrade Required";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

std::string serialize(const HttpResponse& response) {
  std::string out =
      "HTTP/1.1 " + std::to_string(response.status) + " " + http_reason(response.status) + "\r\n";
  const auto add = [&out](const std::string& name, const std::string& value) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  };
  add("Server", "chatkit-bridge");
  const std::string date = http_date_now();
  if (!date.empty()) add("Date", date);
  for (const auto& [name, value] : response.headers) add(name, value);
  if (response.status != 101) {
    if (!response.content_type.empty()) add("Content-Type", response.content_type);
    add("Content-Length", std::to_string(response.body.size()));
    add("Cache-Control", "no-store");
    add("X-Content-Type-Options", "nosniff");
    add("Content-Security-Policy", kContentSecurityPolicy);
    add("Referrer-Policy", "no-referrer");
    add("Cross-Origin-Resource-Policy", "same-origin");
    add("X-Frame-Options", "DENY");
    if (response.close) add("Connection", "close");
  }
  out += "\r\n";
  if (!response.head_only) out += response.body;
  return out;
}

HttpResponse error_response(int status, const std::string& explanation, bool close) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::to_string(status) + " " + http_reason(status) + "\n\n" + explanation + "\n";
  response.close = close;
  return response;
}

}  // namespace chatkit
