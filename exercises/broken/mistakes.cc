#include "exercises/broken/mistakes.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "kit/framing/frame_codec.h"
#include "kit/student/socketfuncs.h"

namespace chatkit::broken {

namespace {

const std::pair<const char*, Mistake> kNames[] = {
    {"none", Mistake::kNone},
    {"one-byte-writes", Mistake::kOneByteWrites},
    {"little-endian", Mistake::kLittleEndian},
    {"character-length", Mistake::kCharacterLength},
    {"single-recv", Mistake::kSingleRecv},
    {"missing-count", Mistake::kMissingCount},
    {"binary-count", Mistake::kBinaryCount},
    {"early-close", Mistake::kEarlyClose},
    {"no-timeout", Mistake::kNoTimeout},
    {"never-reads", Mistake::kNeverReads},
    {"no-ack", Mistake::kNoAck},
    {"memory-only", Mistake::kMemoryOnly},
    {"no-ack-wait", Mistake::kNoAckWait},
};

std::string length_bytes(std::uint32_t n, bool little_endian) {
  std::string bytes(4, '\0');
  for (int i = 0; i < 4; ++i) {
    const int shift = little_endian ? 8 * i : 24 - 8 * i;
    bytes[static_cast<std::size_t>(i)] = static_cast<char>((n >> shift) & 0xFF);
  }
  return bytes;
}

std::uint32_t length_value(const std::string& bytes, bool little_endian) {
  std::uint32_t n = 0;
  for (int i = 0; i < 4; ++i) {
    const auto byte =
        static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]));
    n |= byte << (little_endian ? 8 * i : 24 - 8 * i);
  }
  return n;
}

// recv() until `count` bytes have arrived, or the stream ends (then fewer).
std::string receive_exact(Socket& socket, std::size_t count) {
  std::string bytes;
  while (bytes.size() < count) {
    const std::string chunk = socket.recv(count - bytes.size());
    if (chunk.empty()) break;
    bytes += chunk;
  }
  return bytes;
}

}  // namespace

std::vector<std::string> mistake_names() {
  std::vector<std::string> names;
  for (const auto& [name, mistake] : kNames) names.emplace_back(name);
  return names;
}

std::optional<Mistake> mistake_from_name(const std::string& name) {
  for (const auto& [known, mistake] : kNames) {
    if (name == known) return mistake;
  }
  return std::nullopt;
}

void send_frame(Socket& socket, const std::string& text, Mistake mistake) {
  std::uint32_t length = static_cast<std::uint32_t>(text.size());
  if (mistake == Mistake::kCharacterLength) {
    length = static_cast<std::uint32_t>(std::count_if(text.begin(), text.end(), [](char c) {
      return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
  }
  const std::string frame = length_bytes(length, mistake == Mistake::kLittleEndian) + text;
  if (mistake != Mistake::kOneByteWrites) return socket.send_all(frame);
  // The length and the first payload bytes one byte per send, the rest at once: a megabyte one
  // byte at a time would take minutes and show nothing more.
  const std::size_t thin = std::min<std::size_t>(frame.size(), 4 + 256);
  for (std::size_t i = 0; i < thin; ++i) socket.send_all(frame.substr(i, 1));
  if (thin < frame.size()) socket.send_all(std::string_view(frame).substr(thin));
}

std::string receive_frame(Socket& socket, Mistake mistake) {
  if (mistake == Mistake::kSingleRecv) {
    // One receive, whatever it returns, is taken for the whole frame.
    const std::string chunk = socket.recv(1 << 16);
    if (chunk.empty()) return "";
    if (chunk.size() < 4) {
      throw socketfuncs::ProtocolError("a frame shorter than its length prefix");
    }
    return chunk.substr(4, length_value(chunk, false));
  }
  if (mistake != Mistake::kLittleEndian) return socketfuncs::receive_message(socket);
  const std::string header = receive_exact(socket, 4);
  if (header.size() < 4) return "";
  const std::uint32_t length = length_value(header, true);
  if (length > kDefaultMaxMessageBytes) {
    throw socketfuncs::ProtocolError("frame length over the limit");
  }
  return receive_exact(socket, length);
}

}  // namespace chatkit::broken
