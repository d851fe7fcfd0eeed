#include "bench/load/load_stats.h"

#include <algorithm>
#include <cstdio>

namespace chatkit {
namespace {

// The latency at quantile `q` (0..1) of sorted samples, nearest-rank, in milliseconds.
double quantile_ms(const std::vector<std::uint64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<std::size_t>(q * static_cast<double>(sorted.size()));
  if (rank >= sorted.size()) rank = sorted.size() - 1;
  return static_cast<double>(sorted[rank]) / 1e6;
}

std::string number(double value, const char* format = "%.3f") {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

// JSON string escaping for error texts (which may quote what a server sent).
std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", byte);
      out += escape;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

void LoadStats::add_error(const std::string& kind, const std::string& what) {
  Errors& errors_of_kind = errors[kind];
  if (errors_of_kind.count++ == 0) errors_of_kind.first = what;
}

std::uint64_t LoadStats::error_count() const {
  std::uint64_t total = 0;
  for (const auto& [kind, of_kind] : errors) total += of_kind.count;
  return total;
}

void LoadStats::merge(const LoadStats& other) {
  transactions += other.transactions;
  latencies_ns.insert(latencies_ns.end(), other.latencies_ns.begin(), other.latencies_ns.end());
  history_bytes += other.history_bytes;
  history_items += other.history_items;
  for (const auto& [kind, of_kind] : other.errors) {
    Errors& mine = errors[kind];
    if (mine.count == 0) mine.first = of_kind.first;
    mine.count += of_kind.count;
  }
  held += other.held;
  held_lost += other.held_lost;
  unfinished += other.unfinished;
  window_seconds = std::max(window_seconds, other.window_seconds);
}

LoadReport make_report(LoadStats& stats, double cpu_percent) {
  LoadReport report;
  std::sort(stats.latencies_ns.begin(), stats.latencies_ns.end());
  if (stats.window_seconds > 0) {
    report.transactions_per_second = static_cast<double>(stats.transactions) / stats.window_seconds;
    report.history_mb_per_second =
        static_cast<double>(stats.history_bytes) / 1e6 / stats.window_seconds;
  }
  report.p50_ms = quantile_ms(stats.latencies_ns, 0.50);
  report.p99_ms = quantile_ms(stats.latencies_ns, 0.99);
  report.p999_ms = quantile_ms(stats.latencies_ns, 0.999);
  report.max_ms =
      stats.latencies_ns.empty() ? 0 : static_cast<double>(stats.latencies_ns.back()) / 1e6;
  if (stats.transactions > 0) {
    report.items_per_transaction =
        static_cast<double>(stats.history_items) / static_cast<double>(stats.transactions);
  }
  report.cpu_percent = cpu_percent;
  return report;
}

std::string format_text(const LoadOptions& options, const LoadStats& stats,
                        const LoadReport& report) {
  std::string text = "chat-load: " + std::string(to_string(options.mode)) + ", stage " +
                     std::to_string(options.stage) + ", " + std::to_string(options.clients) +
                     " clients";
  if (options.hold > 0) text += ", " + std::to_string(options.hold) + " held idle";
  text += ", " + number(stats.window_seconds, "%.1f") + " s against " + options.server_text + "\n";
  text += "transactions  " + std::to_string(stats.transactions) + " (" +
          number(report.transactions_per_second, "%.1f") + "/s)\n";
  text += "latency       p50 " + number(report.p50_ms) + " ms, p99 " + number(report.p99_ms) +
          " ms, p99.9 " + number(report.p999_ms) + " ms, max " + number(report.max_ms) + " ms\n";
  text += "history       " + number(report.items_per_transaction, "%.0f") +
          " items per transaction, " + number(report.history_mb_per_second, "%.1f") + " MB/s\n";
  if (options.hold > 0) {
    text += "held          " + std::to_string(stats.held) + " of " + std::to_string(options.hold) +
            " idle connections, " + std::to_string(stats.held_lost) + " closed by the server\n";
  }
  text += "errors        " + std::to_string(stats.error_count()) + "\n";
  for (const auto& [kind, of_kind] : stats.errors) {
    text += "  " + kind + ": " + std::to_string(of_kind.count) + ", first: " + of_kind.first + "\n";
  }
  text += "chat-load cpu " + number(report.cpu_percent, "%.0f") + "% of one core";
  if (report.cpu_percent > 90.0 * options.threads) {
    text += " (saturated: the server may be faster than measured; try --threads)";
  }
  text += "\n";
  return text;
}

std::string format_json(const LoadOptions& options, const LoadStats& stats,
                        const LoadReport& report) {
  std::string json = "{";
  json += "\"mode\": \"" + std::string(to_string(options.mode)) + "\"";
  json += ", \"stage\": " + std::to_string(options.stage);
  json += ", \"clients\": " + std::to_string(options.clients);
  json += ", \"threads\": " + std::to_string(options.threads);
  json += ", \"hold\": " + std::to_string(options.hold);
  json += ", \"message_bytes\": " + std::to_string(options.message_bytes);
  json += ", \"window_seconds\": " + number(stats.window_seconds, "%.6f");
  json += ", \"transactions\": " + std::to_string(stats.transactions);
  json += ", \"transactions_per_second\": " + number(report.transactions_per_second);
  json += ", \"p50_ms\": " + number(report.p50_ms, "%.6f");
  json += ", \"p99_ms\": " + number(report.p99_ms, "%.6f");
  json += ", \"p999_ms\": " + number(report.p999_ms, "%.6f");
  json += ", \"max_ms\": " + number(report.max_ms, "%.6f");
  json += ", \"history_bytes\": " + std::to_string(stats.history_bytes);
  json += ", \"history_mb_per_second\": " + number(report.history_mb_per_second);
  json += ", \"items_per_transaction\": " + number(report.items_per_transaction);
  json += ", \"held\": " + std::to_string(stats.held);
  json += ", \"held_lost\": " + std::to_string(stats.held_lost);
  json += ", \"unfinished\": " + std::to_string(stats.unfinished);
  json += ", \"cpu_percent\": " + number(report.cpu_percent, "%.1f");
  json += ", \"errors\": " + std::to_string(stats.error_count());
  json += ", \"error_kinds\": {";
  bool first = true;
  for (const auto& [kind, of_kind] : stats.errors) {
    if (!first) json += ", ";
    first = false;
    json += json_string(kind) + ": {\"count\": " + std::to_string(of_kind.count) +
            ", \"first\": " + json_string(of_kind.first) + "}";
  }
  json += "}}";
  return json;
}

}  // namespace chatkit
