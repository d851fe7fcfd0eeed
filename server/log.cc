#include "server/log.h"

#include <string>

#include "kit/time/timestamp.h"

namespace chatkit {

void Logger::log(std::string_view text) {
  std::string line = local_timestamp_now();
  line += ' ';
  line += text;
  raw(line);
}

void Logger::raw(std::string_view text) {
  // One fwrite per line keeps lines whole; a failed write to a closed stdout must not stop the
  // server, so its result is deliberately ignored.
  std::string line(text);
  line += '\n';
  (void)std::fwrite(line.data(), 1, line.size(), out_);
  (void)std::fflush(out_);
}

}  // namespace chatkit
