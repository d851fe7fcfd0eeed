#include "server/import_export.h"

#include <uv.h>

#include <memory>

#include "kit/framing/utf8.h"
#include "kit/net/uv_error.h"
#include "kit/store/history_store.h"
#include "server/log_text.h"

namespace chatkit {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
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

// Reads all of `path` ("-" = standard input) into *text; returns a libuv error naming the step.
UvError read_whole_file(uv_loop_t* loop, const std::string& path, std::string* text) {
  const bool is_stdin = path == "-";
  uv_fs_t req;
  uv_file fd = 0;
  if (!is_stdin) {
    fd = uv_fs_open(loop, &req, path.c_str(), UV_FS_O_RDONLY, 0, nullptr);
    uv_fs_req_cleanup(&req);
    if (fd < 0) return UvError("open " + path, fd);
  }
  UvError error;
  std::string chunk(kReadChunkBytes, '\0');
  for (;;) {
    uv_buf_t buf = uv_buf_init(chunk.data(), static_cast<unsigned>(chunk.size()));
    const int n = uv_fs_read(loop, &req, fd, &buf, 1, -1, nullptr);
    uv_fs_req_cleanup(&req);
    if (n < 0) {
      error = UvError("read " + (is_stdin ? std::string("standard input") : path), n);
      break;
    }
    if (n == 0) break;
    text->append(chunk.data(), static_cast<std::size_t>(n));
  }
  if (!is_stdin) {
    uv_fs_close(loop, &req, fd, nullptr);
    uv_fs_req_cleanup(&req);
  }
  return error;
}

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

std::string hex_byte(unsigned char byte) {
  static const char kDigits[] = "0123456789abcdef";
  return std::string("0x") + kDigits[byte >> 4] + kDigits[byte & 0xF];
}

}  // namespace

bool parse_history_lines(std::string_view text, std::uint32_t max_post_bytes, HistoryLines* lines,
                         std::string* error) {
  if (text.substr(0, kByteOrderMark.size()) == kByteOrderMark)
    text.remove_prefix(kByteOrderMark.size());
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (newline != std::string_view::npos && !line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty()) {
      ++lines->empty_lines;
      continue;
    }
    if (line.size() > max_post_bytes) {
      *error = "line " + std::to_string(line_number) + " is " + std::to_string(line.size()) +
               " bytes long, over the " + std::to_string(max_post_bytes) +
               "-byte frame limit (--max-message-bytes)";
      return false;
    }
    const Utf8Check check = check_utf8(line);
    if (!check.valid) {
      *error = "line " + std::to_string(line_number) + " is not valid UTF-8: byte " +
               std::to_string(check.error_offset + 1) + " (" +
               hex_byte(static_cast<unsigned char>(line[check.error_offset])) +
               ") does not start a well-formed sequence";
      return false;
    }
    lines->posts.emplace_back(line);
  }
  return true;
}

bool read_history_lines(const std::string& path, std::uint32_t max_post_bytes,
                        std::vector<std::string>* posts, std::string* error) {
  SyncLoop loop;
  std::string text;
  if (const UvError read_error = read_whole_file(loop.get(), path, &text)) {
    *error = read_error.message();
    return false;
  }
  HistoryLines lines;
  if (!parse_history_lines(text, max_post_bytes, &lines, error)) {
    *error = path + ": " + *error;
    return false;
  }
  *posts = std::move(lines.posts);
  return true;
}

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
    // What the format cannot carry (read_history_lines' rules): a "\n" ends a line, so the
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
