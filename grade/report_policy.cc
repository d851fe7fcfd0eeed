// The points file and the scores it gives (grade/reports.h).
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "grade/report_text.h"
#include "grade/reports.h"

namespace chatkit::grade {

namespace {

// Edit distance, ignoring case: "how far" a misspelt check name is from a real one.
std::size_t distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest_name(const std::string& name, const std::vector<CheckResult>& checks) {
  std::string best;
  std::size_t best_distance = 0;
  for (const CheckResult& check : checks) {
    // A name given without its suite ("SendsTheCount...") is closest to the check it ends.
    const std::size_t dot = check.name.find('.');
    const std::size_t d =
        std::min(distance(name, check.name), dot == std::string::npos
                                                 ? distance(name, check.name)
                                                 : distance(name, check.name.substr(dot + 1)));
    if (best.empty() || d < best_distance) best = check.name, best_distance = d;
  }
  return best;
}

// The JSON value as the file spelt it, short enough for a one-line error.
std::string shown(const nlohmann::json& value) {
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return text.size() > 40 ? text.substr(0, 37) + "..." : text;
}

}  // namespace

bool load_grading_policy(const std::string& path, const std::vector<CheckResult>& stage_checks,
                         GradingPolicy* policy, std::string* error) {
  const std::string where = "points file " + path + ": ";
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = where + "cannot be read: " + std::strerror(errno);
    return false;
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(contents.str());
  } catch (const nlohmann::json::parse_error& e) {
    std::string reason = e.what();
    const std::size_t bracket = reason.find("] ");  // "[json.exception.parse_error.101] ..."
    if (bracket != std::string::npos) reason.erase(0, bracket + 2);
    *error = where + "not JSON: " + reason;
    return false;
  }
  if (!document.is_object()) {
    *error = where +
             "expected a JSON object of check names and points, like "
             "{\"Stage2Server.SendsTheCountAsDecimalText\": 2}; got " +
             shown(document);
    return false;
  }
  GradingPolicy loaded;
  for (const auto& [key, value] : document.items()) {
    if (key == "visibility") {
      const std::string visibility = value.is_string() ? value.get<std::string>() : "";
      if (visibility != "visible" && visibility != "hidden" && visibility != "after_due_date" &&
          visibility != "after_published") {
        *error = where + "\"visibility\" is " + shown(value) +
                 "; it must be \"visible\", \"hidden\", \"after_due_date\" or \"after_published\"";
        return false;
      }
      loaded.visibility = visibility;
      continue;
    }
    const std::string what =
        key == "default_points" ? "\"default_points\"" : "check \"" + key + "\"";
    if (!value.is_number()) {
      *error = where + what + " has " + shown(value) + " as its points; points must be a number";
      return false;
    }
    const double points = value.get<double>();
    if (points < 0) {
      *error =
          where + what + " has negative points (" + shown(value) + "); points must be 0 or more";
      return false;
    }
    if (key == "default_points") {
      loaded.default_points = points;
      continue;
    }
    const bool known = std::any_of(stage_checks.begin(), stage_checks.end(),
                                   [&key](const CheckResult& check) { return check.name == key; });
    if (!known) {
      *error = where + "unknown check \"" + key + "\"";
      *error += stage_checks.empty()
                    ? " (this stage has no checks)"
                    : " (did you mean \"" + closest_name(key, stage_checks) + "\"?)";
      return false;
    }
    loaded.points[key] = points;
  }
  *policy = std::move(loaded);
  return true;
}

double check_points(const GradingPolicy& policy, const std::string& name) {
  const auto found = policy.points.find(name);
  return found == policy.points.end() ? policy.default_points : found->second;
}

StudentScore score_student(const StudentResult& student, const ClassResult& klass,
                           const GradingPolicy& policy) {
  return score_over(student, report_columns(klass), policy);
}

StudentScore score_over(const StudentResult& student,
                        const std::vector<const CheckResult*>& columns,
                        const GradingPolicy& policy) {
  StudentScore score;
  const bool ran = student.run != RunStatus::kNotRun;
  for (const CheckResult* column : columns) {
    ++score.total;
    const CheckResult* check = find_check(student, column->name);
    const std::string status = check == nullptr ? "failed" : check->status;
    if (ran && status == "skipped") continue;  // Could not run here: counts neither way.
    const double points = check_points(policy, column->name);
    score.max_score += points;
    if (ran && status == "passed") {
      ++score.passed;
      score.score += points;
    }
  }
  return score;
}

}  // namespace chatkit::grade
