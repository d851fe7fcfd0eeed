#include "kit/net/uv_error.h"

#include <uv.h>

namespace chatkit {

std::string UvError::name() const {
  return code_ == 0 ? "" : uv_err_name(code_);
}

std::string UvError::message() const {
  if (code_ == 0) return "ok";
  std::string text = step_;
  text += ": ";
  text += uv_strerror(code_);
  text += " (";
  text += uv_err_name(code_);
  text += ")";
  return text;
}

}  // namespace chatkit
