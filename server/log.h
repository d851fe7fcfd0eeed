// Logger: one line per event on stdout, each starting with the local time.
//
//   2026-11-24T09:15:02.123456+01:00 #12 127.0.0.1:51234 connected
//
// Lines are flushed as they are written so that an instructor tailing the log, or a test
// waiting for a line, sees each event at once.
#ifndef CHATKIT_SERVER_LOG_H_
#define CHATKIT_SERVER_LOG_H_

#include <cstdio>
#include <string_view>

namespace chatkit {

class Logger {
 public:
  explicit Logger(std::FILE* out = stdout) : out_(out) {}
  // Writes "<timestamp> <text>\n".
  void log(std::string_view text);
  // Writes `text` and a newline with no timestamp (the "listening on" line, whose exact form
  // scripts rely on).
  void raw(std::string_view text);

 private:
  std::FILE* out_;
};

}  // namespace chatkit

#endif  // CHATKIT_SERVER_LOG_H_
