// ChatClient, the server's side of the conversation: the history frames, the reply to the
// message, and the end of the stream, with what they show about the server's stage. The steps
// of the conversation are in chat_client.cc.
#include <iostream>
#include <string>

#include "client/chat_client.h"
#include "client/message.h"
#include "kit/protocol/post.h"

namespace chatkit {

// Returns false when the frame ended the conversation.
bool ChatClient::take_history_frame(std::string_view payload) {
  switch (history_.add_frame(payload)) {
    case HistoryReceiver::FrameKind::kInvalid:
      if (reply_ == Reply::kHistory && parse_post(payload)) {
        // A stage-3 server takes `history` for a post like any other and acknowledges it.
        finish(kExitFailure, "the server answered `history` with an acknowledgement, the post \"" +
                                 std::string(payload) +
                                 "\", instead of the history count, as a stage-3 server does (it "
                                 "stored `history` as a post): " +
                                 stage_hint(3));
      } else {
        finish(kExitFailure, "protocol error: " + history_.error());
      }
      return false;
    case HistoryReceiver::FrameKind::kCount:
      if (options_.stage == Stage::kHistory) std::cout << "History:\n";
      break;
    case HistoryReceiver::FrameKind::kItem:
      if (phase_ == Phase::kReadingHistory) {
        evidence_.add_item(payload, history_.items_received(), history_.count());
      }
      std::cout << payload << '\n';
      break;
  }
  return true;
}

void ChatClient::on_frame(std::string_view payload) {
  if (phase_ == Phase::kReadingHistory) {
    if (take_history_frame(payload) && history_.complete()) get_message();
  } else if (phase_ == Phase::kSending && reply_ == Reply::kHistory) {
    if (take_history_frame(payload) && history_.complete()) finish(kExitSuccess, "");
  } else if (phase_ == Phase::kSending && reply_ == Reply::kAck) {
    if (parse_count(payload)) {
      // Digits only can never be a post, which starts with '['.
      finish(kExitNotAcknowledged, "post sent but not acknowledged: the reply \"" +
                                       std::string(payload) +
                                       "\" is a history count, not the stored post, as a "
                                       "stage-2 server answers `history`: " +
                                       stage_hint(2));
      return;
    }
    std::cout << "Posted: " << payload << '\n';
    finish(kExitSuccess, "");
  } else {
    on_unexpected_frame(payload);
  }
}

void ChatClient::on_bad_frame(const std::string& reason) {
  if (phase_ == Phase::kSending && reply_ == Reply::kAck) {
    finish(kExitNotAcknowledged, "post sent but not acknowledged: bad reply: " + reason);
  } else {
    finish(kExitFailure, "protocol error: " + reason);
  }
}

void ChatClient::on_unexpected_frame(std::string_view payload) {
  const char* when = reply_ == Reply::kClose     ? "in reply to an empty message, which gets none"
                     : phase_ == Phase::kSending ? "after the message, which gets no reply"
                                                 : "after the history it announced";
  finish(kExitFailure, "protocol error: the server sent a frame " + std::string(when) + ":\n" +
                           indented_dump(payload));
}

void ChatClient::on_stream_data(const char* data, std::size_t size) {
  bytes_received_ += size;
  // A byte has come: the server is no silent stage-1 server, and the count is on its way.
  if (phase_ == Phase::kReadingHistory && timer_open_) uv_timer_stop(&timer_);
  std::size_t used = 0;
  while (used < size && phase_ != Phase::kDone) {
    used += decoder_.feed(std::string_view(data + used, size - used));
    if (decoder_.state() == FrameDecoder::State::kFrameDone) {
      on_frame(decoder_.message());
    } else if (decoder_.state() == FrameDecoder::State::kFailed) {
      on_bad_frame(decoder_.error_text());
    }
  }
}

void ChatClient::on_stream_end(const UvError& error) {
  const bool closed = error.code() == UV_EOF;
  const std::string failure = UvError("receive from " + peer_, error.code()).message();
  const bool history_due =
      phase_ == Phase::kReadingHistory || (phase_ == Phase::kSending && reply_ == Reply::kHistory);
  if (history_due) {
    // A stage-1 server sends nothing and closes a silent connection at its idle timeout.
    const bool silent = phase_ == Phase::kReadingHistory && bytes_received_ == 0;
    const std::string hint =
        silent ? ", without sending a byte, as a stage-1 server does: " + stage_hint(1) : "";
    finish(kExitFailure,
           closed ? "protocol error: the server closed the connection " + history_.progress() + hint
                  : failure);
  } else if (phase_ == Phase::kReadingMessage) {
    finish(kExitFailure,
           closed ? "the server closed the connection before the message was sent" : failure);
  } else if (phase_ == Phase::kSending && reply_ == Reply::kAck) {
    const std::string why = closed ? "the server closed the connection without acknowledging" +
                                         evidence_.closed_without_ack_hint()
                            : error.code() == UV_ECONNRESET
                                ? "the server reset the connection without acknowledging"
                                : failure;
    finish(kExitNotAcknowledged, "post sent but not acknowledged: " + why);
  } else if (phase_ == Phase::kSending && reply_ == Reply::kClose) {
    finish(kExitSuccess, "");  // The server closing is all an empty message gets.
  } else if (phase_ == Phase::kSending && !closed) {
    finish(kExitFailure, failure);
  }
  // Otherwise (stage 2, EOF after the message): the server is done with us, and the shutdown
  // finishing ends the conversation.
}

}  // namespace chatkit
