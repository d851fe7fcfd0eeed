// Logger: one line per event on stdout, each starting with the local time.
//
//   2026-11-24T09:15:02.123456+01:00 #12 127.0.0.1:51234 connected
//
// Lines are out before the server waits for anything, so that an instructor tailing the log,
// or a test waiting for a line, sees each event at once. By default every line is written and
// flushed as it comes. Once batch_on(loop) is called, lines logged from the loop's callbacks are
// collected and written together, once per loop iteration, just before the loop waits for I/O:
// still before anything else can happen, but one write() for everything an iteration did
// instead of three for each connection (which, at ten thousand connections a second, was a
// tenth of the server's time).
#ifndef CHATKIT_KIT_LOG_LOGGER_H_
#define CHATKIT_KIT_LOG_LOGGER_H_

#include <uv.h>

#include <cstdio>
#include <string>
#include <string_view>

namespace chatkit {

class Logger {
 public:
  explicit Logger(std::FILE* out = stdout) : out_(out) {}
  // Writes what is still collected. Precondition: not batching (stop_batching() was called, or
  // batch_on() never was).
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // Writes "<timestamp> <text>\n".
  void log(std::string_view text);
  // Writes "<timestamp> <who> <text>\n" (a connection's lines: who is "#12 127.0.0.1:51234"),
  // without building the joined text first.
  void log(std::string_view who, std::string_view text);
  // Writes `text` and a newline with no timestamp (the "listening on" line, whose exact form
  // scripts rely on). Always written at once, with what was collected before it.
  void raw(std::string_view text);

  // Starts collecting lines, written by a uv_prepare handle on `loop` (unreferenced: it does not
  // keep the loop alive). The owner of the loop calls stop_batching() before the loop ends.
  void batch_on(uv_loop_t* loop);
  // Writes what was collected, goes back to a write per line, and closes the handle (the loop
  // must run once more for the close to complete). Does nothing when not batching.
  void stop_batching();

 private:
  static void on_prepare(uv_prepare_t* prepare);
  void flush();

  std::FILE* out_;
  std::string pending_;  // Collected lines, each with its newline.
  uv_prepare_t prepare_{};
  bool batching_ = false;
};

}  // namespace chatkit

#endif  // CHATKIT_KIT_LOG_LOGGER_H_
