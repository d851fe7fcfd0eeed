// LoadStats: what chat-load measured, per worker thread and merged; LoadReport: the figures
// derived from it, printed for people or as JSON for the comparison script.
#ifndef CHATKIT_BENCH_LOAD_LOAD_STATS_H_
#define CHATKIT_BENCH_LOAD_LOAD_STATS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bench/load/load_options.h"

namespace chatkit {

struct LoadStats {
  struct Errors {
    std::uint64_t count = 0;
    std::string first;  // The first error of this kind, in words.
  };

  // Transactions that completed inside the measurement window, and their latencies (connect to
  // the server's close) in nanoseconds.
  std::uint64_t transactions = 0;
  std::vector<std::uint64_t> latencies_ns;
  // History received by those transactions: bytes (count frame and items) and items.
  std::uint64_t history_bytes = 0;
  std::uint64_t history_items = 0;
  // Failed transactions by kind ("connect", "timeout", ...). Counted whenever they happen, warm-up
  // included: a load test with errors is not a measurement.
  std::map<std::string, Errors> errors;
  // Idle connections: established (history received), and lost to a close by the server.
  std::uint64_t held = 0;
  std::uint64_t held_lost = 0;
  // Transactions cut off by the end of the window (not counted as errors).
  std::uint64_t unfinished = 0;
  double window_seconds = 0;  // Length of the measurement window.

  void add_error(const std::string& kind, const std::string& what);
  std::uint64_t error_count() const;
  // Adds `other`'s counts to these (the window is the longer of the two).
  void merge(const LoadStats& other);
};

struct LoadReport {
  double transactions_per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double p999_ms = 0;
  double max_ms = 0;
  double history_mb_per_second = 0;  // 10^6 bytes per second.
  double items_per_transaction = 0;
  double cpu_percent = 0;  // chat-load's own CPU time over wall time (100 = one core busy).
};

// Computes the figures (sorts stats.latencies_ns in place).
LoadReport make_report(LoadStats& stats, double cpu_percent);

// Human-readable, several lines.
std::string format_text(const LoadOptions& options, const LoadStats& stats,
                        const LoadReport& report);
// One JSON object on one line, for scripts (tests/bench/compare.py).
std::string format_json(const LoadOptions& options, const LoadStats& stats,
                        const LoadReport& report);

}  // namespace chatkit

#endif  // CHATKIT_BENCH_LOAD_LOAD_STATS_H_
