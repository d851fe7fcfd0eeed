#include "kit/framing/frame_codec.h"

#include <algorithm>
#include <cassert>
#include <cstdio>

#include "kit/framing/utf8.h"

namespace chatkit {

void write_frame_header(std::uint32_t length, std::uint8_t* out) {
  // Shifts, not memcpy of a host integer: the wire order is big-endian whatever the CPU's is.
  out[0] = static_cast<std::uint8_t>(length >> 24);
  out[1] = static_cast<std::uint8_t>(length >> 16);
  out[2] = static_cast<std::uint8_t>(length >> 8);
  out[3] = static_cast<std::uint8_t>(length);
}

std::uint32_t read_frame_header(const std::uint8_t* in) {
  return (std::uint32_t{in[0]} << 24) | (std::uint32_t{in[1]} << 16) | (std::uint32_t{in[2]} << 8) |
         std::uint32_t{in[3]};
}

void append_frame(std::string_view message, std::string& out) {
  assert(message.size() <= 0xFFFFFFFFu && "a frame's payload must fit its 32-bit length");
  std::uint8_t header[kFrameHeaderBytes];
  write_frame_header(static_cast<std::uint32_t>(message.size()), header);
  out.reserve(out.size() + kFrameHeaderBytes + message.size());
  out.append(reinterpret_cast<const char*>(header), kFrameHeaderBytes);
  out.append(message.data(), message.size());
}

std::string encode_frame(std::string_view message) {
  std::string frame;
  append_frame(message, frame);
  return frame;
}

FrameDecoder::FrameDecoder(std::uint32_t max_message_bytes)
    : max_message_bytes_(max_message_bytes) {}

void FrameDecoder::reset() {
  state_ = State::kReadingLength;
  error_ = FrameError::kNone;
  error_text_.clear();
  length_bytes_read_ = 0;
  payload_length_ = 0;
  payload_bytes_read_ = 0;
  buffer_.clear();
  message_ = {};
  frames_decoded_ = 0;
}

void FrameDecoder::fail(FrameError error, std::string text) {
  state_ = State::kFailed;
  error_ = error;
  error_text_ = std::move(text);
  message_ = {};
  buffer_.clear();
  buffer_.shrink_to_fit();
}

void FrameDecoder::finish_payload(const std::uint8_t* payload) {
  const Utf8Check check = check_utf8(payload, payload_length_);
  if (!check.valid) {
    char text[160];
    std::snprintf(text, sizeof text,
                  "payload of %u bytes is not valid UTF-8: ill-formed sequence at payload byte %zu "
                  "(0x%02x)",
                  payload_length_, check.error_offset, payload[check.error_offset]);
    fail(FrameError::kInvalidUtf8, text);
    return;
  }
  message_ = std::string_view(reinterpret_cast<const char*>(payload), payload_length_);
  state_ = State::kFrameDone;
  ++frames_decoded_;
}

std::size_t FrameDecoder::feed(const std::uint8_t* data, std::size_t size) {
  if (state_ == State::kFailed) return 0;
  if (state_ == State::kFrameDone) {
    // The previous frame was handed out; start the next one.
    state_ = State::kReadingLength;
    length_bytes_read_ = 0;
    payload_length_ = 0;
    payload_bytes_read_ = 0;
    buffer_.clear();
    message_ = {};
  }

  std::size_t used = 0;
  if (state_ == State::kReadingLength) {
    const std::size_t take = std::min(size, kFrameHeaderBytes - length_bytes_read_);
    std::copy(data, data + take, header_ + length_bytes_read_);
    length_bytes_read_ += take;
    used += take;
    if (length_bytes_read_ < kFrameHeaderBytes) return used;

    payload_length_ = read_frame_header(header_);
    if (payload_length_ > max_message_bytes_) {
      char text[160];
      std::snprintf(
          text, sizeof text, "frame length %u (%02x %02x %02x %02x) exceeds the limit of %u bytes",
          payload_length_, header_[0], header_[1], header_[2], header_[3], max_message_bytes_);
      fail(FrameError::kTooLong, text);
      return used;
    }
    state_ = State::kReadingPayload;
  }

  assert(state_ == State::kReadingPayload);
  const std::size_t missing = payload_length_ - payload_bytes_read_;
  const std::size_t take = std::min(size - used, missing);
  if (payload_bytes_read_ == 0 && take == missing) {
    // The whole payload is in this chunk: validate and hand it out in place, without a copy.
    payload_bytes_read_ = take;
    finish_payload(data + used);
    return used + take;
  }
  // No reserve(payload_length_) up front: a peer that announces 1 MiB and then stalls must not
  // make us hold 1 MiB for bytes it never sent. append() grows geometrically instead.
  buffer_.append(reinterpret_cast<const char*>(data + used), take);
  payload_bytes_read_ += take;
  used += take;
  if (payload_bytes_read_ == payload_length_) {
    finish_payload(reinterpret_cast<const std::uint8_t*>(buffer_.data()));
  }
  return used;
}

const char* to_string(FrameDecoder::State state) {
  switch (state) {
    case FrameDecoder::State::kReadingLength:
      return "reading length";
    case FrameDecoder::State::kReadingPayload:
      return "reading payload";
    case FrameDecoder::State::kFrameDone:
      return "frame done";
    case FrameDecoder::State::kFailed:
      return "failed";
  }
  return "unknown";
}

}  // namespace chatkit
