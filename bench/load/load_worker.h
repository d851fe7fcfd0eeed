// LoadWorker: one event loop of chat-load, on its own thread, with its share of the clients.
//
// A run has two phases. First the worker opens its share of the idle connections (--hold), a
// few at a time, each reading its history and then sending nothing; when every one is open (or
// has failed) the worker waits at the start barrier with the other workers. Then its active
// clients run closed-loop transactions: connect, read the history, send the message, read the
// acknowledgement (stage-3 posts), wait for the server's close, and at once start the next one.
// Only transactions that end inside the measurement window (after the warm-up) are counted.
// When the window ends, no new transaction starts, those in flight finish (uncounted, within
// their timeout), the idle connections close, and run() returns.
//
// Threading: everything of a worker runs on its own thread; stats() may be read once run() has
// returned.
#ifndef CHATKIT_BENCH_LOAD_LOAD_WORKER_H_
#define CHATKIT_BENCH_LOAD_LOAD_WORKER_H_

#include <uv.h>

#include <cstdint>
#include <string>
#include <unordered_set>

#include "bench/load/load_options.h"
#include "bench/load/load_stats.h"

namespace chatkit {

class LoadConnection;

class LoadWorker {
 public:
  // `clients` active clients and `hold` idle connections on this worker. `barrier` (shared by
  // every worker and the main thread) is where the hold phase ends and the window starts.
  LoadWorker(const LoadOptions& options, unsigned clients, unsigned hold, uv_barrier_t* barrier);
  ~LoadWorker();
  LoadWorker(const LoadWorker&) = delete;
  LoadWorker& operator=(const LoadWorker&) = delete;

  // Runs both phases on the calling thread; returns when every handle is closed.
  void run();
  const LoadStats& stats() const { return stats_; }

  // For LoadConnection.
  uv_loop_t* loop() { return &loop_; }
  const LoadOptions& options() const { return options_; }
  // The frame every active client sends: the empty message, or the post.
  const std::string& message_frame() const { return message_frame_; }
  const std::string& message() const { return message_; }
  // An active transaction completed (reply as expected, then the server's close).
  void on_transaction_done(std::uint64_t started_ns, std::uint64_t history_bytes,
                           std::uint64_t history_items);
  // An idle connection has its history and now waits.
  void on_held();
  // A connection failed; `held` says whether it was an idle connection that was established.
  void on_failure(const std::string& kind, const std::string& what, bool held);
  // The connection's handle is closed; the worker deletes it and, while the window is open,
  // starts the next transaction (active) or the next idle connection (hold phase).
  void on_closed(LoadConnection* connection);

 private:
  static void on_sweep(uv_timer_t* timer);
  static void on_window_end(uv_timer_t* timer);
  void start_connection(bool held);
  void start_hold_connections();
  void end_window();
  // Closes the last handle once the window is over and every connection is closed.
  void maybe_finish();

  LoadOptions options_;
  unsigned clients_;
  unsigned hold_;
  uv_barrier_t* barrier_;
  uv_loop_t loop_{};
  uv_timer_t sweep_timer_{};   // Checks every connection for its timeout.
  uv_timer_t window_timer_{};  // Ends the measurement window.
  std::string message_;
  std::string message_frame_;
  std::unordered_set<LoadConnection*> connections_;
  unsigned hold_started_ = 0;
  unsigned hold_pending_ = 0;  // Idle connections started and not yet established or failed.
  bool hold_phase_ = true;
  bool running_ = false;   // Active clients start new transactions.
  bool finished_ = false;  // The sweep timer is closing: run() is about to return.
  std::uint64_t window_start_ns_ = 0;
  std::uint64_t window_end_ns_ = 0;
  LoadStats stats_;
};

}  // namespace chatkit

#endif  // CHATKIT_BENCH_LOAD_LOAD_WORKER_H_
