// Small file calls for stage 3, one C++ call per system call, as Python's `os` module has them:
//
//   Python                                          C++ (this header)
//   fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
//                                                   auto file =
//                                                   chatkit::File::open_for_append(path);
//   os.write(fd, data) until all is written         file.write_all(data);
//   os.fsync(fd)                                    file.sync();
//   os.close(fd)                                    file.close();
//   os.path.exists(path)                            chatkit::file_exists(path)
//   open(path, "rb").read()                         chatkit::read_file(path)
//   os.truncate(path, size)                         chatkit::truncate_file(path, size);
//
// Writes go straight to the operating system, with no buffer in the program: once write_all()
// returns, the bytes survive the program being killed (kill -9), since the system has them.
// Only sync() makes them survive a power cut too: before it returns they may still be in the
// system's memory, not on the disk. So a post is acknowledged after sync(), never before.
//
// On Windows the same calls are the C runtime's (_open, _write, _commit, _chsize_s, _close),
// always in binary mode: bytes are written as they are, "\n" is never made "\r\n".
//
// Failure is an exception: FileError names the call and the path and gives the system's reason,
// e.g. "open /no/such/dir/posts.log: No such file or directory (ENOENT)".
#ifndef CHATKIT_KIT_STUDENT_FILE_H_
#define CHATKIT_KIT_STUDENT_FILE_H_

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace chatkit {

// A file call failed. what() is "<call> <path>: <the system's reason> (<ERRNO name>)".
// (Python: OSError, FileNotFoundError, PermissionError, ...)
class FileError : public std::runtime_error {
 public:
  FileError(std::string call, int code, const std::string& message)
      : std::runtime_error(message), call_(std::move(call)), code_(code) {}
  // What was being done: "open posts.log", "fsync posts.log".
  const std::string& call() const { return call_; }
  // The system's error number (errno), e.g. ENOENT, ENOSPC.
  int code() const { return code_; }

 private:
  std::string call_;
  int code_;
};

// A file opened for appending: every write goes to its end, whoever else writes to it.
// Move-only; destroying an open File closes it.
class File {
 public:
  // open(path, O_WRONLY | O_APPEND | O_CREAT, 0644): creates the file if it is missing.
  // Throws FileError (the folder does not exist: ENOENT; no permission: EACCES).
  static File open_for_append(const std::string& path);

  File() = default;  // No file: is_open() is false.
  ~File();
  File(File&& other) noexcept;
  File& operator=(File&& other) noexcept;
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  // write() until every byte of `bytes` is written: one write may take only part of them.
  // Throws FileError (the disk is full: ENOSPC); part of `bytes` may be written then.
  void write_all(std::string_view bytes);
  // fsync() (_commit() on Windows): returns once everything written so far is on the disk
  // itself, not only in the system's memory. Throws FileError.
  void sync();
  // close(). Safe to call twice; never throws.
  void close();

  bool is_open() const { return fd_ >= 0; }

 private:
  File(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

  int fd_ = -1;  // The system's file descriptor.
  std::string path_;
};

// access(path, F_OK): whether there is a file (or folder) at `path`.
bool file_exists(const std::string& path);

// open(), read() until the end of the file, close(): the whole content of the file at `path`,
// byte for byte. Throws FileError when it cannot be opened or read (ENOENT: there is none).
std::string read_file(const std::string& path);

// truncate(): cuts the file at `path` down to its first `size` bytes, for example to drop a
// record that was only half written when the program stopped. Throws FileError.
void truncate_file(const std::string& path, std::uint64_t size);

}  // namespace chatkit

#endif  // CHATKIT_KIT_STUDENT_FILE_H_
