#include "server/stdin_stop.h"

#include <cassert>
#include <utility>

#include "kit/net/uv_error.h"

namespace chatkit {

struct StdinStop::Watch {
  uv_pipe_t pipe{};
  std::function<void()> on_end;
  bool ended = false;
  char buffer[256];  // What arrives is ignored; a small buffer is enough to drain it.
};

bool StdinStop::start(std::function<void()> on_end, std::string* error) {
  assert(watch_ == nullptr && "StdinStop::start is called at most once");
  // Only a pipe has an end that another program decides: a terminal or /dev/null would stop
  // the server at once or never.
  if (uv_guess_handle(0) != UV_NAMED_PIPE) {
    *error = "--stop-on-stdin-eof: standard input is not a pipe";
    return false;
  }
  auto* watch = new Watch;
  const int init_status = uv_pipe_init(loop_, &watch->pipe, 0);
  if (init_status < 0) {
    delete watch;  // Nothing was initialized, so there is nothing to close.
    *error = UvError("--stop-on-stdin-eof: stdin pipe init", init_status).message();
    return false;
  }
  watch->pipe.data = watch;
  watch->on_end = std::move(on_end);
  watch_ = watch;
  UvError failure = check_uv("--stop-on-stdin-eof: open stdin", uv_pipe_open(&watch->pipe, 0));
  if (!failure) {
    failure =
        check_uv("--stop-on-stdin-eof: read stdin",
                 uv_read_start(reinterpret_cast<uv_stream_t*>(&watch->pipe), on_alloc, on_read));
  }
  if (failure) {
    close();
    *error = failure.message();
    return false;
  }
  // Waiting for the end of stdin is no reason to keep the loop running.
  uv_unref(reinterpret_cast<uv_handle_t*>(&watch->pipe));
  return true;
}

void StdinStop::close() {
  if (watch_ == nullptr) return;
  uv_close(reinterpret_cast<uv_handle_t*>(&watch_->pipe), on_closed);
  watch_ = nullptr;
}

void StdinStop::on_alloc(uv_handle_t* handle, std::size_t /*suggested*/, uv_buf_t* buf) {
  auto* watch = static_cast<Watch*>(handle->data);
  *buf = uv_buf_init(watch->buffer, sizeof watch->buffer);
}

void StdinStop::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* /*buf*/) {
  if (nread >= 0) return;  // Bytes to ignore, or nothing this time.
  auto* watch = static_cast<Watch*>(stream->data);
  uv_read_stop(stream);
  if (watch->ended) return;
  watch->ended = true;
  watch->on_end();
}

void StdinStop::on_closed(uv_handle_t* handle) {
  delete static_cast<Watch*>(handle->data);
}

}  // namespace chatkit
