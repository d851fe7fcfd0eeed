// Tests of the check programs as a grader uses them (issue 11): stage1-check (stage2-check where
// stage 1 has no such check) is run as a program, with the options of its stable contract
// (--server-cmd, --client-cmd, --only, --summary-json), and what it prints, writes and exits with
// is examined.
//
// The paths of the programs come from CMake (exercises/CMakeLists.txt): CHATKIT_STAGE1_CHECK,
// CHATKIT_STAGE1_CLIENT, CHATKIT_STAGE2_CHECK, CHATKIT_STAGE2_SERVER, CHATKIT_BROKEN_SERVER and,
// when Python is found, CHATKIT_PYTHON_EXECUTABLE.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "exercises/check/check_config.h"
#include "harness/child_process.h"
#include "harness/temp_dir.h"
#include "harness/test_loop.h"

namespace chatkit::exercises {
namespace {

using chatkit::testing::ChildProcess;
using chatkit::testing::ExitStatus;
using chatkit::testing::read_file;
using chatkit::testing::TempDir;
using chatkit::testing::TestLoop;
using chatkit::testing::write_file;
using std::chrono::milliseconds;

// A run of a check program; far longer than any run here takes, so only a hang hits it.
constexpr milliseconds kRunTimeout{120000};

struct ProgramRun {
  std::optional<ExitStatus> status;  // nullopt: it did not end within kRunTimeout.
  std::string out;
  std::string err;
  std::string described;  // For failure messages: the command and the end of its output.
};

ProgramRun run(const std::vector<std::string>& argv, const std::string& cwd) {
  TestLoop loop;
  ProgramRun result;
  {
    ChildProcess::Options options;
    options.argv = argv;
    options.cwd = cwd;
    ChildProcess process(loop, options);
    if (!process.spawn_error().empty()) {
      result.err = process.spawn_error();
      return result;
    }
    result.status = process.wait_for_exit(kRunTimeout);
    result.out = process.stdout_text();
    result.err = process.stderr_text();
    result.described = process.describe();
  }
  return result;
}

bool exited_with(const ProgramRun& run, int code) {
  return run.status && run.status->term_signal == 0 && run.status->exit_code == code;
}

std::string quoted(const std::string& path) {
  return quote_command({path});
}

// The JSON summary a run wrote; an empty object (and a test failure) when there is none.
nlohmann::json summary_of(const std::string& path) {
  std::string text;
  if (!read_file(path, &text)) {
    ADD_FAILURE() << "no JSON summary at " << path;
    return nlohmann::json::object();
  }
  return nlohmann::json::parse(text);
}

// The command the summary offers for running the first failing check again, split into its
// arguments as a shell would split the pasted line.
std::vector<std::string> rerun_command(const std::string& out) {
  const std::string intro = "to run just the first failing check again:\n";
  const std::size_t at = out.find(intro);
  if (at == std::string::npos) return {};
  const std::size_t start = at + intro.size();
  const std::string line = out.substr(start, out.find('\n', start) - start);
  std::string error;
  std::vector<std::string> argv = split_command(line, &error);
  EXPECT_EQ(error, "") << line;
  return argv;
}

// The arguments after `option` in argv, or nullopt when it is not there.
std::optional<std::string> value_of(const std::vector<std::string>& argv,
                                    const std::string& option) {
  const auto it = std::find(argv.begin(), argv.end(), option);
  if (it == argv.end() || it + 1 == argv.end()) return std::nullopt;
  return *(it + 1);
}

// The check program prints its own path as the system gives it. A cross build compiles in a
// drive-less path ("/work/build/..."), which Windows (Wine) gives back with its drive
// ("Z:/work/...").
std::string without_drive(const std::string& path) {
#ifdef _WIN32
  if (path.size() > 2 && path[1] == ':' && (path[2] == '/' || path[2] == '\\')) {
    return path.substr(2);
  }
#endif
  return path;
}

const std::string kServerCommandWithMistake =
    quoted(CHATKIT_BROKEN_SERVER) + " --stage 1 --port {port} --mistake little-endian";

// Issue 11, point 4: the printed command runs the program under test again, not the starter.
TEST(CheckProgram, TheRerunLineRepeatsTheProgramsUnderTest) {
  TempDir dir;
  const std::string client_command =
      quoted(CHATKIT_STAGE1_CLIENT) + " --host {host} --port {port} --message {message}";
  const ProgramRun first =
      run({CHATKIT_STAGE1_CHECK, "--server-cmd", kServerCommandWithMistake, "--client-cmd",
           client_command, "--summary-json", dir.file("first.json"),
           "--gtest_filter=Stage1Server.ReadsTheLengthAsFourBigEndianBytes"},
          dir.path());
  ASSERT_TRUE(exited_with(first, 1)) << first.described;
  EXPECT_EQ(summary_of(dir.file("first.json")).value("failed", 0), 1) << first.out;

  const std::vector<std::string> again = rerun_command(first.out);
  ASSERT_FALSE(again.empty()) << "no command to run the failing check again in:\n" << first.out;
  EXPECT_EQ(without_drive(again.front()), without_drive(CHATKIT_STAGE1_CHECK));
  EXPECT_EQ(value_of(again, "--server-cmd"), kServerCommandWithMistake) << first.out;
  EXPECT_EQ(value_of(again, "--client-cmd"), client_command) << first.out;
  EXPECT_EQ(std::count(again.begin(), again.end(),
                       "--gtest_filter=Stage1Server.ReadsTheLengthAsFourBigEndianBytes"),
            1)
      << first.out;
  EXPECT_EQ(value_of(again, "--summary-json"), std::nullopt)
      << "running one check again must not overwrite the run's summary:\n"
      << first.out;

  // Pasted, it checks the same program again and finds the same mistake.
  const ProgramRun second = run(again, dir.path());
  ASSERT_TRUE(exited_with(second, 1)) << second.described;
  EXPECT_NE(second.out.find("FAIL  server: reads the length as four big-endian bytes"),
            std::string::npos)
      << second.out;
  EXPECT_NE(second.out.find("0 passed, 1 failed"), std::string::npos) << second.out;
}

// Issue 11, point 5: a summary path in folders that do not exist yet.
TEST(CheckProgram, CreatesTheMissingFoldersOfTheSummaryPath) {
  TempDir dir;
  const std::string path = dir.file("results/stage1/ana.json");
  const ProgramRun check =
      run({CHATKIT_STAGE1_CHECK, "--summary-json", path,
           "--gtest_filter=Stage1Server.PrintsItsListeningLineAndAcceptsConnections"},
          dir.path());
  EXPECT_TRUE(exited_with(check, 0)) << check.described;
  const nlohmann::json summary = summary_of(path);
  EXPECT_EQ(summary.value("passed", -1), 1) << summary.dump(2);
  EXPECT_EQ(summary.value("total", -1), 1) << summary.dump(2);
}

TEST(CheckProgram, RefusesASummaryFolderItCannotCreateBeforeRunningAnyCheck) {
  TempDir dir;
  ASSERT_TRUE(write_file(dir.file("taken"), "a file, where the summary wants a folder\n"));
  const std::string folder = dir.file("taken");
  const ProgramRun check =
      run({CHATKIT_STAGE1_CHECK, "--summary-json", folder + "/ana.json",
           "--gtest_filter=Stage1Server.PrintsItsListeningLineAndAcceptsConnections"},
          dir.path());
  EXPECT_TRUE(exited_with(check, 2)) << check.described;
  EXPECT_EQ(check.out.find("[ RUN"), std::string::npos)
      << "a check ran although its results could not be kept:\n"
      << check.out;
  EXPECT_NE(check.err.find("--summary-json"), std::string::npos) << check.err;
  EXPECT_NE(check.err.find("cannot create the folder " + folder), std::string::npos) << check.err;
  EXPECT_NE(check.err.find("not a folder"), std::string::npos) << check.err;
}

// The durability watch library is given by path (chat-grade gives its own copy): one that
// cannot be read stops the run before any check, naming it.
TEST(CheckProgram, RefusesADurabilityWatchLibraryItCannotReadBeforeRunningAnyCheck) {
  TempDir dir;
  const std::string missing = dir.file("missing/libchatkit_durability_watch.so");
  const ProgramRun check = run({CHATKIT_STAGE1_CHECK, "--durability-watch", missing}, dir.path());
  EXPECT_TRUE(exited_with(check, 2)) << check.described;
  EXPECT_EQ(check.out.find("[ RUN"), std::string::npos) << "a check ran:\n" << check.out;
  EXPECT_NE(check.err.find("--durability-watch " + missing + ": cannot read this file"),
            std::string::npos)
      << check.err;
}

// Issue 11, point 6: a client command that cannot start is one clear failure per client check,
// reported at once, and "exits non-zero when no server listens" does not pass for it.
void expect_every_client_check_fails_at_once(const std::string& client_command,
                                             const std::string& its_error) {
  TempDir dir;
  const ProgramRun check = run({CHATKIT_STAGE1_CHECK, "--only", "client", "--client-cmd",
                                client_command, "--summary-json", dir.file("summary.json")},
                               dir.path());
  ASSERT_TRUE(exited_with(check, 1)) << check.described;
  const nlohmann::json summary = summary_of(dir.file("summary.json"));
  ASSERT_EQ(summary.value("total", 0), 6) << summary.dump(2);
  EXPECT_EQ(summary.value("failed", 0), 6) << check.out;
  for (const nlohmann::json& test : summary["tests"]) {
    const std::string name = test.value("name", "");
    const std::string message = test.value("message", "");
    EXPECT_EQ(test.value("status", ""), "failed") << name << "\n" << message;
    // The summary shows each check's first line: that line says why, in the program's own words.
    const std::string headline = message.substr(0, message.find('\n'));
    EXPECT_EQ(headline.rfind("the client command could not start: ", 0), 0u) << name << "\n"
                                                                             << message;
    EXPECT_NE(headline.find(its_error), std::string::npos) << name << "\n" << message;
    EXPECT_NE(message.find("Hint: "), std::string::npos) << name << "\n" << message;
    EXPECT_EQ(message.find("within 5 s"), std::string::npos)
        << name << " waited for a client that had already ended:\n"
        << message;
  }
}

TEST(CheckProgram, AClientThatRejectsItsCommandLineFailsEveryClientCheckAtOnce) {
  // The starter client with an option it does not know: it exits at once (CLI11 says why).
  expect_every_client_check_fails_at_once(
      quoted(CHATKIT_STAGE1_CLIENT) +
          " --host {host} --port {port} --message {message} --no-such-option",
      "The following argument was not expected: --no-such-option");
}

#ifdef CHATKIT_PYTHON_EXECUTABLE
TEST(CheckProgram, AMissingPythonScriptFailsEveryClientCheckAtOnce) {
  expect_every_client_check_fails_at_once(
      quoted(CHATKIT_PYTHON_EXECUTABLE) + " missing.py {host} {port} {message}", "can't open file");
}
#endif

// The line "Hint: ..." of a failure report.
std::string hint_line(const std::string& message) {
  const std::size_t at = message.find("\nHint: ");
  if (at == std::string::npos) return "";
  return message.substr(at + 1, message.find('\n', at + 1) - at - 1);
}

// Issue 11, point 7: "the TODOs in the starter code" only when the starter is under test (stage 2:
// its starter server sends no history, which the hint explains).
TEST(CheckProgram, SpeaksOfTheStarterTodosOnlyWhenTheStarterIsUnderTest) {
  const std::string check_name = "Stage2Server.SendsTheCountZeroAsDecimalTextWhenTheHistoryIsEmpty";
  TempDir dir;
  const ProgramRun starter = run({CHATKIT_STAGE2_CHECK, "--gtest_filter=" + check_name,
                                  "--summary-json", dir.file("starter.json")},
                                 dir.path());
  ASSERT_TRUE(exited_with(starter, 1)) << starter.described;
  const std::string starter_message = summary_of(dir.file("starter.json"))["tests"][0]["message"];
  EXPECT_NE(starter_message.find("the TODOs in the starter code"), std::string::npos)
      << starter_message;
  const std::string starter_hint = hint_line(starter_message);
  EXPECT_FALSE(std::regex_search(starter_hint, std::regex("[.!?] [a-z]")))
      << "a sentence of the hint starts in lower case:\n"
      << starter_hint;

  // The same program, given as the program under test: a grader's run of a submission.
  const ProgramRun graded = run(
      {CHATKIT_STAGE2_CHECK, "--gtest_filter=" + check_name, "--server-cmd",
       quoted(CHATKIT_STAGE2_SERVER) + " --port {port}", "--summary-json", dir.file("graded.json")},
      dir.path());
  ASSERT_TRUE(exited_with(graded, 1)) << graded.described;
  const std::string graded_message = summary_of(dir.file("graded.json"))["tests"][0]["message"];
  EXPECT_EQ(graded_message.find("starter"), std::string::npos) << graded_message;
  EXPECT_NE(hint_line(graded_message).find("If the server under test does not do this part"),
            std::string::npos)
      << graded_message;
}

}  // namespace
}  // namespace chatkit::exercises
