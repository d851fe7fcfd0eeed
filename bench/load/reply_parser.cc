#include "bench/load/reply_parser.h"

#include <algorithm>
#include <cassert>

#include "kit/framing/frame_codec.h"
#include "kit/protocol/stage.h"

namespace chatkit {
namespace {

// parse_count() accepts at most 18 digits: a longer count frame is refused before it is kept.
constexpr std::uint32_t kMaxCountBytes = 18;

}  // namespace

ReplyParser::ReplyParser(std::uint32_t max_message_bytes) : max_message_bytes_(max_message_bytes) {}

void ReplyParser::fail(std::string reason) {
  phase_ = Phase::kFailed;
  error_ = std::move(reason);
}

void ReplyParser::message_sent(bool expect_ack) {
  assert(phase_ == Phase::kQuiet);
  phase_ = expect_ack ? Phase::kAck : Phase::kComplete;
}

std::size_t ReplyParser::skip_items(const std::uint8_t* data, std::size_t size) {
  // The loop every history byte goes through: one header read and one bounds check per item.
  std::size_t used = 0;
  while (items_left_ > 0 && size - used >= kFrameHeaderBytes) {
    const std::uint32_t length = read_frame_header(data + used);
    if (length > max_message_bytes_) break;  // The slow path reports it.
    const std::size_t frame = kFrameHeaderBytes + std::size_t{length};
    if (size - used < frame) break;
    used += frame;
    --items_left_;
  }
  history_bytes_ += used;
  if (items_left_ == 0) phase_ = Phase::kQuiet;
  return used;
}

void ReplyParser::start_payload() {
  const std::uint32_t length = read_frame_header(header_);
  header_have_ = 0;
  if (length > max_message_bytes_) {
    fail("a frame announces " + std::to_string(length) + " bytes, over the limit of " +
         std::to_string(max_message_bytes_));
    return;
  }
  if (phase_ == Phase::kCount && length > kMaxCountBytes) {
    fail("the count frame is " + std::to_string(length) +
         " bytes long: not a decimal count of at most 18 digits");
    return;
  }
  kept_.clear();
  payload_left_ = length;
  in_payload_ = true;
  if (length == 0) finish_frame();
}

void ReplyParser::finish_frame() {
  in_payload_ = false;
  switch (phase_) {
    case Phase::kCount: {
      const auto count = parse_count(kept_);
      if (!count) {
        fail("the count frame \"" + kept_ + "\" is not decimal text");
        return;
      }
      count_ = *count;
      items_left_ = count_;
      phase_ = items_left_ == 0 ? Phase::kQuiet : Phase::kHistory;
      return;
    }
    case Phase::kHistory:
      if (--items_left_ == 0) phase_ = Phase::kQuiet;
      return;
    case Phase::kAck:
      phase_ = Phase::kComplete;
      return;
    case Phase::kQuiet:
    case Phase::kComplete:
    case Phase::kFailed:
      break;
  }
  assert(false && "finish_frame outside a frame");
}

void ReplyParser::feed(const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    const bool counts_as_history = phase_ == Phase::kCount || phase_ == Phase::kHistory;
    if (in_payload_) {
      const std::size_t take = std::min<std::size_t>(size, payload_left_);
      // Only the count and the acknowledgement are kept; item payloads are skipped.
      if (phase_ != Phase::kHistory) kept_.append(reinterpret_cast<const char*>(data), take);
      if (counts_as_history) history_bytes_ += take;
      data += take;
      size -= take;
      payload_left_ -= static_cast<std::uint32_t>(take);
      if (payload_left_ == 0) finish_frame();
      continue;
    }
    switch (phase_) {
      case Phase::kQuiet:
        fail(std::to_string(size) + " unexpected bytes after the history, before the message");
        return;
      case Phase::kComplete:
        fail(std::to_string(size) + " unexpected bytes after the last frame");
        return;
      case Phase::kFailed:
        return;
      case Phase::kHistory:
        if (header_have_ == 0) {
          const std::size_t used = skip_items(data, size);
          data += used;
          size -= used;
          if (size == 0 || phase_ != Phase::kHistory) continue;
        }
        break;
      case Phase::kCount:
      case Phase::kAck:
        break;
    }
    // A frame's length prefix, possibly split across reads.
    const std::size_t take = std::min(size, kFrameHeaderBytes - header_have_);
    std::copy(data, data + take, header_ + header_have_);
    header_have_ += take;
    if (counts_as_history) history_bytes_ += take;
    data += take;
    size -= take;
    if (header_have_ == kFrameHeaderBytes) start_payload();
  }
}

const char* to_string(ReplyParser::Phase phase) {
  switch (phase) {
    case ReplyParser::Phase::kCount:
      return "waiting for the count";
    case ReplyParser::Phase::kHistory:
      return "reading the history";
    case ReplyParser::Phase::kQuiet:
      return "history complete";
    case ReplyParser::Phase::kAck:
      return "waiting for the acknowledgement";
    case ReplyParser::Phase::kComplete:
      return "complete";
    case ReplyParser::Phase::kFailed:
      return "failed";
  }
  return "unknown";
}

}  // namespace chatkit
