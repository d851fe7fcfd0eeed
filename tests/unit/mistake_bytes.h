// What the mistake recognisers' tests (tests/unit/*mistake*_test.cc) build their bytes with: the
// frames of the course's programs, right and with each mistake of exercises/broken/mistakes.cc.
#ifndef CHATKIT_TESTS_UNIT_MISTAKE_BYTES_H_
#define CHATKIT_TESTS_UNIT_MISTAKE_BYTES_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "kit/diagnostics/mistakes.h"
#include "kit/framing/frame_codec.h"

namespace chatkit::mistake_bytes {

constexpr std::uint32_t kMax = kDefaultMaxMessageBytes;

inline std::string frames(const std::vector<std::string>& messages) {
  std::string bytes;
  for (const std::string& message : messages) bytes += encode_frame(message);
  return bytes;
}

inline std::string length_bytes(std::uint32_t n, bool little_endian) {
  std::string bytes(4, '\0');
  for (int i = 0; i < 4; ++i) {
    const int shift = little_endian ? 8 * i : 24 - 8 * i;
    bytes[static_cast<std::size_t>(i)] = static_cast<char>((n >> shift) & 0xFF);
  }
  return bytes;
}

// The frame broken-client --mistake little-endian and stage1.py's little-endian client send.
inline std::string little_endian_frame(const std::string& text) {
  return length_bytes(static_cast<std::uint32_t>(text.size()), true) + text;
}

// The frame of --mistake character-length: the length counts code points.
inline std::string character_frame(const std::string& text) {
  std::uint32_t characters = 0;
  for (const char c : text) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return length_bytes(characters, false) + text;
}

inline Diagnosis client(const std::string& bytes, Stage stage = Stage::kSendOnly,
                        StreamEnd end = StreamEnd::kClosed, bool complete = true) {
  return diagnose_stream(bytes, Sender::kClient, stage, end, complete, kMax);
}

inline Diagnosis server(const std::string& bytes, Stage stage = Stage::kHistory,
                        StreamEnd end = StreamEnd::kClosed, bool complete = true) {
  return diagnose_stream(bytes, Sender::kServer, stage, end, complete, kMax);
}

#define EXPECT_MISTAKE(expected, diagnosis)                                                      \
  do {                                                                                           \
    const Diagnosis d_ = (diagnosis);                                                            \
    EXPECT_EQ(std::string(mistake_id(expected)), mistake_id(d_.mistake)) << "what: " << d_.what; \
  } while (false)

}  // namespace chatkit::mistake_bytes

#endif  // CHATKIT_TESTS_UNIT_MISTAKE_BYTES_H_
