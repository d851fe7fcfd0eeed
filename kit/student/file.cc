// The file calls of file.h: each function is the system call it names, with the error turned
// into an exception. On Windows the C runtime has the same calls with a leading underscore.
#include "kit/student/file.h"

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#ifdef _WIN32
#include <io.h>
#include <sys/stat.h>
#else
#include <unistd.h>
#endif

namespace chatkit {
namespace {

// The name of an error number, so that its message can be looked up: "ENOENT".
std::string code_name(int code) {
  static const struct {
    int code;
    const char* name;
  } kNames[] = {{ENOENT, "ENOENT"},   {EACCES, "EACCES"}, {EEXIST, "EEXIST"}, {EISDIR, "EISDIR"},
                {ENOTDIR, "ENOTDIR"}, {ENOSPC, "ENOSPC"}, {EROFS, "EROFS"},   {EIO, "EIO"},
                {EINVAL, "EINVAL"},   {EBADF, "EBADF"},   {EMFILE, "EMFILE"}, {EFBIG, "EFBIG"}};
  for (const auto& entry : kNames) {
    if (entry.code == code) return entry.name;
  }
  return "error " + std::to_string(code);
}

[[noreturn]] void fail(const std::string& call, const std::string& path, int code = errno) {
  throw FileError(call + " " + path, code,
                  call + " " + path + ": " + std::strerror(code) + " (" + code_name(code) + ")");
}

#ifdef _WIN32
// Binary mode: the bytes as they are ("\n" stays "\n"). Permissions are Windows' own.
int open_file(const std::string& path, int flags) {
  return _open(path.c_str(), flags | _O_BINARY, _S_IREAD | _S_IWRITE);
}
int write_file(int fd, const char* bytes, std::size_t size) {
  return _write(fd, bytes, static_cast<unsigned>(std::min<std::size_t>(size, INT_MAX)));
}
int read_some(int fd, char* buffer, std::size_t size) {
  return _read(fd, buffer, static_cast<unsigned>(size));
}
#else
int open_file(const std::string& path, int flags) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags, 0644);
  } while (fd < 0 && errno == EINTR);  // A signal came first: make the call again.
  return fd;
}
ssize_t write_file(int fd, const char* bytes, std::size_t size) {
  ssize_t written;
  do {
    written = ::write(fd, bytes, size);
  } while (written < 0 && errno == EINTR);
  return written;
}
ssize_t read_some(int fd, char* buffer, std::size_t size) {
  ssize_t got;
  do {
    got = ::read(fd, buffer, size);
  } while (got < 0 && errno == EINTR);
  return got;
}
#endif

void close_file(int fd) {
#ifdef _WIN32
  _close(fd);
#else
  ::close(fd);  // Not made again after EINTR: Linux has closed the file anyway.
#endif
}

}  // namespace

File File::open_for_append(const std::string& path) {
  const int fd = open_file(path, O_WRONLY | O_APPEND | O_CREAT);
  if (fd < 0) fail("open", path);
  return File(fd, path);
}

File::~File() {
  close();
}

File::File(File&& other) noexcept : fd_(std::exchange(other.fd_, -1)), path_(other.path_) {}

File& File::operator=(File&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    path_ = other.path_;
  }
  return *this;
}

void File::write_all(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto written = write_file(fd_, bytes.data(), bytes.size());
    if (written < 0) fail("write", path_);
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
}

void File::sync() {
#ifdef _WIN32
  if (_commit(fd_) != 0) fail("_commit", path_);
#else
  // (macOS: fsync reaches the drive, whose own cache may still hold the bytes; as Python's.)
  if (::fsync(fd_) != 0) fail("fsync", path_);
#endif
}

void File::close() {
  if (fd_ < 0) return;
  close_file(fd_);
  fd_ = -1;
}

bool file_exists(const std::string& path) {
#ifdef _WIN32
  return _access(path.c_str(), 0) == 0;
#else
  return ::access(path.c_str(), F_OK) == 0;
#endif
}

std::string read_file(const std::string& path) {
  const int fd = open_file(path, O_RDONLY);
  if (fd < 0) fail("open", path);
  std::string content;
  char buffer[65536];
  long long got;
  while ((got = read_some(fd, buffer, sizeof buffer)) > 0) {
    content.append(buffer, static_cast<std::size_t>(got));
  }
  const int code = errno;
  close_file(fd);
  if (got < 0) fail("read", path, code);
  return content;  // read() returned 0: the end of the file.
}

void truncate_file(const std::string& path, std::uint64_t size) {
#ifdef _WIN32
  const int fd = open_file(path, _O_WRONLY);
  if (fd < 0) fail("open", path);
  const errno_t code = _chsize_s(fd, static_cast<long long>(size));
  close_file(fd);
  if (code != 0) fail("_chsize_s", path, code);
#else
  if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0) fail("truncate", path);
#endif
}

}  // namespace chatkit
