// UvError: libuv's negative status codes as one error type that names the failed step.
//
// libuv reports failure as a negative errno-style int (UV_ECONNREFUSED, ...). Code that calls
// libuv turns each such code into a UvError at the call site, naming the step that failed, so a
// log line or a test failure reads "connect to 127.0.0.1:10000: connection refused (ECONNREFUSED)"
// instead of "-111".
#ifndef CHATKIT_KIT_NET_UV_ERROR_H_
#define CHATKIT_KIT_NET_UV_ERROR_H_

#include <string>
#include <utility>

namespace chatkit {

class UvError {
 public:
  // No error.
  UvError() = default;
  // `code` is a libuv status; 0 means success. `step` says what was being done, such as
  // "bind 0.0.0.0:10000".
  UvError(std::string step, int code) : step_(std::move(step)), code_(code) {}

  // True when this holds an error (code != 0).
  explicit operator bool() const { return code_ != 0; }
  int code() const { return code_; }
  const std::string& step() const { return step_; }
  // libuv's name for the code ("ECONNREFUSED"), or "" when there is no error.
  std::string name() const;
  // "<step>: <uv_strerror(code)> (<uv_err_name(code)>)", or "ok".
  std::string message() const;

 private:
  std::string step_;
  int code_ = 0;
};

// Returns UvError(step, status) when status < 0, and no error otherwise. Non-negative statuses
// (byte counts, for example) are success.
inline UvError check_uv(const char* step, int status) {
  return status < 0 ? UvError(step, status) : UvError();
}

}  // namespace chatkit

#endif  // CHATKIT_KIT_NET_UV_ERROR_H_
