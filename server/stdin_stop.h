// StdinStop: chat-server's --stop-on-stdin-eof, the graceful stop triggered by the end of
// standard input instead of a signal.
//
// Windows has no signals between processes: a program that runs chat-server there (a test
// harness, a supervisor) can otherwise only end it abruptly (TerminateProcess), with no chance
// to finish its connections and close the history file. With this option it gives its stdin
// as a pipe and closes that pipe to stop the server, which then stops as on Ctrl-C. Whatever
// arrives on stdin before the end is read and ignored.
//
// The watch does not keep the loop running: when the server stops for another reason (a
// signal), uv_run returns with the stdin handle still open. close() it then (the destructor
// does too) and run the loop once more, so that its close callback runs before uv_loop_close.
#ifndef CHATKIT_SERVER_STDIN_STOP_H_
#define CHATKIT_SERVER_STDIN_STOP_H_

#include <uv.h>

#include <functional>
#include <string>

namespace chatkit {

class StdinStop {
 public:
  explicit StdinStop(uv_loop_t* loop) : loop_(loop) {}
  // Closes the handle if it is open; the loop must run afterwards (see above).
  ~StdinStop() { close(); }
  StdinStop(const StdinStop&) = delete;
  StdinStop& operator=(const StdinStop&) = delete;

  // Starts reading stdin, which must be a pipe. Calls `on_end` once, on the loop thread, when
  // the pipe ends (EOF, or a read error: either way no stop request can come any more).
  // Returns false with *error (and calls nothing) when stdin is not a pipe or cannot be read.
  // Call at most once.
  bool start(std::function<void()> on_end, std::string* error);
  // Stops watching and closes the handle. Safe to call more than once, and before start().
  void close();

 private:
  struct Watch;
  static void on_alloc(uv_handle_t* handle, std::size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_closed(uv_handle_t* handle);

  uv_loop_t* loop_;
  // The pipe handle and its callback; owned here until close(), then freed in on_closed.
  Watch* watch_ = nullptr;
};

}  // namespace chatkit

#endif  // CHATKIT_SERVER_STDIN_STOP_H_
