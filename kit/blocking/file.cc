#include "kit/blocking/file.h"

#include <uv.h>

#include <algorithm>
#include <utility>

namespace chatkit {

namespace {

// A synchronous libuv file request (no loop, no callback) that cleans up after itself.
class FsRequest {
 public:
  FsRequest() = default;
  ~FsRequest() { uv_fs_req_cleanup(&req_); }
  FsRequest(const FsRequest&) = delete;
  FsRequest& operator=(const FsRequest&) = delete;
  uv_fs_t* get() { return &req_; }

 private:
  uv_fs_t req_{};
};

[[noreturn]] void throw_file_error(const std::string& step, const std::string& path, int status) {
  throw FileError(UvError(step + " " + path, status));
}

void close_fd(int fd) {
  FsRequest req;
  uv_fs_close(nullptr, req.get(), fd, nullptr);
}

}  // namespace

std::optional<std::string> read_file_if_exists(const std::string& path) {
  FsRequest open_req;
  const int fd = uv_fs_open(nullptr, open_req.get(), path.c_str(), UV_FS_O_RDONLY, 0, nullptr);
  if (fd == UV_ENOENT) return std::nullopt;
  if (fd < 0) throw_file_error("open", path, fd);

  std::string content;
  char chunk[64 * 1024];
  for (;;) {
    uv_buf_t buf = uv_buf_init(chunk, sizeof chunk);
    FsRequest read_req;
    // Offset -1: read from the current position, so successive reads walk through the file.
    const int n = uv_fs_read(nullptr, read_req.get(), fd, &buf, 1, -1, nullptr);
    if (n < 0) {
      close_fd(fd);
      throw_file_error("read", path, n);
    }
    if (n == 0) break;
    content.append(chunk, static_cast<std::size_t>(n));
  }
  close_fd(fd);
  return content;
}

void truncate_file(const std::string& path, std::uint64_t size) {
  FsRequest open_req;
  const int fd = uv_fs_open(nullptr, open_req.get(), path.c_str(), UV_FS_O_WRONLY, 0, nullptr);
  if (fd < 0) throw_file_error("open for truncating", path, fd);
  FsRequest req;
  const int status =
      uv_fs_ftruncate(nullptr, req.get(), fd, static_cast<std::int64_t>(size), nullptr);
  if (status == 0) {
    // The shorter length must survive a crash too, before anything is appended after it.
    FsRequest sync_req;
    const int synced = uv_fs_fsync(nullptr, sync_req.get(), fd, nullptr);
    close_fd(fd);
    if (synced < 0) throw_file_error("sync (fsync)", path, synced);
    return;
  }
  close_fd(fd);
  throw_file_error("truncate", path, status);
}

AppendFile AppendFile::open(const std::string& path) {
  FsRequest req;
  const int fd = uv_fs_open(nullptr, req.get(), path.c_str(),
                            UV_FS_O_WRONLY | UV_FS_O_CREAT | UV_FS_O_APPEND, 0644, nullptr);
  if (fd < 0) throw_file_error("open for appending", path, fd);
  AppendFile file;
  file.fd_ = fd;
  file.path_ = path;
  return file;
}

AppendFile::~AppendFile() {
  close();
}

AppendFile::AppendFile(AppendFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

AppendFile& AppendFile::operator=(AppendFile&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

void AppendFile::write_all(std::string_view bytes) {
  if (fd_ < 0) throw FileError(UvError("write to a closed AppendFile", UV_EBADF));
  while (!bytes.empty()) {
    // A write may take fewer bytes than offered (a signal, a nearly full disk): loop.
    uv_buf_t buf =
        uv_buf_init(const_cast<char*>(bytes.data()),
                    static_cast<unsigned int>(std::min<std::size_t>(bytes.size(), 1u << 30)));
    FsRequest req;
    const int n = uv_fs_write(nullptr, req.get(), fd_, &buf, 1, -1, nullptr);
    if (n < 0) throw_file_error("write to", path_, n);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void AppendFile::sync() {
  if (fd_ < 0) throw FileError(UvError("sync a closed AppendFile", UV_EBADF));
  FsRequest req;
  if (const int status = uv_fs_fsync(nullptr, req.get(), fd_, nullptr); status < 0) {
    throw_file_error("sync (fsync)", path_, status);
  }
}

void AppendFile::close() {
  if (fd_ < 0) return;
  close_fd(std::exchange(fd_, -1));
}

}  // namespace chatkit
