// ChatClient, the server's side of the conversation: its bytes and the end of its stream go to
// the kit's ClientSession, and what the session makes of them is printed or ends the
// conversation. The steps of the conversation are in chat_client.cc.
#include <iostream>
#include <string>

#include "client/chat_client.h"

namespace chatkit {
namespace {

// What this client says after "it seems to run stage N".
std::string remedy(const ClientFailure& failure) {
  const std::string stage = std::to_string(seems_to_run(failure.sign));
  std::string text = ": try --stage " + stage;
  if (failure.error == ClientError::kNoCount) {
    text += ", or give a busy server a longer --count-timeout";
  } else if (failure.error == ClientError::kHistoryNotSent) {
    text += " (which prints the posts on connect)";
  }
  return text;
}

}  // namespace

void ChatClient::take_session_events() {
  for (const ClientEvent& event : session_.take_events()) {
    if (phase_ == Phase::kDone) return;
    switch (event.kind) {
      case ClientEvent::Kind::kCount:
        if (options_.stage == Stage::kHistory) std::cout << "History:\n";
        break;
      case ClientEvent::Kind::kItem:
        std::cout << event.text << '\n';
        break;
      case ClientEvent::Kind::kHistoryComplete:
        if (event.history == 1) {
          get_message();
        } else {
          finish(kExitSuccess, "");  // What `history` asked for; the close adds nothing.
        }
        break;
      case ClientEvent::Kind::kAcknowledged:
        std::cout << "Posted: " << event.text << '\n';
        finish(kExitSuccess, "");
        break;
      case ClientEvent::Kind::kEnded:
        // Stages 1 and 2: the shutdown finishing ends the conversation (closing now could cut
        // the FIN off); stage 3 after the empty message: the server closing is all it gets.
        if (awaits_reply_) finish(kExitSuccess, "");
        break;
      case ClientEvent::Kind::kFailed:
        on_session_failed(event.failure);
        break;
    }
  }
}

void ChatClient::on_session_failed(const ClientFailure& failure) {
  // A post that went out without an acknowledgement may or may not be stored: exit code 3.
  const int code =
      failure.phase == ClientSession::Phase::kAwaitingAck ? kExitNotAcknowledged : kExitFailure;
  finish(code, failure.describe(remedy(failure)));
}

void ChatClient::on_stream_data(const char* data, std::size_t size) {
  // A byte has come: the server is no silent stage-1 server, and the count is on its way.
  if (phase_ == Phase::kReadingHistory && timer_open_) uv_timer_stop(&timer_);
  session_.on_bytes(data, size);
  take_session_events();
}

void ChatClient::on_stream_end(const UvError& error) {
  if (error.code() == UV_EOF) {
    session_.on_peer_closed();
  } else if (error.code() == UV_ECONNRESET &&
             session_.waiting_for() == ClientSession::Phase::kAwaitingAck) {
    session_.on_connection_lost("the server reset the connection without acknowledging");
  } else {
    session_.on_connection_lost(UvError("receive from " + peer_, error.code()).message());
  }
  take_session_events();
}

}  // namespace chatkit
