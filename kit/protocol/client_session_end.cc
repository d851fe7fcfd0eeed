// ClientSession's ends: the server's close, a lost connection and the caller's timers, each
// judged by what the server still owed (client_session.h). The bytes are in client_session.cc.
#include <utility>

#include "kit/protocol/client_session.h"
#include "kit/protocol/client_session_text.h"
#include "kit/protocol/server_session.h"

namespace chatkit {

using Phase = ClientPhase;

void ClientSession::on_peer_closed() {
  if (over()) return;
  const bool mid_frame =
      decoder_.state() != FrameDecoder::State::kFrameDone && decoder_.length_bytes_read() > 0;
  const std::string cut = mid_frame
                              ? " in the middle of a frame (" + describe_partial_frame(decoder_) +
                                    "): the frame is truncated"
                              : "";
  const ClientError truncated_or = mid_frame ? ClientError::kTruncatedFrame : ClientError::kNone;
  switch (phase_) {
    case Phase::kAwaitingCount:
    case Phase::kReadingItems: {
      // A stage-1 server sends nothing and closes a silent connection at its idle timeout.
      const bool silent = history_ == 1 && bytes_received_ == 0;
      const StageSign sign = silent ? StageSign::kNoCountLikeStage1 : StageSign::kNone;
      fail(mid_frame ? truncated_or : ClientError::kClosedEarly, sign,
           "protocol error: the server closed the connection " + history_progress() + cut +
               (silent ? ", without sending a byte, as a stage-1 server does: " +
                             seems_to_run_text(sign)
                       : ""));
      return;
    }
    case Phase::kReadyToSend:
      fail(mid_frame ? truncated_or : ClientError::kClosedEarly, StageSign::kNone,
           "the server closed the connection" + cut + " before the message was sent");
      return;
    case Phase::kAwaitingAck: {
      if (mid_frame) {
        fail(ClientError::kNotAcknowledged, StageSign::kNone,
             "post sent but not acknowledged: the server closed the connection" + cut);
        return;
      }
      // A stage-2 server closes a post without acknowledging it; so does the course's own stage-3
      // server, whose posts are shaped like chatkit's but have no UTC offset.
      const bool all_post_shaped = first_items_ > 0 && first_post_shaped_ == first_items_;
      const StageSign sign =
          all_post_shaped ? StageSign::kNone : StageSign::kClosedWithoutAckStage2;
      std::string headline =
          "post sent but not acknowledged: the server closed the connection "
          "without acknowledging";
      std::string details;
      if (!all_post_shaped) {
        headline += ", as a stage-2 server does: " + seems_to_run_text(sign);
        if (!first_plain_.empty()) details = "; " + first_plain_;
      }
      fail(ClientError::kNotAcknowledged, sign, std::move(headline), std::move(details));
      return;
    }
    case Phase::kAwaitingClose:
      if (mid_frame) {
        fail(ClientError::kTruncatedFrame, StageSign::kNone,
             "protocol error: the server sent part of a frame where it owed none, and closed the "
             "connection" +
                 cut);
        return;
      }
      transition_to(Phase::kEnded);
      emit(ClientEvent{});
      return;
    case Phase::kEnded:
    case Phase::kFailed:
      return;
  }
}

void ClientSession::on_connection_lost(std::string_view reason) {
  if (over()) return;
  if (phase_ == Phase::kAwaitingAck) {
    fail(ClientError::kNotAcknowledged, StageSign::kNone,
         "post sent but not acknowledged: " + std::string(reason));
    return;
  }
  // After a stage-1 or stage-2 message a reset may be the server refusing it (a frame over its
  // limit): that is a failure. After the empty stage-3 message, the acknowledgement or the second
  // history, the server owed nothing the loss could take.
  const bool nothing_at_stake =
      phase_ == Phase::kAwaitingClose &&
      (stage_ == Stage::kPersisted || (stage_ == Stage::kHistory && history_ == 2));
  if (nothing_at_stake) {
    transition_to(Phase::kEnded);
    emit(ClientEvent{});
    return;
  }
  fail(ClientError::kConnectionLost, StageSign::kNone, std::string(reason));
}

void ClientSession::on_timeout(std::string_view waited) {
  switch (phase_) {
    case Phase::kAwaitingCount:
      if (history_ == 1 && bytes_received_ == 0) {
        const std::string stage = std::to_string(stage_number(stage_));
        fail(ClientError::kNoCount, StageSign::kNoCountLikeStage1,
             "the server sent no count within " + std::string(waited) + " of connecting (a stage-" +
                 stage +
                 " server sends its history count at once; a stage-1 server sends nothing): " +
                 seems_to_run_text(StageSign::kNoCountLikeStage1));
        return;
      }
      [[fallthrough]];
    case Phase::kReadingItems:
      fail(ClientError::kTimedOut, StageSign::kNone,
           "protocol error: the history was not complete within " + std::string(waited) + " (" +
               history_progress() + ")");
      return;
    case Phase::kAwaitingAck:
      fail(ClientError::kNotAcknowledged, StageSign::kNone,
           "post sent but not acknowledged within " + std::string(waited));
      return;
    case Phase::kAwaitingClose:
      transition_to(Phase::kEnded);  // Nothing was owed; the server just kept the connection.
      emit(ClientEvent{});
      return;
    case Phase::kReadyToSend:
    case Phase::kEnded:
    case Phase::kFailed:
      return;
  }
}

}  // namespace chatkit
