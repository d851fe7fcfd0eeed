// TestLoop: a libuv loop that synchronous test code runs in steps.
//
// Tests are written as straight-line code ("start the server, connect, send, expect a frame"),
// while everything underneath is libuv. Every helper in tests/support takes a TestLoop& and does
// its waiting with run_until(), so one test can drive a child process, several scripted clients
// and a scripted server together: while the test waits for one of them, all of them progress.
#ifndef CHATKIT_TESTS_SUPPORT_TEST_LOOP_H_
#define CHATKIT_TESTS_SUPPORT_TEST_LOOP_H_

#include <uv.h>

#include <chrono>
#include <functional>

namespace chatkit::testing {

using std::chrono::milliseconds;
// The default patience for one step of a test; generous, because the sanitizer build is slow.
inline constexpr milliseconds kStepTimeout{10000};

class TestLoop {
 public:
  TestLoop();
  // Closes every handle still open, runs the loop until they are closed, and records whether
  // uv_loop_close() succeeded (see closed_cleanly()). Helpers must be destroyed before the loop.
  ~TestLoop();
  TestLoop(const TestLoop&) = delete;
  TestLoop& operator=(const TestLoop&) = delete;

  uv_loop_t* get() { return &loop_; }

  // Runs the loop until `done()` returns true (checked after every loop iteration) or `timeout`
  // passes. Returns done()'s final value.
  bool run_until(const std::function<bool()>& done, milliseconds timeout = kStepTimeout);
  // Runs the loop for `duration`, whatever happens.
  void run_for(milliseconds duration);
  // Closes every handle not yet closing, runs the loop until nothing is left, then uv_loop_close.
  // Returns true when the loop closed with status 0. Idempotent; the destructor calls it.
  bool close();

 private:
  uv_loop_t loop_;
  bool closed_ = false;
};

}  // namespace chatkit::testing

#endif  // CHATKIT_TESTS_SUPPORT_TEST_LOOP_H_
