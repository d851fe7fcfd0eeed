// The texts and small value types of ClientSession (client_session.h); the state machine is in
// client_session.cc.
#include "kit/protocol/client_session_text.h"

#include <algorithm>

namespace chatkit {
namespace {

// Enough to show what went wrong without flooding a terminal with a 1 MiB frame.
constexpr std::size_t kMaxDumpBytes = 64;
constexpr std::size_t kMaxCountDigits = 18;  // As parse_count() allows: fits 64 bits.

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

int seems_to_run(StageSign sign) {
  switch (sign) {
    case StageSign::kNone:
      return 0;
    case StageSign::kNoCountLikeStage1:
      return 1;
    case StageSign::kClosedWithoutAckStage2:
    case StageSign::kCountForPostLikeStage2:
      return 2;
    case StageSign::kAckForHistoryLikeStage3:
    case StageSign::kPostsInHistoryLikeStage3:
    case StageSign::kAckForMessageLikeStage3:
      return 3;
  }
  return 0;
}

std::string seems_to_run_text(StageSign sign) {
  return "it seems to run stage " + std::to_string(seems_to_run(sign));
}

bool shaped_like_post(std::string_view payload) {
  if (payload.empty() || payload.front() != '[') return false;
  const std::size_t end = payload.find("] ");
  return end != std::string_view::npos &&
         payload.substr(1, end - 1).find(' ') != std::string_view::npos;
}

std::string indented_bytes(std::string_view bytes, std::size_t mark) {
  std::string dump = hex_dump(bytes, mark, kMaxDumpBytes, "  ");
  if (!dump.empty() && dump.back() == '\n') dump.pop_back();
  return dump;
}

std::string explain_invalid_count(std::string_view payload, std::string* details) {
  details->clear();
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
  *details = ":\n" + indented_bytes(payload, offset);
  // The classic mistake is sending the count as a binary integer (00 00 00 03), which is valid
  // UTF-8 and so passes the frame decoder; say so when the bytes look like it.
  const bool looks_binary = std::any_of(
      payload.begin(), payload.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  if (looks_binary) {
    *details +=
        "\n  (was the count sent as a binary integer? It travels as text: the frame \"3\".)";
  }
  return "the history count must be decimal text, like \"3\", but byte " + std::to_string(offset) +
         " of its " + std::to_string(payload.size()) + "-byte payload is not a digit";
}

std::string ClientFailure::describe(std::string_view remedy) const {
  std::string text = headline;
  if (sign != StageSign::kNone) text += remedy;
  text += details;
  return text;
}

bool ClientFailure::operator==(const ClientFailure& other) const {
  return error == other.error && phase == other.phase && sign == other.sign &&
         headline == other.headline && details == other.details;
}

bool ClientEvent::operator==(const ClientEvent& other) const {
  return kind == other.kind && history == other.history && count == other.count &&
         number == other.number && text == other.text && frame == other.frame &&
         failure == other.failure;
}

const char* to_string(ClientPhase phase) {
  switch (phase) {
    case ClientPhase::kAwaitingCount:
      return "awaiting count";
    case ClientPhase::kReadingItems:
      return "reading items";
    case ClientPhase::kReadyToSend:
      return "ready to send";
    case ClientPhase::kAwaitingAck:
      return "awaiting acknowledgement";
    case ClientPhase::kAwaitingClose:
      return "awaiting close";
    case ClientPhase::kEnded:
      return "ended";
    case ClientPhase::kFailed:
      return "failed";
  }
  return "unknown";
}

const char* to_string(ClientEvent::Kind kind) {
  switch (kind) {
    case ClientEvent::Kind::kCount:
      return "count";
    case ClientEvent::Kind::kItem:
      return "item";
    case ClientEvent::Kind::kHistoryComplete:
      return "history complete";
    case ClientEvent::Kind::kAcknowledged:
      return "acknowledged";
    case ClientEvent::Kind::kEnded:
      return "ended";
    case ClientEvent::Kind::kFailed:
      return "failed";
  }
  return "unknown";
}

const char* to_string(ClientError error) {
  switch (error) {
    case ClientError::kNone:
      return "none";
    case ClientError::kCountNotDecimal:
      return "count not decimal";
    case ClientError::kEmptyItem:
      return "empty item";
    case ClientError::kFrameTooLong:
      return "frame too long";
    case ClientError::kInvalidUtf8:
      return "invalid UTF-8";
    case ClientError::kTruncatedFrame:
      return "truncated frame";
    case ClientError::kBytesAfterEnd:
      return "bytes after the end";
    case ClientError::kClosedEarly:
      return "closed early";
    case ClientError::kNotAcknowledged:
      return "not acknowledged";
    case ClientError::kUnexpectedReply:
      return "unexpected reply";
    case ClientError::kNoCount:
      return "no count";
    case ClientError::kTimedOut:
      return "timed out";
    case ClientError::kHistoryNotSent:
      return "history not sent";
    case ClientError::kConnectionLost:
      return "connection lost";
  }
  return "unknown";
}

}  // namespace chatkit
