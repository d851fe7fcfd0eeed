// A realistic stage-2 class for the report tests: a student who passes everything, one who
// fails two checks with the same hint, a build failure, a timeout, a submission without its
// files, and one whose folder name and program output are hostile (a spreadsheet formula,
// markup, quotes, control bytes, bytes that are not UTF-8).
#ifndef CHATKIT_GRADE_TESTS_REPORT_FIXTURES_H_
#define CHATKIT_GRADE_TESTS_REPORT_FIXTURES_H_

#include <string>
#include <vector>

#include "grade/student_result.h"

namespace chatkit::grade::testing {

inline const char* const kByteOrderHint =
    "Hint: the length prefix is big-endian (network byte order): use htonl() or "
    "int.to_bytes(4, \"big\").";

// A failure report shaped like the check programs' (exercises/check/step_log.cc).
inline std::string failure_report(const std::string& headline, const std::string& hint) {
  return headline +
         "\nSteps so far:\n"
         "     1. connect to the server on 127.0.0.1:40123\n"
         "     2. send a frame: 00 00 00 05 68 65 6c 6c 6f   ....hello\n"
         "     3. expected 00 00 00 01 31 (the count \"1\")\n"
         "        got      01 00 00 00 31\n"
         "                 ^^\n" +
         hint + "\n";
}

inline std::vector<CheckResult> stage2_checks() {
  const std::pair<const char*, const char*> names[] = {
      {"Stage2Server.PrintsItsListeningLineAndAcceptsConnections",
       "server: prints its listening line and accepts connections"},
      {"Stage2Server.SendsTheCountThenEveryItemOldestFirstByteExact",
       "server: sends the count then every item oldest first byte-exact"},
      {"Stage2Server.ReassemblesAMessageArrivingOneByteAtATime",
       "server: reassembles a message arriving one byte at a time"},
      {"Stage2Client.PrintsTheHistoryThenSendsItsMessage",
       "client: prints the history then sends its message"},
      {"Stage2Client.ReadsATwoDigitCount", "client: reads a two-digit count"},
  };
  std::vector<CheckResult> checks;
  for (const auto& [name, description] : names) {
    CheckResult check;
    check.name = name;
    check.description = description;
    checks.push_back(check);
  }
  return checks;
}

// Every check of the stage with `status`, `message` and 0.25 s each.
inline std::vector<CheckResult> all_checks(const std::string& status,
                                           const std::string& message = "") {
  std::vector<CheckResult> checks = stage2_checks();
  for (CheckResult& check : checks) {
    check.status = status;
    check.message = message;
    check.seconds = 0.25;
  }
  return checks;
}

inline const char* const kHostileName = "=HYPERLINK(\"http://evil\",\"<b>x</b>\")";
inline const char* const kHostileOutput =
    "got \"<script>alert('x')</script>\" & ]]> \x01\x02\x1b[31m \xff\xfe\xc3 end\r\n";

inline ClassResult stage2_class() {
  ClassResult klass;
  klass.stage = 2;
  klass.stage_checks = stage2_checks();
  klass.seconds = 251.5;
  klass.parallel = 2;

  StudentResult ana;
  ana.student = "ana";
  ana.language = Language::kCpp;
  ana.build = BuildStatus::kBuilt;
  ana.run = RunStatus::kCompleted;
  ana.checks = all_checks("passed");
  ana.seconds = 6.2;

  StudentResult bo;
  bo.student = "bo";
  bo.language = Language::kPython;
  bo.build = BuildStatus::kNotNeeded;
  bo.run = RunStatus::kCompleted;
  bo.checks = all_checks("passed");
  bo.checks[1].status = "failed";
  bo.checks[1].message = failure_report("the count came as 01 00 00 00", kByteOrderHint);
  bo.checks[4].status = "failed";
  bo.checks[4].message = failure_report("the client printed nothing", kByteOrderHint);
  bo.seconds = 14.75;

  StudentResult chen;
  chen.student = "chen";
  chen.language = Language::kCpp;
  chen.build = BuildStatus::kFailed;
  chen.build_output =
      "server.cpp:12:5: error: 'sendall' was not declared in this scope\n"
      "   12 |     sendall(client, frame);\n      |     ^~~~~~~\n";
  chen.problem = "the code did not compile: server.cpp:12: 'sendall' was not declared";
  chen.run = RunStatus::kNotRun;
  chen.checks = all_checks("failed", "not run: the code did not compile");
  chen.seconds = 3;

  StudentResult dee;
  dee.student = "dee";
  dee.language = Language::kPython;
  dee.build = BuildStatus::kNotNeeded;
  dee.run = RunStatus::kTimedOut;
  dee.problem =
      "the checks did not finish within 120 s: every process of the submission was "
      "stopped";
  dee.run_output = "PASS  server: prints its listening line and accepts connections\n";
  dee.checks = all_checks("failed", "not finished: the time for the checks ran out");
  dee.checks[0].status = "passed";
  dee.checks[0].message = "";
  dee.seconds = 120.4;

  StudentResult eve;
  eve.student = "eve";
  eve.build = BuildStatus::kMissingFiles;
  eve.problem = "neither server.cpp and client.cpp nor server.py and client.py was found";
  eve.run = RunStatus::kNotRun;
  eve.checks = all_checks("failed", "not run: no files");

  StudentResult hostile;
  hostile.student = kHostileName;
  hostile.language = Language::kCpp;
  hostile.build = BuildStatus::kBuilt;
  hostile.run = RunStatus::kCompleted;
  hostile.checks = all_checks("passed");
  hostile.checks[2].status = "failed";
  hostile.checks[2].message = std::string(kHostileOutput) + "Hint: <i>never</i> \"trust\" input\n";
  hostile.checks[3].status = "skipped";
  hostile.checks[3].message = "could not run here: no \"/proc\" <here>";
  hostile.problem = "-1 + \"x\", said the <server>";
  hostile.seconds = 9;

  klass.students = {ana, bo, chen, dee, eve, hostile};
  return klass;
}

}  // namespace chatkit::grade::testing

#endif  // CHATKIT_GRADE_TESTS_REPORT_FIXTURES_H_
