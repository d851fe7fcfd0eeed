// FileLock: one process at a time owns a history file.
//
// Two servers on one history file would each serve only the posts they loaded or took
// themselves, while the file holds both; an `--import` into a running server's file would never
// be served. So whoever writes a history file first takes an exclusive lock on it, held until it
// closes the file, and whoever comes second is refused at once with the reason.
//
// The lock is the operating system's, taken on the database file itself, so it goes away with
// the process however that ends (kill -9 included) and never leaves a stale lock file behind:
//   - POSIX: flock(2) with LOCK_EX | LOCK_NB. SQLite locks with fcntl(2) byte ranges, which
//     flock(2) locks neither see nor disturb, so readers (the sqlite3 shell, `--export`, a
//     backup) go on working while the server runs.
//   - Windows: LockFileEx on one byte far beyond any data. Windows locks are mandatory, so the
//     byte is one SQLite never reads or locks (its own lock bytes sit at 1 GiB).
// libuv has no file locks, which is why this is the one place in kit/store that calls the
// system directly.
#ifndef CHATKIT_KIT_STORE_FILE_LOCK_H_
#define CHATKIT_KIT_STORE_FILE_LOCK_H_

#include <uv.h>

#include <string>

namespace chatkit {

class FileLock {
 public:
  FileLock() = default;  // Holds no lock.
  // Releases the lock (closing the descriptor), if one is held.
  ~FileLock();
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  // Takes the exclusive lock on the existing file at `path`, without waiting. On failure returns
  // false with *error saying why in words: "it is in use by another program (...)" when another
  // process (or another FileLock in this one) holds it, or the system's reason.
  static bool acquire(uv_loop_t* loop, const std::string& path, FileLock* lock, std::string* error);

  bool held() const { return fd_ >= 0; }

 private:
  void release();

  uv_loop_t* loop_ = nullptr;
  uv_file fd_ = -1;
};

}  // namespace chatkit

#endif  // CHATKIT_KIT_STORE_FILE_LOCK_H_
