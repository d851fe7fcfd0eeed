#include "tests/bridge/ws_test_client.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

#include "bridge/websocket_handshake.h"
#include "kit/diagnostics/byte_dump.h"

namespace chatkit::testing {
namespace {

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string header_name(std::string_view line) {
  return lowercase(std::string(line.substr(0, line.find(':'))));
}

}  // namespace

int WsFrame::close_code() const {
  if (payload.size() < 2) return 0;
  return (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
}

std::string WsFrame::close_reason() const {
  return payload.size() < 2 ? "" : payload.substr(2);
}

std::string WsFrame::describe() const {
  switch (opcode) {
    case kWsClose:
      return "close " + std::to_string(close_code()) + " \"" + close_reason() + "\"";
    case kWsBinary:
      return "binary " + std::to_string(payload.size()) + " bytes" + (fin ? "" : " (not final)");
    case kWsText:
      return "text \"" + payload + "\"";
    default:
      return "opcode " + std::to_string(opcode) + ", " + std::to_string(payload.size()) + " bytes";
  }
}

std::string encode_ws_frame(std::uint8_t opcode, std::string_view payload, bool fin, bool masked,
                            std::uint32_t mask) {
  std::string out;
  out += static_cast<char>((fin ? 0x80 : 0x00) | (opcode & 0x0F));
  const char mask_bit = masked ? static_cast<char>(0x80) : 0;
  const std::uint64_t size = payload.size();
  if (size < 126) {
    out += static_cast<char>(mask_bit | static_cast<char>(size));
  } else if (size <= 0xFFFF) {
    out += static_cast<char>(mask_bit | 126);
    out += static_cast<char>(size >> 8);
    out += static_cast<char>(size & 0xFF);
  } else {
    out += static_cast<char>(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((size >> shift) & 0xFF);
  }
  if (!masked) {
    out.append(payload);
    return out;
  }
  const char key[4] = {static_cast<char>(mask >> 24), static_cast<char>(mask >> 16),
                       static_cast<char>(mask >> 8), static_cast<char>(mask)};
  out.append(key, 4);
  for (std::size_t i = 0; i < payload.size(); ++i)
    out += static_cast<char>(payload[i] ^ key[i % 4]);
  return out;
}

std::string close_payload(int code, std::string_view reason) {
  std::string out;
  out += static_cast<char>(code >> 8);
  out += static_cast<char>(code & 0xFF);
  out.append(reason);
  return out;
}

std::optional<std::string> HttpReply::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

WsTestClient::WsTestClient(TestLoop& loop, std::uint32_t seed) : client_(loop), random_(seed) {}

bool WsTestClient::fail(const std::string& text) {
  last_error_ = text;
  step("FAILED: " + text);
  return false;
}

void WsTestClient::step(const std::string& text) {
  steps_.push_back(text);
}

std::string WsTestClient::describe() const {
  std::string out = "steps of the WebSocket test client:\n";
  for (const std::string& line : steps_) out += "  " + line + "\n";
  return out;
}

bool WsTestClient::connect(int port) {
  step("connect to 127.0.0.1:" + std::to_string(port));
  if (!client_.connect("127.0.0.1", port)) return fail(client_.last_error());
  return true;
}

std::string WsTestClient::upgrade_request(int port, const std::string& path,
                                          const std::vector<std::string>& extra) {
  unsigned char nonce[16];
  for (unsigned char& byte : nonce) byte = static_cast<unsigned char>(random_());
  unsigned char encoded[25];
  EVP_EncodeBlock(encoded, nonce, sizeof nonce);
  key_ = reinterpret_cast<const char*>(encoded);
  const std::string host = "127.0.0.1:" + std::to_string(port);
  std::vector<std::string> lines = {"Host: " + host,
                                    "Upgrade: websocket",
                                    "Connection: Upgrade",
                                    "Sec-WebSocket-Key: " + key_,
                                    "Sec-WebSocket-Version: 13",
                                    "Origin: http://" + host};
  for (const std::string& line : extra) {
    const bool drop = !line.empty() && line.front() == '-';
    const std::string name = drop ? lowercase(line.substr(1)) : header_name(line);
    lines.erase(std::remove_if(lines.begin(), lines.end(),
                               [&](const std::string& l) { return header_name(l) == name; }),
                lines.end());
    if (!drop) lines.push_back(line);
  }
  std::string request = "GET " + path + " HTTP/1.1\r\n";
  for (const std::string& line : lines) request += line + "\r\n";
  return request + "\r\n";
}

std::optional<HttpReply> WsTestClient::request(std::string_view raw, bool head_only) {
  step("send request: " + std::string(raw.substr(0, raw.find('\r'))));
  if (!client_.send(raw)) {
    fail("sending the request: " + client_.last_error());
    return std::nullopt;
  }
  return read_reply(head_only);
}

std::optional<HttpReply> WsTestClient::read_reply(bool head_only) {
  HttpReply reply;
  // Byte by byte up to the blank line: nothing after the head may be taken from the stream.
  while (reply.head.size() < 4 || reply.head.compare(reply.head.size() - 4, 4, "\r\n\r\n") != 0) {
    const auto byte = client_.read_exact(1);
    if (!byte) {
      fail("reading the response head after \"" + reply.head + "\": " + client_.last_error());
      return std::nullopt;
    }
    reply.head += *byte;
    if (reply.head.size() > 64 * 1024) {
      fail("response head longer than 64 KiB");
      return std::nullopt;
    }
  }
  if (reply.head.compare(0, 9, "HTTP/1.1 ") != 0 || reply.head.size() < 12) {
    fail("not an HTTP/1.1 response:\n" + hex_dump(reply.head));
    return std::nullopt;
  }
  reply.status = std::stoi(reply.head.substr(9, 3));
  std::size_t line_start = reply.head.find("\r\n") + 2;
  while (line_start + 2 < reply.head.size()) {
    const std::size_t line_end = reply.head.find("\r\n", line_start);
    const std::string line = reply.head.substr(line_start, line_end - line_start);
    const std::size_t colon = line.find(':');
    std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    reply.headers.emplace_back(header_name(line), value);
    line_start = line_end + 2;
  }
  step("got " + reply.head.substr(0, reply.head.find('\r')));
  if (reply.status == 101 || head_only) return reply;
  const std::optional<std::string> length = reply.header("content-length");
  if (!length) {
    fail("response without Content-Length:\n" + reply.head);
    return std::nullopt;
  }
  const std::size_t size = std::stoul(*length);
  if (size > 0) {
    const auto body = client_.read_exact(size);
    if (!body) {
      fail("reading a " + *length + "-byte body: " + client_.last_error());
      return std::nullopt;
    }
    reply.body = *body;
  }
  return reply;
}

bool WsTestClient::open(int port, const std::vector<std::string>& extra) {
  if (!connect(port)) return false;
  const std::optional<HttpReply> reply = request(upgrade_request(port, "/ws", extra));
  if (!reply) return false;
  if (reply->status != 101) {
    return fail("expected 101 Switching Protocols, got:\n" + reply->head + reply->body);
  }
  const std::string expected = websocket_accept_key(key_);
  if (reply->header("sec-websocket-accept") != expected) {
    return fail("Sec-WebSocket-Accept is not " + expected + " in:\n" + reply->head);
  }
  return true;
}

std::string WsTestClient::frame(std::uint8_t opcode, std::string_view payload, bool fin) {
  return encode_ws_frame(opcode, payload, fin, /*masked=*/true,
                         static_cast<std::uint32_t>(random_()));
}

bool WsTestClient::send_frame(std::uint8_t opcode, std::string_view payload, bool fin) {
  WsFrame described{fin, opcode, std::string(payload.substr(0, 64))};
  step("send " + described.describe());
  if (!client_.send(frame(opcode, payload, fin))) return fail("send: " + client_.last_error());
  return true;
}

bool WsTestClient::send_close(int code, std::string_view reason) {
  return send_frame(kWsClose, close_payload(code, reason));
}

bool WsTestClient::send_raw(std::string_view bytes) {
  if (!client_.send(bytes)) {
    return fail("sending " + std::to_string(bytes.size()) + " raw bytes: " + client_.last_error());
  }
  return true;
}

std::optional<WsFrame> WsTestClient::read_frame(milliseconds timeout) {
  const auto head = client_.read_exact(2, timeout);
  if (!head) {
    fail("reading a frame header: " + client_.last_error());
    return std::nullopt;
  }
  WsFrame frame;
  const auto byte0 = static_cast<unsigned char>((*head)[0]);
  const auto byte1 = static_cast<unsigned char>((*head)[1]);
  frame.fin = (byte0 & 0x80) != 0;
  frame.opcode = byte0 & 0x0F;
  if ((byte0 & 0x70) != 0 || (byte1 & 0x80) != 0) {
    fail("server frame with reserved bits or a mask (RFC 6455 forbids both):\n" + hex_dump(*head));
    return std::nullopt;
  }
  std::uint64_t size = byte1 & 0x7F;
  const std::size_t extended = size == 126 ? 2 : size == 127 ? 8 : 0;
  if (extended > 0) {
    const auto bytes = client_.read_exact(extended, timeout);
    if (!bytes) {
      fail("reading an extended length: " + client_.last_error());
      return std::nullopt;
    }
    size = 0;
    for (char c : *bytes) size = (size << 8) | static_cast<unsigned char>(c);
  }
  if (size > 0) {
    const auto payload = client_.read_exact(static_cast<std::size_t>(size), timeout);
    if (!payload) {
      fail("reading a " + std::to_string(size) + "-byte payload: " + client_.last_error());
      return std::nullopt;
    }
    frame.payload = *payload;
  }
  step("got " + frame.describe());
  return frame;
}

std::optional<std::string> WsTestClient::read_binary(std::size_t count, milliseconds timeout) {
  std::string data;
  while (data.size() < count) {
    const std::optional<WsFrame> frame = read_frame(timeout);
    if (!frame) return std::nullopt;
    if (frame->opcode != kWsBinary || !frame->fin) {
      fail("expected binary messages for " + std::to_string(count - data.size()) +
           " more bytes, got " + frame->describe() + " after " + std::to_string(data.size()));
      return std::nullopt;
    }
    data += frame->payload;
  }
  if (data.size() > count) {
    fail("expected " + std::to_string(count) + " bytes, got " + std::to_string(data.size()));
    return std::nullopt;
  }
  return data;
}

std::optional<WsFrame> WsTestClient::read_until_close_frame(std::string* data,
                                                            milliseconds timeout) {
  while (true) {
    std::optional<WsFrame> frame = read_frame(timeout);
    if (!frame) return std::nullopt;
    if (frame->opcode == kWsClose) return frame;
    if (frame->opcode == kWsBinary && data != nullptr) *data += frame->payload;
  }
}

}  // namespace chatkit::testing
