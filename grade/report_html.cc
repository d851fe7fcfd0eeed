// summary.html (grade/reports.h): one page, made to be read on a projector.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "grade/report_text.h"
#include "grade/reports.h"

namespace chatkit::grade {

namespace {

constexpr std::size_t kMostCommonFailures = 10;
constexpr std::size_t kNamesPerFailure = 12;

const char* const kStyle = R"(
body { font: 20px/1.4 system-ui, sans-serif; margin: 1.5em; color: #111; background: #fff; }
h1 { font-size: 1.8em; margin: 0 0 .3em; }
h2 { font-size: 1.35em; margin: 1.6em 0 .5em; border-bottom: 2px solid #ccc; }
.totals { font-size: 1.15em; }
.totals b { font-size: 1.3em; }
table { border-collapse: collapse; }
th, td { padding: .2em .5em; text-align: left; vertical-align: top; }
.checks tr:nth-child(even) { background: #f3f3f3; }
.grid tbody tr { border-top: 1px solid #ccc; }
.grid tbody tr.after { border-top: none; }
.name, .who, .note { color: #555; font-size: .8em; }
.bar { width: 12em; }
.bar div { height: 1em; background: #2a7d2a; margin-top: .2em; }
.bar .none { background: none; }
.failures li { margin-bottom: .8em; }
.hint { font-weight: 600; }
.count { color: #a11; font-weight: 600; }
.grid td { text-align: center; font-size: 1.2em; }
.grid thead th { text-align: center; }
.grid th.student { text-align: left; white-space: nowrap; }
.grid td.score { text-align: right; white-space: nowrap; font-size: 1em; }
.pass { color: #1a6b1a; }
.fail { color: #b01010; background: #fde8e8; }
.skip { color: #777; }
.grid td.problem { color: #b01010; font-size: .85em; text-align: left; }
pre { white-space: pre-wrap; }
)";

std::string esc(const std::string& text) {
  return xml_escape(text);
}

std::string duration(double seconds) {
  char buffer[64];
  if (seconds < 60) {
    std::snprintf(buffer, sizeof buffer, "%.1f s", seconds < 0 ? 0.0 : seconds);
  } else {
    const long whole = static_cast<long>(seconds + 0.5);
    std::snprintf(buffer, sizeof buffer, "%ld min %ld s", whole / 60, whole % 60);
  }
  return buffer;
}

std::string plural(std::size_t count, const char* one, const char* many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

// What one kind of failure looks like across the class.
struct FailureGroup {
  std::string text;  // The hint, or the report's first line.
  bool is_hint = false;
  std::size_t times = 0;  // Failing (student, check) pairs.
  std::set<std::string> students;
  std::set<std::size_t> checks;  // Column numbers.
};

struct Row {
  const StudentResult* student;
  StudentScore score;
};

std::string check_label(std::size_t number, const CheckResult& column) {
  return "#" + std::to_string(number + 1) + " " +
         esc(column.description.empty() ? column.name : column.description);
}

}  // namespace

std::string render_summary_html(const ClassResult& klass, const GradingPolicy& policy) {
  const std::vector<const CheckResult*> columns = report_columns(klass);
  std::vector<Row> rows;
  std::vector<std::size_t> passes(columns.size(), 0);
  std::map<std::string, FailureGroup> groups;
  std::size_t all_passed = 0;
  std::size_t not_graded = 0;
  double score_sum = 0;
  double max_sum = 0;
  for (const StudentResult& student : klass.students) {
    const StudentScore score = score_over(student, columns, policy);
    rows.push_back({&student, score});
    score_sum += score.score;
    max_sum += score.max_score;
    if (student.run == RunStatus::kNotRun) {
      ++not_graded;
      continue;
    }
    if (score.passed == score.total) ++all_passed;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const CheckResult* check = find_check(student, columns[i]->name);
      if (check != nullptr && check->status == "passed") ++passes[i];
      if (check != nullptr && check->status != "failed") continue;
      const std::string message = check == nullptr ? "" : utf8_replace_invalid(check->message);
      const std::string hint = hint_line(message);
      std::string text = !hint.empty()                  ? hint
                         : !first_line(message).empty() ? first_line(message)
                                                        : "no result: the check did not report";
      FailureGroup& group = groups[(hint.empty() ? "L" : "H") + text];
      group.text = text;
      group.is_hint = !hint.empty();
      ++group.times;
      group.students.insert(student.student);
      group.checks.insert(i);
    }
  }
  const std::size_t count = klass.students.size();

  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>Stage " + std::to_string(klass.stage) + ": class results</title>\n";
  out += "<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
  out += "<h1>Stage " + std::to_string(klass.stage) + ": " + plural(count, "student", "students") +
         "</h1>\n";
  out += "<p class=\"totals\"><b>" + std::to_string(all_passed) + "</b> pass every check · <b>" +
         std::to_string(count - all_passed - not_graded) + "</b> pass some · <b>" +
         std::to_string(not_graded) + "</b> could not be graded";
  if (count > 0) {
    out += " · mean score <b>" + format_number(score_sum / static_cast<double>(count)) +
           "</b> of " + format_number(max_sum / static_cast<double>(count)) + " points";
  }
  out += "</p>\n<p class=\"note\">Graded in " + duration(klass.seconds);
  if (klass.parallel > 0) out += ", " + std::to_string(klass.parallel) + " at a time";
  out += ".</p>\n";

  // Each check's pass rate, in the stage's order.
  out += "<h2>Checks</h2>\n<table class=\"checks\">\n";
  out += "<tr><th>Check</th><th>Points</th><th colspan=\"2\">Passed by</th></tr>\n";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const int percent =
        count == 0 ? 0 : static_cast<int>(100.0 * static_cast<double>(passes[i]) / count + 0.5);
    out += "<tr><td>" + check_label(i, *columns[i]) + "<div class=\"name\">" +
           esc(columns[i]->name) + "</div></td><td>" +
           format_number(check_points(policy, columns[i]->name)) + "</td><td class=\"bar\"><div" +
           (percent == 0 ? " class=\"none\"" : "") + " style=\"width:" + std::to_string(percent) +
           "%\"></div></td><td>" + std::to_string(passes[i]) + " of " + std::to_string(count) +
           "</td></tr>\n";
  }
  out += "</table>\n";

  // The most common failures: what to explain to the whole room.
  std::vector<const FailureGroup*> sorted;
  for (const auto& [key, group] : groups) sorted.push_back(&group);
  std::stable_sort(sorted.begin(), sorted.end(), [](const FailureGroup* a, const FailureGroup* b) {
    return a->students.size() != b->students.size() ? a->students.size() > b->students.size()
                                                    : a->times > b->times;
  });
  out += "<h2>Most common failures</h2>\n";
  if (sorted.empty()) out += "<p>None: every check that ran passed.</p>\n";
  out += "<ol class=\"failures\">\n";
  for (std::size_t g = 0; g < sorted.size() && g < kMostCommonFailures; ++g) {
    const FailureGroup& group = *sorted[g];
    out += "<li><span class=\"count\">" + plural(group.students.size(), "student", "students") +
           ", " + plural(group.times, "failure", "failures") + "</span><div class=\"hint\">" +
           (group.is_hint ? "Hint: " : "") + esc(group.text) + "</div><div class=\"name\">";
    std::string separator;
    for (std::size_t i : group.checks) {
      out += separator + check_label(i, *columns[i]);
      separator = "; ";
    }
    out += "</div><div class=\"who\">";
    std::size_t shown = 0;
    for (const std::string& name : group.students) {
      if (shown++ == kNamesPerFailure) {
        out += " and " + std::to_string(group.students.size() - kNamesPerFailure) + " more";
        break;
      }
      out += (shown > 1 ? ", " : "") + esc(name);
    }
    out += "</div></li>\n";
  }
  out += "</ol>\n";

  // The grid: best score first (those not graded last); the easiest check first.
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    const bool a_ran = a.student->run != RunStatus::kNotRun;
    const bool b_ran = b.student->run != RunStatus::kNotRun;
    if (a_ran != b_ran) return a_ran;
    if (a.score.score != b.score.score) return a.score.score > b.score.score;
    return a.student->student < b.student->student;
  });
  std::vector<std::size_t> order(columns.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&passes](std::size_t a, std::size_t b) { return passes[a] > passes[b]; });
  out +=
      "<h2>Who passes what</h2>\n<p class=\"note\">Best score first; columns are the checks "
      "above by number, the most passed first. ✓ passed, ✗ failed (hover for why), – could "
      "not run here.</p>\n<table class=\"grid\">\n<thead><tr><th class=\"student\">Student"
      "</th><th>Score</th>";
  for (std::size_t i : order) {
    out += "<th title=\"" + esc(columns[i]->description) + "\">" + std::to_string(i + 1) + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const Row& row : rows) {
    const StudentResult& student = *row.student;
    out += "<tr><th class=\"student\">" + esc(student.student) + "</th><td class=\"score\">" +
           format_number(row.score.score) + " / " + format_number(row.score.max_score) + "</td>";
    if (student.run == RunStatus::kNotRun) {
      // Why nothing ran, across the row: what the instructor has to act on.
      out += "<td class=\"problem\" colspan=\"" + std::to_string(columns.size()) + "\">" +
             esc(keep_start_and_end(utf8_replace_invalid(why_not_run(student)), 400)) +
             "</td></tr>\n";
      continue;
    }
    for (std::size_t i : order) {
      const CheckResult* check = find_check(student, columns[i]->name);
      const std::string status = check == nullptr ? "failed" : check->status;
      const std::string why =
          check == nullptr
              ? "no result"
              : keep_start_and_end(utf8_replace_invalid(first_line(check->message)), 150);
      if (status == "passed") {
        out += "<td class=\"pass\">✓</td>";
      } else if (status == "skipped") {
        out += "<td class=\"skip\" title=\"" + esc(why) + "\">–</td>";
      } else {
        out += "<td class=\"fail\" title=\"" + esc(why) + "\">✗</td>";
      }
    }
    out += "</tr>\n";
    if (!student.problem.empty()) {
      // A run that did not finish: its cells are above, the reason under them.
      out += "<tr class=\"after\"><td></td><td></td><td class=\"problem\" colspan=\"" +
             std::to_string(columns.size()) + "\">" +
             esc(keep_start_and_end(utf8_replace_invalid(student.problem), 400)) + "</td></tr>\n";
    }
  }
  out += "</tbody>\n</table>\n</body>\n</html>\n";
  return out;
}

}  // namespace chatkit::grade
