// store-bench: the history store's durable commit rate against the disk's raw sync rate.
//
//   build/bench/store-bench [--store-dir=DIR] [--summary-json=PATH] [Google Benchmark flags]
//
// Measured on a fresh history file in a temporary directory under DIR (default: the current
// directory; choose the disk the server will use: a tmpfs makes every sync free):
//   sync            write 4 KiB and fdatasync it, back to back: the most durable writes per
//                   second this disk takes from one thread, i.e. the ceiling for transactions
//   commits/W       W writers (1, 8, 64), each appending its next post as soon as the store
//                   has reported the previous one durable (HistoryStore::append's callback runs
//                   only after the transaction that holds the post is committed and synced)
// Rates are posts (or syncs) per second of wall time; x_baseline is posts per raw sync time, and
// posts_per_txn shows the group commit at work.
#include <benchmark/benchmark.h>
#include <uv.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bench/micro/ratio_reporter.h"
#include "kit/store/history_store.h"

namespace chatkit {
namespace {

constexpr int kWriterCounts[] = {1, 8, 64};
constexpr std::size_t kSyncBytes = 4096;
constexpr std::int64_t kSyncFileBytes = 4 * 1024 * 1024;  // Rewritten in a circle, like a WAL.
// Posts per writer in one benchmark iteration.
constexpr int kPostsPerWriter = 40;

// A loop for the benchmark's synchronous file calls and the store's thread-pool commits.
struct Loop {
  Loop() { uv_loop_init(&loop); }
  ~Loop() {
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
  }
  uv_loop_t loop;
};

std::string g_dir;  // The temporary directory the benchmarks write in.

void bm_sync(benchmark::State& state) {
  Loop loop;
  uv_fs_t req;
  const std::string path = g_dir + "/sync-test";
  const uv_file fd = uv_fs_open(&loop.loop, &req, path.c_str(),
                                UV_FS_O_RDWR | UV_FS_O_CREAT | UV_FS_O_TRUNC, 0644, nullptr);
  uv_fs_req_cleanup(&req);
  if (fd < 0) {
    state.SkipWithError(("open " + path + ": " + uv_strerror(fd)).c_str());
    return;
  }
  std::string block(kSyncBytes, 'p');
  // The file gets its full size first, so that the timed writes overwrite in place, as SQLite
  // does when it reuses its WAL after a checkpoint: growing a file costs a metadata journal
  // write per sync on top, which would flatter the store.
  for (std::int64_t at = 0; at < kSyncFileBytes; at += static_cast<std::int64_t>(kSyncBytes)) {
    uv_buf_t buf = uv_buf_init(block.data(), static_cast<unsigned>(block.size()));
    uv_fs_write(&loop.loop, &req, fd, &buf, 1, at, nullptr);
    uv_fs_req_cleanup(&req);
  }
  uv_fs_fsync(&loop.loop, &req, fd, nullptr);
  uv_fs_req_cleanup(&req);
  std::int64_t offset = 0;
  for (auto _ : state) {
    uv_buf_t buf = uv_buf_init(block.data(), static_cast<unsigned>(block.size()));
    const int written = uv_fs_write(&loop.loop, &req, fd, &buf, 1, offset, nullptr);
    uv_fs_req_cleanup(&req);
    const int synced = uv_fs_fdatasync(&loop.loop, &req, fd, nullptr);
    uv_fs_req_cleanup(&req);
    if (written < 0 || synced < 0) {
      state.SkipWithError("write or fdatasync failed");
      break;
    }
    offset = (offset + static_cast<std::int64_t>(kSyncBytes)) % kSyncFileBytes;
  }
  uv_fs_close(&loop.loop, &req, fd, nullptr);
  uv_fs_req_cleanup(&req);
  uv_fs_unlink(&loop.loop, &req, path.c_str(), nullptr);
  uv_fs_req_cleanup(&req);
  state.SetItemsProcessed(state.iterations());
}

// W closed-loop writers: each appends its next post from the callback of its previous one.
class Writers {
 public:
  Writers(HistoryStore& store, int posts) : store_(store), posts_left_(posts) {}
  void start(int writers) {
    for (int i = 0; i < writers; ++i) append_next();
  }
  int failures() const { return failures_; }

 private:
  void append_next() {
    if (posts_left_ == 0) return;
    --posts_left_;
    char post[96];
    std::snprintf(post, sizeof post, "[2026-11-24T09:15:02.%06d+01:00 10.0.0.7] benchmark post",
                  posts_left_ % 1000000);
    store_.append(post, [this](const StoreError& error) {
      if (error) ++failures_;
      append_next();
    });
  }

  HistoryStore& store_;
  int posts_left_;
  int failures_ = 0;
};

void bm_commits(benchmark::State& state, int writers) {
  Loop loop;
  StoreError error;
  const std::string path = g_dir + "/history-" + std::to_string(writers) + ".db";
  std::unique_ptr<HistoryStore> store = HistoryStore::open(&loop.loop, path, &error);
  if (!store) {
    state.SkipWithError(error.message().c_str());
    return;
  }
  const int posts = kPostsPerWriter * writers;
  const std::uint64_t transactions_before = store->transactions_committed();
  for (auto _ : state) {
    Writers batch(*store, posts);
    batch.start(writers);
    uv_run(&loop.loop, UV_RUN_DEFAULT);
    if (batch.failures() > 0) {
      state.SkipWithError("a commit failed");
      break;
    }
  }
  const auto transactions =
      static_cast<double>(store->transactions_committed() - transactions_before);
  const auto total = static_cast<double>(state.iterations() * posts);
  state.SetItemsProcessed(static_cast<std::int64_t>(total));
  state.counters["posts_per_txn"] = transactions > 0 ? total / transactions : 0;
  store->close([] {});
  uv_run(&loop.loop, UV_RUN_DEFAULT);
  store.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) {
    uv_fs_t req;
    uv_fs_unlink(&loop.loop, &req, (path + suffix).c_str(), nullptr);
    uv_fs_req_cleanup(&req);
  }
}

std::string baseline_of(const std::string& name) {
  return name.rfind("commits/", 0) == 0 ? "sync" : "";
}

}  // namespace
}  // namespace chatkit

int main(int argc, char** argv) {
  using namespace chatkit;
  const auto own = take_own_flags(&argc, argv, {"store-dir", "summary-json"});
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;

  const std::string parent = own.count("store-dir") ? own.at("store-dir") : ".";
  {
    Loop loop;
    uv_fs_t req;
    const std::string pattern = parent + "/store-bench-XXXXXX";
    if (uv_fs_mkdtemp(&loop.loop, &req, pattern.c_str(), nullptr) < 0) {
      std::fprintf(stderr, "store-bench: cannot create a directory in %s\n", parent.c_str());
      return 1;
    }
    g_dir = req.path;
    uv_fs_req_cleanup(&req);
  }
  std::printf("store-bench: writing in %s\n", g_dir.c_str());

  benchmark::RegisterBenchmark("sync", bm_sync)->UseRealTime()->MinTime(1.0);
  for (const int writers : kWriterCounts) {
    benchmark::RegisterBenchmark(("commits/" + std::to_string(writers)).c_str(), bm_commits,
                                 writers)
        ->UseRealTime()
        ->MinTime(2.0)
        ->Unit(benchmark::kMillisecond);
  }
  RatioReporter reporter("items_per_second", baseline_of);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  {
    Loop loop;
    uv_fs_t req;
    uv_fs_rmdir(&loop.loop, &req, g_dir.c_str(), nullptr);
    uv_fs_req_cleanup(&req);
  }

  const double commits64 = reporter.rate("commits/64");
  const bool met = commits64 >= 20000;
  std::printf("\nTarget (docs/performance.md):\n  %-48s %8.0f/s  (target >= 20000/s)  %s\n",
              "durable posts, 64 concurrent writers", commits64, met ? "met" : "MISSED");
  std::string json = "{\"rates_per_second\": {";
  bool first = true;
  for (const auto& [name, rate] : reporter.rates()) {
    json += std::string(first ? "" : ", ") + "\"" + name + "\": " + std::to_string(rate);
    first = false;
  }
  json +=
      "}, \"targets\": [{\"what\": \"durable posts, 64 concurrent writers\", \"name\": "
      "\"commits/64\", \"value\": " +
      std::to_string(commits64) +
      ", \"at_least\": 20000, \"unit\": \"posts/s\", \"met\": " + (met ? "true" : "false") + "}]}";
  if (own.count("summary-json") && !write_summary(own.at("summary-json"), json)) return 1;
  return 0;
}
