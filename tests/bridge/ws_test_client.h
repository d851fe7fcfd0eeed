// WsTestClient: a WebSocket client for the bridge's tests, written by hand on top of TestClient
// so that a test controls every byte: masking (RFC 6455 section 5.3, a fresh key per frame),
// fragmentation, control frames in between, how frames are cut into TCP writes, and frames a
// real browser would never send (text, oversized, unmasked).
//
// Like TestClient, every call is blocking over the shared TestLoop and fails with a reason in
// last_error() rather than hanging; describe() lists the steps so far for failure messages.
#ifndef CHATKIT_TESTS_BRIDGE_WS_TEST_CLIENT_H_
#define CHATKIT_TESTS_BRIDGE_WS_TEST_CLIENT_H_

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/test_client.h"
#include "harness/test_loop.h"

namespace chatkit::testing {

enum WsOpcode : std::uint8_t {
  kWsContinuation = 0x0,
  kWsText = 0x1,
  kWsBinary = 0x2,
  kWsClose = 0x8,
  kWsPing = 0x9,
  kWsPong = 0xA,
};

// One frame as a server sent it.
struct WsFrame {
  bool fin = true;
  std::uint8_t opcode = 0;
  std::string payload;

  // For close frames: the status code (0 when the payload has none) and the reason text.
  int close_code() const;
  std::string close_reason() const;
  // "binary 12 bytes", "close 1000 \"the chat server closed the connection\"".
  std::string describe() const;
};

// The bytes of one client frame: masked with `mask` (4 bytes) unless `masked` is false.
std::string encode_ws_frame(std::uint8_t opcode, std::string_view payload, bool fin, bool masked,
                            std::uint32_t mask);
// A close frame payload: the code big-endian, then the reason.
std::string close_payload(int code, std::string_view reason = "");

struct HttpReply {
  int status = 0;
  std::string head;  // Status line and headers, as received.
  std::vector<std::pair<std::string, std::string>> headers;  // Names lowercased.
  std::string body;
  // The value of header `name` (lowercase), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
};

class WsTestClient {
 public:
  // `seed` drives the masking keys, so a failing run can be repeated.
  explicit WsTestClient(TestLoop& loop, std::uint32_t seed = 1);

  bool connect(int port);
  // An upgrade request for `path` on 127.0.0.1:port with a fresh key and the page's own Origin
  // (http://127.0.0.1:port); `extra` lines ("Origin: ...") replace headers of the same name, and
  // an extra line "-Origin" drops that header.
  std::string upgrade_request(int port, const std::string& path = "/ws",
                              const std::vector<std::string>& extra = {});
  // The Sec-WebSocket-Key of the last upgrade_request().
  const std::string& key() const { return key_; }

  // Sends `raw` (one or more requests) and reads one response: head, then Content-Length bytes
  // of body (none for 101 or when `head_only`).
  std::optional<HttpReply> request(std::string_view raw, bool head_only = false);
  // Reads one more response (a pipelined one).
  std::optional<HttpReply> read_reply(bool head_only = false);
  // connect() and a default upgrade; true on "101" with the right Sec-WebSocket-Accept.
  bool open(int port, const std::vector<std::string>& extra = {});

  bool send_frame(std::uint8_t opcode, std::string_view payload, bool fin = true);
  bool send_binary(std::string_view payload) { return send_frame(kWsBinary, payload); }
  bool send_close(int code, std::string_view reason = "");
  // Sends raw bytes in one write, e.g. a piece of a frame built with frame().
  bool send_raw(std::string_view bytes);
  // Encodes a frame with the next mask key (to send later, perhaps in pieces).
  std::string frame(std::uint8_t opcode, std::string_view payload, bool fin = true);

  std::optional<WsFrame> read_frame(milliseconds timeout = kStepTimeout);
  // Reads binary frames until `count` payload bytes have arrived and returns them. Fails on any
  // other frame (a close says why in last_error()).
  std::optional<std::string> read_binary(std::size_t count, milliseconds timeout = kStepTimeout);
  // Reads frames up to and including a close frame; binary payloads on the way are appended to
  // *data when it is not null.
  std::optional<WsFrame> read_until_close_frame(std::string* data = nullptr,
                                                milliseconds timeout = kStepTimeout);

  TestClient& tcp() { return client_; }
  const std::string& last_error() const { return last_error_; }
  // The steps so far, one per line, for failure messages.
  std::string describe() const;

 private:
  bool fail(const std::string& text);
  void step(const std::string& text);

  TestClient client_;
  std::mt19937 random_;
  std::string key_;
  std::string last_error_;
  std::vector<std::string> steps_;
};

}  // namespace chatkit::testing

#endif  // CHATKIT_TESTS_BRIDGE_WS_TEST_CLIENT_H_
