#include "kit/protocol/client_session.h"

#include <cassert>
#include <utility>

#include "kit/protocol/client_session_text.h"
#include "kit/protocol/post.h"

namespace chatkit {
namespace {

using Phase = ClientPhase;

[[maybe_unused]] bool allowed(Phase from, Phase to) {
  if (to == Phase::kFailed) return from != Phase::kEnded && from != Phase::kFailed;
  switch (from) {
    case Phase::kAwaitingCount:
      return to == Phase::kReadingItems || to == Phase::kReadyToSend || to == Phase::kAwaitingClose;
    case Phase::kReadingItems:
      return to == Phase::kReadyToSend || to == Phase::kAwaitingClose;
    case Phase::kReadyToSend:
      return to == Phase::kAwaitingCount || to == Phase::kAwaitingAck ||
             to == Phase::kAwaitingClose;
    case Phase::kAwaitingAck:
      return to == Phase::kAwaitingClose;
    case Phase::kAwaitingClose:
      return to == Phase::kEnded;
    case Phase::kEnded:
    case Phase::kFailed:
      return false;
  }
  return false;
}

}  // namespace

ClientSession::ClientSession(Stage stage, std::uint32_t max_message_bytes)
    : stage_(stage),
      decoder_(max_message_bytes),
      phase_(stage == Stage::kSendOnly ? Phase::kReadyToSend : Phase::kAwaitingCount) {}

void ClientSession::transition_to(Phase next) {
  assert(allowed(phase_, next) && "a ClientSession transition the protocol does not have");
  phase_ = next;
}

void ClientSession::emit(ClientEvent event) {
  events_.push_back(std::move(event));
}

std::vector<ClientEvent> ClientSession::take_events() {
  std::vector<ClientEvent> events;
  events.swap(events_);
  return events;
}

std::int64_t ClientSession::current_frame() const {
  // Called while a frame is done or has failed: it is the decoder's latest.
  const std::uint64_t done = decoder_.frames_decoded();
  return decoder_.state() == FrameDecoder::State::kFrameDone ? static_cast<std::int64_t>(done) - 1
                                                             : static_cast<std::int64_t>(done);
}

void ClientSession::fail(ClientError error, StageSign sign, std::string headline,
                         std::string details, std::int64_t frame) {
  failure_.error = error;
  failure_.phase = phase_;
  failure_.sign = sign;
  failure_.headline = std::move(headline);
  failure_.details = std::move(details);
  transition_to(Phase::kFailed);
  ClientEvent event;
  event.kind = ClientEvent::Kind::kFailed;
  event.frame = frame;
  event.failure = failure_;
  emit(std::move(event));
}

void ClientSession::on_bytes(const char* data, std::size_t size) {
  if (over()) return;
  bytes_received_ += size;
  std::size_t used = 0;
  while (used < size && !over()) {
    used += decoder_.feed(reinterpret_cast<const std::uint8_t*>(data + used), size - used);
    if (decoder_.state() == FrameDecoder::State::kFrameDone) {
      on_frame(decoder_.message());
    } else if (decoder_.state() == FrameDecoder::State::kFailed) {
      on_decoder_failed();
    }
  }
}

void ClientSession::on_decoder_failed() {
  const ClientError error = decoder_.error() == FrameError::kTooLong ? ClientError::kFrameTooLong
                                                                     : ClientError::kInvalidUtf8;
  const std::string prefix = phase_ == Phase::kAwaitingAck
                                 ? "post sent but not acknowledged: bad reply: "
                                 : "protocol error: ";
  fail(error, StageSign::kNone, prefix + decoder_.error_text(), "", current_frame());
}

void ClientSession::on_frame(std::string_view payload) {
  switch (phase_) {
    case Phase::kAwaitingCount:
      on_count_frame(payload);
      return;
    case Phase::kReadingItems:
      on_item_frame(payload);
      return;
    case Phase::kAwaitingAck:
      on_ack_frame(payload);
      return;
    case Phase::kReadyToSend:
    case Phase::kAwaitingClose:
      on_frame_not_owed(payload);
      return;
    case Phase::kEnded:
    case Phase::kFailed:
      break;
  }
  assert(false && "on_frame() after the end");
}

void ClientSession::on_count_frame(std::string_view payload) {
  const std::optional<std::uint64_t> count = parse_count(payload);
  if (!count) {
    if (history_ == 2 && parse_post(payload)) {
      // A stage-3 server takes `history` for a post like any other and acknowledges it.
      fail(ClientError::kUnexpectedReply, StageSign::kAckForHistoryLikeStage3,
           "the server answered `history` with an acknowledgement, the post \"" +
               std::string(payload) +
               "\", instead of the history count, as a stage-3 server does (it stored `history` "
               "as a post): " +
               seems_to_run_text(StageSign::kAckForHistoryLikeStage3),
           "", current_frame());
      return;
    }
    std::string details;
    std::string headline = explain_invalid_count(payload, &details);
    fail(ClientError::kCountNotDecimal, StageSign::kNone, "protocol error: " + headline,
         std::move(details), current_frame());
    return;
  }
  count_ = *count;
  items_received_ = 0;
  ClientEvent event;
  event.kind = ClientEvent::Kind::kCount;
  event.history = history_;
  event.count = count_;
  event.frame = current_frame();
  emit(std::move(event));
  if (count_ == 0) {
    history_complete();
  } else {
    transition_to(Phase::kReadingItems);
  }
}

void ClientSession::on_item_frame(std::string_view payload) {
  const std::uint64_t number = items_received_ + 1;
  if (payload.empty()) {
    fail(ClientError::kEmptyItem, StageSign::kNone,
         "protocol error: history item " + std::to_string(number) + " of " +
             std::to_string(count_) +
             " is the empty message, which no server stores (docs/protocol.md, section 3.1)",
         "", current_frame());
    return;
  }
  items_received_ = number;
  if (history_ == 1) note_first_history_item(payload);
  ClientEvent event;
  event.kind = ClientEvent::Kind::kItem;
  event.history = history_;
  event.count = count_;
  event.number = number;
  event.text = std::string(payload);
  event.frame = current_frame();
  emit(std::move(event));
  if (items_received_ == count_) history_complete();
}

void ClientSession::history_complete() {
  ClientEvent event;
  event.kind = ClientEvent::Kind::kHistoryComplete;
  event.history = history_;
  event.count = count_;
  event.frame = current_frame();
  emit(std::move(event));
  transition_to(history_ == 1 ? Phase::kReadyToSend : Phase::kAwaitingClose);
}

void ClientSession::on_ack_frame(std::string_view payload) {
  if (parse_count(payload)) {
    // Digits only can never be a post, which starts with '['.
    fail(ClientError::kUnexpectedReply, StageSign::kCountForPostLikeStage2,
         "post sent but not acknowledged: the reply \"" + std::string(payload) +
             "\" is a history count, not the stored post, as a stage-2 server answers "
             "`history`: " +
             seems_to_run_text(StageSign::kCountForPostLikeStage2),
         "", current_frame());
    return;
  }
  ClientEvent event;
  event.kind = ClientEvent::Kind::kAcknowledged;
  event.text = std::string(payload);
  event.frame = current_frame();
  emit(std::move(event));
  transition_to(Phase::kAwaitingClose);
}

void ClientSession::on_frame_not_owed(std::string_view payload) {
  std::string when;
  StageSign sign = StageSign::kNone;
  if (stage_ == Stage::kSendOnly) {
    when =
        ", but a stage-1 server sends nothing (a stage-2 or stage-3 server sends its history "
        "first)";
  } else if (phase_ == Phase::kReadyToSend) {
    when = " after the history it announced";
  } else if (stage_ == Stage::kPersisted && message_ && message_->empty()) {
    when = " in reply to an empty message, which gets none";
  } else if (stage_ == Stage::kPersisted) {
    when = " after the acknowledgement, the last frame it owed";
  } else if (history_ == 2) {
    when = " after the history `history` asked for, the last frame it owed";
  } else {
    when = " after the message, which gets no reply";
    if (parse_post(payload)) {
      sign = StageSign::kAckForMessageLikeStage3;
      when += ": a stage-3 post, as a stage-3 server acknowledges every message: " +
              seems_to_run_text(sign);
    }
  }
  fail(ClientError::kBytesAfterEnd, sign, "protocol error: the server sent a frame" + when,
       ":\n" + indented_bytes(payload), current_frame());
}

void ClientSession::note_first_history_item(std::string_view payload) {
  ++first_items_;
  // parse_post() is strict (the time must carry microseconds and the UTC offset): only chatkit's
  // posts count as proof of a stage-3 server, which may make the client hold back a message.
  // Only plain text counts as a sign of stage 2.
  if (parse_post(payload)) ++first_posts_;
  if (shaped_like_post(payload)) {
    ++first_post_shaped_;
  } else if (first_plain_.empty()) {
    first_plain_ =
        "history item " + std::to_string(items_received_) + " of " + std::to_string(count_) +
        " is not a stage-3 post \"[<time> <host>] <message>\":\n" + indented_bytes(payload);
  }
}

std::string ClientSession::history_progress() const {
  if (phase_ == Phase::kAwaitingCount) return "before the history count arrived";
  return "after " + std::to_string(items_received_) + " of " + std::to_string(count_) +
         " history items";
}

std::optional<std::string> ClientSession::send_message(std::string_view message) {
  assert(phase_ == Phase::kReadyToSend && "send_message() only when it is the client's turn");
  const bool history_command = stage_ == Stage::kHistory && message == kHistoryCommand;
  if (history_command && first_items_ > 0 && first_posts_ == first_items_) {
    // Sent to a stage-3 server, `history` would be stored for good as a post.
    fail(ClientError::kHistoryNotSent, StageSign::kPostsInHistoryLikeStage3,
         "`history` not sent: every history item is a stage-3 post \"[<time> <host>] "
         "<message>\", and a stage-3 server would store `history` as a post: " +
             seems_to_run_text(StageSign::kPostsInHistoryLikeStage3));
    return std::nullopt;
  }
  message_ = std::string(message);
  if (history_command) {
    history_ = 2;
    count_ = 0;
    items_received_ = 0;
    transition_to(Phase::kAwaitingCount);
  } else if (stage_ == Stage::kPersisted && !message.empty()) {
    transition_to(Phase::kAwaitingAck);
  } else {
    transition_to(Phase::kAwaitingClose);
  }
  return encode_frame(message);
}

void ClientSession::send_nothing() {
  assert(phase_ == Phase::kReadyToSend && "send_nothing() only when it is the client's turn");
  transition_to(Phase::kAwaitingClose);
}

}  // namespace chatkit
