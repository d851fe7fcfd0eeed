// The course's framing (socketfuncs.h), written the way stage 1 asks students to write it: the
// length as 4 big-endian bytes, loops until every byte is sent and has arrived, the limit checked
// on the 4 length bytes before any payload is read, and the payload checked as UTF-8.
#include "kit/student/socketfuncs.h"

#include <algorithm>
#include <cstddef>

#include "kit/framing/utf8.h"

namespace socketfuncs {
namespace {

constexpr std::size_t kLengthBytes = 4;

// Receives exactly `count` bytes, or fewer when the peer ends the connection first. One recv()
// returns whatever has arrived, which may be a part of what was sent: so recv() in a loop.
std::string recv_exact(chatkit::Socket& socket, std::size_t count) {
  std::string bytes;
  while (bytes.size() < count) {
    // At most 64 KiB per call: recv() sets aside room for as many bytes as asked for.
    const std::string piece = socket.recv(std::min<std::size_t>(count - bytes.size(), 65536));
    if (piece.empty()) break;  // End of stream: the peer closed its side.
    bytes += piece;
  }
  return bytes;
}

// "00 4c 4b 40": bytes in hex, as a packet capture shows them.
std::string hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string text;
  for (const unsigned char byte : bytes) {
    if (!text.empty()) text += ' ';
    text += kDigits[byte >> 4];
    text += kDigits[byte & 0xf];
  }
  return text;
}

}  // namespace

void send_message(chatkit::Socket& socket, std::string_view text, std::uint32_t max_message_bytes) {
  if (text.size() > max_message_bytes) {
    throw std::invalid_argument("send_message: the message is " + std::to_string(text.size()) +
                                " bytes, over the limit of " + std::to_string(max_message_bytes));
  }
  if (const chatkit::Utf8Check check = chatkit::check_utf8(text); !check.valid) {
    throw std::invalid_argument("send_message: the message is not valid UTF-8 (byte " +
                                std::to_string(check.error_offset) + ")");
  }
  // The length counts bytes, not characters ("é" is 2 bytes), most significant byte first.
  const auto length = static_cast<std::uint32_t>(text.size());
  std::string frame;
  frame += static_cast<char>(length >> 24 & 0xff);
  frame += static_cast<char>(length >> 16 & 0xff);
  frame += static_cast<char>(length >> 8 & 0xff);
  frame += static_cast<char>(length & 0xff);
  frame += text;
  // Header and payload in one send_all: the frame goes out in as few packets as it can.
  socket.send_all(frame);
}

std::string receive_message(chatkit::Socket& socket, std::uint32_t max_message_bytes) {
  const std::string header = recv_exact(socket, kLengthBytes);
  if (header.empty()) return "";  // The peer closed the connection between frames: it is done.
  if (header.size() < kLengthBytes) {
    throw ProtocolError("the connection ended after " + std::to_string(header.size()) +
                        " of the 4 length bytes");
  }
  std::uint32_t length = 0;
  for (const unsigned char byte : header) length = length << 8 | byte;
  // Decided on the length alone, before any payload is read: a peer cannot make this side wait
  // for, or keep, more than the limit.
  if (length > max_message_bytes) {
    throw ProtocolError("a frame of " + std::to_string(length) + " bytes (length bytes " +
                        hex(header) + ") is over the limit of " +
                        std::to_string(max_message_bytes));
  }
  const std::string payload = recv_exact(socket, length);
  if (payload.size() < length) {
    throw ProtocolError("the connection ended after " + std::to_string(payload.size()) +
                        " of the " + std::to_string(length) + " bytes of a message");
  }
  if (const chatkit::Utf8Check check = chatkit::check_utf8(payload); !check.valid) {
    throw ProtocolError(
        "the " + std::to_string(length) + "-byte message is not valid UTF-8: byte " +
        std::to_string(check.error_offset) + " is " + hex(payload.substr(check.error_offset, 1)));
  }
  return payload;
}

}  // namespace socketfuncs
