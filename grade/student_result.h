// StudentResult: what grading one submission produced, before it is written out.
//
// The grader (grade/grader.h) fills one StudentResult per student folder; the report writers
// (grade/reports.h: Gradescope results.json, grades.csv, JUnit XML, the HTML summary) read them.
// Nothing here does I/O.
#ifndef CHATKIT_GRADE_STUDENT_RESULT_H_
#define CHATKIT_GRADE_STUDENT_RESULT_H_

#include <cstddef>
#include <string>
#include <vector>

namespace chatkit::grade {

// The largest text kept of any one output (a compiler's errors, a check's report, the check
// program's output). Longer texts keep their start and their end, and say how much was cut.
constexpr std::size_t kMaxKeptOutputBytes = 256 * 1024;
// No results.json is ever larger than this (Gradescope's own limit is about 1 MB of output).
constexpr std::size_t kMaxReportBytes = 1024 * 1024;

// One check of the stage, as the check program reported it (its --summary-json entry).
struct CheckResult {
  std::string name;         // "Stage2Server.SendsTheCountAsDecimalText"
  std::string description;  // "server: sends the count as decimal text"
  std::string status;       // "passed", "failed" or "skipped"
  std::string message;      // The failure report (with its hint); "" when passed.
  double seconds = 0;
};

enum class Language { kUnknown, kCpp, kPython };

// What happened when the submission was prepared to run.
enum class BuildStatus {
  kBuilt,         // C++: server and client compiled and linked.
  kNotNeeded,     // Python: nothing to build.
  kFailed,        // C++: the compiler or linker refused; build_output holds its first errors.
  kMissingFiles,  // Neither server.cpp + client.cpp nor server.py + client.py was found.
  kTimedOut,      // The build took longer than its budget and was killed.
};

// What happened when the stage's checks ran.
enum class RunStatus {
  kNotRun,     // The build did not succeed.
  kCompleted,  // The check program ran every check and wrote its summary.
  kTimedOut,   // The student's time budget ran out: every process of the student was killed.
  kAborted,    // The check program ended before its last check (crashed, killed by a limit).
};

struct StudentResult {
  std::string student;  // The submission folder's name.
  Language language = Language::kUnknown;
  BuildStatus build = BuildStatus::kMissingFiles;
  std::string build_output;  // Capped at kMaxKeptOutputBytes.
  RunStatus run = RunStatus::kNotRun;
  std::string run_output;  // The check program's own output, capped at kMaxKeptOutputBytes.
  // One line for a result that is not a plain run of the checks, in words a student understands:
  // "the checks did not finish within 120 s: every process of the submission was stopped".
  // "" for a build that succeeded and a run that completed.
  std::string problem;
  // Every check of the stage, in the check program's order. When the checks did not run (or did
  // not finish) the grader still lists every check of the stage, the ones without a result as
  // "failed" with a message saying why (so that every report has the same tests).
  std::vector<CheckResult> checks;
  double seconds = 0;  // Wall-clock time for this student: build and checks.
  // The parts of `seconds`: preparing and compiling (C++: until the last compiler ended, the wait
  // for a free compiler included) and the check run. 0 for a part that did not run.
  double build_seconds = 0;
  double check_seconds = 0;
};

// The whole class: one StudentResult per submission folder, sorted by student.
struct ClassResult {
  int stage = 0;
  // Every check of the stage (name and description), in order, whatever any student got.
  std::vector<CheckResult> stage_checks;
  std::vector<StudentResult> students;
  double seconds = 0;     // Wall-clock time for the whole class.
  unsigned parallel = 0;  // How many students were graded at once.
};

}  // namespace chatkit::grade

#endif  // CHATKIT_GRADE_STUDENT_RESULT_H_
