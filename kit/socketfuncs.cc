#include "kit/socketfuncs.h"

#include <cassert>

#include "kit/framing/utf8.h"

namespace chatkit {

void send_message(Socket& socket, std::string_view text, std::uint32_t max_message_bytes) {
  if (text.size() > max_message_bytes) {
    throw std::invalid_argument("send_message: the message is " + std::to_string(text.size()) +
                                " bytes, more than the limit of " +
                                std::to_string(max_message_bytes));
  }
  if (const Utf8Check check = check_utf8(text); !check.valid) {
    throw std::invalid_argument("send_message: the message is not valid UTF-8 (byte " +
                                std::to_string(check.error_offset) + ")");
  }
  // Header and payload in one send: the frame leaves in as few packets as possible.
  socket.send_all(encode_frame(text));
}

std::string receive_message(Socket& socket, std::uint32_t max_message_bytes) {
  FrameDecoder decoder(max_message_bytes);
  // The length first: exactly 4 bytes, however many pieces they arrive in.
  const std::string header = socket.receive_exact(kFrameHeaderBytes);
  if (header.empty()) return "";  // End of stream before a frame: the peer is done.
  if (header.size() < kFrameHeaderBytes) {
    throw ProtocolError("connection closed after " + std::to_string(header.size()) + " of the " +
                        std::to_string(kFrameHeaderBytes) + " bytes of a length prefix");
  }
  decoder.feed(header);
  if (decoder.state() == FrameDecoder::State::kFailed) throw ProtocolError(decoder.error_text());
  if (decoder.state() == FrameDecoder::State::kFrameDone) return "";  // Length 0.

  // Then exactly the payload. The decoder has checked the length against the limit already, so
  // a peer cannot make us wait for (or buffer) more than max_message_bytes.
  const std::uint32_t length = decoder.payload_length();
  const std::string payload = socket.receive_exact(length);
  if (payload.size() < length) {
    throw ProtocolError("connection closed after " + std::to_string(payload.size()) + " of the " +
                        std::to_string(length) + " bytes of a payload");
  }
  decoder.feed(payload);
  if (decoder.state() == FrameDecoder::State::kFailed) throw ProtocolError(decoder.error_text());
  assert(decoder.state() == FrameDecoder::State::kFrameDone);
  return payload;
}

}  // namespace chatkit
