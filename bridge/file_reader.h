// FileRead: reads one file from under the web root on libuv's thread pool.
//
// A request path has already been checked (bridge/request_path.h); the read checks once more,
// where it counts: it resolves the root and the file with realpath (symbolic links followed)
// and opens the file only when it lies under the root. So a symbolic link inside the root that
// points elsewhere (/etc/passwd) is "not found", like a missing file. Only regular files are
// read; a directory is "not found" too.
//
// Every step (realpath, open, fstat, read, close) runs on the thread pool, so the event loop,
// which a whole class's chat connections share with the bridge in chat-server --web, never
// waits for the disk.
//
// Lifetime: start() returns a FileRead that owns itself. `done` runs exactly once, later, on the
// loop thread, unless cancel() was called before; then nothing runs. Either way the FileRead
// closes its file and frees itself when its last libuv request completes. If start() cannot
// even begin, it returns nullptr with the reason and `done` never runs.
#ifndef CHATKIT_BRIDGE_FILE_READER_H_
#define CHATKIT_BRIDGE_FILE_READER_H_

#include <uv.h>

#include <cstddef>
#include <functional>
#include <string>

namespace chatkit {

class FileRead {
 public:
  struct Result {
    enum class Outcome {
      kRead,         // `contents` holds the whole file.
      kNotFound,     // Missing, not a regular file, or outside the root.
      kRootMissing,  // The web root itself does not exist (the viewer was not built).
      kTooLarge,     // Larger than the limit.
      kFailed,       // The disk said no (permissions, I/O error): `error` says what.
    };
    Outcome outcome = Outcome::kFailed;
    std::string contents;
    std::string error;  // For the log: "open /srv/www/x.js: permission denied (EACCES)".
  };
  using Done = std::function<void(Result)>;

  // Starts reading `relative` (a checked, '/'-separated path) under `root`, at most `max_bytes`.
  static FileRead* start(uv_loop_t* loop, std::string root, std::string relative,
                         std::size_t max_bytes, Done done, std::string* error);
  // The caller is going away: `done` will not run. The read winds down and frees itself.
  void cancel() { done_ = nullptr; }

  FileRead(const FileRead&) = delete;
  FileRead& operator=(const FileRead&) = delete;

 private:
  enum class Step { kRootPath, kFilePath, kOpen, kStat, kRead, kClose };

  FileRead(uv_loop_t* loop, std::string root, std::string relative, std::size_t max_bytes,
           Done done);
  ~FileRead() = default;
  static void on_fs(uv_fs_t* req);
  void advance();
  // Records the outcome and closes the file if open; finishes once it is closed.
  void end(Result::Outcome outcome, std::string error = "");
  void finish();
  // Handles the status of starting the next request: a synchronous failure ends the read.
  void submitted(const char* step, const std::string& path, int status);
  void read_more();

  uv_loop_t* loop_;
  std::string root_;
  std::string relative_;
  std::size_t max_bytes_;
  Done done_;
  uv_fs_t req_{};
  Step step_ = Step::kRootPath;
  std::string real_root_;
  std::string real_file_;
  uv_file file_ = -1;
  std::size_t size_ = 0;
  Result result_;
};

}  // namespace chatkit

#endif  // CHATKIT_BRIDGE_FILE_READER_H_
