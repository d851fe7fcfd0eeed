#include "client/history_receiver.h"

#include <algorithm>
#include <cassert>
#include <optional>
#include <string>

#include "client/message.h"
#include "kit/protocol/stage.h"

namespace chatkit {
namespace {

constexpr std::size_t kMaxCountDigits = 18;  // As parse_count() allows: fits 64 bits.

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

HistoryReceiver::FrameKind HistoryReceiver::add_frame(std::string_view payload) {
  assert(!complete() && error_.empty() && "the history is over; reset() before the next one");
  if (has_count_) {
    ++items_received_;
    return FrameKind::kItem;
  }
  const std::optional<std::uint64_t> count = parse_count(payload);
  if (!count) {
    error_ = explain_invalid_count(payload);
    return FrameKind::kInvalid;
  }
  has_count_ = true;
  count_ = *count;
  return FrameKind::kCount;
}

std::string HistoryReceiver::progress() const {
  if (!has_count_) return "before the history count arrived";
  return "after " + std::to_string(items_received_) + " of " + std::to_string(count_) +
         " history items";
}

void HistoryReceiver::reset() {
  *this = HistoryReceiver();
}

std::string explain_invalid_count(std::string_view payload) {
  if (payload.empty()) {
    return "the history count frame is empty; it should hold the count as decimal text, like "
           "\"3\"";
  }
  const auto not_digit = std::find_if_not(payload.begin(), payload.end(), is_digit);
  if (not_digit == payload.end()) {
    return "the history count has " + std::to_string(payload.size()) + " digits; at most " +
           std::to_string(kMaxCountDigits) + " are allowed";
  }
  const auto offset = static_cast<std::size_t>(not_digit - payload.begin());
  std::string text = "the history count must be decimal text, like \"3\", but byte " +
                     std::to_string(offset) + " of its " + std::to_string(payload.size()) +
                     "-byte payload is not a digit:\n" + indented_dump(payload, offset);
  // The classic mistake is sending the count as a binary integer (00 00 00 03), which is valid
  // UTF-8 and so passes the frame decoder; say so when the bytes look like it.
  const bool looks_binary = std::any_of(
      payload.begin(), payload.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  if (looks_binary) {
    text += "\n  (was the count sent as a binary integer? It travels as text: the frame \"3\".)";
  }
  return text;
}

}  // namespace chatkit
