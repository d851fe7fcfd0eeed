// results.json in Gradescope's autograder format (grade/reports.h), and its writer.
#include <cmath>
#include <nlohmann/json.hpp>

#include "grade/report_text.h"
#include "grade/reports.h"

namespace chatkit::grade {

namespace {

using nlohmann::json;

// The smallest share of the 1 MiB any one output is cut to before outputs are left out.
constexpr std::size_t kSmallestOutput = 256;

std::string dump(const json& document) {
  // Outputs were made valid UTF-8 already; `replace` is the belt to those braces.
  return document.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string summary_line(const StudentResult& student, const ClassResult& klass,
                         const StudentScore& score) {
  std::string line = "Stage " + std::to_string(klass.stage) + ": ";
  if (student.run == RunStatus::kNotRun) {
    return line + "no check could run, so the score is 0: " + why_not_run(student) + ".";
  }
  line += std::to_string(score.passed) + " of " + std::to_string(score.total) + " checks passed, " +
          format_number(score.score) + " of " + format_number(score.max_score) + " points.";
  if (score.passed < score.total) {
    line +=
        " Each failed check below says what was sent and what came back, step by step, "
        "most with a hint. Start with the first one.";
  }
  return line;
}

// The top-level output: the result in one line, then what went wrong around the checks.
std::string top_output(const StudentResult& student, const ClassResult& klass,
                       const StudentScore& score, std::size_t limit) {
  std::string out = summary_line(student, klass, score) + "\n";
  if (student.run != RunStatus::kNotRun && !student.problem.empty()) {
    out += "\n" + student.problem + "\n";
  }
  if (student.build == BuildStatus::kFailed && !student.build_output.empty()) {
    out += "\nThe compiler's first errors:\n" + keep_start_and_end(student.build_output, limit);
  } else if ((student.run == RunStatus::kAborted || student.run == RunStatus::kTimedOut) &&
             !student.run_output.empty()) {
    out += "\nThe check program's output:\n" + keep_start_and_end(student.run_output, limit);
  }
  return out;
}

json render(const StudentResult& original, const ClassResult& klass, const GradingPolicy& policy,
            std::size_t limit, bool with_test_outputs) {
  // Every text that came from a program is made valid UTF-8 before it is cut, so that the cuts
  // fall between characters.
  StudentResult student = original;
  student.problem = utf8_replace_invalid(student.problem);
  student.build_output = utf8_replace_invalid(student.build_output);
  student.run_output = utf8_replace_invalid(student.run_output);
  const StudentScore score = score_student(student, klass, policy);
  const bool ran = student.run != RunStatus::kNotRun;

  json tests = json::array();
  for (const CheckResult* column : report_columns(klass)) {
    const CheckResult* check = find_check(student, column->name);
    const std::string status = !ran || check == nullptr ? "failed" : check->status;
    const double points = check_points(policy, column->name);
    std::string output;
    double max_score = points;
    if (!ran) {
      output = "Not run: " + why_not_run(student) + ".";
    } else if (check == nullptr) {
      output = "No result: the check program did not report this check.";
    } else if (status == "skipped") {
      max_score = 0;
      output = "Not counted (it could not run on the grading machine): " +
               utf8_replace_invalid(check->message);
    } else {
      output = utf8_replace_invalid(check->message);
    }
    const std::string& description =
        column->description.empty() ? column->name : column->description;
    json test = {{"name", utf8_replace_invalid(description) + " [" +
                              utf8_replace_invalid(column->name) + "]"},
                 {"status", status == "passed" ? "passed" : "failed"},
                 {"score", status == "passed" ? points : 0.0},
                 {"max_score", max_score},
                 {"visibility", policy.visibility}};
    if (with_test_outputs) {
      test["output"] = keep_start_and_end(output, limit);
    } else if (status != "passed") {
      test["output"] = "(This check's report was too long for Gradescope; see the overall output.)";
    }
    if (test.contains("output")) test["output_format"] = "text";
    tests.push_back(std::move(test));
  }
  std::string output = top_output(student, klass, score, limit);
  if (limit < kMaxKeptOutputBytes || !with_test_outputs) {
    output +=
        "\n(Some reports were shortened to stay within Gradescope's limit of about 1 MB; "
        "their start and end are shown.)\n";
  }
  // Gradescope takes the assignment's total from its own settings and reads only "score"; the
  // total here is for everything else that reads the file (PrairieLearn's conversion, scripts).
  return json{{"score", score.score},
              {"max_score", score.max_score},
              {"execution_time", static_cast<long>(std::lround(student.seconds))},
              {"output", keep_start_and_end(output, 2 * limit)},
              {"output_format", "text"},
              {"test_output_format", "text"},
              {"visibility", policy.visibility},
              {"stdout_visibility", "hidden"},
              {"extra_data",
               {{"stage", klass.stage},
                {"language", language_name(student.language)},
                {"build", build_status_name(student.build)},
                {"passed", score.passed},
                {"total", score.total},
                {"max_score", score.max_score}}},
              {"tests", std::move(tests)}};
}

}  // namespace

std::string render_gradescope_json(const StudentResult& student, const ClassResult& klass,
                                   const GradingPolicy& policy) {
  // Each output is cut to `limit` bytes; while the whole is still too large (escaping can make
  // JSON up to six times longer than its text), the limit halves.
  for (std::size_t limit = kMaxKeptOutputBytes; limit >= kSmallestOutput; limit /= 2) {
    std::string text = dump(render(student, klass, policy, limit, true));
    if (text.size() <= kMaxReportBytes) return text;
  }
  std::string text = dump(render(student, klass, policy, kSmallestOutput, false));
  if (text.size() <= kMaxReportBytes) return text;
  // Only a stage of many thousands of checks gets here.
  return dump(json{{"score", score_student(student, klass, policy).score},
                   {"output", "The report was too large for Gradescope; ask your instructor."},
                   {"visibility", policy.visibility}});
}

bool write_student_report(const StudentResult& student, const ClassResult& klass,
                          const GradingPolicy& policy, const std::string& path,
                          std::string* error) {
  return write_file_atomically(path, render_gradescope_json(student, klass, policy), error);
}

}  // namespace chatkit::grade
