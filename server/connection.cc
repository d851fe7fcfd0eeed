#include "server/connection.h"

#include <cassert>

#include "kit/log/log_text.h"
#include "kit/net/address.h"
#include "kit/protocol/post.h"
#include "kit/store/history_store.h"
#include "kit/time/timestamp.h"
#include "server/chaos_writer.h"
#include "server/chat_server.h"
#include "server/output_writer.h"

namespace chatkit {
Connection::Connection(ChatServer& server, std::uint64_t id)
    : server_(server),
      id_(id),
      name_("#" + std::to_string(id)),
      stream_(this),
      session_(server.options().stage, server.options().max_message_bytes, this),
      frame_deadline_(server.options().frame_timeout),
      observer_(server.observer()) {
  idle_timer_.data = this;
}

Connection::~Connection() = default;

void Connection::enter(Phase next) {
  assert(connection_allows(phase_, next) && "not a transition of ConnectionPhase");
  // A connection that closes while its post waits for the host name never stores it.
  if (next != Phase::kAwaitingHost) pending_post_.reset();
  phase_ = next;
  assert(pending_post_.has_value() == (phase_ == Phase::kAwaitingHost));
  assert(phase_ != Phase::kClosing || close_reason_.has_value());
}

void Connection::log(const std::string& text) const {
  server_.logger().log(name_, text);
}

void Connection::start(uv_stream_t* listener) {
  uv_loop_t* loop = listener->loop;
  uv_timer_init(loop, &idle_timer_);
  if (const UvError error = stream_.init(loop)) {
    // Without a socket handle there is nothing to close but the timer.
    log(error.message());
    enter(Phase::kClosed);
    uv_close(reinterpret_cast<uv_handle_t*>(&idle_timer_), on_timer_closed);
    return;
  }
  sockaddr_storage peer{};
  UvError error = stream_.accept_from(listener);
  if (!error) error = peer_address(stream_.tcp(), &peer);
  if (error) {
    close(error.message(), ConnectionEnd::kReset);
    return;
  }
  name_ += " " + format_address(reinterpret_cast<const sockaddr*>(&peer));
  if (observer_) observer_->on_opened(id_, reinterpret_cast<const sockaddr*>(&peer));
  log("connected (" + std::to_string(server_.open_connections()) + " open)");

  // Nagle's algorithm would hold back the small acknowledgement frame waiting for an ACK.
  uv_tcp_nodelay(stream_.tcp(), 1);
  if (server_.options().chaos) {
    const ChaosSettings chaos{server_.options().chaos_seed, server_.options().chaos_drop_percent};
    writer_ = std::make_unique<ChaosWriter>(
        loop, stream_, chaos, id_,
        ChaosWriter::Events{
            [this](const std::string& reason) { on_writer_dropped(reason); },
            [this](const UvError& failure) { close(failure.message(), ConnectionEnd::kReset); }});
  } else {
    writer_ = std::make_unique<StreamWriter>(stream_);
  }
  enter(Phase::kConversing);
  if (server_.options().stage == Stage::kPersisted) {
    // Start the reverse lookup now, so the name is usually known before the post arrives. The
    // resolver copies the address.
    host_ = HostLookup{server_.resolver().lookup(reinterpret_cast<const sockaddr*>(&peer),
                                                 [this](const std::string& host) {
                                                   host_ = host;
                                                   if (phase_ != Phase::kAwaitingHost) return;
                                                   PendingPost post = std::move(*pending_post_);
                                                   submit_post(post, host);
                                                 })};
  }
  touch();
  session_.start();
  if (phase_ != Phase::kConversing) return;
  if (const UvError read_error = stream_.start_reading()) {
    close(read_error.message(), ConnectionEnd::kReset);
  }
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
    self->close(self->frame_deadline_.describe(now, self->session_.decoder()),
                ConnectionEnd::kIdleTimeout);
    return;
  }
  self->close("idle timeout: no progress for " + seconds_text(static_cast<std::uint64_t>(
                                                     self->server_.options().idle_timeout.count())),
              ConnectionEnd::kIdleTimeout);
}

void Connection::on_stream_data(const char* data, std::size_t size) {
  frame_deadline_.on_client_bytes(uv_now(idle_timer_.loop));
  touch();
  if (observer_) observer_->on_client_bytes(id_, data, size);
  session_.on_bytes(data, size);
}

void Connection::on_stream_end(const UvError& error) {
  if (observer_) observer_->on_client_end(id_, error.code() == UV_EOF);
  if (error.code() == UV_EOF) {
    session_.on_peer_closed();
    return;
  }
  close(error.message(), ConnectionEnd::kReset);
}

void Connection::append_message(std::string_view message) {
  log("message " + quote_for_log(message));
  if (observer_) observer_->on_message(id_, message);
  server_.append_message(message);
}

void Connection::store_post(std::string_view message) {
  if (observer_) observer_->on_message(id_, message);
  PendingPost post{std::string(message), std::chrono::system_clock::now()};
  // The client waits for us now: neither its silence nor its EOF may end the connection.
  uv_timer_stop(&idle_timer_);
  stream_.stop_reading();
  if (const std::string* host = std::get_if<std::string>(&host_)) {
    submit_post(post, *host);
    return;
  }
  pending_post_ = std::move(post);
  enter(Phase::kAwaitingHost);
}

void Connection::submit_post(const PendingPost& pending, const std::string& host) {
  std::string post =
      format_post(format_local_timestamp(pending.received_at), host, pending.message);
  if (post.size() > server_.options().max_message_bytes) {
    // Every frame on the wire must fit the limit, history replays included: a post that grew
    // past it with its time and host would make the history unreadable for every client.
    reset_unstored("reset, post not stored: with its time and host the post is " +
                   std::to_string(post.size()) + " bytes, over the " +
                   std::to_string(server_.options().max_message_bytes) + "-byte frame limit");
    return;
  }
  log("storing post " + quote_for_log(post));
  enter(Phase::kStoring);
  server_.store_post(id_, std::move(post));
}

void Connection::on_post_stored(const std::string& post, const StoreError& error) {
  if (error) {
    // No acknowledgement for a post we could not store, and a reset rather than a close, so
    // that no client can take the end of the connection for success.
    reset_unstored("reset, post not stored: " + error.message());
    return;
  }
  // Closed while storing (the shutdown grace period ran out, ...): the post is stored, but no
  // acknowledgement can go out any more, and the log must not claim one did.
  if (phase_ != Phase::kStoring) {
    log("post stored, but the connection had closed: not acknowledged");
    return;
  }
  log("acknowledged");
  auto ack = std::make_unique<Output>();
  append_frame(post, ack->head);
  queue(std::move(ack));
  finish();
}

void Connection::reset_unstored(std::string reason) {
  // The post's fate is the news, ahead of any other reason (a chaos drop's, or a close()'s when
  // the store answers a closing connection).
  close_reason_ = std::move(reason);
  end_ = ConnectionEnd::kReset;
  if (phase_ >= Phase::kClosing) return;
  enter(Phase::kClosing);
  stream_.reset();
}

void Connection::on_writer_dropped(const std::string& reason) {
  // The chaos writer cut the output and ends the stream itself. The conversation goes on, as it
  // would over a broken network, but this is why the connection ends: it replaces "done" (the
  // drop can land in the last frame, after close_after_writes()).
  assert(phase_ < Phase::kClosing || close_reason_ == "done");
  close_reason_ = reason;
  end_ = ConnectionEnd::kReset;
}

void Connection::finish() {
  // Stage 2's "history": a failed write may have closed the connection already.
  if (phase_ >= Phase::kClosing) return;
  enter(Phase::kFinishing);
  stream_.stop_reading();
  pump();
}

void Connection::reject(const std::string& reason) {
  if (observer_) observer_->on_protocol_error(id_, reason);
  close("rejected: " + reason, ConnectionEnd::kProtocolError);
}

void Connection::on_server_stopping() {
  // Storing or finishing: let the post or the last writes complete. Closing: nothing to do.
  if (phase_ != Phase::kConversing) return;
  if (!outputs_.empty() || writer_->bytes_in_flight() > 0) {
    finish();  // Stop reading; close once the history is out.
    return;
  }
  close("server stopping", ConnectionEnd::kServerStopped);
}

void Connection::close(const std::string& reason, ConnectionEnd end) {
  if (phase_ == Phase::kClosed) return;
  if (phase_ == Phase::kClosing) {
    // Its reason stands; if it was still sending its last bytes, they are dropped now.
    stream_.close();
    return;
  }
  // The first reason is the real one (a chaos drop's, if it came first); what follows from it
  // is not news.
  if (!close_reason_) {
    close_reason_ = reason;
    end_ = end;
  }
  enter(Phase::kClosing);
  stream_.close();
}

void Connection::on_stream_closed() {
  // Before kClosing only when the chaos writer ended the stream, and it gave its reason.
  enter(Phase::kClosed);
  assert(close_reason_.has_value());
  log("closed (" + close_reason_.value_or("") + ")");
  if (observer_) observer_->on_closed(id_, end_);
  if (const HostLookup* lookup = std::get_if<HostLookup>(&host_)) {
    server_.resolver().cancel(lookup->ticket);
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&idle_timer_), on_timer_closed);
}

void Connection::on_timer_closed(uv_handle_t* handle) {
  auto* self = static_cast<Connection*>(handle->data);
  self->server_.release(self);
}

}  // namespace chatkit
