#include "harness/test_loop.h"

#include <cassert>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace chatkit::testing {

namespace {

// Short enough that a test polling a file notices a new line quickly, long enough that an idle
// test does not spin.
constexpr std::uint64_t kTickMs = 5;

std::uint64_t to_nanoseconds(milliseconds duration) {
  return duration.count() <= 0 ? 0 : static_cast<std::uint64_t>(duration.count()) * 1000000u;
}

void on_walk_close(uv_handle_t* handle, void* /*arg*/) {
  if (!uv_is_closing(handle)) uv_close(handle, nullptr);
}

void on_walk_describe(uv_handle_t* handle, void* arg) {
  auto* text = static_cast<std::string*>(arg);
  *text += "\n  ";
  *text += uv_handle_type_name(uv_handle_get_type(handle));
  if (uv_is_active(handle)) *text += " (active)";
  if (uv_is_closing(handle)) *text += " (closing)";
}

}  // namespace

TestLoop::TestLoop() {
  // Without a loop no test can run at all; there is nobody to report an error to.
  if (uv_loop_init(&loop_) != 0 || uv_timer_init(&loop_, &tick_) != 0) {
    std::fputs("TestLoop: uv_loop_init failed\n", stderr);
    std::abort();
  }
#ifdef SIGPIPE
  // A test that writes to a connection its peer reset must get EPIPE, not die of SIGPIPE.
  // Children do not inherit this: uv_spawn resets signal dispositions in the child.
  std::signal(SIGPIPE, SIG_IGN);
#endif
}

TestLoop::~TestLoop() {
  close();
}

void TestLoop::on_tick(uv_timer_t* /*timer*/) {
  // Nothing to do: the timer only makes uv_run(UV_RUN_ONCE) return so run_until() can look at
  // done() and the deadline.
}

bool TestLoop::run_until(const std::function<bool()>& done, milliseconds timeout) {
  assert(!closed_ && "run_until() on a closed TestLoop: destroy helpers before the loop");
  assert(!running_ && "run_until() is not reentrant: do not call it from a libuv callback");
  bool result = done();
  if (result) return true;

  running_ = true;
  const std::uint64_t deadline = uv_hrtime() + to_nanoseconds(timeout);
  uv_timer_start(&tick_, on_tick, kTickMs, kTickMs);
  while (!result && uv_hrtime() < deadline) {
    uv_run(&loop_, UV_RUN_ONCE);
    result = done();
  }
  // A stopped timer keeps nothing alive, so between steps the loop holds only the tests' own
  // handles.
  uv_timer_stop(&tick_);
  running_ = false;
  return result;
}

void TestLoop::run_for(milliseconds duration) {
  run_until([] { return false; }, duration);
}

bool TestLoop::close() {
  if (closed_) return closed_cleanly_;
  assert(!running_ && "close() from inside run_until()");
  closed_ = true;

  uv_walk(&loop_, on_walk_close, nullptr);
  // Close callbacks and cancelled requests finish within an iteration or two. Work still running
  // on the thread pool (a file operation, a DNS lookup) may take longer, but not forever: the
  // deadline keeps a stuck request from hanging the test run.
  const std::uint64_t deadline = uv_hrtime() + to_nanoseconds(kStepTimeout);
  while (uv_run(&loop_, UV_RUN_NOWAIT) != 0 && uv_hrtime() < deadline) uv_sleep(1);

  const int status = uv_loop_close(&loop_);
  closed_cleanly_ = status == 0;
  if (!closed_cleanly_) {
    std::string handles;
    uv_walk(&loop_, on_walk_describe, &handles);
    std::fprintf(stderr,
                 "TestLoop::close: uv_loop_close failed with %s; still on the loop:%s\n"
                 "(a request that never completed keeps the loop busy too)\n",
                 uv_err_name(status), handles.empty() ? " no handles" : handles.c_str());
  }
  return closed_cleanly_;
}

}  // namespace chatkit::testing
