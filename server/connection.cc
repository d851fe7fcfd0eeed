#include "server/connection.h"

#include <cassert>

#include "kit/log/log_text.h"
#include "kit/net/address.h"
#include "kit/protocol/post.h"
#include "kit/store/history_store.h"
#include "kit/time/timestamp.h"
#include "server/chat_server.h"

namespace chatkit {
namespace {

// One uv_write carries at most this many history bytes; pieces end at block boundaries.
constexpr std::size_t kReplayBatchBytes = 512 * 1024;

}  // namespace

Connection::Connection(ChatServer& server, std::uint64_t id)
    : server_(server),
      id_(id),
      name_("#" + std::to_string(id)),
      stream_(this),
      session_(server.options().stage, server.options().max_message_bytes, this),
      frame_deadline_(server.options().frame_timeout) {
  idle_timer_.data = this;
}

Connection::~Connection() = default;

void Connection::log(const std::string& text) const {
  server_.logger().log(name_, text);
}

void Connection::start(uv_stream_t* listener) {
  uv_loop_t* loop = listener->loop;
  uv_timer_init(loop, &idle_timer_);
  if (const UvError error = stream_.init(loop)) {
    // Without a socket handle there is nothing to close but the timer.
    log(error.message());
    uv_close(reinterpret_cast<uv_handle_t*>(&idle_timer_), on_timer_closed);
    return;
  }
  UvError error = stream_.accept_from(listener);
  if (!error) error = peer_address(stream_.tcp(), &peer_);
  if (error) {
    close(error.message());
    return;
  }
  name_ += " " + format_address(reinterpret_cast<const sockaddr*>(&peer_));
  log("connected (" + std::to_string(server_.open_connections()) + " open)");

  // Nagle's algorithm would hold back the small acknowledgement frame waiting for an ACK.
  uv_tcp_nodelay(stream_.tcp(), 1);
  if (server_.options().chaos) {
    const ChaosSettings chaos{server_.options().chaos_seed, server_.options().chaos_drop_percent};
    chaos_ = std::make_unique<ChaosWriter>(
        loop, stream_, chaos, id_,
        ChaosWriter::Events{[this](const std::string& reason) { close_reason_ = reason; },
                            [this](const UvError& failure) { close(failure.message()); }});
  }
  if (server_.options().stage == Stage::kPersisted) {
    // Start the reverse lookup now, so the name is usually known before the post arrives.
    lookup_ticket_ = server_.resolver().lookup(reinterpret_cast<const sockaddr*>(&peer_),
                                               [this](const std::string& host) {
                                                 lookup_ticket_ = 0;
                                                 host_ = host;
                                                 submit_post_when_host_known();
                                               });
  }
  touch();
  session_.start();
  if (stream_.closing()) return;
  if (const UvError read_error = stream_.start_reading()) close(read_error.message());
}

void Connection::touch() {
  const auto idle = static_cast<std::uint64_t>(server_.options().idle_timeout.count());
  const std::uint64_t timeout = frame_deadline_.timer_ms(
      uv_now(idle_timer_.loop), idle, session_.phase() == ServerSession::Phase::kAwaitingMessage);
  uv_timer_start(&idle_timer_, on_idle_timeout, timeout, 0);
}

void Connection::on_idle_timeout(uv_timer_t* timer) {
  auto* self = static_cast<Connection*>(timer->data);
  const std::uint64_t now = uv_now(timer->loop);
  if (self->frame_deadline_.expired(
          now, self->session_.phase() == ServerSession::Phase::kAwaitingMessage)) {
    self->close(self->frame_deadline_.describe(now, self->session_.decoder()));
    return;
  }
  self->close(
      "idle timeout: no progress for " +
      seconds_text(static_cast<std::uint64_t>(self->server_.options().idle_timeout.count())));
}

void Connection::on_stream_data(const char* data, std::size_t size) {
  frame_deadline_.on_client_bytes(uv_now(idle_timer_.loop));
  touch();
  session_.on_bytes(data, size);
}

void Connection::on_stream_end(const UvError& error) {
  if (error.code() == UV_EOF) {
    session_.on_peer_closed();
    return;
  }
  close(error.message());
}

void Connection::on_stream_written(const UvError& error) {
  if (error) {
    close(error.message());
    return;
  }
  touch();
  if (bytes_in_flight() == 0) sent_.clear();
  pump();
}

void Connection::send_history() {
  auto output = std::make_unique<Output>();
  const HistoryLog::Snapshot snapshot = server_.history().snapshot();
  append_frame(format_count(snapshot.items), output->head);
  output->replay = true;
  output->history = server_.history().read(snapshot);
  log("sending history: " + count_of(snapshot.items, "item", "items") + ", " +
      count_of(snapshot.bytes + output->head.size(), "byte", "bytes"));
  queue(std::move(output));
}

void Connection::append_message(std::string_view message) {
  log("message " + quote_for_log(message));
  server_.append_message(message);
}

void Connection::store_post(std::string_view message) {
  received_at_ = std::chrono::system_clock::now();
  message_ = std::string(message);
  awaiting_store_ = true;
  // The client waits for us now: neither its silence nor its EOF may end the connection.
  uv_timer_stop(&idle_timer_);
  stream_.stop_reading();
  submit_post_when_host_known();
}

void Connection::submit_post_when_host_known() {
  if (!awaiting_store_ || post_submitted_ || !host_) return;
  post_submitted_ = true;
  std::string post = format_post(format_local_timestamp(received_at_), *host_, message_);
  if (post.size() > server_.options().max_message_bytes) {
    // Every frame on the wire must fit the limit, history replays included: a post that grew
    // past it with its time and host would make the history unreadable for every client.
    close_reason_ = "reset, post not stored: with its time and host the post is " +
                    std::to_string(post.size()) + " bytes, over the " +
                    std::to_string(server_.options().max_message_bytes) + "-byte frame limit";
    awaiting_store_ = false;
    stream_.reset();
    return;
  }
  log("storing post " + quote_for_log(post));
  message_.clear();
  server_.store_post(id_, std::move(post));
}

void Connection::on_post_stored(const std::string& post, const StoreError& error) {
  awaiting_store_ = false;
  if (error) {
    // No acknowledgement for a post we could not store, and a reset rather than a close, so
    // that no client can take the end of the connection for success.
    close_reason_ = "reset, post not stored: " + error.message();
    stream_.reset();
    return;
  }
  log("acknowledged");
  auto ack = std::make_unique<Output>();
  append_frame(post, ack->head);
  queue(std::move(ack));
  finish();
}

void Connection::finish() {
  finishing_ = true;
  stream_.stop_reading();
  pump();
}

void Connection::reject(const std::string& reason) {
  close("rejected: " + reason);
}

void Connection::queue(std::unique_ptr<Output> output) {
  outputs_.push_back(std::move(output));
  pump();
}

void Connection::pump() {
  if (stream_.closing()) return;
  while (!outputs_.empty() && bytes_in_flight() < kReplayWindowBytes) {
    uv_buf_t bufs[TcpStream::kMaxBuffersPerWrite];
    unsigned count = 0;
    std::size_t bytes = 0;
    while (!outputs_.empty() && count < TcpStream::kMaxBuffersPerWrite &&
           bytes < kReplayBatchBytes) {
      Output& output = *outputs_.front();
      if (!output.head_queued) {
        output.head_queued = true;
        bufs[count++] = uv_buf_init(output.head.data(), static_cast<unsigned>(output.head.size()));
        bytes += output.head.size();
        continue;
      }
      if (output.replay) {
        const HistoryLog::Piece piece = output.history.next(kReplayBatchBytes - bytes);
        if (piece.size > 0) {
          // libuv's buffers are not const, but it only reads the bytes of a write.
          bufs[count++] =
              uv_buf_init(const_cast<char*>(piece.data), static_cast<unsigned>(piece.size));
          bytes += piece.size;
          continue;
        }
      }
      // Everything of this output is in `bufs` or already queued; its head string must live
      // until the write completes.
      sent_.push_back(std::move(outputs_.front()));
      outputs_.pop_front();
    }
    if (count == 0) break;
    if (const UvError error =
            chaos_ ? chaos_->write(bufs, count) : stream_.write_borrowed(bufs, count)) {
      close(error.message());
      return;
    }
  }
  if (outputs_.empty() && finishing_ && !awaiting_store_) {
    if (close_reason_.empty()) close_reason_ = "done";
    if (chaos_) {
      chaos_->close_after_writes();
    } else {
      stream_.close_after_writes();
    }
  }
}

void Connection::on_server_stopping() {
  if (awaiting_store_ || finishing_) return;  // Let the post or the last writes complete.
  if (!outputs_.empty() || bytes_in_flight() > 0) {
    finish();  // Stop reading; close once the history is out.
    return;
  }
  close("server stopping");
}

void Connection::close(const std::string& reason) {
  if (stream_.closing()) return;
  // The first reason is the real one; what follows from it is not news.
  if (close_reason_.empty()) close_reason_ = reason;
  stream_.close();
}

void Connection::on_stream_closed() {
  log("closed (" + close_reason_ + ")");
  if (lookup_ticket_ != 0) server_.resolver().cancel(lookup_ticket_);
  lookup_ticket_ = 0;
  uv_close(reinterpret_cast<uv_handle_t*>(&idle_timer_), on_timer_closed);
}

void Connection::on_timer_closed(uv_handle_t* handle) {
  auto* self = static_cast<Connection*>(handle->data);
  self->server_.release(self);
}

}  // namespace chatkit
