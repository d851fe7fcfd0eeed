// chat-grade's engine: grades submission folders in parallel and fills a StudentResult for each.
//
// For each student, in a fresh folder of its own (a copy of the submission): C++ is compiled
// (grade/toolchain.h; server and client each in a build folder of their own, at most
// compile_jobs compilers at once, each within build_budget), then the stage's check program runs
// both halves against the programs (grade/check_run.h) within run_budget, contained as
// grade/isolation.h says. At most `jobs` students are in progress at once (most of a check run
// is waiting: the default is 4 per core). A student's folder is removed once they are graded.
//
// Everything happens on one libuv loop; the callback for each finished student runs on it, in
// the order students finish (a grader stopped half-way has reported those).
#ifndef CHATKIT_GRADE_GRADER_H_
#define CHATKIT_GRADE_GRADER_H_

#include <functional>
#include <string>
#include <vector>

#include "grade/isolation.h"
#include "grade/student_result.h"
#include "grade/submission.h"
#include "grade/toolchain.h"

namespace chatkit::grade {

// Defaults, documented in chat-grade --help.
constexpr double kDefaultBuildBudgetSeconds = 60;
constexpr double kDefaultRunBudgetSeconds = 150;
constexpr unsigned kDefaultJobsPerCore = 4;

struct GradeOptions {
  int stage = 2;
  std::string check_program;  // "" = this build's stageN-check.
  unsigned jobs = 0;          // 0 = kDefaultJobsPerCore x cores.
  unsigned compile_jobs = 0;  // 0 = cores.
  double build_budget_seconds = kDefaultBuildBudgetSeconds;
  double run_budget_seconds = kDefaultRunBudgetSeconds;
  bool sandbox = true;  // false: --no-sandbox (a process group per student only).
  IsolationLimits limits;
  bool use_pch = true;  // false: compile without the precompiled header (to measure it).
};

// What a run needs before it starts grading: the checks of the stage, the toolchain, the
// isolation available. prepare() fills it (and says once, on `notes`, why isolation is weaker
// when it is); false with *error when the check program cannot be listed.
struct Grading {
  GradeOptions options;
  std::vector<CheckResult> stage_checks;
  Toolchain toolchain;
  Isolation isolation;
  std::string python;            // The interpreter of Python submissions.
  std::string kit_python;        // kit/python: socketfuncs.py, given from stage 2 on.
  std::string durability_watch;  // Stage 3: the check's LD_PRELOAD library ("" = none built).
};
bool prepare_grading(const GradeOptions& options, Grading* grading, std::string* notes,
                     std::string* error);

// Copies what a check run executes or reads from the build and source trees (the check
// program, stage 3's durability watch library, the folder of the kit's socketfuncs.py) into
// `tools_dir` (created), every part of it readable and runnable by any user, and points
// `grading` at the copies. Sandboxed as root, each student runs as an unprivileged uid that may
// not be able to enter those trees at all: a checkout under a folder only its owner can open
// (mktemp -d, a home folder) would otherwise fail every student. `tools_dir` must itself be
// reachable (grade_submissions() puts it in its working folder, which is). False with *error
// when something cannot be copied.
bool stage_check_tools(const std::string& tools_dir, Grading* grading, std::string* error);

// This build's check program of `stage`, and chat-sandbox ("" where there is none).
std::string default_check_program(int stage);
std::string default_sandbox_program();
unsigned processor_count();

// Grades every submission; calls `on_student` as each one finishes and returns the class (its
// students sorted by name). `on_note` gets lines about the run itself (the precompiled header).
// When its working folder cannot be prepared, it says why on `on_note` and grades nobody (the
// result then has fewer students than `submissions`).
ClassResult grade_submissions(const Grading& grading, const std::vector<Submission>& submissions,
                              const std::function<void(const StudentResult&)>& on_student,
                              const std::function<void(const std::string&)>& on_note);

}  // namespace chatkit::grade

#endif  // CHATKIT_GRADE_GRADER_H_
