// The results of a check run, for people (a pass/fail line per check, in words) and for
// autograders (a JSON file).
//
// JSON format (build/exercises/stageN-summary.json):
//   { "stage": 2, "complete": true, "passed": 11, "failed": 3, "skipped": 0, "total": 14,
//     "server_command": "...", "client_command": "...",
//     "tests": [ { "name": "Stage2Server.SendsTheCountAsDecimalText",
//                  "description": "server: sends the count as decimal text",
//                  "status": "passed" | "failed" | "skipped",
//                  "seconds": 0.12,
//                  "message": "<the whole failure report, or why the check could not
//                              run here (skipped), or empty>" }, ... ] }
// The check program writes the file again after every check, with "complete": false and the
// checks that have ended so far, and a last time with "complete": true. A run that was stopped
// half-way (a grader's time budget, Ctrl-C) so leaves the results of the checks that finished;
// "passed", "failed" and "total" count those only.
#ifndef CHATKIT_EXERCISES_CHECK_SUMMARY_H_
#define CHATKIT_EXERCISES_CHECK_SUMMARY_H_

#include <gtest/gtest.h>

#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "exercises/check/check_config.h"

namespace chatkit::exercises {

struct TestOutcome {
  std::string name;         // "Stage2Server.SendsTheCountAsDecimalText"
  std::string description;  // "server: sends the count as decimal text"
  std::string status;       // "passed", "failed", "skipped"
  std::string message;      // Every failure report of the test, joined.
  double seconds = 0;
};

// Collects a TestOutcome per test as GoogleTest runs them. `on_outcome`, when given, is called
// after each test has ended, with every outcome so far (on GoogleTest's thread, before the next
// test starts).
class SummaryListener : public ::testing::EmptyTestEventListener {
 public:
  using OutcomeCallback = std::function<void(const std::vector<TestOutcome>&)>;
  explicit SummaryListener(OutcomeCallback on_outcome = nullptr)
      : on_outcome_(std::move(on_outcome)) {}

  void OnTestStart(const ::testing::TestInfo& info) override;
  void OnTestPartResult(const ::testing::TestPartResult& result) override;
  void OnTestEnd(const ::testing::TestInfo& info) override;
  const std::vector<TestOutcome>& outcomes() const { return outcomes_; }

 private:
  OutcomeCallback on_outcome_;
  std::string message_;
  std::vector<TestOutcome> outcomes_;
};

// "Stage2Server", "SendsTheCountAsDecimalText" -> "server: sends the count as decimal text".
std::string describe_test(const std::string& suite, const std::string& name);

// The command that runs the check `test_name` alone again, against the same programs under test:
// `program` (this check program), the filter, and --server-cmd / --client-cmd unless the command
// is the starter's default. Not --summary-json (that would overwrite the whole run's results),
// --only (the filter is narrower) nor --must-fail / --must-pass.
std::vector<std::string> rerun_command(const CheckConfig& config, const std::string& program,
                                       const std::string& test_name);

// Prints the per-test summary in words, ending with "N passed, M failed".
void print_summary(std::ostream& out, const CheckConfig& config,
                   const std::vector<TestOutcome>& outcomes, const std::string& program);
// Writes the JSON summary (creating or replacing the file; its folder must exist: see
// summary_file.h), "complete" as `complete` says; false (with *error) when the file cannot be
// written.
bool write_json_summary(const std::string& path, const CheckConfig& config,
                        const std::vector<TestOutcome>& outcomes, bool complete,
                        std::string* error);

}  // namespace chatkit::exercises

#endif  // CHATKIT_EXERCISES_CHECK_SUMMARY_H_
