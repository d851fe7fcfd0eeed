#include "kit/protocol/server_session.h"

#include <cassert>

namespace chatkit {

ServerSession::ServerSession(Stage stage, std::uint32_t max_message_bytes, Delegate* delegate)
    : stage_(stage), delegate_(delegate), decoder_(max_message_bytes) {}

void ServerSession::start() {
  assert(phase_ == Phase::kNew);
  phase_ = Phase::kAwaitingMessage;
  if (stage_ != Stage::kSendOnly) delegate_->send_history();
}

void ServerSession::on_bytes(const char* data, std::size_t size) {
  if (phase_ != Phase::kAwaitingMessage) return;
  const std::size_t used = decoder_.feed(reinterpret_cast<const std::uint8_t*>(data), size);
  (void)used;  // Bytes after the one frame are not part of the conversation.
  switch (decoder_.state()) {
    case FrameDecoder::State::kFrameDone:
      on_message(decoder_.message());
      break;
    case FrameDecoder::State::kFailed:
      phase_ = Phase::kDone;
      delegate_->reject(decoder_.error_text());
      break;
    case FrameDecoder::State::kReadingLength:
    case FrameDecoder::State::kReadingPayload:
      assert(used == size && "the decoder stops early only at a frame's end or on failure");
      break;
  }
}

void ServerSession::on_message(std::string_view message) {
  phase_ = Phase::kDone;
  if (message.empty()) {
    // Empty messages are never stored, in any stage; stage 3 sends no acknowledgement.
    delegate_->finish();
    return;
  }
  switch (stage_) {
    case Stage::kSendOnly:
      delegate_->append_message(message);
      delegate_->finish();
      break;
    case Stage::kHistory:
      if (message == kHistoryCommand) {
        delegate_->send_history();
      } else {
        delegate_->append_message(message);
      }
      delegate_->finish();
      break;
    case Stage::kPersisted:
      delegate_->store_post(message);
      break;
  }
}

void ServerSession::on_peer_closed() {
  if (phase_ != Phase::kAwaitingMessage) return;
  phase_ = Phase::kDone;
  const bool mid_frame = decoder_.length_bytes_read() > 0;
  if (mid_frame) {
    delegate_->reject("connection closed mid-frame " + describe_partial_frame(decoder_));
  } else {
    delegate_->finish();
  }
}

std::string describe_partial_frame(const FrameDecoder& decoder) {
  if (decoder.state() == FrameDecoder::State::kReadingLength) {
    return "after " + std::to_string(decoder.length_bytes_read()) + " of 4 length bytes";
  }
  return "after " + std::to_string(decoder.payload_bytes_read()) + " of " +
         std::to_string(decoder.payload_length()) + " payload bytes";
}

}  // namespace chatkit
