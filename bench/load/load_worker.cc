#include "bench/load/load_worker.h"

#include <cassert>

#include "bench/load/reply_parser.h"
#include "kit/framing/frame_codec.h"
#include "kit/net/tcp_stream.h"

namespace chatkit {
namespace {

// Idle connections are opened this many at a time per worker: enough to open ten thousand in a
// few seconds, few enough not to overflow the server's accept queue.
constexpr unsigned kHoldConcurrency = 64;
constexpr std::uint64_t kSweepIntervalMs = 100;

std::uint64_t seconds_to_ns(double seconds) {
  return static_cast<std::uint64_t>(seconds * 1e9);
}

}  // namespace

// One connection: an active client's transaction, or an idle connection.
class LoadConnection final : public TcpStream::Handler {
 public:
  LoadConnection(LoadWorker& worker, bool held)
      : worker_(worker),
        held_(held),
        parser_(worker.options().max_message_bytes),
        stream_(this),
        started_ns_(uv_hrtime()) {}

  // Returns false when not even the handle could be created: then there is nothing to close,
  // the error is counted and the caller deletes the connection.
  bool start() {
    UvError error = stream_.init(worker_.loop());
    if (error) {
      finished_ = true;
      worker_.on_failure("connect", error.message(), false);
      return false;
    }
    error = stream_.connect(reinterpret_cast<const sockaddr*>(&worker_.options().server),
                            [this](const UvError& result) { on_connected(result); });
    if (error) fail("connect", error.message());
    return true;
  }

  // Ends the connection without counting it (the window is over).
  void abandon() {
    finished_ = true;
    stream_.close();
  }

  bool held() const { return held_; }
  bool finished() const { return finished_; }
  bool established() const { return established_; }
  std::uint64_t started_ns() const { return started_ns_; }

  void check_timeout(std::uint64_t now_ns, std::uint64_t timeout_ns) {
    if (finished_ || established_ || now_ns - started_ns_ < timeout_ns) return;
    fail("timeout", "no complete reply within " + std::to_string(timeout_ns / 1000000) + " ms (" +
                        to_string(parser_.phase()) + ")");
  }

 private:
  void on_connected(const UvError& error) {
    if (error) {
      fail("connect", error.message());
      return;
    }
    if (const UvError read_error = stream_.start_reading()) fail("read", read_error.message());
  }

  void on_stream_data(const char* data, std::size_t size) override {
    if (finished_) return;
    parser_.feed(data, size);
    switch (parser_.phase()) {
      case ReplyParser::Phase::kFailed:
        fail("protocol", parser_.error());
        return;
      case ReplyParser::Phase::kQuiet:
        if (held_) {
          established_ = true;
          worker_.on_held();
        } else {
          send_message();
        }
        return;
      case ReplyParser::Phase::kComplete:
        if (!check_ack()) return;
        break;
      case ReplyParser::Phase::kCount:
      case ReplyParser::Phase::kHistory:
      case ReplyParser::Phase::kAck:
        break;
    }
  }

  void send_message() {
    const std::string& frame = worker_.message_frame();
    // The frame belongs to the worker, which outlives every connection.
    const uv_buf_t buf =
        uv_buf_init(const_cast<char*>(frame.data()), static_cast<unsigned>(frame.size()));
    if (const UvError error = stream_.write_borrowed(&buf, 1)) {
      fail("write", error.message());
      return;
    }
    const LoadOptions& options = worker_.options();
    parser_.message_sent(options.mode == LoadMode::kPost && options.stage == 3 &&
                         !worker_.message().empty());
  }

  // A stage-3 acknowledgement is the stored post, "[time host] message": it must end with ours.
  bool check_ack() {
    const std::string& ack = parser_.ack();
    const std::string& message = worker_.message();
    if (worker_.options().mode != LoadMode::kPost || worker_.options().stage != 3) return true;
    if (ack.size() > message.size() &&
        ack.compare(ack.size() - message.size(), message.size(), message) == 0) {
      return true;
    }
    fail("ack",
         "the acknowledgement does not end with the message sent: \"" + ack.substr(0, 120) + "\"");
    return false;
  }

  void on_stream_end(const UvError& error) override {
    if (finished_) return;
    if (error.code() != UV_EOF) {
      fail(established_ ? "held connection" : "read", error.message());
      return;
    }
    if (held_) {
      fail("held connection", established_ ? "closed by the server while idle"
                                           : "closed by the server while sending the history");
      return;
    }
    if (parser_.phase() != ReplyParser::Phase::kComplete) {
      fail("closed early", std::string("the server closed the connection, ") +
                               to_string(parser_.phase()) + " (" +
                               std::to_string(parser_.items_left()) + " items missing)");
      return;
    }
    finished_ = true;
    worker_.on_transaction_done(started_ns_, parser_.history_bytes(), parser_.count());
    stream_.close();
  }

  void on_stream_written(const UvError& error) override {
    if (error && !finished_) fail("write", error.message());
  }

  void on_stream_closed() override { worker_.on_closed(this); }

  void fail(const std::string& kind, const std::string& what) {
    if (finished_) return;
    finished_ = true;
    worker_.on_failure(kind, what, held_ && established_);
    stream_.close();
  }

  LoadWorker& worker_;
  bool held_;
  bool established_ = false;  // Held: the history arrived and the connection now idles.
  bool finished_ = false;     // Counted (done or failed) or abandoned; the close is under way.
  ReplyParser parser_;
  TcpStream stream_;
  std::uint64_t started_ns_;
};

LoadWorker::LoadWorker(const LoadOptions& options, unsigned clients, unsigned hold,
                       uv_barrier_t* barrier)
    : options_(options), clients_(clients), hold_(hold), barrier_(barrier) {
  if (options_.mode == LoadMode::kPost) {
    message_ = "chat-load post ";
    while (message_.size() < options_.message_bytes) message_ += 'x';
    message_.resize(options_.message_bytes);
  }
  message_frame_ = encode_frame(message_);
  uv_loop_init(&loop_);
  uv_timer_init(&loop_, &sweep_timer_);
  uv_timer_init(&loop_, &window_timer_);
  sweep_timer_.data = window_timer_.data = this;
}

LoadWorker::~LoadWorker() {
  assert(connections_.empty());
  uv_loop_close(&loop_);
}

void LoadWorker::run() {
  uv_timer_start(&sweep_timer_, on_sweep, kSweepIntervalMs, kSweepIntervalMs);
  // Phase 1: the idle connections. The loop stops when the last one is established or failed.
  start_hold_connections();
  if (hold_pending_ > 0) uv_run(&loop_, UV_RUN_DEFAULT);  // Until uv_stop() below.
  hold_phase_ = false;
  uv_barrier_wait(barrier_);

  // Phase 2: the active clients, for the warm-up and the window.
  const std::uint64_t now = uv_hrtime();
  window_start_ns_ = now + seconds_to_ns(options_.warmup_seconds);
  window_end_ns_ = window_start_ns_ + seconds_to_ns(options_.duration_seconds);
  stats_.window_seconds = options_.duration_seconds;
  running_ = true;
  uv_timer_start(&window_timer_, on_window_end, (window_end_ns_ - now) / 1000000, 0);
  for (unsigned i = 0; i < clients_; ++i) start_connection(false);
  uv_run(&loop_, UV_RUN_DEFAULT);
}

void LoadWorker::start_connection(bool held) {
  auto* connection = new LoadConnection(*this, held);
  if (!connection->start()) {
    // Not retried: a loop that cannot create a handle would only spin.
    delete connection;
    if (held) --hold_pending_;
    return;
  }
  connections_.insert(connection);
}

void LoadWorker::start_hold_connections() {
  while (hold_started_ < hold_ && hold_pending_ < kHoldConcurrency) {
    ++hold_started_;
    ++hold_pending_;
    start_connection(true);
  }
  // uv_stop() outside uv_run() would end the next uv_run() at once: only stop a running phase.
  if (hold_phase_ && hold_pending_ == 0 && hold_started_ > 0) uv_stop(&loop_);
}

void LoadWorker::on_transaction_done(std::uint64_t started_ns, std::uint64_t history_bytes,
                                     std::uint64_t history_items) {
  const std::uint64_t now = uv_hrtime();
  if (now < window_start_ns_ || now > window_end_ns_) return;
  ++stats_.transactions;
  stats_.latencies_ns.push_back(now - started_ns);
  stats_.history_bytes += history_bytes;
  stats_.history_items += history_items;
}

void LoadWorker::on_held() {
  ++stats_.held;
  --hold_pending_;
  start_hold_connections();
}

void LoadWorker::on_failure(const std::string& kind, const std::string& what, bool held) {
  stats_.add_error(kind, what);
  if (held) {
    --stats_.held;
    ++stats_.held_lost;
  }
}

void LoadWorker::on_closed(LoadConnection* connection) {
  const bool held = connection->held();
  const bool was_pending = held && !connection->established();
  connections_.erase(connection);
  delete connection;
  if (was_pending) {
    --hold_pending_;
    start_hold_connections();
  } else if (!held && running_) {
    start_connection(false);
  }
  maybe_finish();
}

void LoadWorker::on_sweep(uv_timer_t* timer) {
  auto* self = static_cast<LoadWorker*>(timer->data);
  const std::uint64_t now = uv_hrtime();
  const std::uint64_t timeout = seconds_to_ns(self->options_.timeout_seconds);
  // check_timeout may close a connection, but its close callback (which erases it) runs later.
  for (LoadConnection* connection : self->connections_) connection->check_timeout(now, timeout);
}

void LoadWorker::on_window_end(uv_timer_t* timer) {
  static_cast<LoadWorker*>(timer->data)->end_window();
}

void LoadWorker::end_window() {
  running_ = false;
  uv_close(reinterpret_cast<uv_handle_t*>(&window_timer_), nullptr);
  // Transactions in flight drain (within their timeout) rather than being cut off: a server must
  // not see a burst of resets at the end of every measurement, and the course's server does not
  // survive even one. They are not counted. Idle connections have done their job: they close.
  for (LoadConnection* connection : connections_) {
    if (connection->held()) {
      connection->abandon();
    } else if (!connection->finished()) {
      ++stats_.unfinished;
    }
  }
  maybe_finish();
}

void LoadWorker::maybe_finish() {
  if (running_ || hold_phase_ || !connections_.empty() || finished_) return;
  finished_ = true;
  uv_close(reinterpret_cast<uv_handle_t*>(&sweep_timer_), nullptr);
}

}  // namespace chatkit
