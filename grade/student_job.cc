#include "grade/student_job.h"

#include <memory>

#include "grade/capped_output.h"
#include "grade/check_run.h"
#include "grade/fs.h"

namespace chatkit::grade {
namespace {

// The compiler's first errors are what a student reads first; the rest is usually more of the
// same.
constexpr std::size_t kBuildOutputLines = 40;

// The first line of a compiler's output that says "error", for the one-line problem.
std::string first_error_line(const std::string& output) {
  std::size_t start = 0;
  while (start < output.size()) {
    std::size_t end = output.find('\n', start);
    if (end == std::string::npos) end = output.size();
    const std::string line = output.substr(start, end - start);
    if (line.find("error") != std::string::npos) return line.substr(0, 300);
    start = end + 1;
  }
  return "";
}

class StudentJob : public std::enable_shared_from_this<StudentJob> {
 public:
  StudentJob(uv_loop_t* loop, const Grading& grading, ProcessQueue& compilers,
             const Submission& submission, std::string work_dir, unsigned slot,
             std::function<void(StudentResult)> done)
      : loop_(loop),
        grading_(grading),
        compilers_(compilers),
        submission_(submission),
        work_dir_(std::move(work_dir)),
        slot_(slot),
        done_(std::move(done)) {
    result_.student = submission.student;
    result_.language = submission.language;
  }

  void start() {
    start_ns_ = uv_hrtime();
    const int stage = grading_.options.stage;
    if (submission_.language == Language::kUnknown) {
      result_.build = BuildStatus::kMissingFiles;
      result_.problem = missing_files_problem(submission_, stage);
      result_.checks = unrun_checks(grading_.stage_checks, result_.problem);
      return finish();
    }
    std::string error;
    source_dir_ = work_dir_ + "/src";
    if (!make_dirs(work_dir_ + "/tmp", &error) ||
        !copy_tree(submission_.dir, source_dir_, &error)) {
      result_.build = BuildStatus::kFailed;
      result_.problem = "the submission could not be copied for grading: " + error;
      result_.checks = unrun_checks(grading_.stage_checks, result_.problem);
      return finish();
    }
    if (submission_.language == Language::kPython) {
      result_.build = BuildStatus::kNotNeeded;
      return run_checks(python_check_commands(stage, grading_.python, source_dir_));
    }
    build("server");
    build("client");
  }

 private:
  void build(const std::string& program) {
    const std::string build_dir = work_dir_ + "/build-" + program;
    std::string error;
    make_dirs(build_dir, &error);
    ProcessSpec spec;
    // Run in the copy of the submission with its files named as they are there, so that the
    // compiler's errors say "server.cpp:5:3", as on the student's own machine.
    spec.argv = compile_command(grading_.toolchain, grading_.options.stage, ".", program + ".cpp",
                                submission_.extra_sources, build_dir + "/" + program);
    spec.cwd = source_dir_;
    spec.budget_seconds = grading_.options.build_budget_seconds;
    auto self = shared_from_this();
    compilers_.run(std::move(spec), [self, program](ProcessOutcome outcome) {
      self->built(program, std::move(outcome));
    });
  }

  void built(const std::string& program, ProcessOutcome outcome) {
    const bool ok = outcome.spawn_error.empty() && !outcome.timed_out && outcome.exit_code == 0 &&
                    outcome.term_signal == 0;
    if (!ok) {
      const bool timed_out = outcome.timed_out;
      if (result_.build != BuildStatus::kTimedOut) {
        result_.build = timed_out ? BuildStatus::kTimedOut : BuildStatus::kFailed;
      }
      std::string what;
      if (timed_out) {
        what = "the " + program + " did not compile within " +
               std::to_string(static_cast<int>(grading_.options.build_budget_seconds)) +
               " s: the compiler was stopped";
      } else if (!outcome.spawn_error.empty()) {
        what = "the " + program + " could not be compiled: " + outcome.spawn_error;
      } else {
        const std::string line = first_error_line(outcome.output);
        what = "the " + program + " did not compile" + (line.empty() ? "" : ": " + line);
      }
      result_.problem += (result_.problem.empty() ? "" : "; ") + what;
      result_.build_output += program + ".cpp (" + describe_end(outcome) + "):\n" +
                              first_lines(outcome.output, kBuildOutputLines);
    } else if (!outcome.output.empty()) {
      result_.build_output += program + ".cpp:\n" + first_lines(outcome.output, kBuildOutputLines);
    }
    if (++programs_built_ < 2) return;
    result_.build_seconds = static_cast<double>(uv_hrtime() - start_ns_) / 1e9;
    if (result_.build == BuildStatus::kFailed || result_.build == BuildStatus::kTimedOut) {
      result_.checks = unrun_checks(grading_.stage_checks, "the submission did not build");
      return finish();
    }
    result_.build = BuildStatus::kBuilt;
    run_checks(cpp_check_commands(grading_.options.stage, work_dir_ + "/build-server/server",
                                  work_dir_ + "/build-client/client"));
  }

  void run_checks(const CheckCommands& commands) {
    summary_path_ = work_dir_ + "/summary.json";
    ProcessSpec spec;
    spec.argv = isolate_command(grading_.isolation, slot_, work_dir_,
                                check_command(grading_.options.check_program, commands,
                                              summary_path_, grading_.durability_watch));
    spec.cwd = work_dir_;
    spec.budget_seconds = grading_.options.run_budget_seconds;
    spec.terminate_first = grading_.isolation.sandboxed;
    std::string python_path = source_dir_;
    if (grading_.options.stage >= 2) python_path += ":" + grading_.kit_python;
    spec.env = {"TMPDIR=" + work_dir_ + "/tmp", "PYTHONPATH=" + python_path,
                "PYTHONDONTWRITEBYTECODE=1"};
    auto self = shared_from_this();
    run_process(loop_, std::move(spec),
                [self](ProcessOutcome outcome) { self->checks_ran(std::move(outcome)); });
  }

  void checks_ran(ProcessOutcome outcome) {
    result_.check_seconds = outcome.seconds;
    read_check_run(outcome, summary_path_, grading_.stage_checks, grading_.isolation,
                   grading_.options.run_budget_seconds, &result_);
    finish();
  }

  void finish() {
    remove_tree(work_dir_);
    result_.seconds = static_cast<double>(uv_hrtime() - start_ns_) / 1e9;
    auto done = std::move(done_);
    done(std::move(result_));
  }

  uv_loop_t* loop_;
  const Grading& grading_;
  ProcessQueue& compilers_;
  Submission submission_;
  std::string work_dir_;
  unsigned slot_;
  std::function<void(StudentResult)> done_;
  StudentResult result_;
  std::string source_dir_;
  std::string summary_path_;
  std::uint64_t start_ns_ = 0;
  int programs_built_ = 0;
};

}  // namespace

void ProcessQueue::run(ProcessSpec spec, std::function<void(ProcessOutcome)> done) {
  waiting_.emplace_back(std::move(spec), std::move(done));
  next();
}

void ProcessQueue::next() {
  while (running_ < limit_ && !waiting_.empty()) {
    auto [spec, done] = std::move(waiting_.front());
    waiting_.pop_front();
    ++running_;
    run_process(loop_, std::move(spec), [this, done = std::move(done)](ProcessOutcome outcome) {
      --running_;
      done(std::move(outcome));
      next();
    });
  }
}

void grade_student(uv_loop_t* loop, const Grading& grading, ProcessQueue& compilers,
                   const Submission& submission, const std::string& work_dir, unsigned slot,
                   std::function<void(StudentResult)> done) {
  auto job = std::make_shared<StudentJob>(loop, grading, compilers, submission, work_dir, slot,
                                          std::move(done));
  job->start();
}

}  // namespace chatkit::grade
