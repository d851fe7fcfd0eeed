// chat-grade: grades a class's submissions of one stage with the stage's check program.
//
//   chat-grade --stage N --out DIR SUBMISSIONS     a folder per student in SUBMISSIONS; writes
//                                                  DIR/<student>/results.json as each finishes,
//                                                  then DIR/grades.csv, junit.xml, summary.html
//   chat-grade --stage N --single DIR --results FILE   one submission (Gradescope's
//                                                  run_autograder: /autograder/submission,
//                                                  /autograder/results/results.json)
//
// Exit status: 0 when every submission was graded (whatever their scores), 1 when grading
// itself failed (a report could not be written, the check program cannot run), 2 for a usage
// error. See grade/grader.h for what happens to each student.
#include <cstdio>
#include <string>

#include "grade/fs.h"
#include "grade/grader.h"
#include "kit/cli/parse_command_line.h"
#ifdef CHATKIT_GRADE_HAVE_REPORTS
#include "grade/reports.h"
#endif

namespace {

using namespace chatkit::grade;

int passed_count(const StudentResult& student) {
  int passed = 0;
  for (const CheckResult& check : student.checks) passed += check.status == "passed";
  return passed;
}

}  // namespace

int main(int argc, char** argv) {
  GradeOptions options;
  std::string out_dir;
  std::string submissions_dir;
  std::string single_dir;
  std::string results_path;
  std::string points_path;
  bool no_sandbox = false;
  CLI::App app{"Grades students' chat programs (C++ or Python) with the stage's checks"};
  app.add_option("--stage", options.stage, "The stage: 1, 2 or 3")
      ->required()
      ->check(CLI::Range(1, 3));
  app.add_option("submissions", submissions_dir, "A folder holding a folder per student")
      ->check(CLI::ExistingDirectory);
  app.add_option("--out", out_dir, "Where the reports go (with SUBMISSIONS)");
  app.add_option("--single", single_dir, "Grade this one submission folder instead")
      ->check(CLI::ExistingDirectory);
  app.add_option("--results", results_path, "With --single: the results.json to write");
  app.add_option("--points", points_path, "JSON file: points per check name")
      ->check(CLI::ExistingFile);
  app.add_option("--jobs", options.jobs, "Students graded at once (default: 4 per core)")
      ->check(CLI::PositiveNumber);
  app.add_option("--budget", options.run_budget_seconds,
                 "Seconds the checks of one student may take before every process of that "
                 "student is stopped")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--build-budget", options.build_budget_seconds,
                 "Seconds one compile may take before it is stopped")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--check-program", options.check_program,
                 "The check program (default: this build's stageN-check)")
      ->check(CLI::ExistingFile);
  app.add_option("--max-processes", options.limits.max_processes,
                 "Sandbox: processes (and threads) per student")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-file-size", options.limits.max_file_size,
                 "Sandbox: bytes of any one file a student's program writes (its output too)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-memory", options.limits.max_memory,
                 "Sandbox: bytes of address space each process of a student may use (0: no "
                 "limit)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--no-sandbox", no_sandbox,
               "Run each student in a process group only, without the Linux sandbox");
  app.add_flag("!--no-pch", options.use_pch, "Compile without the precompiled header");
  if (auto status = chatkit::parse_command_line(app, argc, argv, "chat-grade")) return *status;
  options.sandbox = !no_sandbox;
  const bool single = !single_dir.empty();
  if (single == !submissions_dir.empty() || (single ? results_path.empty() : out_dir.empty())) {
    std::fprintf(stderr,
                 "chat-grade: give either SUBMISSIONS and --out DIR, or --single DIR and "
                 "--results FILE\nRun with --help for more information.\n");
    return chatkit::kExitUsageError;
  }

  Grading grading;
  std::string notes;
  std::string error;
  if (!prepare_grading(options, &grading, &notes, &error)) {
    std::fprintf(stderr, "chat-grade: %s\n", error.c_str());
    return 1;
  }
  if (!notes.empty()) std::fprintf(stderr, "chat-grade: %s\n", notes.c_str());

  std::vector<Submission> submissions;
  if (single) {
    single_dir = absolute_path(single_dir);
    submissions.push_back(inspect_submission("submission", single_dir));
  } else if (!list_submissions(absolute_path(submissions_dir), &submissions, &error)) {
    std::fprintf(stderr, "chat-grade: %s\n", error.c_str());
    return 1;
  }

#ifdef CHATKIT_GRADE_HAVE_REPORTS
  GradingPolicy policy;
  if (!points_path.empty() &&
      !load_grading_policy(points_path, grading.stage_checks, &policy, &error)) {
    std::fprintf(stderr, "chat-grade: %s\n", error.c_str());
    return 1;
  }
#else
  if (!points_path.empty()) {
    std::fprintf(stderr, "chat-grade: --points: this build has no report writers\n");
  }
#endif
  ClassResult so_far;  // What the reports of each finished student see of the class.
  so_far.stage = options.stage;
  so_far.stage_checks = grading.stage_checks;
  so_far.parallel = grading.options.jobs;
  std::size_t finished = 0;
  bool reports_ok = true;
  std::fprintf(stderr, "chat-grade: stage %d, %zu submissions, %u at once%s\n", options.stage,
               submissions.size(), grading.options.jobs,
               grading.isolation.sandboxed ? ", each in a sandbox" : "");
  const ClassResult klass = grade_submissions(
      grading, submissions,
      [&](const StudentResult& student) {
        ++finished;
        std::printf("[%zu/%zu] %s: %d/%zu passed, %.1f s (build %.1f s, checks %.1f s)%s%s\n",
                    finished, submissions.size(), student.student.c_str(), passed_count(student),
                    student.checks.size(), student.seconds, student.build_seconds,
                    student.check_seconds, student.problem.empty() ? "" : ": ",
                    student.problem.c_str());
        std::fflush(stdout);
#ifdef CHATKIT_GRADE_HAVE_REPORTS
        const std::string path =
            single ? results_path : out_dir + "/" + student.student + "/results.json";
        if (!write_student_report(student, so_far, policy, path, &error)) {
          std::fprintf(stderr, "chat-grade: %s\n", error.c_str());
          reports_ok = false;
        }
#endif
      },
      [](const std::string& note) { std::fprintf(stderr, "chat-grade: %s\n", note.c_str()); });
#ifdef CHATKIT_GRADE_HAVE_REPORTS
  if (!single && !write_class_reports(klass, policy, out_dir, &error)) {
    std::fprintf(stderr, "chat-grade: %s\n", error.c_str());
    reports_ok = false;
  }
#endif
  if (klass.students.size() < submissions.size()) return 1;  // grade_submissions said why.
  const double minutes = klass.seconds / 60;
  std::printf("graded %zu students in %.1f s (%.1f students/minute, %u at once)\n",
              klass.students.size(), klass.seconds,
              minutes > 0 ? static_cast<double>(klass.students.size()) / minutes : 0.0,
              klass.parallel);
  return reports_ok ? 0 : 1;
}
