#include "server/open_file_limit.h"

#ifndef _WIN32
#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#endif

namespace chatkit {

#ifdef _WIN32

OpenFileLimit raise_open_file_limit(std::uint64_t) {
  // Winsock sockets are kernel handles, not entries in the C runtime's descriptor table: there
  // is nothing to raise.
  OpenFileLimit limit;
  limit.applies = false;
  return limit;
}

#else

namespace {

std::uint64_t as_count(rlim_t value) {
  return value == RLIM_INFINITY ? UINT64_MAX : static_cast<std::uint64_t>(value);
}

}  // namespace

OpenFileLimit raise_open_file_limit(std::uint64_t wanted) {
  OpenFileLimit limit;
  rlimit current{};
  if (getrlimit(RLIMIT_NOFILE, &current) != 0) {
    limit.error = std::string("getrlimit(RLIMIT_NOFILE): ") + std::strerror(errno);
    return limit;
  }
  limit.soft = as_count(current.rlim_cur);
  limit.hard = as_count(current.rlim_max);
  if (limit.soft >= wanted) return limit;

  rlimit raised = current;
  const std::uint64_t target = wanted < limit.hard ? wanted : limit.hard;
  raised.rlim_cur = static_cast<rlim_t>(target);
  if (setrlimit(RLIMIT_NOFILE, &raised) != 0) {
    limit.error =
        "setrlimit(RLIMIT_NOFILE, " + std::to_string(target) + "): " + std::strerror(errno);
    return limit;
  }
  limit.soft = target;
  return limit;
}

#endif

}  // namespace chatkit
