#include "client/chat_client.h"

#include <cassert>
#include <cmath>
#include <iostream>
#include <sstream>
#include <utility>

#include "client/message.h"
#include "client/resolve.h"
#include "kit/net/address.h"

namespace chatkit {

ChatClient::ChatClient(uv_loop_t* loop, ClientOptions options)
    : loop_(loop),
      options_(std::move(options)),
      session_(options_.stage, options_.max_message_bytes),
      line_reader_(loop, options_.max_message_bytes) {}

ChatClient::~ChatClient() {
  assert(!stream_ && !timer_open_ && line_reader_.idle() &&
         "destroy the client only after uv_run() has closed all of its handles");
}

void ChatClient::start() {
  assert(phase_ == Phase::kResolving);
  const UvError error =
      resolve_host(loop_, options_.host, options_.port,
                   [this](const UvError& result, const std::vector<sockaddr_storage>& addresses) {
                     on_resolved(result, addresses);
                   });
  if (error) finish(kExitFailure, error.message());
}

void ChatClient::on_resolved(const UvError& error, const std::vector<sockaddr_storage>& addresses) {
  if (error) {
    finish(kExitFailure, error.message());
    return;
  }
  addresses_ = addresses;
  phase_ = Phase::kConnecting;
  connect_next();
}

// "localhost" often resolves to both ::1 and 127.0.0.1 while the server listens on only one of
// them, so each address gets its turn before the client gives up.
void ChatClient::connect_next() {
  assert(next_address_ < addresses_.size());
  const auto* address = reinterpret_cast<const sockaddr*>(&addresses_[next_address_++]);
  peer_ = format_address(address);
  tried_ += (tried_.empty() ? "" : ", ") + peer_;

  TcpStream::Handler* handler = this;  // The base is private; the conversion is ours to make.
  stream_ = std::make_unique<TcpStream>(handler);
  const UvError error = stream_->init(loop_);
  if (error) {
    stream_.reset();  // Never initialized, so there is no handle to close.
    finish(kExitFailure, error.message());
    return;
  }
  const UvError started =
      stream_->connect(address, [this](const UvError& result) { on_connected(result); });
  if (started) connect_failed(started);
}

void ChatClient::on_connected(const UvError& error) {
  if (error) {
    connect_failed(error);
    return;
  }
  if (options_.stage == Stage::kSendOnly) {
    get_message();  // A stage 1 server sends nothing, so there is nothing to read.
    return;
  }
  phase_ = Phase::kReadingHistory;
  const UvError reading = stream_->start_reading();
  if (reading) {
    finish(kExitFailure, reading.message());
    return;
  }
  start_timer(options_.count_timeout_seconds, on_count_timeout);
}

void ChatClient::connect_failed(const UvError& error) {
  if (next_address_ < addresses_.size()) {
    // A handle whose connect failed cannot be reused: close it, and on_stream_closed() tries the
    // next address with a fresh one.
    stream_->close();
    return;
  }
  const std::string target =
      addresses_.size() == 1
          ? peer_
          : options_.host + " port " + std::to_string(options_.port) + " (tried " + tried_ + ")";
  finish(kExitFailure, UvError("connect to " + target, error.code()).message());
}

void ChatClient::get_message() {
  phase_ = Phase::kReadingMessage;
  if (options_.message) {
    send_message(*options_.message);
    return;
  }
  std::cout << "Message: " << std::flush;
  const UvError error = line_reader_.start([this](const LineResult& result) { on_line(result); });
  if (error) finish(kExitFailure, error.message());
}

void ChatClient::on_line(const LineResult& result) {
  // A terminal echoes the Enter that ends the line. Otherwise end the prompt's line here, so
  // that what follows ("Posted: ...", an error) starts on a line of its own.
  if (uv_guess_handle(0) != UV_TTY || result.status != LineResult::Status::kLine) {
    std::cout << '\n';
  }
  switch (result.status) {
    case LineResult::Status::kLine: {
      const std::string problem =
          check_message(result.line, options_.stage, options_.max_message_bytes);
      if (problem.empty()) {
        send_message(result.line);
      } else {
        finish(kExitUsage, problem);
      }
      return;
    }
    case LineResult::Status::kEndOfInput:
      finish(kExitFailure, "no message: standard input closed");
      return;
    case LineResult::Status::kTooLong:
      finish(kExitUsage, "the message is longer than the limit of " +
                             std::to_string(options_.max_message_bytes) +
                             " bytes (--max-message-bytes)");
      return;
    case LineResult::Status::kFailed:
      finish(kExitFailure, result.error.message());
      return;
  }
}

void ChatClient::send_message(const std::string& message) {
  // The session may refuse (a stage-2 `history` to what looks like a stage-3 server).
  const std::optional<std::string> frame = session_.send_message(message);
  if (!frame) {
    take_session_events();
    return;
  }
  phase_ = Phase::kSending;
  awaits_reply_ = options_.stage == Stage::kPersisted ||
                  session_.waiting_for() == ClientSession::Phase::kAwaitingCount;

  // The FIN after the message tells the server that nothing else is coming; the shutdown waits
  // for the write, so the two can be queued together.
  UvError error = stream_->write(*frame);
  if (!error) {
    error = stream_->shutdown([this](const UvError& result) { on_shutdown(result); });
  }
  if (error) {
    finish(kExitFailure, UvError("send message to " + peer_, error.code()).message());
    return;
  }
  if (options_.stage == Stage::kPersisted) {
    start_timer(options_.ack_timeout_seconds, on_ack_timeout);
  }
}

void ChatClient::on_shutdown(const UvError& error) {
  if (phase_ == Phase::kDone) return;
  // When a reply is due, the reply (or the timer) decides the outcome; a shutdown that failed
  // because the server reset the connection shows up there as well.
  if (awaits_reply_) return;
  if (error) {
    finish(kExitFailure, UvError("send message to " + peer_, error.code()).message());
  } else {
    finish(kExitSuccess, "");
  }
}

void ChatClient::start_timer(double seconds, uv_timer_cb callback) {
  if (!timer_open_) {
    const UvError error = check_uv("timer", uv_timer_init(loop_, &timer_));
    if (error) {
      finish(kExitFailure, error.message());
      return;
    }
    timer_open_ = true;
    timer_.data = this;
  }
  // Rounded up, so a timeout of 0.0001 s still waits a whole millisecond rather than none.
  const auto milliseconds = static_cast<std::uint64_t>(std::ceil(seconds * 1000));
  uv_timer_start(&timer_, callback, milliseconds, 0);
}

void ChatClient::on_count_timeout(uv_timer_t* timer) {
  auto* self = static_cast<ChatClient*>(timer->data);
  self->session_.on_timeout(seconds_text(self->options_.count_timeout_seconds));
  self->take_session_events();
}

void ChatClient::on_ack_timeout(uv_timer_t* timer) {
  auto* self = static_cast<ChatClient*>(timer->data);
  // An unacknowledged post and an empty message that got no close are the session's to judge; a
  // message still in the socket's queue is ours.
  if (!self->message_written_ &&
      self->session_.waiting_for() == ClientSession::Phase::kAwaitingAck) {
    self->finish(kExitFailure, "send message to " + self->peer_ + ": not sent within " +
                                   seconds_text(self->options_.ack_timeout_seconds));
    return;
  }
  self->session_.on_timeout(seconds_text(self->options_.ack_timeout_seconds));
  self->take_session_events();
}

void ChatClient::on_timer_closed(uv_handle_t* handle) {
  static_cast<ChatClient*>(handle->data)->timer_open_ = false;
}

void ChatClient::on_stream_written(const UvError& error) {
  if (phase_ == Phase::kDone) return;
  if (error) {
    finish(kExitFailure, UvError("send message to " + peer_, error.code()).message());
  } else {
    message_written_ = true;
  }
}

void ChatClient::on_stream_closed() {
  stream_.reset();
  if (phase_ == Phase::kConnecting) connect_next();
}

void ChatClient::finish(int exit_code, const std::string& reason) {
  if (phase_ == Phase::kDone) return;
  phase_ = Phase::kDone;
  exit_code_ = exit_code;
  if (!reason.empty()) std::cerr << "chat-client: " << reason << '\n';
  line_reader_.close();
  if (timer_open_ && !uv_is_closing(reinterpret_cast<uv_handle_t*>(&timer_))) {
    uv_close(reinterpret_cast<uv_handle_t*>(&timer_), on_timer_closed);
  }
  if (stream_) stream_->close();
}

std::string ChatClient::seconds_text(double seconds) {
  std::ostringstream text;
  text << seconds << " s";
  return text.str();
}

}  // namespace chatkit
