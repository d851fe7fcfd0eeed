// One student's run of the stage's check program, and what it means for their StudentResult.
//
// The check program (build/exercises/stageN/stageN-check) runs both halves, the server's checks
// and the client's, against the submission's programs (--server-cmd, --client-cmd) and writes
// its results to --summary-json (exercises/check/summary.h). The commands are those of the
// student build: C++ programs as built, Python as `python3 -B -X utf8 server.py --port {port}`
// (stage 3: `--data {data}`), the client likewise (exercises/python.cmake).
#ifndef CHATKIT_GRADE_CHECK_RUN_H_
#define CHATKIT_GRADE_CHECK_RUN_H_

#include <string>
#include <vector>

#include "grade/isolation.h"
#include "grade/process.h"
#include "grade/student_result.h"

namespace chatkit::grade {

// Every check of the stage, in the check program's order, with its description (and status
// "failed", no message): `check_program --gtest_list_tests`, described as summary.cc does. False
// with *error when the program cannot be run or lists nothing.
bool list_stage_checks(const std::string& check_program, std::vector<CheckResult>* checks,
                       std::string* error);

// `path` as one word of a check command (quoted when it needs to be: check_config.h's rules).
std::string command_word(const std::string& path);

// The --server-cmd and --client-cmd of a submission: C++ programs at `server_program` and
// `client_program`; Python files server.py and client.py in `source_dir`, run by `python`.
struct CheckCommands {
  std::string server;
  std::string client;
};
CheckCommands cpp_check_commands(int stage, const std::string& server_program,
                                 const std::string& client_program);
CheckCommands python_check_commands(int stage, const std::string& python,
                                    const std::string& source_dir);

// The check program's command line for one student; `durability_watch` (stage 3's library,
// "" for the check program's own) goes to --durability-watch.
std::vector<std::string> check_command(const std::string& check_program,
                                       const CheckCommands& commands,
                                       const std::string& summary_path,
                                       const std::string& durability_watch);

// Fills student->run, run_output, checks (every check of `stage_checks`, in order: those the
// summary reports as it says, even when the run was stopped at its budget; the others failed as
// not run, with the reason) and adds to
// student->problem what the run says: a budget that ran out, a run that ended without results,
// processes left running, the process or file size limit reached. `summary_path` is the
// --summary-json file (it may not exist).
void read_check_run(const ProcessOutcome& outcome, const std::string& summary_path,
                    const std::vector<CheckResult>& stage_checks, const Isolation& isolation,
                    double budget_seconds, StudentResult* student);

// Every check of `stage_checks` as failed with `why` as its message (checks that did not run).
std::vector<CheckResult> unrun_checks(const std::vector<CheckResult>& stage_checks,
                                      const std::string& why);

}  // namespace chatkit::grade

#endif  // CHATKIT_GRADE_CHECK_RUN_H_
