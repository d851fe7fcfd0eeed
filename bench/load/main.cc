// chat-load: closed-loop load for a stage-2/3 chat server.
//
//   chat-load --port 10000 --mode read --clients 8 --duration 5
//   chat-load --port 10000 --mode post --clients 64 --message-bytes 48
//   chat-load --port 10000 --mode hold --hold 10000 --clients 1
//
// Each active client runs transactions back to back: connect, read the history, send its
// message (empty in read mode), read the acknowledgement (stage-3 posts), wait for the server
// to close. It prints transactions per second, latency percentiles (connect to close), the
// history throughput, the errors, and its own CPU use, so that a saturated load tool is seen
// for what it is. `--json` prints one JSON object instead (tests/bench/compare.py reads it).
//
// Exit codes: 0 transactions completed and no errors; 1 errors, or no transaction completed;
// 2 usage error.
#include <uv.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <vector>

#include "bench/load/load_worker.h"
#include "kit/net/address.h"

namespace {

// Process CPU time (user + system) in seconds, through libuv so that it works everywhere.
double cpu_seconds() {
  uv_rusage_t usage;
  if (uv_getrusage(&usage) != 0) return 0;
  auto seconds = [](const uv_timeval_t& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void run_worker(void* arg) {
  static_cast<chatkit::LoadWorker*>(arg)->run();
}

}  // namespace

int main(int argc, char** argv) {
  chatkit::LoadOptions options;
  std::string host = "127.0.0.1";
  int port = 10000;
  std::string mode = "read";
  bool json = false;

  CLI::App app{"chat-load: closed-loop load for a chatkit stage-2/3 chat server"};
  app.add_option("--host", host, "IP address of the server")->capture_default_str();
  app.add_option("--port", port, "TCP port of the server")
      ->check(CLI::Range(1, 65535))
      ->capture_default_str();
  app.add_option("--stage", options.stage, "the server's stage: 3 acknowledges posts, 2 does not")
      ->check(CLI::Range(2, 3))
      ->capture_default_str();
  app.add_option("--mode", mode,
                 "read: send the empty message; post: send --message-bytes; hold: read, with "
                 "--hold idle connections open")
      ->check(CLI::IsMember({"read", "post", "hold"}))
      ->capture_default_str();
  app.add_option("--clients", options.clients, "active closed-loop clients")
      ->check(CLI::Range(0u, 100000u))
      ->capture_default_str();
  app.add_option("--threads", options.threads, "event loops (threads) sharing the clients")
      ->check(CLI::Range(1u, 64u))
      ->capture_default_str();
  app.add_option("--hold", options.hold, "idle connections kept open during the run")
      ->check(CLI::Range(0u, 1000000u))
      ->capture_default_str();
  app.add_option("--duration", options.duration_seconds, "seconds of measurement")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  app.add_option("--warmup", options.warmup_seconds, "seconds of load before the measurement")
      ->check(CLI::Range(0.0, 600.0))
      ->capture_default_str();
  app.add_option("--message-bytes", options.message_bytes, "post mode: bytes of each message")
      ->check(CLI::Range(1u, 16u * 1024u * 1024u))
      ->capture_default_str();
  app.add_option("--timeout", options.timeout_seconds,
                 "seconds a transaction may take before it counts as an error")
      ->check(CLI::Range(0.01, 3600.0))
      ->capture_default_str();
  app.add_option("--max-message-bytes", options.max_message_bytes,
                 "longest frame accepted from the server")
      ->check(CLI::Range(std::uint32_t{1}, std::uint32_t{0x7FFFFFFF}))
      ->capture_default_str();
  app.add_flag("--json", json, "print one JSON object instead of text");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int status = app.exit(e);
    return status == 0 ? 0 : 2;
  }
  options.mode = *chatkit::load_mode_from_name(mode);
  if (options.mode == chatkit::LoadMode::kHold && options.hold == 0) {
    std::fprintf(stderr, "chat-load: --mode hold needs --hold N (the idle connections)\n");
    return 2;
  }
  if (options.clients == 0 && options.hold == 0) {
    std::fprintf(stderr, "chat-load: nothing to do: --clients 0 and no --hold\n");
    return 2;
  }
  if (const chatkit::UvError error = chatkit::parse_ip_address(host, port, &options.server)) {
    std::fprintf(stderr, "chat-load: --host takes an IP address, not \"%s\"\n", host.c_str());
    return 2;
  }
  options.server_text = chatkit::format_address(reinterpret_cast<const sockaddr*>(&options.server));

  // Every worker and this thread meet at the barrier once the idle connections are open.
  uv_barrier_t barrier;
  uv_barrier_init(&barrier, options.threads + 1);
  std::vector<std::unique_ptr<chatkit::LoadWorker>> workers;
  std::vector<uv_thread_t> threads(options.threads);
  for (unsigned i = 0; i < options.threads; ++i) {
    const unsigned clients =
        options.clients / options.threads + (i < options.clients % options.threads);
    const unsigned hold = options.hold / options.threads + (i < options.hold % options.threads);
    workers.push_back(std::make_unique<chatkit::LoadWorker>(options, clients, hold, &barrier));
  }
  for (unsigned i = 0; i < options.threads; ++i) {
    if (uv_thread_create(&threads[i], run_worker, workers[i].get()) != 0) {
      std::fprintf(stderr, "chat-load: cannot start thread %u\n", i);
      return 1;
    }
  }
  uv_barrier_wait(&barrier);
  const double cpu_start = cpu_seconds();
  const std::uint64_t wall_start = uv_hrtime();
  for (uv_thread_t& thread : threads) uv_thread_join(&thread);
  const double wall = static_cast<double>(uv_hrtime() - wall_start) / 1e9;
  const double cpu_percent = wall > 0 ? 100.0 * (cpu_seconds() - cpu_start) / wall : 0;
  uv_barrier_destroy(&barrier);

  chatkit::LoadStats stats;
  for (const auto& worker : workers) stats.merge(worker->stats());
  chatkit::LoadReport report = chatkit::make_report(stats, cpu_percent);
  const std::string text = json ? chatkit::format_json(options, stats, report) + "\n"
                                : chatkit::format_text(options, stats, report);
  std::fputs(text.c_str(), stdout);
  const bool ok = stats.error_count() == 0 && (options.clients == 0 || stats.transactions > 0) &&
                  stats.held == options.hold;
  return ok ? 0 : 1;
}
