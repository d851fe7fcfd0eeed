#include "kit/log/logger.h"

#include <cassert>
#include <string>

#include "kit/time/timestamp.h"

namespace chatkit {

namespace {

// A burst within one loop iteration (a thousand accepts at once) is written in pieces of this
// size rather than held whole.
constexpr std::size_t kMaxPendingBytes = 64 * 1024;

}  // namespace

Logger::~Logger() {
  assert(!batching_ && "stop_batching() before destroying the logger");
  flush();
}

void Logger::log(std::string_view text) {
  log({}, text);
}

void Logger::log(std::string_view who, std::string_view text) {
  append_local_timestamp_now(&pending_);
  pending_ += ' ';
  if (!who.empty()) {
    pending_ += who;
    pending_ += ' ';
  }
  pending_ += text;
  pending_ += '\n';
  if (!batching_ || pending_.size() >= kMaxPendingBytes) flush();
}

void Logger::raw(std::string_view text) {
  pending_ += text;
  pending_ += '\n';
  flush();
}

void Logger::flush() {
  if (pending_.empty()) return;
  // One fwrite per batch keeps lines whole; a failed write to a closed stdout must not stop the
  // server, so its result is deliberately ignored.
  (void)std::fwrite(pending_.data(), 1, pending_.size(), out_);
  (void)std::fflush(out_);
  pending_.clear();
}

void Logger::batch_on(uv_loop_t* loop) {
  assert(!batching_);
  uv_prepare_init(loop, &prepare_);
  prepare_.data = this;
  uv_prepare_start(&prepare_, on_prepare);
  uv_unref(reinterpret_cast<uv_handle_t*>(&prepare_));
  batching_ = true;
}

void Logger::stop_batching() {
  if (!batching_) return;
  batching_ = false;
  flush();
  uv_close(reinterpret_cast<uv_handle_t*>(&prepare_), nullptr);
}

void Logger::on_prepare(uv_prepare_t* prepare) {
  static_cast<Logger*>(prepare->data)->flush();
}

}  // namespace chatkit
