#include "grade/check_run.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "exercises/check/summary.h"
#include "grade/fs.h"

namespace chatkit::grade {
namespace {

bool contains_nocase(const std::string& text, const std::string& needle) {
  auto lower = [](unsigned char c) { return std::tolower(c); };
  return std::search(text.begin(), text.end(), needle.begin(), needle.end(),
                     [&](char a, char b) { return lower(a) == lower(b); }) != text.end();
}

void add_problem(StudentResult* student, const std::string& problem) {
  student->problem += (student->problem.empty() ? "" : "; ") + problem;
}

std::string seconds_text(double seconds) {
  std::ostringstream out;
  out << seconds;
  return out.str();
}

}  // namespace

bool list_stage_checks(const std::string& check_program, std::vector<CheckResult>* checks,
                       std::string* error) {
  ProcessSpec spec;
  spec.argv = {check_program, "--gtest_list_tests"};
  spec.budget_seconds = 60;
  const ProcessOutcome outcome = run_process_sync(spec);
  if (!outcome.spawn_error.empty() || outcome.exit_code != 0 || outcome.timed_out) {
    *error = "cannot list the checks of " + check_program + ": " + describe_end(outcome);
    return false;
  }
  // "Stage2Server.\n  SendsTheCount...\n" (GoogleTest's listing).
  checks->clear();
  std::istringstream lines(outcome.output);
  std::string line;
  std::string suite;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    const std::string word = line.substr(0, line.find(' ', line.find_first_not_of(' ')));
    if (line[0] != ' ') {
      suite = word.substr(0, word.find('.'));
    } else if (!suite.empty()) {
      const std::string name = word.substr(word.find_first_not_of(' '));
      CheckResult check;
      check.name = suite + "." + name;
      check.description = exercises::describe_test(suite, name);
      check.status = "failed";
      checks->push_back(check);
    }
  }
  if (checks->empty()) {
    *error = check_program + " --gtest_list_tests listed no checks";
    return false;
  }
  return true;
}

std::string command_word(const std::string& path) {
  if (path.find_first_of(" '\"\t") == std::string::npos) return path;
  if (path.find('\'') == std::string::npos) return "'" + path + "'";
  std::string quoted = "\"";
  for (char c : path) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

CheckCommands cpp_check_commands(int stage, const std::string& server_program,
                                 const std::string& client_program) {
  const std::string data = stage == 3 ? " --data {data}" : "";
  return {command_word(server_program) + " --port {port}" + data,
          command_word(client_program) + " --host {host} --port {port} --message {message}"};
}

CheckCommands python_check_commands(int stage, const std::string& python,
                                    const std::string& source_dir) {
  const std::string data = stage == 3 ? " --data {data}" : "";
  const std::string run = command_word(python) + " -B -X utf8 ";
  return {run + command_word(source_dir + "/server.py") + " --port {port}" + data,
          run + command_word(source_dir + "/client.py") +
              " --host {host} --port {port} --message {message}"};
}

std::vector<std::string> check_command(const std::string& check_program,
                                       const CheckCommands& commands,
                                       const std::string& summary_path,
                                       const std::string& durability_watch) {
  std::vector<std::string> argv{check_program,    "--gtest_brief=1", "--server-cmd",
                                commands.server,  "--client-cmd",    commands.client,
                                "--summary-json", summary_path};
  if (!durability_watch.empty()) argv.insert(argv.end(), {"--durability-watch", durability_watch});
  return argv;
}

std::vector<CheckResult> unrun_checks(const std::vector<CheckResult>& stage_checks,
                                      const std::string& why) {
  std::vector<CheckResult> checks = stage_checks;
  for (CheckResult& check : checks) {
    check.status = "failed";
    check.message = "Not run: " + why;
    check.seconds = 0;
  }
  return checks;
}

void read_check_run(const ProcessOutcome& outcome, const std::string& summary_path,
                    const std::vector<CheckResult>& stage_checks, const Isolation& isolation,
                    double budget_seconds, StudentResult* student) {
  student->run_output = outcome.output;
  std::map<std::string, CheckResult> reported;
  std::string text;
  // Read after a timeout too: the check program rewrites its summary after every check, so a
  // run stopped at the budget keeps the checks that finished.
  bool have_summary = read_file(summary_path, &text);
  bool complete = false;
  if (have_summary) {
    try {
      const nlohmann::json summary = nlohmann::json::parse(text);
      complete = summary.value("complete", true);
      for (const auto& test : summary.at("tests")) {
        CheckResult check;
        check.name = test.at("name").get<std::string>();
        check.description = test.value("description", "");
        check.status = test.value("status", "failed");
        check.message = test.value("message", "");
        check.seconds = test.value("seconds", 0.0);
        reported[check.name] = check;
      }
    } catch (const nlohmann::json::exception&) {
      have_summary = false;
    }
  }
  bool time_ran_out = false;
  const int stopped = stopped_processes(outcome.output, &time_ran_out);
  std::string why;
  if (outcome.timed_out) {
    student->run = RunStatus::kTimedOut;
    why = "the checks did not finish within " + seconds_text(budget_seconds) +
          " s: every process of the submission was stopped";
    if (stopped > 0) why += " (" + std::to_string(stopped) + " were running)";
  } else if (!have_summary) {
    student->run = RunStatus::kAborted;
    why = "the check program ended without results (" + describe_end(outcome) +
          "); its output says more";
  } else if (!complete) {
    student->run = RunStatus::kAborted;
    why = "the check program stopped before its last check (" + describe_end(outcome) +
          "); its output says more";
  } else {
    student->run = RunStatus::kCompleted;
  }
  if (!why.empty()) add_problem(student, why);
  if (!time_ran_out && stopped > 0) {
    add_problem(student, std::to_string(stopped) +
                             " processes of the submission were still running after the checks "
                             "ended (started in the background and never stopped?); they were "
                             "stopped");
  }
  const long limit = isolation.limits.max_processes;
  if (isolation.sandboxed &&
      (stopped >= limit / 2 ||
       contains_nocase(outcome.output, "resource temporarily unavailable"))) {
    add_problem(student, "the submission kept starting processes, up to the limit of " +
                             std::to_string(limit) + " (does it fork in a loop?)");
  }
  if (isolation.sandboxed && (contains_nocase(outcome.output, "file too large") ||
                              outcome.output.find("ended by signal 25") != std::string::npos)) {
    add_problem(student, "a program of the submission wrote more than " +
                             std::to_string(isolation.limits.max_file_size / (1024 * 1024)) +
                             " MiB into one file (what it prints counts) and was stopped there");
  }
  const long long memory = isolation.limits.max_memory;
  if (isolation.sandboxed && memory > 0 &&
      (outcome.output.find("MemoryError") != std::string::npos ||
       outcome.output.find("std::bad_alloc") != std::string::npos ||
       contains_nocase(outcome.output, "cannot allocate memory"))) {
    add_problem(student, "a program of the submission asked for more than the " +
                             std::to_string(memory / (1024 * 1024)) +
                             " MiB of memory each process may have and was refused it (does it "
                             "keep everything it reads, or allocate in a loop?)");
  }
  student->checks.clear();
  for (const CheckResult& expected : stage_checks) {
    auto found = reported.find(expected.name);
    if (found != reported.end()) {
      student->checks.push_back(found->second);
    } else {
      CheckResult check = expected;
      check.status = "failed";
      check.message = "Not run: " + (why.empty() ? "the check program did not report it" : why);
      student->checks.push_back(check);
    }
  }
}

}  // namespace chatkit::grade
