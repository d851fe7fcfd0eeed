// The process's limit on open files, raised at start so that the server can hold
// --max-connections clients at once.
//
// Every connection costs one file descriptor, and POSIX systems start processes with a low soft
// limit (1024 on Debian) under a much higher hard limit. An unprivileged process may raise its
// soft limit up to the hard one, so the server does that itself instead of asking every
// instructor to run `ulimit -n` first. Windows has no such per-process table for sockets: there
// the limit is reported as absent and nothing is changed.
#ifndef CHATKIT_SERVER_OPEN_FILE_LIMIT_H_
#define CHATKIT_SERVER_OPEN_FILE_LIMIT_H_

#include <cstdint>
#include <string>

namespace chatkit {

struct OpenFileLimit {
  // False where the system has no per-process descriptor limit (Windows); the numbers are 0 then.
  bool applies = true;
  // The soft limit in force after the call (the one that counts) and the hard ceiling.
  std::uint64_t soft = 0;
  std::uint64_t hard = 0;
  // Why the limit could not be read or raised; "" when all went well. The limit is then
  // whatever it was before.
  std::string error;
};

// Raises the soft limit on open files to `wanted`, or as close to it as the hard limit allows.
// Never lowers it. Returns the limit now in force.
OpenFileLimit raise_open_file_limit(std::uint64_t wanted);

}  // namespace chatkit

#endif  // CHATKIT_SERVER_OPEN_FILE_LIMIT_H_
