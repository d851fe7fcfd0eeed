// Stage 1, a reference solution: the course's socketfuncs. The contract is the stage's
// socketfuncs.h (exercises/stage1/cpp/socketfuncs.h); this file is what a student writes.
#include "socketfuncs.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "kit/framing/utf8.h"

namespace socketfuncs {

namespace {

// Receives until `count` bytes have arrived, or the peer closes: then it returns fewer. One
// recv returns whatever has arrived so far, which may be a single byte.
std::string receive_exactly(chatkit::Socket& socket, std::size_t count) {
  std::string bytes;
  while (bytes.size() < count) {
    const std::string chunk = socket.recv(count - bytes.size());
    if (chunk.empty()) break;  // End of stream.
    bytes += chunk;
  }
  return bytes;
}

}  // namespace

void send_message(chatkit::Socket& socket, std::string_view text, std::uint32_t max_message_bytes) {
  if (!chatkit::check_utf8(text).valid) {
    throw std::invalid_argument("the message is not UTF-8 text");
  }
  if (text.size() > max_message_bytes) {
    throw std::invalid_argument("the message is over the limit of " +
                                std::to_string(max_message_bytes) + " bytes");
  }
  const auto n = static_cast<std::uint32_t>(text.size());  // Bytes, not characters.
  std::string frame;
  frame += static_cast<char>(n >> 24);  // Most significant byte first: big-endian.
  frame += static_cast<char>(n >> 16);
  frame += static_cast<char>(n >> 8);
  frame += static_cast<char>(n);
  frame += text;
  socket.send_all(frame);  // send() until every byte has gone.
}

std::string receive_message(chatkit::Socket& socket, std::uint32_t max_message_bytes) {
  const std::string header = receive_exactly(socket, 4);
  if (header.empty()) return "";  // The peer closed: it has nothing more to say.
  if (header.size() < 4) {
    throw ProtocolError("the connection ended after " + std::to_string(header.size()) +
                        " of 4 length bytes");
  }
  std::uint32_t n = 0;
  for (char byte : header) n = n << 8 | static_cast<unsigned char>(byte);
  if (n > max_message_bytes) {  // Before reading any of it.
    throw ProtocolError("a message of " + std::to_string(n) + " bytes is over the limit of " +
                        std::to_string(max_message_bytes));
  }
  std::string text = receive_exactly(socket, n);
  if (text.size() < n) {
    throw ProtocolError("the connection ended after " + std::to_string(text.size()) + " of " +
                        std::to_string(n) + " bytes of the message");
  }
  if (!chatkit::check_utf8(text).valid) throw ProtocolError("the message is not UTF-8 text");
  return text;
}

}  // namespace socketfuncs
