// IoThread: the libuv loop underneath the blocking API. Internal to kit/blocking/.
//
// libuv is asynchronous and its handles belong to one thread. The blocking API is synchronous
// and may be called from any thread (a student's server may hand each connection to a thread of
// its own). IoThread joins the two: one background thread runs one uv_loop_t, owns every libuv
// handle of the blocking API, and runs the tasks that callers post to it. Callers then wait, on a
// condition variable of their own, for the callback that completes their operation.
//
// There is at most one IoThread at a time. shared() starts it on first use; every Socket and
// Listener holds a reference, and the thread stops when the last reference is gone. Objects that
// the loop itself keeps alive (a socket's state until its close callback) must never hold a
// reference, or the thread could end up joining itself.
#ifndef CHATKIT_KIT_BLOCKING_IO_THREAD_H_
#define CHATKIT_KIT_BLOCKING_IO_THREAD_H_

#include <uv.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace chatkit::blocking {

class IoThread {
 public:
  using Task = std::function<void(uv_loop_t*)>;

  // The running IoThread, started if there is none. Throws SocketError if the loop or the
  // thread cannot be started.
  static std::shared_ptr<IoThread> shared();

  // Closes every handle still open, runs the loop until all requests have finished (a name
  // lookup still running on libuv's thread pool, say), and joins the thread. Must not run on
  // the I/O thread itself.
  ~IoThread();
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;

  // Runs `task` on the I/O thread as soon as possible, in posting order. Thread-safe. The task
  // must not block: every socket of the process waits while it runs.
  void post(Task task);

  // True when called on the I/O thread (for asserts: blocking calls there would deadlock).
  bool on_io_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  IoThread();
  void run();
  static void on_wakeup(uv_async_t* async);
  static void on_walk_close(uv_handle_t* handle, void* arg);

  uv_loop_t loop_{};
  uv_async_t wakeup_{};  // uv_async_send is the one libuv call that is safe from any thread.
  std::thread thread_;
  std::mutex mutex_;
  std::vector<Task> tasks_;  // Guarded by mutex_.
  bool stopping_ = false;    // Guarded by mutex_.
};

// The end of a wait that may be unlimited: a time point, or none at all.
class Deadline {
 public:
  using Clock = std::chrono::steady_clock;
  // A deadline `timeout` from now; milliseconds::max() (kNoTimeout) means never.
  explicit Deadline(std::chrono::milliseconds timeout);

  // Waits on `changed` (with `lock` held) until `done()` holds or the deadline passes; returns
  // done().
  template <typename Predicate>
  bool wait(std::unique_lock<std::mutex>& lock, std::condition_variable& changed,
            Predicate done) const {
    if (unlimited_) {
      changed.wait(lock, done);
      return true;
    }
    return changed.wait_until(lock, when_, done);
  }

 private:
  bool unlimited_ = true;
  Clock::time_point when_{};
};

}  // namespace chatkit::blocking

#endif  // CHATKIT_KIT_BLOCKING_IO_THREAD_H_
