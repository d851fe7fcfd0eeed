#include "grade/isolation.h"

#include <unistd.h>

#include <cstdlib>

#include "grade/process.h"

namespace chatkit::grade {

Isolation probe_isolation(const std::string& sandbox_program, bool wanted, IsolationLimits limits) {
  Isolation isolation;
  isolation.limits = limits;
  if (!wanted) {
    isolation.why_weaker = "--no-sandbox was given";
    return isolation;
  }
  if (sandbox_program.empty()) {
    isolation.why_weaker = "this system has no chat-sandbox (it needs Linux namespaces)";
    return isolation;
  }
  ProcessSpec probe;
  probe.argv = {sandbox_program, "--probe"};
  probe.budget_seconds = 10;
  const ProcessOutcome outcome = run_process_sync(probe);
  if (outcome.spawn_error.empty() && outcome.term_signal == 0 && outcome.exit_code == 0) {
    isolation.sandboxed = true;
    isolation.sandbox_program = sandbox_program;
    isolation.as_root = geteuid() == 0;
    return isolation;
  }
  std::string why = outcome.spawn_error.empty() ? outcome.output : outcome.spawn_error;
  while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
  const std::size_t newline = why.rfind('\n');
  if (newline != std::string::npos) why = why.substr(newline + 1);
  isolation.why_weaker = "the sandbox cannot be made here (" + why +
                         "; run as root, or allow unprivileged user namespaces)";
  return isolation;
}

long slot_uid(int pid, unsigned slot) {
  return kSlotUidBase + (pid % kSlotUidRuns) * kSlotUidsPerRun +
         static_cast<long>(slot) % kSlotUidsPerRun;
}

std::vector<std::string> isolate_command(const Isolation& isolation, unsigned slot,
                                         const std::string& work_dir,
                                         std::vector<std::string> argv) {
  if (!isolation.sandboxed) return argv;
  std::vector<std::string> command{isolation.sandbox_program};
  if (isolation.as_root) {
    const std::string uid = std::to_string(slot_uid(static_cast<int>(getpid()), slot));
    command.insert(command.end(), {"--uid", uid, "--gid", uid, "--chown", work_dir});
  }
  command.insert(command.end(),
                 {"--max-processes", std::to_string(isolation.limits.max_processes),
                  "--max-file-size", std::to_string(isolation.limits.max_file_size)});
  if (isolation.limits.max_memory > 0) {
    command.insert(command.end(), {"--max-memory", std::to_string(isolation.limits.max_memory)});
  }
  command.push_back("--");
  command.insert(command.end(), argv.begin(), argv.end());
  return command;
}

int stopped_processes(const std::string& output, bool* time_ran_out) {
  const std::string marker = "chat-sandbox: stopped ";
  std::size_t at = output.rfind(marker);
  // Only a line of the sandbox's own: at the start of a line (a student's output is indented
  // in the check's reports, and the sandbox writes after everything else has ended).
  while (at != std::string::npos && at > 0 && output[at - 1] != '\n') {
    at = at == 0 ? std::string::npos : output.rfind(marker, at - 1);
  }
  if (at == std::string::npos) return -1;
  const std::size_t end = output.find('\n', at);
  const std::string line = output.substr(at, end == std::string::npos ? end : end - at);
  *time_ran_out = line.find("(time ran out)") != std::string::npos;
  return std::atoi(line.c_str() + marker.size());
}

}  // namespace chatkit::grade
