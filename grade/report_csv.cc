// grades.csv (grade/reports.h).
#include <cstdio>

#include "grade/report_text.h"
#include "grade/reports.h"

namespace chatkit::grade {

namespace {

// A text cell: valid UTF-8, never read as a formula, quoted when RFC 4180 asks for it.
std::string text_cell(const std::string& raw) {
  std::string text = utf8_replace_invalid(raw);
  // A spreadsheet runs a cell that starts with one of these as a formula (CSV injection); a '
  // in front makes it text there.
  if (!text.empty() && std::string("=+-@\t\r").find(text.front()) != std::string::npos) {
    text.insert(0, "'");
  }
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    quoted += c;
    if (c == '"') quoted += '"';
  }
  return quoted + "\"";
}

}  // namespace

std::string render_grades_csv(const ClassResult& klass, const GradingPolicy& policy) {
  std::string out = "student,language,build,passed,total,score,max_score,seconds,problem\r\n";
  const std::vector<const CheckResult*> columns = report_columns(klass);
  for (const StudentResult& student : klass.students) {
    const StudentScore score = score_over(student, columns, policy);
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f", student.seconds);
    out += text_cell(student.student) + "," + language_name(student.language) + "," +
           text_cell(build_status_name(student.build)) + "," + std::to_string(score.passed) + "," +
           std::to_string(score.total) + "," + format_number(score.score) + "," +
           format_number(score.max_score) + "," + seconds + "," + text_cell(student.problem) +
           "\r\n";
  }
  return out;
}

}  // namespace chatkit::grade
