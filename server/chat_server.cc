#include "server/chat_server.h"

#include <cassert>
#include <csignal>
#include <cstdio>

#include "kit/framing/utf8.h"
#include "kit/log/log_text.h"
#include "kit/net/address.h"
#include "kit/store/history_store.h"
#include "server/chaos_writer.h"
#include "server/connection.h"

namespace chatkit {
namespace {

// The kernel's accept queue; 511 is what libuv's own examples and nginx use.
constexpr int kListenBacklog = 511;

template <typename Handle>
uv_handle_t* as_handle(Handle* handle) {
  return reinterpret_cast<uv_handle_t*>(handle);
}

}  // namespace

ChatServer::ChatServer(uv_loop_t* loop, ServerOptions options, Logger& logger)
    : loop_(loop),
      options_(std::move(options)),
      logger_(logger),
      resolver_(loop, options_.host_lookup_deadline),
      limit_(loop, options_.max_connections, logger) {}

ChatServer::~ChatServer() {
  assert(connections_.empty());
  assert(store_ == nullptr || store_->pending() == 0);
}

bool ChatServer::start(std::string* error) {
  uv_tcp_init(loop_, &listener_);
  uv_signal_init(loop_, &sigint_);
  uv_signal_init(loop_, &sigterm_);
  uv_timer_init(loop_, &grace_timer_);
  listener_.data = sigint_.data = sigterm_.data = grace_timer_.data = this;

  if (options_.stage == Stage::kPersisted && !open_store(error)) {
    stop();
    return false;
  }
  limit_.prepare();  // Before the first accept: raises the open-file limit.
  if (!listen(error)) {
    stop();
    return false;
  }
  uv_signal_start(&sigint_, on_signal, SIGINT);
  uv_signal_start(&sigterm_, on_signal, SIGTERM);
  // From now on log lines are written once per loop iteration (kit/log/logger.h).
  logger_.batch_on(loop_);
  enter(Phase::kServing);
  return true;
}

bool ChatServer::open_store(std::string* error) {
  StoreError store_error;
  store_ = HistoryStore::open(loop_, options_.data_path, &store_error);
  if (!store_) {
    *error = store_error.message();
    return false;
  }
  // Every post is checked as the protocol would check it on the way in: one this server could
  // not send (a file edited by another program, or written by a server started with a larger
  // --max-message-bytes) would fail every client's replay. The server then refuses to start,
  // naming the post, and leaves the file exactly as it is for the instructor to decide.
  std::uint64_t number = 0;
  std::string refused;
  store_error = store_->load([&](std::string_view post) {
    ++number;
    if (!refused.empty()) return;
    refused = unservable_post_reason(post, number);
    if (refused.empty()) history_.append(post);
  });
  if (store_error) {
    *error = store_error.message();
    return false;
  }
  if (!refused.empty()) {
    *error = refused;
    return false;
  }
  return true;
}

std::string ChatServer::unservable_post_reason(std::string_view post, std::uint64_t number) const {
  // Called for every stored post at start-up: the common case builds no strings.
  if (post.empty()) {
    // A NULL read as text, or another program's row: the protocol never stores an empty post,
    // and the stage-2 exercise tells clients to treat one as an error.
    return "post " + std::to_string(number) + " of the history in " + options_.data_path +
           " is empty, which no chat-server stores: the file was changed by another program "
           "(chat-server --export --data " +
           options_.data_path + " prints every post; the file was left as it is)";
  }
  const bool too_long = post.size() > options_.max_message_bytes;
  const Utf8Check utf8 = too_long ? Utf8Check{} : check_utf8(post);
  if (!too_long && utf8.valid) return "";

  const std::string which =
      "post " + std::to_string(number) + " of the history in " + options_.data_path;
  const std::string how_to_look = " (chat-server --export --data " + options_.data_path +
                                  " prints every post; the file was left as it is)";
  if (too_long) {
    return which + " is " + std::to_string(post.size()) + " bytes, more than --max-message-bytes " +
           std::to_string(options_.max_message_bytes) +
           " allows, so no client could receive the history: start with --max-message-bytes " +
           std::to_string(post.size()) + " or more" + how_to_look;
  }
  char byte[8];
  std::snprintf(byte, sizeof byte, "0x%02X",
                static_cast<unsigned>(static_cast<unsigned char>(post[utf8.error_offset])));
  return which + " is not valid UTF-8 (byte " + byte + " at offset " +
         std::to_string(utf8.error_offset) +
         "): another program changed the file, and no client could decode that post" + how_to_look;
}

bool ChatServer::listen(std::string* error) {
  sockaddr_storage addr;
  UvError uv_error = parse_ip_address(options_.bind, options_.port, &addr);
  if (uv_error) {
    *error =
        "--bind takes an IP address (0.0.0.0, ::, 127.0.0.1, ...), not \"" + options_.bind + "\"";
    return false;
  }
  const std::string where = format_address(reinterpret_cast<const sockaddr*>(&addr));
  uv_error = check_uv(("bind " + where).c_str(),
                      uv_tcp_bind(&listener_, reinterpret_cast<const sockaddr*>(&addr), 0));
  if (!uv_error) {
    uv_error = check_uv(
        ("listen on " + where).c_str(),
        uv_listen(reinterpret_cast<uv_stream_t*>(&listener_), kListenBacklog, on_connection));
  }
  sockaddr_storage bound;
  if (!uv_error) uv_error = local_address(&listener_, &bound);
  if (uv_error) {
    *error = uv_error.message();
    return false;
  }
  port_ = address_port(reinterpret_cast<const sockaddr*>(&bound));
  served_ = true;
  logger_.raw("listening on " + format_address(reinterpret_cast<const sockaddr*>(&bound)));
  logger_.log("chat-server stage " + std::to_string(stage_number(options_.stage)) + " (" +
              stage_name(options_.stage) + "), max message " +
              std::to_string(options_.max_message_bytes) + " bytes, idle timeout " +
              seconds_text(static_cast<std::uint64_t>(options_.idle_timeout.count())));
  logger_.log(limit_.description() + ", frame timeout " +
              seconds_text(static_cast<std::uint64_t>(options_.frame_timeout.count())));
  if (options_.chaos) {
    logger_.log(describe_chaos(options_.chaos_seed, options_.chaos_drop_percent));
  }
  if (store_) {
    // Logged only now: the first line on stdout is always "listening on".
    logger_.log("loaded " + count_of(history_.size(), "post", "posts") + " from " +
                options_.data_path);
  }
  return true;
}

void ChatServer::on_connection(uv_stream_t* listener, int status) {
  auto* self = static_cast<ChatServer*>(listener->data);
  if (status < 0) {
    // EMFILE and friends: log and keep listening; libuv retries when descriptors free up.
    self->logger_.log("accept: " + UvError("accept", status).message());
    return;
  }
  if (self->phase_ != Phase::kServing) return;
  if (self->limit_.full(self->connections_.size())) {
    // With an observer (the class view), a refused connection takes an id too, so that it can
    // be shown next to the others.
    const std::uint64_t id = self->observer_ ? self->next_connection_id_++ : 0;
    self->limit_.refuse(listener, self->connections_.size(), self->observer_, id);
    return;
  }
  const std::uint64_t id = self->next_connection_id_++;
  auto* connection = new Connection(*self, id);
  self->connections_.emplace(id, connection);
  connection->start(listener);
}

void ChatServer::release(Connection* connection) {
  connections_.erase(connection->id());
  delete connection;
  if (phase_ >= Phase::kDraining) maybe_finish_stop();
}

void ChatServer::append_message(std::string_view message) {
  history_.append(message);
  if (options_.stage == Stage::kSendOnly) {
    // What the course's stage-1 server prints after every message.
    logger_.log("History length: " + std::to_string(history_.size()));
    for (std::size_t i = 0; i < history_.size(); ++i) {
      logger_.log(" >> " + quote_for_log(history_.item(i)));
    }
  }
}

void ChatServer::store_post(std::uint64_t connection_id, std::string post) {
  assert(store_ != nullptr);
  std::string stored = post;
  store_->append(std::move(stored),
                 [this, connection_id, post = std::move(post)](const StoreError& error) {
                   // The post joins the in-memory history in commit order, whether or not its
                   // sender is still connected: once durable, it is part of the history.
                   if (!error) history_.append(post);
                   auto found = connections_.find(connection_id);
                   if (found != connections_.end()) found->second->on_post_stored(post, error);
                   if (error && found == connections_.end())
                     logger_.log("post not stored: " + error.message());
                   if (phase_ >= Phase::kDraining) maybe_finish_stop();
                 });
}

void ChatServer::on_signal(uv_signal_t* signal, int signum) {
  auto* self = static_cast<ChatServer*>(signal->data);
  if (self->phase_ >= Phase::kDraining) {
    self->logger_.log("signal " + std::to_string(signum) + " again: closing every connection now");
    for (auto& [id, connection] : self->connections_) {
      connection->close("second signal", ConnectionEnd::kServerStopped);
    }
    return;
  }
  self->logger_.log("signal " + std::to_string(signum) + ": stopping (finishing " +
                    count_of(self->connections_.size(), "connection", "connections") + ")");
  self->stop();
}

void ChatServer::stop() {
  if (phase_ >= Phase::kDraining) return;
  enter(Phase::kDraining);
  // No new connections: the listening socket goes first.
  if (!uv_is_closing(as_handle(&listener_))) uv_close(as_handle(&listener_), nullptr);
  uv_timer_start(&grace_timer_, on_grace_expired,
                 static_cast<std::uint64_t>(options_.shutdown_grace.count()), 0);
  // Copy the list: a connection may close (and release itself) while being told.
  std::vector<Connection*> open;
  for (auto& [id, connection] : connections_) open.push_back(connection);
  for (Connection* connection : open) connection->on_server_stopping();
  maybe_finish_stop();
}

void ChatServer::on_grace_expired(uv_timer_t* timer) {
  auto* self = static_cast<ChatServer*>(timer->data);
  self->logger_.log("shutdown grace period over: closing " +
                    count_of(self->connections_.size(), "connection", "connections"));
  for (auto& [id, connection] : self->connections_) {
    connection->close("shutdown grace period over", ConnectionEnd::kServerStopped);
  }
}

void ChatServer::maybe_finish_stop() {
  if (phase_ != Phase::kDraining || !connections_.empty()) return;
  if (store_ && store_->pending() > 0) return;  // Its callbacks will call us again.
  if (!store_) {
    close_handles();
    return;
  }
  enter(Phase::kClosingStore);
  store_->close([this] {
    if (served_) logger_.log("history store closed");
    close_handles();
  });
}

void ChatServer::enter(Phase next) {
  assert(next > phase_ && "phases only move forward");
  phase_ = next;
}

void ChatServer::close_handles() {
  enter(Phase::kStopped);
  resolver_.close([] {});
  if (!uv_is_closing(as_handle(&listener_))) uv_close(as_handle(&listener_), nullptr);
  uv_close(as_handle(&sigint_), nullptr);
  uv_close(as_handle(&sigterm_), nullptr);
  uv_close(as_handle(&grace_timer_), nullptr);
  if (served_) logger_.log("stopped");
  logger_.stop_batching();
}

}  // namespace chatkit
