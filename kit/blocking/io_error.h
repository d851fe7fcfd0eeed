// Exceptions of the blocking API (kit/blocking/, kit/socketfuncs.h).
//
// The blocking API is what students' programs are written in, so it reports failures the way
// the course's Python does: by throwing. Every exception carries the libuv error that caused it
// (chatkit::UvError), and its what() names the step that failed, for example
//   "connect to 127.0.0.1:10000: connection refused (ECONNREFUSED)".
#ifndef CHATKIT_KIT_BLOCKING_IO_ERROR_H_
#define CHATKIT_KIT_BLOCKING_IO_ERROR_H_

#include <stdexcept>
#include <utility>

#include "kit/net/uv_error.h"

namespace chatkit {

// A failed operation on a socket or a file. error() holds libuv's code and the step.
class IoError : public std::runtime_error {
 public:
  explicit IoError(UvError error) : std::runtime_error(error.message()), error_(std::move(error)) {}
  const UvError& error() const { return error_; }
  // libuv's negative status code (UV_ECONNRESET, ...).
  int code() const { return error_.code(); }

 private:
  UvError error_;
};

// A socket operation failed: the peer reset the connection, nobody listens on the port, ...
// (Python: OSError, ConnectionError.)
class SocketError : public IoError {
 public:
  using IoError::IoError;
};

// A socket operation did not finish within the socket's timeout; code() is UV_ETIMEDOUT.
// (Python: socket.timeout.) After a receive or accept timed out the socket is still usable;
// after a send timed out it is not (part of the bytes may have been sent).
class SocketTimeout : public SocketError {
 public:
  using SocketError::SocketError;
};

// A file operation failed (kit/blocking/file.h).
class FileError : public IoError {
 public:
  using IoError::IoError;
};

}  // namespace chatkit

#endif  // CHATKIT_KIT_BLOCKING_IO_ERROR_H_
