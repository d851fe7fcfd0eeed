// The bridge's parts without sockets: the handshake, the request reader, request paths, MIME
// types, the Origin and Host rules, and the security headers of every response.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bridge/http_request.h"
#include "bridge/http_response.h"
#include "bridge/mime_types.h"
#include "bridge/origin_policy.h"
#include "bridge/request_path.h"
#include "bridge/target_address.h"
#include "bridge/websocket_handshake.h"
#include "bridge/websocket_relay.h"

namespace chatkit {
namespace {

// ---- Handshake ------------------------------------------------------------------------------

TEST(WebSocketHandshake, AcceptKeyMatchesTheRfc6455Example) {
  // RFC 6455, section 1.3.
  EXPECT_EQ(websocket_accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

HttpRequest upgrade_request() {
  HttpRequest request;
  request.method = "GET";
  request.target = "/ws";
  request.headers = {{"host", "127.0.0.1:8080"},
                     {"upgrade", "websocket"},
                     {"connection", "keep-alive, Upgrade"},
                     {"sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="},
                     {"sec-websocket-version", "13"}};
  return request;
}

void set_header(HttpRequest& request, const std::string& name, const std::string& value) {
  for (auto& entry : request.headers) {
    if (entry.first == name) entry.second = value;
  }
}

TEST(WebSocketHandshake, AcceptsABrowserLikeUpgradeAndAnswers101WithTheKey) {
  const HttpRequest request = upgrade_request();
  EXPECT_TRUE(is_websocket_upgrade(request));
  const auto refusal = refuse_websocket_request(request);
  EXPECT_FALSE(refusal.has_value()) << refusal->body;
  const std::string response = serialize(websocket_accept_response(request));
  EXPECT_EQ(response.rfind("HTTP/1.1 101 Switching Protocols\r\n", 0), 0u) << response;
  EXPECT_NE(response.find("\r\nUpgrade: websocket\r\n"), std::string::npos) << response;
  EXPECT_NE(response.find("\r\nConnection: Upgrade\r\n"), std::string::npos) << response;
  EXPECT_NE(response.find("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"),
            std::string::npos)
      << response;
  EXPECT_EQ(response.find("Content-Length"), std::string::npos)
      << "a 101 has no body, so no Content-Length:\n"
      << response;
  EXPECT_EQ(response.substr(response.size() - 4), "\r\n\r\n");
}

TEST(WebSocketHandshake, RefusesAnotherVersionWith426NamingVersion13) {
  HttpRequest request = upgrade_request();
  set_header(request, "sec-websocket-version", "8");
  const auto refusal = refuse_websocket_request(request);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->status, 426);
  const std::string text = serialize(*refusal);
  EXPECT_NE(text.find("\r\nSec-WebSocket-Version: 13\r\n"), std::string::npos) << text;
}

TEST(WebSocketHandshake, RefusesKeysThatAreNotBase64Of16BytesWith400) {
  for (const char* key : {"", "abc", "dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25jZQ==x",
                          "dGhlIHNhbXBsZSBub25j*Q==", "dGhlIHNhbXBsZSBub25jZQAA"}) {
    HttpRequest request = upgrade_request();
    set_header(request, "sec-websocket-key", key);
    const auto refusal = refuse_websocket_request(request);
    ASSERT_TRUE(refusal.has_value()) << "key \"" << key << "\" was accepted";
    EXPECT_EQ(refusal->status, 400) << "key \"" << key << "\"";
  }
}

TEST(WebSocketHandshake, RefusesUpgradesWithoutConnectionUpgradeOrNotGetOrHttp10) {
  HttpRequest no_connection = upgrade_request();
  set_header(no_connection, "connection", "keep-alive");
  HttpRequest post = upgrade_request();
  post.method = "POST";
  HttpRequest http10 = upgrade_request();
  http10.http_minor = 0;
  for (const HttpRequest* request : {&no_connection, &post, &http10}) {
    const auto refusal = refuse_websocket_request(*request);
    ASSERT_TRUE(refusal.has_value()) << request->method << " " << request->target;
    EXPECT_EQ(refusal->status, 400);
  }
}

TEST(WebSocketHandshake, RefusesTwoDifferentKeys) {
  HttpRequest request = upgrade_request();
  request.headers.emplace_back("sec-websocket-key", "AAAAAAAAAAAAAAAAAAAAAA==");
  ASSERT_TRUE(refuse_websocket_request(request).has_value());
}

// ---- Request heads --------------------------------------------------------------------------

// ---- Close reasons ----------------------------------------------------------------------------

TEST(CloseReason, FitsACloseFrameAndNeverCutsACharacter) {
  EXPECT_EQ(close_reason_text("short"), "short");
  const std::string ascii(200, 'a');
  EXPECT_EQ(close_reason_text(ascii), std::string(123, 'a'));
  // 122 ASCII bytes and a 2-byte "é": the é does not fit whole, so it goes entirely.
  const std::string cut = std::string(122, 'a') + "\xc3\xa9" + "bc";
  EXPECT_EQ(close_reason_text(cut), std::string(122, 'a'));
  // "✓" is 3 bytes: 41 of them are exactly 123 bytes.
  std::string checks;
  for (int i = 0; i < 42; ++i) checks += "\xe2\x9c\x93";
  EXPECT_EQ(close_reason_text(checks), checks.substr(0, 123));
}

TEST(CloseReason, AnUnreachableChatServerIsNamedWithTheFailureWhenItFits) {
  const UvError refused("connect", UV_ECONNREFUSED);
  EXPECT_EQ(unreachable_target_reason("127.0.0.1:10000", refused),
            "cannot reach the chat server at 127.0.0.1:10000: connection refused (ECONNREFUSED)");
  // A long host name would push the failure out of the 123 bytes: the failure stays.
  const std::string host(120, 'h');
  const std::string reason = unreachable_target_reason(host + ".lab:10000", refused);
  EXPECT_LE(reason.size(), 123u) << reason;
  EXPECT_NE(reason.find("connection refused (ECONNREFUSED)"), std::string::npos) << reason;
}

TEST(HttpRequestReader, ReadsAHeadSplitAtEveryByteAndLeavesWhatFollows) {
  const std::string head =
      "GET /viewer.js?v=2 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nX-Long:  a  b \r\n\r\n";
  const std::string after = "\x81\x85rest";
  const std::string bytes = head + after;
  HttpRequestReader reader;
  std::size_t used = 0;
  for (std::size_t i = 0;
       i < bytes.size() && reader.status() == HttpRequestReader::Status::kIncomplete; ++i) {
    used += reader.feed(bytes.data() + i, 1);
  }
  ASSERT_EQ(reader.status(), HttpRequestReader::Status::kComplete) << reader.error_text();
  EXPECT_EQ(used, head.size()) << "bytes after the head belong to the next reader";
  const HttpRequest& request = reader.request();
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/viewer.js?v=2");
  EXPECT_EQ(request.header("host"), "127.0.0.1:8080");
  EXPECT_EQ(request.header("x-long"), "a  b");
  EXPECT_TRUE(request.keep_alive);
}

TEST(HttpRequestReader, ReadsPipelinedRequestsOneAtATime) {
  const std::string bytes =
      "GET /a HTTP/1.1\r\nHost: h\r\n\r\nHEAD /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
  HttpRequestReader reader;
  const std::size_t first = reader.feed(bytes.data(), bytes.size());
  ASSERT_EQ(reader.status(), HttpRequestReader::Status::kComplete);
  EXPECT_EQ(reader.request().target, "/a");
  EXPECT_EQ(reader.feed(bytes.data() + first, bytes.size() - first), 0u)
      << "a complete reader takes nothing until reset()";
  reader.reset();
  const std::size_t second = reader.feed(bytes.data() + first, bytes.size() - first);
  ASSERT_EQ(reader.status(), HttpRequestReader::Status::kComplete);
  EXPECT_EQ(first + second, bytes.size());
  EXPECT_EQ(reader.request().method, "HEAD");
  EXPECT_FALSE(reader.request().keep_alive);
}

TEST(HttpRequestReader, RefusesBodiesWith413) {
  for (const char* head : {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc",
                           "GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"}) {
    HttpRequestReader reader;
    reader.feed(head, std::string(head).size());
    EXPECT_EQ(reader.status(), HttpRequestReader::Status::kFailed) << head;
    EXPECT_EQ(reader.error_status(), 413) << head;
  }
}

TEST(HttpRequestReader, RefusesAnEndlessHeadWith431AfterTheLimit) {
  HttpRequestReader reader;
  std::string bytes = "GET / HTTP/1.1\r\nX: ";
  bytes += std::string(100 * 1024, 'a');
  const std::size_t used = reader.feed(bytes.data(), bytes.size());
  EXPECT_EQ(reader.status(), HttpRequestReader::Status::kFailed);
  EXPECT_EQ(reader.error_status(), 431);
  EXPECT_LE(used, HttpRequestReader::kMaxHeadBytes + 1) << "the reader must not swallow more";
}

TEST(HttpRequestReader, RefusesGarbageWith400) {
  HttpRequestReader reader;
  const std::string bytes = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03";  // A TLS hello.
  reader.feed(bytes.data(), bytes.size());
  EXPECT_EQ(reader.status(), HttpRequestReader::Status::kFailed);
  EXPECT_EQ(reader.error_status(), 400);
}

TEST(HttpRequest, FindsTokensInCommaSeparatedHeadersCaseInsensitively) {
  HttpRequest request;
  request.headers = {{"connection", "keep-alive"}, {"connection", " UPGRADE "}};
  EXPECT_TRUE(request.header_has_token("connection", "upgrade"));
  EXPECT_FALSE(request.header_has_token("connection", "close"));
  EXPECT_FALSE(request.header("connection").has_value())
      << "two different values of one header are ambiguous";
}

// ---- Paths ----------------------------------------------------------------------------------

TEST(RequestPath, MapsPathsToFilesUnderTheRoot) {
  struct Case {
    const char* target;
    const char* path;
    const char* file;
  };
  for (const Case& c :
       {Case{"/", "/", "index.html"}, Case{"/viewer.js?v=2", "/viewer.js", "viewer.js"},
        Case{"/sub/", "/sub/", "sub/index.html"}, Case{"/a%20b.css", "/a b.css", "a b.css"},
        Case{"/%252e%252e/x", "/%2e%2e/x", "%2e%2e/x"},
        Case{"/ws?target=10.0.0.1:22", "/ws", "ws"}}) {
    std::string why;
    const auto parsed = parse_request_path(c.target, &why);
    ASSERT_TRUE(parsed.has_value()) << c.target << ": " << why;
    EXPECT_EQ(parsed->path, c.path) << c.target;
    EXPECT_EQ(parsed->file, c.file) << c.target;
  }
}

TEST(RequestPath, RefusesEveryWayOutOfTheRoot) {
  for (const char* target : {"/..",
                             "/../etc/passwd",
                             "/a/../../etc/passwd",
                             "/%2e%2e/etc/passwd",
                             "/%2E%2E/x",
                             "/.%2e/x",
                             "/a/..%2f..%2fetc%2fpasswd",
                             "/..%5c..%5cwindows",
                             "/..\\x",
                             "/a%00.html",
                             "/a/./b",
                             "//etc/passwd",
                             "/a//b",
                             "/.git/config",
                             "/%2e",
                             "/c:/windows",
                             "/%zz",
                             "/%2",
                             "http://127.0.0.1:10000/ws",
                             "*",
                             ""}) {
    std::string why;
    const auto parsed = parse_request_path(target, &why);
    EXPECT_FALSE(parsed.has_value()) << "\"" << target << "\" was accepted as " << parsed->file;
    EXPECT_FALSE(why.empty()) << target;
  }
}

// ---- MIME types -----------------------------------------------------------------------------

TEST(MimeTypes, NamesTheTypesTheViewerNeeds) {
  EXPECT_STREQ(mime_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_STREQ(mime_type_for("viewer.js"), "text/javascript; charset=utf-8");
  EXPECT_STREQ(mime_type_for("chatkit_wasm.js"), "text/javascript; charset=utf-8");
  EXPECT_STREQ(mime_type_for("viewer.css"), "text/css; charset=utf-8");
  EXPECT_STREQ(mime_type_for("chatkit_wasm.wasm"), "application/wasm");
  EXPECT_STREQ(mime_type_for("docs/viewer.PNG"), "image/png");
  EXPECT_STREQ(mime_type_for("vectors.json"), "application/json");
  EXPECT_STREQ(mime_type_for("icon.svg"), "image/svg+xml");
  EXPECT_STREQ(mime_type_for("README"), "application/octet-stream");
  EXPECT_STREQ(mime_type_for("archive.tar.gz"), "application/octet-stream");
  EXPECT_STREQ(mime_type_for("dir.js/file"), "application/octet-stream");
}

// ---- Origins and Host names -----------------------------------------------------------------

TEST(OriginPolicy, ParsesOriginsAsBrowsersSendThem) {
  const auto origin = parse_origin("HTTP://Teacher-PC.lab:8080/");
  ASSERT_TRUE(origin.has_value());
  EXPECT_EQ(origin->scheme, "http");
  EXPECT_EQ(origin->host, "teacher-pc.lab");
  EXPECT_EQ(origin->port, 8080);
  EXPECT_EQ(origin->to_string(), "http://teacher-pc.lab:8080");
  EXPECT_EQ(parse_origin("http://127.0.0.1")->port, 80);
  EXPECT_EQ(parse_origin("https://[::1]")->to_string(), "https://[::1]");
  for (const char* bad :
       {"null", "127.0.0.1:8080", "ftp://x", "http://", "http://a:0", "http://a:70000",
        "http://a/path", "http://user@a", "http://a:8080x", "http://[zz]:80", "http://a b"}) {
    EXPECT_FALSE(parse_origin(bad).has_value()) << bad;
  }
}

TEST(OriginPolicy, AllowsThePagesOwnOriginAndNoOrigin) {
  const OriginPolicy policy({}, {"teacher-pc"});
  const HostHeader host = *parse_host_header("127.0.0.1:8080");
  std::string why;
  EXPECT_TRUE(policy.origin_allowed(std::string_view("http://127.0.0.1:8080"), host, &why)) << why;
  EXPECT_TRUE(policy.origin_allowed(std::nullopt, host, &why))
      << "non-browser clients send no Origin and are allowed";
  const HostHeader default_port = *parse_host_header("localhost");
  EXPECT_TRUE(policy.origin_allowed(std::string_view("http://LOCALHOST"), default_port, &why))
      << why;
}

TEST(OriginPolicy, RefusesOtherOriginsUnlessAllowed) {
  const HostHeader host = *parse_host_header("127.0.0.1:8080");
  const OriginPolicy strict({}, {});
  std::string why;
  for (const char* origin : {"http://evil.example", "http://127.0.0.1:8081",
                             "https://127.0.0.1:8080", "http://localhost:8080", "null"}) {
    EXPECT_FALSE(strict.origin_allowed(std::string_view(origin), host, &why)) << origin;
    EXPECT_FALSE(why.empty());
  }
  const OriginPolicy allowing({*parse_origin("http://localhost:8080")}, {});
  EXPECT_TRUE(allowing.origin_allowed(std::string_view("http://localhost:8080"), host, &why));
  EXPECT_FALSE(allowing.origin_allowed(std::string_view("http://localhost:9090"), host, &why));
}

TEST(OriginPolicy, AnswersOnlyToAddressesAndItsOwnNamesAgainstDnsRebinding) {
  const OriginPolicy policy({*parse_origin("http://projector.lab:8080")}, {"Teacher-PC"});
  for (const char* host : {"127.0.0.1:8080", "[::1]:8080", "192.0.2.7", "localhost:8080",
                           "teacher-pc:8080", "TEACHER-PC", "projector.lab:8080"}) {
    EXPECT_TRUE(policy.host_allowed(*parse_host_header(host))) << host;
  }
  for (const char* host : {"evil.example:8080", "127.0.0.1.evil.example", "localhost.evil"}) {
    EXPECT_FALSE(policy.host_allowed(*parse_host_header(host))) << host;
  }
  EXPECT_FALSE(parse_host_header("::1:8080").has_value()) << "IPv6 needs brackets";
}

// ---- Responses ------------------------------------------------------------------------------

TEST(HttpResponse, EveryResponseCarriesTheSecurityHeaders) {
  HttpResponse ok;
  ok.content_type = "text/html; charset=utf-8";
  ok.body = "<p>hi</p>";
  for (const HttpResponse& response :
       {ok, error_response(404, "no such file", false), error_response(400, "bad", true)}) {
    const std::string text = serialize(response);
    for (const std::string& header : std::vector<std::string>{
             "Cache-Control: no-store", "X-Content-Type-Options: nosniff",
             std::string("Content-Security-Policy: ") + kContentSecurityPolicy,
             std::string("Content-Length: ") + std::to_string(response.body.size())}) {
      EXPECT_NE(text.find("\r\n" + header + "\r\n"), std::string::npos)
          << "missing \"" << header << "\" in:\n"
          << text;
    }
    EXPECT_EQ(text.substr(text.size() - response.body.size()), response.body);
  }
  // The policy forbids inline and evaluated script: a chat message can never become code.
  const std::string policy = kContentSecurityPolicy;
  EXPECT_NE(policy.find("script-src 'self' 'wasm-unsafe-eval';"), std::string::npos);
  EXPECT_EQ(policy.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(policy.find("'unsafe-eval'"), std::string::npos);
}

TEST(HttpResponse, HeadResponsesKeepTheLengthButDropTheBody) {
  HttpResponse response;
  response.content_type = "application/wasm";
  response.body = std::string(1000, 'x');
  response.head_only = true;
  const std::string text = serialize(response);
  EXPECT_NE(text.find("\r\nContent-Length: 1000\r\n"), std::string::npos) << text;
  EXPECT_EQ(text.substr(text.size() - 4), "\r\n\r\n") << text;
}

// ---- --target -------------------------------------------------------------------------------

TEST(TargetAddress, SplitsHostAndPortIncludingIpv6) {
  std::string host;
  int port = 0;
  std::string why;
  ASSERT_TRUE(split_target("pc7.lab:10000", &host, &port, &why)) << why;
  EXPECT_EQ(host, "pc7.lab");
  EXPECT_EQ(port, 10000);
  ASSERT_TRUE(split_target("[::1]:10125", &host, &port, &why)) << why;
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 10125);
  for (const char* bad : {"10000", "pc7.lab", "pc7.lab:", "::1:10000", "host:99999", ":10000"}) {
    EXPECT_FALSE(split_target(bad, &host, &port, &why)) << bad;
  }
}

}  // namespace
}  // namespace chatkit
