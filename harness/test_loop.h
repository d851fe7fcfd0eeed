// TestLoop: a libuv loop that synchronous test code runs in steps.
//
// Tests are written as straight-line code ("start the server, connect, send, expect a frame"),
// while everything underneath is libuv. Every helper in harness/ takes a TestLoop& and does
// its waiting with run_until(), so one test can drive a child process, several scripted clients
// and a scripted server together: while the test waits for one of them, all of them progress.
#ifndef CHATKIT_HARNESS_TEST_LOOP_H_
#define CHATKIT_HARNESS_TEST_LOOP_H_

#include <uv.h>

#include <chrono>
#include <functional>

namespace chatkit::testing {

using std::chrono::milliseconds;
// The default patience for one step of a test; generous, because the sanitizer build is slow.
inline constexpr milliseconds kStepTimeout{10000};

class TestLoop {
 public:
  // Also sets SIGPIPE to ignored in the test process (where it exists), so that writing to a
  // connection the peer reset fails with EPIPE instead of killing the test. Children started
  // with uv_spawn get the default disposition back.
  TestLoop();
  // Calls close(): closes every handle still open, runs the loop until they are closed and closes
  // the loop. Helpers must be destroyed before the loop.
  ~TestLoop();
  TestLoop(const TestLoop&) = delete;
  TestLoop& operator=(const TestLoop&) = delete;

  uv_loop_t* get() { return &loop_; }

  // Runs the loop until `done()` returns true (checked first, then after every loop iteration) or
  // `timeout` passes. Returns done()'s final value. An iteration lasts at most a few milliseconds,
  // so `done()` may also poll state outside the loop (a file). Not reentrant: never call it from
  // a libuv callback.
  bool run_until(const std::function<bool()>& done, milliseconds timeout = kStepTimeout);
  // Runs the loop for `duration`, whatever happens.
  void run_for(milliseconds duration);
  // Closes every handle not yet closing, runs the loop until nothing is left, then uv_loop_close.
  // Returns true when the loop closed with status 0; otherwise it names the handles left open on
  // stderr. Idempotent (later calls return the first result); the destructor calls it.
  bool close();

 private:
  static void on_tick(uv_timer_t* timer);

  uv_loop_t loop_;
  // Wakes the loop every few milliseconds while run_until() runs, so that done() is checked
  // even when no I/O happens.
  uv_timer_t tick_{};
  bool running_ = false;
  bool closed_ = false;
  bool closed_cleanly_ = false;
};

}  // namespace chatkit::testing

#endif  // CHATKIT_HARNESS_TEST_LOOP_H_
