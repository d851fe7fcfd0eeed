#include "kit/blocking/io_thread.h"

#include <cassert>
#include <csignal>
#include <utility>

#include "kit/blocking/io_error.h"

namespace chatkit::blocking {

namespace {

std::mutex g_shared_mutex;
std::weak_ptr<IoThread> g_shared;

}  // namespace

std::shared_ptr<IoThread> IoThread::shared() {
  std::lock_guard<std::mutex> lock(g_shared_mutex);
  std::shared_ptr<IoThread> thread = g_shared.lock();
  if (!thread) {
    thread.reset(new IoThread());
    g_shared = thread;
  }
  return thread;
}

IoThread::IoThread() {
#ifdef SIGPIPE
  // A write to a connection that the peer has reset raises SIGPIPE on POSIX systems, and its
  // default action ends the process before libuv can report EPIPE. Python ignores SIGPIPE at
  // start-up for the same reason; so do we, so that the program gets a SocketError instead.
  std::signal(SIGPIPE, SIG_IGN);
#endif
  if (const int status = uv_loop_init(&loop_); status < 0) {
    throw SocketError(UvError("start the I/O loop (uv_loop_init)", status));
  }
  if (const int status = uv_async_init(&loop_, &wakeup_, on_wakeup); status < 0) {
    uv_loop_close(&loop_);
    throw SocketError(UvError("start the I/O loop (uv_async_init)", status));
  }
  wakeup_.data = this;
  thread_ = std::thread([this] { run(); });
}

IoThread::~IoThread() {
  assert(!on_io_thread() && "the I/O thread must not end itself");
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  uv_async_send(&wakeup_);
  thread_.join();
}

void IoThread::post(Task task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    assert(!stopping_ && "post() after the I/O thread began to stop");
    tasks_.push_back(std::move(task));
  }
  // Several sends before the loop wakes up coalesce into one on_wakeup, which runs them all.
  uv_async_send(&wakeup_);
}

void IoThread::on_wakeup(uv_async_t* async) {
  auto* self = static_cast<IoThread*>(async->data);
  std::vector<Task> tasks;
  bool stopping = false;
  {
    std::lock_guard<std::mutex> lock(self->mutex_);
    tasks.swap(self->tasks_);
    stopping = self->stopping_;
  }
  // Tasks run without the lock, so that they may post further tasks.
  for (Task& task : tasks) task(&self->loop_);
  if (stopping) uv_walk(&self->loop_, on_walk_close, nullptr);
}

void IoThread::on_walk_close(uv_handle_t* handle, void* /*arg*/) {
  // Only the wakeup handle is normally left; a socket whose owner is gone has closed already.
  // Handles closed here have no close callback, so nothing is freed: their owners are gone or
  // own them as members of objects the loop does not free.
  if (!uv_is_closing(handle)) uv_close(handle, nullptr);
}

void IoThread::run() {
  // Returns once every handle is closed and every request has finished: after the destructor
  // has asked on_wakeup to close the wakeup handle.
  uv_run(&loop_, UV_RUN_DEFAULT);
  [[maybe_unused]] const int status = uv_loop_close(&loop_);
  assert(status == 0 && "every handle and request is done when uv_run returns");
}

Deadline::Deadline(std::chrono::milliseconds timeout) {
  if (timeout == std::chrono::milliseconds::max()) return;
  unlimited_ = false;
  const Clock::time_point now = Clock::now();
  // Saturate: a timeout of years must not overflow the clock.
  const auto room =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::time_point::max() - now);
  when_ = timeout >= room ? Clock::time_point::max() : now + timeout;
}

}  // namespace chatkit::blocking
