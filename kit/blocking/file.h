// Blocking file operations for students' programs: just enough to store stage-3 posts durably.
//
//   std::optional<std::string> bytes = chatkit::read_file_if_exists("posts.log");
//   chatkit::AppendFile log = chatkit::AppendFile::open("posts.log");
//   log.write_all(chatkit::encode_frame(post));
//   log.sync();  // only now is the post on the disk: now it may be acknowledged
//
// Writes go straight to the operating system (no buffer in the program), so a post that
// write_all() has returned for survives the program being killed (kill -9); sync() makes it
// survive a power cut as well. Built on libuv's file functions, so it works on every platform.
// Failures throw FileError (kit/blocking/io_error.h) naming the step and the path.
#ifndef CHATKIT_KIT_BLOCKING_FILE_H_
#define CHATKIT_KIT_BLOCKING_FILE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kit/blocking/io_error.h"

namespace chatkit {

// The whole content of the file at `path`, or nullopt when there is no such file. Throws
// FileError for any other failure (a directory, no permission).
std::optional<std::string> read_file_if_exists(const std::string& path);

// Cuts the file at `path` down to its first `size` bytes (to drop a record that was only half
// written when a program stopped). Throws FileError.
void truncate_file(const std::string& path, std::uint64_t size);

// A file opened for appending: every write goes to its end. Created (mode 0644) if missing.
class AppendFile {
 public:
  // Throws FileError (the directory does not exist, no permission, ...).
  static AppendFile open(const std::string& path);

  AppendFile() = default;
  // Closes the file, like close().
  ~AppendFile();
  AppendFile(AppendFile&& other) noexcept;
  AppendFile& operator=(AppendFile&& other) noexcept;
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  // Appends every byte of `bytes`, however many system calls that takes. Throws FileError (the
  // disk is full: ENOSPC); part of `bytes` may have been written then.
  void write_all(std::string_view bytes);
  // Returns once everything written so far is on the disk itself (fsync), not only in the
  // operating system's cache. Throws FileError.
  void sync();
  // Closes the file; never throws. Safe to call twice.
  void close();

  bool is_open() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;  // libuv's file descriptor (uv_file).
  std::string path_;
};

}  // namespace chatkit

#endif  // CHATKIT_KIT_BLOCKING_FILE_H_
