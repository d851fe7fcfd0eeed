#include "client/line_reader.h"

#include <cassert>
#include <string_view>
#include <utility>

namespace chatkit {
namespace {

constexpr uv_file kStdin = 0;

}  // namespace

LineReader::LineReader(uv_loop_t* loop, std::size_t max_line_bytes)
    : loop_(loop), max_line_bytes_(max_line_bytes) {}

LineReader::~LineReader() {
  assert(idle() && "destroy a LineReader only after its handle closed and its read finished");
}

UvError LineReader::start(std::function<void(const LineResult&)> done) {
  assert(!done_ && !finished_ && "start() a LineReader once");
  done_ = std::move(done);
  UvError error;
  const uv_handle_type type = uv_guess_handle(kStdin);
  switch (type) {
    case UV_TTY:
    case UV_NAMED_PIPE:
      error = start_stream(type);
      break;
    case UV_FILE:
      error = read_file_chunk();
      break;
    case UV_UNKNOWN_HANDLE:
      // What uv_guess_handle says when file descriptor 0 is not open at all.
      error = UvError("read standard input", UV_EBADF);
      break;
    default:
      error = UvError("read standard input", UV_ENOTSUP);
      break;
  }
  if (error) close();
  return error;
}

UvError LineReader::start_stream(uv_handle_type type) {
  const int status =
      type == UV_TTY ? uv_tty_init(loop_, &tty_, kStdin, 1) : uv_pipe_init(loop_, &pipe_, 0);
  if (status < 0) return UvError("open standard input", status);
  stream_ = type == UV_TTY ? reinterpret_cast<uv_stream_t*>(&tty_)
                           : reinterpret_cast<uv_stream_t*>(&pipe_);
  // From here on the handle exists and must be closed, whatever fails next.
  handle_open_ = true;
  stream_->data = this;
  if (type == UV_NAMED_PIPE) {
    UvError error = check_uv("open standard input", uv_pipe_open(&pipe_, kStdin));
    if (error) return error;
  }
  return check_uv("read standard input", uv_read_start(stream_, on_alloc, on_read));
}

void LineReader::on_alloc(uv_handle_t* handle, std::size_t, uv_buf_t* buf) {
  // Reads are delivered synchronously, so one buffer serves every read.
  auto* self = static_cast<LineReader*>(handle->data);
  *buf = uv_buf_init(self->chunk_.data(), static_cast<unsigned>(self->chunk_.size()));
}

void LineReader::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<LineReader*>(stream->data);
  if (nread > 0) {
    self->take(buf->base, static_cast<std::size_t>(nread));
  } else if (nread == UV_EOF) {
    self->take_end_of_input();
  } else if (nread < 0) {
    self->finish(
        {LineResult::Status::kFailed, "", UvError("read standard input", static_cast<int>(nread))});
  }
}

UvError LineReader::read_file_chunk() {
  const uv_buf_t buf = uv_buf_init(chunk_.data(), static_cast<unsigned>(chunk_.size()));
  file_read_.data = this;
  // Offset -1 reads at the file's current position, so `chat-client < file` reads the file from
  // wherever the shell left it, like any other program would.
  const int status = uv_fs_read(loop_, &file_read_, kStdin, &buf, 1, -1, on_file_read);
  if (status < 0) return UvError("read standard input", status);
  read_pending_ = true;
  return {};
}

void LineReader::on_file_read(uv_fs_t* req) {
  auto* self = static_cast<LineReader*>(req->data);
  const auto result = req->result;
  uv_fs_req_cleanup(req);
  self->read_pending_ = false;
  if (self->finished_) return;  // close() came while the read ran on the thread pool.

  if (result == 0) {
    self->take_end_of_input();
  } else if (result < 0) {
    self->finish({LineResult::Status::kFailed, "",
                  UvError("read standard input", static_cast<int>(result))});
  } else {
    self->take(self->chunk_.data(), static_cast<std::size_t>(result));
    if (self->finished_) return;
    const UvError error = self->read_file_chunk();
    if (error) self->finish({LineResult::Status::kFailed, "", error});
  }
}

void LineReader::take(const char* data, std::size_t size) {
  const std::string_view bytes(data, size);
  const std::size_t newline = bytes.find('\n');
  line_.append(bytes.substr(0, newline));
  if (newline != std::string_view::npos) {
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    if (line_.size() > max_line_bytes_) {
      finish({LineResult::Status::kTooLong, "", {}});
    } else {
      finish({LineResult::Status::kLine, std::move(line_), {}});
    }
    return;
  }
  // Keep room for a final '\r' whose '\n' has not arrived yet; beyond that the line is too long
  // whatever comes next, and there is no point in buffering more of it.
  if (line_.size() > max_line_bytes_ + 1) finish({LineResult::Status::kTooLong, "", {}});
}

void LineReader::take_end_of_input() {
  if (line_.empty()) {
    finish({LineResult::Status::kEndOfInput, "", {}});
    return;
  }
  // A last line without a line end still counts, as with Python's input().
  take("\n", 1);
}

void LineReader::finish(const LineResult& result) {
  if (finished_) return;
  auto done = std::move(done_);
  close();  // One line is all the client wants; stop reading standard input now.
  done(result);
}

void LineReader::close() {
  finished_ = true;
  done_ = nullptr;
  if (handle_open_ && !uv_is_closing(reinterpret_cast<uv_handle_t*>(stream_))) {
    uv_close(reinterpret_cast<uv_handle_t*>(stream_), on_close);
  }
}

void LineReader::on_close(uv_handle_t* handle) {
  static_cast<LineReader*>(handle->data)->handle_open_ = false;
}

}  // namespace chatkit
