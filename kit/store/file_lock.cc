#include "kit/store/file_lock.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <sys/file.h>

#include <cerrno>
#endif

#include <utility>

#include "kit/net/uv_error.h"

namespace chatkit {
namespace {

constexpr const char* kInUse =
    "it is in use by another program: another chat-server (or chat-server --import) has it open. "
    "A history file belongs to one server at a time: stop the other one, or give this one its "
    "own --data file";

// Returns 0 when the lock was taken, 1 when someone else holds it, or a negative libuv status.
int try_lock(uv_file fd) {
#ifdef _WIN32
  HANDLE handle = reinterpret_cast<HANDLE>(uv_get_osfhandle(fd));
  OVERLAPPED where = {};
  // The byte at offset 2^62: far past any history, and far from SQLite's lock bytes at 1 GiB.
  where.OffsetHigh = 0x40000000;
  if (LockFileEx(handle, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &where)) {
    return 0;
  }
  const DWORD error = GetLastError();
  if (error == ERROR_LOCK_VIOLATION || error == ERROR_IO_PENDING) return 1;
  return uv_translate_sys_error(static_cast<int>(error));
#else
  int rc;
  do {
    rc = flock(fd, LOCK_EX | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc == 0) return 0;
  if (errno == EWOULDBLOCK) return 1;
  return uv_translate_sys_error(errno);
#endif
}

}  // namespace

FileLock::~FileLock() {
  release();
}

FileLock::FileLock(FileLock&& other) noexcept
    : loop_(other.loop_), fd_(std::exchange(other.fd_, -1)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    release();
    loop_ = other.loop_;
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

bool FileLock::acquire(uv_loop_t* loop, const std::string& path, FileLock* lock,
                       std::string* error) {
  uv_fs_t req;
  // Read-only is enough for flock(2) and LockFileEx, and never changes the file.
  const uv_file fd = uv_fs_open(loop, &req, path.c_str(), UV_FS_O_RDONLY, 0, nullptr);
  uv_fs_req_cleanup(&req);
  if (fd < 0) {
    *error = UvError("cannot open it to lock it", fd).message();
    return false;
  }
  FileLock candidate;
  candidate.loop_ = loop;
  candidate.fd_ = fd;
  const int rc = try_lock(fd);
  if (rc != 0) {
    *error = rc == 1 ? kInUse : UvError("cannot lock it", rc).message();
    return false;  // `candidate` closes the descriptor.
  }
  *lock = std::move(candidate);
  return true;
}

void FileLock::release() {
  if (fd_ < 0) return;
  // Closing the descriptor releases the lock, on every system.
  uv_fs_t req;
  uv_fs_close(loop_, &req, fd_, nullptr);
  uv_fs_req_cleanup(&req);
  fd_ = -1;
}

}  // namespace chatkit
