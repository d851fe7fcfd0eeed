// chat-grade's reports: what grading a class (or one submission) writes out.
//
//   DIR/<student>/results.json  per student, in Gradescope's autograder format
//   (write_student_report) DIR/grades.csv              a row per student, for a spreadsheet or a
//   gradebook import DIR/junit.xml               JUnit XML, a testsuite per student (CI systems,
//   GitHub Classroom) DIR/summary.html            one self-contained page for the instructor (and
//   the projector)
//
// Every render_* function is pure: it turns results into text and does no I/O. The writers
// write that text through a temporary file in the same folder and a rename, so a reader never
// sees half a report. Text the students control (folder names, their programs' output, compiler
// errors) may hold anything: every format escapes it as that format needs, turns bytes that are
// not UTF-8 into U+FFFD, and drops what the format cannot carry (see each function).
//
// Points. Each check is worth GradingPolicy::points[its name], or default_points when the policy
// does not name it. A student's score is the sum of the points of the checks they passed; their
// max_score is the sum over every check of the stage, except checks that were "skipped" (the
// check program could not run them on this machine: not the student's doing), which count
// neither way and say so. A submission whose build failed, or whose checks did not run, scores 0.
#ifndef CHATKIT_GRADE_REPORTS_H_
#define CHATKIT_GRADE_REPORTS_H_

#include <map>
#include <string>
#include <vector>

#include "grade/student_result.h"

namespace chatkit::grade {

struct GradingPolicy {
  std::map<std::string, double> points;  // Points per check name ("Stage2Server.Sends...").
  double default_points = 1;             // Points of a check the map does not name.
  // Gradescope's visibility of every test and of the top-level output: "visible" (at once),
  // "hidden", "after_due_date" or "after_published".
  std::string visibility = "visible";
};

// Reads a points file (chat-grade --points FILE): a JSON object mapping check names to points,
//   {"Stage2Server.SendsTheCountAsDecimalText": 2, "Stage2Client.PrintsEveryMessage": 0.5}
// with two optional keys that are not check names: "default_points" (the points of every check
// the file does not name; 1 when absent) and "visibility" (see GradingPolicy). Every check name
// must be one of `stage_checks` (an empty list knows no name); points must be numbers, 0 or more.
// Returns true and fills *policy; false with *error, one line naming the file and the problem
// (the file cannot be read, is not JSON, is not an object, names an unknown check, with the
// closest known name, gives negative or non-numeric points, an unknown visibility), and leaves
// *policy unchanged.
bool load_grading_policy(const std::string& path, const std::vector<CheckResult>& stage_checks,
                         GradingPolicy* policy, std::string* error);

// The points of check `name` under `policy`.
double check_points(const GradingPolicy& policy, const std::string& name);

// A student's totals under `policy` (see "Points" above). `passed` counts the checks passed,
// `total` the checks of the stage (skipped ones included).
struct StudentScore {
  int passed = 0;
  int total = 0;
  double score = 0;
  double max_score = 0;
};
StudentScore score_student(const StudentResult& student, const ClassResult& klass,
                           const GradingPolicy& policy);

// results.json in Gradescope's autograder format: the score, the execution time, a top-level
// output (the result in one line, the build's or the run's problem and the compiler's first
// errors when there are any) and a test per check of the stage with its points, status
// ("passed"/"failed") and as output the check's failure report (its steps, bytes and hint), or
// "Not run: <why>" when the checks did not run. The text is always valid UTF-8 JSON of at most
// kMaxReportBytes: when the outputs would make it longer, each long output keeps its start and
// its end and says how much was cut. extra_data holds the stage, language, build status and
// counts, for scripts.
std::string render_gradescope_json(const StudentResult& student, const ClassResult& klass,
                                   const GradingPolicy& policy);

// grades.csv (RFC 4180: CRLF line ends, fields quoted when they hold a comma, a quote or a line
// break): a header, then a row per student in klass.students' order with the columns
// student, language, build, passed, total, score, max_score, seconds, problem.
// A text cell that a spreadsheet would read as a formula (it starts with =, +, -, @, a tab or a
// carriage return) gets a ' in front.
std::string render_grades_csv(const ClassResult& klass, const GradingPolicy& policy);

// junit.xml: <testsuites> with a <testsuite name=STUDENT> per student and a <testcase
// classname="STUDENT.Suite" name="Check"> per check: passed checks are empty, failed ones hold
// <failure message="first line">the whole report</failure>, skipped ones <skipped message=...>.
// The build's and the run's problems and output go in the suite's <system-out>. Characters XML
// 1.0 cannot carry (control characters other than tab, line feed and carriage return; U+FFFE,
// U+FFFF) and bytes that are not UTF-8 become U+FFFD.
std::string render_junit(const ClassResult& klass, const GradingPolicy& policy);

// summary.html: one page with its CSS inline and no script: the class's totals and time; each
// check's pass rate as a bar; the most common failures, grouped by their hint (or the first line
// of the report when it has no hint), with how many students and checks each hit; submissions
// that could not be graded and why; and a grid of who passes what (a row per student, best
// score first, a column per check, easiest first). Everything students control is escaped.
std::string render_summary_html(const ClassResult& klass, const GradingPolicy& policy);

// Writes render_gradescope_json() to `path` (usually DIR/<student>/results.json), creating its
// folder when needed. False with *error (one line naming the path) when it cannot be written.
bool write_student_report(const StudentResult& student, const ClassResult& klass,
                          const GradingPolicy& policy, const std::string& path, std::string* error);

// Writes DIR/grades.csv, DIR/junit.xml and DIR/summary.html (creating DIR when needed). False
// with *error (one line naming the file) at the first file that cannot be written.
bool write_class_reports(const ClassResult& klass, const GradingPolicy& policy,
                         const std::string& out_dir, std::string* error);

}  // namespace chatkit::grade

#endif  // CHATKIT_GRADE_REPORTS_H_
