// Running one program of a grading run on libuv: its output captured (capped), a time budget.
//
// The program runs detached (a process group of its own: UV_PROCESS_DETACHED), so that when its
// budget runs out, or when it ends, the whole group can be killed: a compiler's helpers, a check
// program and the student's programs it started. A program that runs under chat-sandbox is sent
// SIGTERM first when the budget runs out (the sandbox then stops everything in it and says how
// many processes there were), and the group SIGKILL a few seconds later if it is still there.
// POSIX only (process groups): chat-grade is not built on Windows.
#ifndef CHATKIT_GRADE_PROCESS_H_
#define CHATKIT_GRADE_PROCESS_H_

#include <uv.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace chatkit::grade {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0]: a path, or a name looked up on PATH.
  std::string cwd;                // "" = chat-grade's own.
  std::vector<std::string> env;   // "NAME=value" entries added to (or replacing) chat-grade's.
  double budget_seconds = 60;     // 0 = no budget.
  bool terminate_first = false;   // At the budget: SIGTERM, then SIGKILL after the grace below.
  double grace_seconds = 3;
  std::size_t max_output_bytes = 0;  // 0 = kMaxKeptOutputBytes.
};

struct ProcessOutcome {
  std::string spawn_error;  // "" when the program started.
  std::int64_t exit_code = -1;
  int term_signal = 0;
  bool timed_out = false;        // The budget ran out and the program was stopped.
  std::string output;            // stdout and stderr together, capped (start and end kept).
  std::size_t output_bytes = 0;  // Everything it printed, kept or not.
  double seconds = 0;
};

// Starts `spec` on `loop`; `done` is called once, on the loop, when the program has ended (or
// could not start) and its output is read. The process object frees itself after that.
void run_process(uv_loop_t* loop, ProcessSpec spec, std::function<void(ProcessOutcome)> done);

// Runs `spec` on a loop of its own until it ends (for the few steps that come before grading).
ProcessOutcome run_process_sync(ProcessSpec spec);

// Kills (SIGKILL) the process group of every program run_process() started that has not ended
// yet: for a grader that is being stopped (a sandbox's whole namespace goes with it).
void kill_running_processes();

// "exit status 1", "signal 9 (Killed)": how a program ended, in words.
std::string describe_end(const ProcessOutcome& outcome);

}  // namespace chatkit::grade

#endif  // CHATKIT_GRADE_PROCESS_H_
