// How each student's check run is contained (chat-grade, requirement: a submission cannot hurt
// the machine, another student, or a server running on this machine).
//
// Sandboxed (Linux, as root or with unprivileged user namespaces): the check run goes through
// chat-sandbox (grade/sandbox/sandbox_main.cc): its own network namespace with its own loopback,
// its own pid namespace (nothing survives the run), a process limit (as root, each parallel slot
// runs as an unprivileged uid of its own, so that the limit counts that student's processes
// only: see slot_uid()), a file size limit, an address-space limit per process, no core files.
//
// Otherwise (another system, no permission, or --no-sandbox): a process group per student,
// killed whole at the end of the run and when the budget runs out. Weaker: the submission shares
// the machine's loopback (two submissions binding the same fixed port collide), has no process
// or file size limit, and a process that leaves its group (setsid) survives.
#ifndef CHATKIT_GRADE_ISOLATION_H_
#define CHATKIT_GRADE_ISOLATION_H_

#include <string>
#include <vector>

namespace chatkit::grade {

constexpr long kSlotUidBase = 3100000;
constexpr long kSlotUidsPerRun = 256;
constexpr long kSlotUidRuns = 4096;

// The uid of parallel slot `slot` of the grading run in process `pid` (as root):
// kSlotUidBase + (pid % kSlotUidRuns) * kSlotUidsPerRun + slot % kSlotUidsPerRun. Two graders
// running at once (two ctest fixtures, two instructors) get different uids, so that one's fork
// bomb does not count against the other's limit; a collision needs two live graders whose pids
// are equal modulo 4096. No uid of a real user is that high on a usual system.
long slot_uid(int pid, unsigned slot);

struct IsolationLimits {
  long max_processes = 64;                       // Per student, threads included.
  long long max_file_size = 16LL * 1024 * 1024;  // Any one file a program writes (its output).
  long long max_memory = 1024LL * 1024 * 1024;   // Address space per process; 0 = no limit.
};

struct Isolation {
  bool sandboxed = false;
  std::string sandbox_program;
  bool as_root = false;
  IsolationLimits limits;
  std::string why_weaker;  // When not sandboxed: why, in one sentence.
};

// Tries chat-sandbox --probe once. `wanted` false (--no-sandbox) skips it.
Isolation probe_isolation(const std::string& sandbox_program, bool wanted, IsolationLimits limits);

// `argv` run as isolation says, for parallel slot `slot` (0 .. jobs-1), working in `work_dir`
// (given to the slot's uid when sandboxed as root).
std::vector<std::string> isolate_command(const Isolation& isolation, unsigned slot,
                                         const std::string& work_dir,
                                         std::vector<std::string> argv);

// What the sandbox said it stopped, read from the run's output (its last "chat-sandbox:
// stopped N processes (...)" line): -1 when it said nothing; *time_ran_out tells which case.
int stopped_processes(const std::string& output, bool* time_ran_out);

}  // namespace chatkit::grade

#endif  // CHATKIT_GRADE_ISOLATION_H_
