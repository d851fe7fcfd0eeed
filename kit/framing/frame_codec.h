// The chat protocol's framing: the course's `socketfuncs`, in C++.
//
// On the wire every message is one frame:
//
//   +--------+--------+--------+--------+------------------------------+
//   | length (4 bytes, unsigned, big-endian = network byte order)       |
//   +--------+--------+--------+--------+------------------------------+
//   | payload: exactly `length` bytes of UTF-8 text, no terminator      |
//   +-------------------------------------------------------------------+
//
// "Hi" is 00 00 00 02 48 69. Nothing else travels on the connection (docs/protocol.md).
//
// This header and its .cc do no I/O and use no libuv, so the same source builds natively and to
// WebAssembly for the browser viewer.
#ifndef CHATKIT_KIT_FRAMING_FRAME_CODEC_H_
#define CHATKIT_KIT_FRAMING_FRAME_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace chatkit {

// Bytes in a frame's length prefix.
inline constexpr std::size_t kFrameHeaderBytes = 4;
// The default limit on a frame's payload: 1 MiB (`--max-message-bytes`).
inline constexpr std::uint32_t kDefaultMaxMessageBytes = 1024 * 1024;

// Writes `length` as 4 big-endian bytes to `out[0..3]`.
void write_frame_header(std::uint32_t length, std::uint8_t* out);
// Reads 4 big-endian bytes from `in[0..3]`.
std::uint32_t read_frame_header(const std::uint8_t* in);

// Appends the frame for `message` (header then payload) to `out`. The caller guarantees that
// `message` is shorter than 4 GiB; the encoder does not check UTF-8 (the decoder does).
void append_frame(std::string_view message, std::string& out);
// Returns the frame for `message`.
std::string encode_frame(std::string_view message);

// Why a FrameDecoder stopped.
enum class FrameError {
  kNone,
  kTooLong,      // The length prefix announced more than the decoder's limit.
  kInvalidUtf8,  // The payload is not well-formed UTF-8.
};

// An incremental frame decoder. Bytes may arrive split at any boundary (TCP keeps no message
// boundaries); the decoder keeps the partial length prefix and payload between calls.
//
// Typical use, for each chunk read from a socket:
//
//   std::size_t used = 0;
//   while (used < size) {
//     used += decoder.feed(data + used, size - used);
//     if (decoder.state() == FrameDecoder::State::kFrameDone) {
//       handle(decoder.message());
//     } else if (decoder.state() == FrameDecoder::State::kFailed) {
//       report(decoder.error_text());
//       break;
//     }
//   }
//
// The decoder never allocates more than its limit for one payload: a frame whose length prefix
// exceeds the limit fails as soon as the four length bytes are in, before any payload arrives.
class FrameDecoder {
 public:
  enum class State {
    kReadingLength,   // length_bytes_read() of 4 prefix bytes are in.
    kReadingPayload,  // payload_bytes_read() of payload_length() payload bytes are in.
    kFrameDone,       // A whole valid frame is in; message() holds it.
    kFailed,          // The stream is unusable; error() says why. Only reset() leaves this state.
  };

  explicit FrameDecoder(std::uint32_t max_message_bytes = kDefaultMaxMessageBytes);

  // Consumes bytes from `data[0..size)` up to the end of the next frame and returns how many it
  // consumed. It stops early when a frame completes (state kFrameDone) or the stream fails
  // (kFailed); feeding again after kFrameDone starts the next frame and invalidates message().
  // Feeding in kFailed consumes nothing and returns 0.
  std::size_t feed(const std::uint8_t* data, std::size_t size);
  std::size_t feed(std::string_view bytes) {
    return feed(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }

  State state() const { return state_; }
  FrameError error() const { return error_; }
  // A sentence for people: what was wrong, with the numbers ("frame length 4294967295 (ff ff ff
  // ff) exceeds the limit of 1048576 bytes"). Empty unless state() is kFailed.
  const std::string& error_text() const { return error_text_; }

  // Progress within the current frame.
  std::size_t length_bytes_read() const { return length_bytes_read_; }
  // The announced payload length; meaningful once the 4 length bytes are in.
  std::uint32_t payload_length() const { return payload_length_; }
  std::size_t payload_bytes_read() const { return payload_bytes_read_; }
  // The 4 length-prefix bytes received so far for the current frame.
  const std::uint8_t* length_bytes() const { return header_; }
  std::uint32_t max_message_bytes() const { return max_message_bytes_; }

  // The completed message, valid until the next call to feed() or reset(). When the whole frame
  // arrived in one feed() call the view points into the caller's buffer (no copy), so the caller
  // keeps that buffer alive while it uses the view.
  std::string_view message() const { return message_; }
  // Total frames completed since construction or the last reset().
  std::uint64_t frames_decoded() const { return frames_decoded_; }

  // Forgets any partial frame and any failure.
  void reset();

 private:
  void fail(FrameError error, std::string text);
  void finish_payload(const std::uint8_t* payload);

  std::uint32_t max_message_bytes_;
  State state_ = State::kReadingLength;
  FrameError error_ = FrameError::kNone;
  std::string error_text_;
  std::uint8_t header_[kFrameHeaderBytes] = {};
  std::size_t length_bytes_read_ = 0;
  std::uint32_t payload_length_ = 0;
  std::size_t payload_bytes_read_ = 0;
  std::string buffer_;  // The payload, when it spans feed() calls.
  std::string_view message_;
  std::uint64_t frames_decoded_ = 0;
};

// A name for the state, for logs and the viewer ("reading length").
const char* to_string(FrameDecoder::State state);

}  // namespace chatkit

#endif  // CHATKIT_KIT_FRAMING_FRAME_CODEC_H_
