// junit.xml (grade/reports.h): the shape most CI systems read (JUnit's Ant format), with the
// counts on every <testsuite> and on <testsuites>.
#include <cstdio>

#include "grade/report_text.h"
#include "grade/reports.h"

namespace chatkit::grade {

namespace {

std::string seconds_text(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", seconds < 0 ? 0.0 : seconds);
  return buffer;
}

std::string attribute(const std::string& name, const std::string& value) {
  return " " + name + "=\"" + xml_escape(value, true) + "\"";
}

struct SuiteCounts {
  int tests = 0;
  int failures = 0;
  int skipped = 0;
};

// One <testcase>; counts it in *counts.
std::string render_case(const StudentResult& student, const CheckResult& column,
                        SuiteCounts* counts) {
  const CheckResult* check = find_check(student, column.name);
  const std::size_t dot = column.name.find('.');
  const std::string suite = dot == std::string::npos ? "checks" : column.name.substr(0, dot);
  const std::string name = dot == std::string::npos ? column.name : column.name.substr(dot + 1);
  std::string out = "    <testcase" + attribute("classname", student.student + "." + suite) +
                    attribute("name", name) +
                    attribute("time", seconds_text(check == nullptr ? 0 : check->seconds));
  ++counts->tests;
  std::string message;
  std::string report;
  if (student.run == RunStatus::kNotRun) {
    message = "not run: " + why_not_run(student);
    report = message;
  } else if (check == nullptr) {
    message = "no result: the check program did not report this check";
    report = message;
  } else if (check->status == "passed") {
    return out + "/>\n";
  } else if (check->status == "skipped") {
    ++counts->skipped;
    return out + ">\n      <skipped" + attribute("message", first_line(check->message)) +
           "/>\n    </testcase>\n";
  } else {
    message = first_line(check->message);
    report = check->message;
  }
  ++counts->failures;
  // The description in words heads the report: that is what a CI page shows first.
  return out + ">\n      <failure" + attribute("message", message) + attribute("type", "failed") +
         ">" +
         xml_escape(column.description + "\n" +
                    keep_start_and_end(utf8_replace_invalid(report), kMaxKeptOutputBytes)) +
         "</failure>\n    </testcase>\n";
}

}  // namespace

std::string render_junit(const ClassResult& klass, const GradingPolicy& policy) {
  const std::vector<const CheckResult*> columns = report_columns(klass);
  std::string suites;
  SuiteCounts all;
  for (const StudentResult& student : klass.students) {
    SuiteCounts counts;
    std::string cases;
    for (const CheckResult* column : columns) cases += render_case(student, *column, &counts);
    const StudentScore score = score_over(student, columns, policy);
    suites += "  <testsuite" + attribute("name", student.student) +
              attribute("tests", std::to_string(counts.tests)) +
              attribute("failures", std::to_string(counts.failures)) + attribute("errors", "0") +
              attribute("skipped", std::to_string(counts.skipped)) +
              attribute("time", seconds_text(student.seconds)) + ">\n";
    suites += "    <properties>\n";
    const std::pair<std::string, std::string> properties[] = {
        {"stage", std::to_string(klass.stage)},
        {"language", language_name(student.language)},
        {"build", build_status_name(student.build)},
        {"score", format_number(score.score)},
        {"max_score", format_number(score.max_score)},
        {"problem", student.problem}};
    for (const auto& [name, value] : properties) {
      suites += "      <property" + attribute("name", name) + attribute("value", value) + "/>\n";
    }
    suites += "    </properties>\n" + cases;
    std::string out = student.problem;
    if (!student.build_output.empty()) {
      out += (out.empty() ? "" : "\n\n") + std::string("Build output:\n") +
             keep_start_and_end(utf8_replace_invalid(student.build_output), kMaxKeptOutputBytes);
    }
    if (!student.run_output.empty()) {
      out += (out.empty() ? "" : "\n\n") + std::string("Check program output:\n") +
             keep_start_and_end(utf8_replace_invalid(student.run_output), kMaxKeptOutputBytes);
    }
    if (!out.empty()) suites += "    <system-out>" + xml_escape(out) + "</system-out>\n";
    suites += "  </testsuite>\n";
    all.tests += counts.tests;
    all.failures += counts.failures;
    all.skipped += counts.skipped;
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites" +
         attribute("name", "chatkit stage " + std::to_string(klass.stage)) +
         attribute("tests", std::to_string(all.tests)) +
         attribute("failures", std::to_string(all.failures)) + attribute("errors", "0") +
         attribute("skipped", std::to_string(all.skipped)) +
         attribute("time", seconds_text(klass.seconds)) + ">\n" + suites + "</testsuites>\n";
}

}  // namespace chatkit::grade
