// LineReader: reads one line from standard input without blocking the libuv loop.
//
// Standard input may be a terminal, a pipe or a file, and libuv reads each in its own way: a
// terminal through uv_tty_t, a pipe through uv_pipe_t, a file (or /dev/null) through uv_fs_read
// on the thread pool. LineReader asks uv_guess_handle() which one it is and hides the difference,
// so the loop keeps serving the connection while the user types.
//
// A LineReader is a member of its owner. The owner must not destroy it while idle() is false,
// which in practice means: destroy it after uv_run() has returned.
#ifndef CHATKIT_CLIENT_LINE_READER_H_
#define CHATKIT_CLIENT_LINE_READER_H_

#include <uv.h>

#include <array>
#include <cstddef>
#include <functional>
#include <string>

#include "kit/net/uv_error.h"

namespace chatkit {

struct LineResult {
  enum class Status {
    kLine,        // `line` holds the line, without its "\n" or "\r\n".
    kEndOfInput,  // Standard input ended before any byte of a line arrived.
    kTooLong,     // The line is longer than the limit; reading stopped there.
    kFailed,      // Reading failed; `error` says how.
  };
  Status status = Status::kLine;
  std::string line;
  UvError error;
};

class LineReader {
 public:
  // Lines longer than `max_line_bytes` (not counting the line end) are reported as kTooLong, so
  // a runaway input cannot make the reader buffer without bound.
  LineReader(uv_loop_t* loop, std::size_t max_line_bytes);
  // Precondition: idle().
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Starts reading standard input (file descriptor 0). `done` runs exactly once, from the loop,
  // with the outcome, unless close() comes first. When start() returns an error, nothing was
  // started and `done` never runs. Call start() at most once.
  UvError start(std::function<void(const LineResult&)> done);

  // Stops reading and releases standard input; `done` will not run after this. Safe in any state
  // and more than once. A file read already running on the thread pool finishes first.
  void close();

  // True when no handle or request of this reader is still open.
  bool idle() const { return !handle_open_ && !read_pending_; }

 private:
  static void on_alloc(uv_handle_t* handle, std::size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_file_read(uv_fs_t* req);
  static void on_close(uv_handle_t* handle);

  UvError start_stream(uv_handle_type type);
  UvError read_file_chunk();
  // Takes newly read bytes; finishes with a line or kTooLong when the bytes allow it.
  void take(const char* data, std::size_t size);
  // Standard input ended: whatever is buffered is the last line, without a line end.
  void take_end_of_input();
  // Reports `result` once and stops reading.
  void finish(const LineResult& result);

  uv_loop_t* loop_;
  std::size_t max_line_bytes_;
  std::function<void(const LineResult&)> done_;
  std::string line_;  // Bytes of the line so far.
  bool finished_ = false;

  // A terminal or a pipe: exactly one of the two is initialized, and stream_ points to it.
  uv_tty_t tty_{};
  uv_pipe_t pipe_{};
  uv_stream_t* stream_ = nullptr;
  bool handle_open_ = false;

  // A file: one uv_fs_read at a time into chunk_.
  uv_fs_t file_read_{};
  bool read_pending_ = false;
  std::array<char, 4096> chunk_{};
};

}  // namespace chatkit

#endif  // CHATKIT_CLIENT_LINE_READER_H_
