#include "server/import_export.h"

#include <uv.h>

#include <memory>

#include "kit/log/log_text.h"
#include "kit/net/read_file.h"
#include "kit/net/uv_error.h"
#include "kit/protocol/history_text.h"
#include "kit/store/history_store.h"

namespace chatkit {
namespace {

// Files are read, and the export written, in pieces of this size.
constexpr std::size_t kReadChunkBytes = 1 << 20;

// A loop for the synchronous libuv file calls of one import or export, closed on every path.
class SyncLoop {
 public:
  SyncLoop() { uv_loop_init(&loop_); }
  ~SyncLoop() { uv_loop_close(&loop_); }
  SyncLoop(const SyncLoop&) = delete;
  SyncLoop& operator=(const SyncLoop&) = delete;
  uv_loop_t* get() { return &loop_; }

 private:
  uv_loop_t loop_;
};

bool file_exists(uv_loop_t* loop, const std::string& path) {
  uv_fs_t req;
  const int rc = uv_fs_stat(loop, &req, path.c_str(), nullptr);
  uv_fs_req_cleanup(&req);
  return rc == 0;
}

// Opens the history as a server's start does: a file that is not a chatkit history is refused,
// untouched. Prints why on `err` when it cannot.
std::unique_ptr<HistoryStore> open_or_report(uv_loop_t* loop, const std::string& path,
                                             HistoryStore::Access access, std::FILE* err) {
  StoreError error;
  std::unique_ptr<HistoryStore> store = HistoryStore::open(loop, path, &error, access);
  if (!store) std::fprintf(err, "chat-server: %s\n", error.message().c_str());
  return store;
}

}  // namespace

int import_history(const std::string& file, const std::string& data_path,
                   std::uint32_t max_post_bytes, std::FILE* out, std::FILE* err) {
  SyncLoop loop;
  std::string text;
  if (const UvError read_error = read_whole_file(loop.get(), file, &text)) {
    std::fprintf(err, "chat-server: --import: %s\n", read_error.message().c_str());
    return 1;
  }
  HistoryLines lines;
  std::string error;
  const bool parsed = parse_history_lines(text, max_post_bytes, &lines, &error);
  text = std::string();  // The posts hold their own copies; give the memory back early.
  if (!parsed) {
    std::fprintf(err, "chat-server: --import %s: %s; nothing was stored\n", file.c_str(),
                 error.c_str());
    return 1;
  }

  std::unique_ptr<HistoryStore> store =
      open_or_report(loop.get(), data_path, HistoryStore::Access::kReadWrite, err);
  if (!store) return 1;
  StoreError store_error = store->append_all_now(lines.posts);
  // Destroyed without close(): nothing is in flight, so the database closes here, synchronously.
  store.reset();
  if (store_error) {
    std::fprintf(err, "chat-server: --import into %s: %s; nothing was stored\n", data_path.c_str(),
                 store_error.message().c_str());
    return 1;
  }
  std::fprintf(out, "imported %s from %s into %s",
               count_of(lines.posts.size(), "post", "posts").c_str(),
               file == "-" ? "standard input" : file.c_str(), data_path.c_str());
  if (lines.empty_lines > 0) {
    std::fprintf(out, " (%s skipped)",
                 count_of(lines.empty_lines, "empty line", "empty lines").c_str());
  }
  std::fprintf(out, "\n");
  return 0;
}

int export_history(const std::string& data_path, uv_file out, std::FILE* err) {
  SyncLoop loop;
  if (!file_exists(loop.get(), data_path)) {
    std::fprintf(err, "chat-server: --export: there is no history file %s (see --data)\n",
                 data_path.c_str());
    return 1;
  }
  // Read-only: an export never changes the file, works from a read-only copy, and runs beside a
  // server that holds the file.
  std::unique_ptr<HistoryStore> store =
      open_or_report(loop.get(), data_path, HistoryStore::Access::kReadOnly, err);
  if (!store) return 1;
  // Written through libuv, not stdio: on Windows the C runtime's text mode would turn every
  // "\n" into "\r\n", and the file would not be byte for byte the same on every system.
  std::string pending;
  UvError write_error;
  auto flush = [&] {
    std::size_t done = 0;
    while (!write_error && done < pending.size()) {
      uv_fs_t req;
      uv_buf_t buf =
          uv_buf_init(pending.data() + done, static_cast<unsigned>(pending.size() - done));
      const int n = uv_fs_write(loop.get(), &req, out, &buf, 1, -1, nullptr);
      uv_fs_req_cleanup(&req);
      // A write that takes no byte of a non-empty buffer would be asked again forever.
      if (n <= 0) write_error = UvError("write the posts to standard output", n < 0 ? n : UV_EIO);
      if (n > 0) done += static_cast<std::size_t>(n);
    }
    pending.clear();
  };
  std::uint64_t number = 0;
  StoreError store_error = store->load([&](std::string_view post) {
    ++number;
    // What the format cannot carry (kit/protocol/history_text.h): a "\n" ends a line, so the
    // post would come back as several; a "\r" just before one is taken as a Windows line ending
    // and dropped. A "\r" anywhere else comes back as it went. find() is a vectorized memchr:
    // on a million posts, the find_first_of("\r\n") this once was took half the export's time.
    if (post.find('\n') != std::string_view::npos) {
      std::fprintf(err,
                   "chat-server: --export: post %llu holds a line break (\\n); it is exported "
                   "as more than one line, and would import as more than one post\n",
                   static_cast<unsigned long long>(number));
    } else if (!post.empty() && post.back() == '\r') {
      std::fprintf(err,
                   "chat-server: --export: post %llu ends in a carriage return (\\r), which "
                   "--import would take for a Windows line ending and drop\n",
                   static_cast<unsigned long long>(number));
    }
    pending.append(post.data(), post.size());
    pending += '\n';
    if (pending.size() >= kReadChunkBytes) flush();
  });
  store.reset();
  flush();
  if (store_error) {
    std::fprintf(err, "chat-server: --export: %s\n", store_error.message().c_str());
    return 1;
  }
  if (write_error) {
    std::fprintf(err, "chat-server: --export: %s\n", write_error.message().c_str());
    return 1;
  }
  return 0;
}

}  // namespace chatkit
