// What chat-grade's engine made of a class of test submissions, correct and broken, C++ and
// Python, graded at once by one run of grader_class_fixture (grader_tests.cmake: a ctest fixture
// per stage; CHATKIT_GRADER_DUMP_DIR holds their results). Every bad kind has its own clear
// result, and the correct students graded beside them still get full marks.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "grade/student_result.h"

namespace chatkit::grade {
namespace {

using nlohmann::json;

json load_class(const std::string& name) {
  const std::string path = std::string(CHATKIT_GRADER_DUMP_DIR) + "/" + name + ".json";
  std::ifstream in(path);
  if (!in) return json();
  return json::parse(in, nullptr, false);
}

const json& student(const json& klass, const std::string& name) {
  static const json none;
  if (!klass.contains("students")) return none;
  for (const json& s : klass["students"]) {
    if (s["student"] == name) return s;
  }
  return none;
}

// A student's result in a few lines, for failure messages.
std::string describe(const json& s) {
  if (s.is_null()) return "(no such student in the results)";
  return "problem: " + s["problem"].get<std::string>() +
         "\nbuild output: " + s["build_output"].get<std::string>().substr(0, 800) +
         "\nend of the check run's output:\n" + s["run_output_end"].get<std::string>();
}

class ClassTest : public ::testing::Test {
 protected:
  void load(int stage) { load("stage" + std::to_string(stage), "Stage" + std::to_string(stage)); }
  void load(const std::string& file, const std::string& fixture) {
    klass_ = load_class(file);
    ASSERT_TRUE(klass_.is_object())
        << "no results " << file << ".json in " << CHATKIT_GRADER_DUMP_DIR
        << ": did the ctest fixture grade." << fixture << "Class.Grade run?";
  }
  void skip_unless_sandboxed() {
    if (!klass_["sandboxed"].get<bool>()) {
      GTEST_SKIP() << "this bad kind is graded safely only in the sandbox, which cannot be made "
                      "here (chat-grade said why)";
    }
  }
  void expect_full_marks(const std::string& name) {
    const json& s = student(klass_, name);
    ASSERT_FALSE(s.is_null()) << name << " is missing from the results";
    EXPECT_EQ(s["passed"].get<int>(), klass_["stage_checks"].get<int>())
        << name << " should pass every check\n"
        << describe(s);
    EXPECT_EQ(s["problem"].get<std::string>(), "") << describe(s);
  }
  json klass_;
};

class Stage2Class : public ClassTest {
 protected:
  void SetUp() override { load(2); }
};

TEST_F(Stage2Class, EveryStudentListsEveryCheckOfTheStage) {
  ASSERT_EQ(klass_["students"].size(), 13u);
  EXPECT_EQ(klass_["stage_checks"].get<int>(), 21);
  for (const json& s : klass_["students"]) {
    EXPECT_EQ(s["checks"].size(), 21u) << s["student"];
  }
}

TEST_F(Stage2Class, CorrectStudentsInBothLanguagesGetFullMarksBesideTheBadOnes) {
  expect_full_marks("cpp-correct");
  expect_full_marks("python-correct");
  EXPECT_EQ(student(klass_, "cpp-correct")["build"].get<int>(),
            static_cast<int>(BuildStatus::kBuilt));
  EXPECT_EQ(student(klass_, "python-correct")["build"].get<int>(),
            static_cast<int>(BuildStatus::kNotNeeded));
}

TEST_F(Stage2Class, APythonSubmissionWithoutSocketfuncsGetsTheKitsModule) {
  expect_full_marks("python-kit-socketfuncs");
}

TEST_F(Stage2Class, ACompileErrorIsAResultWithTheCompilersFirstErrors) {
  const json& s = student(klass_, "compile-error");
  EXPECT_EQ(s["build"].get<int>(), static_cast<int>(BuildStatus::kFailed)) << describe(s);
  EXPECT_EQ(s["run"].get<int>(), static_cast<int>(RunStatus::kNotRun));
  EXPECT_EQ(s["passed"].get<int>(), 0);
  const std::string problem = s["problem"];
  EXPECT_NE(problem.find("the server did not compile"), std::string::npos) << problem;
  EXPECT_NE(problem.find("error"), std::string::npos) << problem;
  EXPECT_NE(s["build_output"].get<std::string>().find("server.cpp:"), std::string::npos)
      << describe(s);
  for (const json& check : s["checks"]) {
    EXPECT_NE(check["message"].get<std::string>().find("did not build"), std::string::npos);
  }
}

TEST_F(Stage2Class, ProgramsThatLoopForeverAreStoppedAtTheBudget) {
  const json& s = student(klass_, "loops-forever");
  EXPECT_EQ(s["run"].get<int>(), static_cast<int>(RunStatus::kTimedOut)) << describe(s);
  EXPECT_NE(s["problem"].get<std::string>().find("the checks did not finish within"),
            std::string::npos)
      << describe(s);
  EXPECT_EQ(s["passed"].get<int>(), 0);
}

// A correct client and a server that never listens: the client checks come first and pass;
// each server check then waits for the listening line until its own timeout (10 s), so the
// budget (45 s) runs out during the server checks. The client checks, and the server checks
// that ended, keep their results; only the ones the budget cut off are "not run".
TEST_F(Stage2Class, AStudentStoppedAtTheBudgetKeepsTheChecksThatFinished) {
  const json& s = student(klass_, "server-never-listens");
  ASSERT_FALSE(s.is_null()) << "server-never-listens is missing from the results";
  EXPECT_EQ(s["run"].get<int>(), static_cast<int>(RunStatus::kTimedOut)) << describe(s);
  int client_passed = 0;
  int server_reported = 0;
  int server_cut_off = 0;
  for (const json& check : s["checks"]) {
    const std::string name = check["name"];
    const std::string message = check["message"];
    if (name.rfind("Stage2Client.", 0) == 0) {
      const std::string status = check["status"];
      client_passed += status == "passed";
      EXPECT_EQ(status, "passed") << name << ": " << message.substr(0, 600);
      continue;
    }
    EXPECT_EQ(check["status"].get<std::string>(), "failed") << name;
    if (message.rfind("Not run: the checks did not finish within 45 s", 0) == 0) {
      ++server_cut_off;
    } else {
      ++server_reported;
      EXPECT_NE(message.find("Steps so far:"), std::string::npos)
          << name << " should keep the report it finished with:\n"
          << message.substr(0, 600);
    }
  }
  EXPECT_EQ(client_passed, 10) << describe(s);
  EXPECT_EQ(s["passed"].get<int>(), 10) << describe(s);
  EXPECT_GE(server_reported, 1) << "no server check kept the report it finished with\n"
                                << describe(s);
  EXPECT_GE(server_cut_off, 1) << "the budget should have cut the server checks off\n"
                               << describe(s);
}

TEST_F(Stage2Class, AForkBombStopsAtTheProcessLimit) {
  skip_unless_sandboxed();
  const json& s = student(klass_, "fork-bomb");
  EXPECT_NE(s["problem"].get<std::string>().find("kept starting processes, up to the limit of"),
            std::string::npos)
      << describe(s);
  EXPECT_EQ(s["passed"].get<int>() < 21, true);
}

TEST_F(Stage2Class, AProgramThatAsksForTooMuchMemoryIsRefusedItAndSaidSo) {
  skip_unless_sandboxed();
  if (klass_["max_memory"].get<long long>() == 0) {
    GTEST_SKIP() << "no memory limit in this build (chat-grade said why: AddressSanitizer)";
  }
  const json& s = student(klass_, "eats-memory");
  ASSERT_FALSE(s.is_null()) << "eats-memory is missing from the results";
  EXPECT_NE(s["problem"].get<std::string>().find("MiB of memory each process may have"),
            std::string::npos)
      << describe(s);
  EXPECT_NE(s["run_output_end"].get<std::string>().find("MemoryError"), std::string::npos)
      << describe(s);
  int client_passed = 0;
  for (const json& check : s["checks"]) {
    const std::string name = check["name"];
    const std::string status = check["status"];
    if (name.rfind("Stage2Client.", 0) == 0) {
      client_passed += status == "passed";
    } else {
      EXPECT_EQ(status, "failed") << name << ": the server cannot have started";
    }
  }
  EXPECT_EQ(client_passed, 10) << "its correct client is graded as usual\n" << describe(s);
}

TEST_F(Stage2Class, MegabytesOfOutputStopAtTheFileSizeLimitAndAreCapped) {
  skip_unless_sandboxed();
  const json& s = student(klass_, "prints-megabytes");
  EXPECT_NE(s["problem"].get<std::string>().find("MiB into one file"), std::string::npos)
      << describe(s);
  EXPECT_LE(s["run_output_bytes"].get<std::size_t>(), kMaxKeptOutputBytes + 200);
}

TEST_F(Stage2Class, TwoSubmissionsOnTheSameFixedPortBothGetTheirOwn) {
  skip_unless_sandboxed();
  // Port 10000 of this machine's loopback was taken during the whole run (by the fixture, or by
  // whoever held it before), and the two submissions ran at the same time.
  expect_full_marks("fixed-port-a");
  expect_full_marks("fixed-port-b");
}

TEST_F(Stage2Class, ProcessesLeftRunningAreStoppedAndSaidSo) {
  skip_unless_sandboxed();
  const json& s = student(klass_, "never-exits");
  EXPECT_NE(s["problem"].get<std::string>().find("still running after the checks ended"),
            std::string::npos)
      << describe(s);
  EXPECT_EQ(s["passed"].get<int>(), 21) << "the programs themselves are correct\n" << describe(s);
  EXPECT_EQ(klass_["survivors"].get<int>(), 0)
      << "processes of the submissions outlived the grading run";
}

TEST_F(Stage2Class, AFolderWithoutTheProgramsSaysWhatItNeeds) {
  const json& s = student(klass_, "missing-files");
  EXPECT_EQ(s["build"].get<int>(), static_cast<int>(BuildStatus::kMissingFiles));
  const std::string problem = s["problem"];
  EXPECT_NE(problem.find("server.cpp and client.cpp"), std::string::npos) << problem;
  EXPECT_NE(problem.find("server.py and client.py"), std::string::npos) << problem;
  EXPECT_NE(problem.find("README.txt"), std::string::npos) << problem;
}

class Stage1Class : public ClassTest {
 protected:
  void SetUp() override { load(1); }
};

TEST_F(Stage1Class, SolutionsInBothLanguagesGetFullMarks) {
  expect_full_marks("cpp-solution");
  expect_full_marks("python-solution");
}

class Stage3Class : public ClassTest {
 protected:
  void SetUp() override { load(3); }
};

TEST_F(Stage3Class, SolutionsInBothLanguagesGetFullMarks) {
  expect_full_marks("cpp-solution");
  expect_full_marks("python-solution");
}

class FallbackClass : public ClassTest {
 protected:
  void SetUp() override { load("fallback", "Fallback"); }
};

TEST_F(FallbackClass, WithoutTheSandboxACorrectStudentStillGetsFullMarks) {
  EXPECT_FALSE(klass_["sandboxed"].get<bool>());
  expect_full_marks("python-correct");
}

TEST_F(FallbackClass, WithoutTheSandboxTheBudgetStillStopsAProgramThatLoops) {
  const json& s = student(klass_, "loops-forever");
  EXPECT_EQ(s["run"].get<int>(), static_cast<int>(RunStatus::kTimedOut)) << describe(s);
  EXPECT_NE(s["problem"].get<std::string>().find("the checks did not finish within 20 s"),
            std::string::npos)
      << describe(s);
}

}  // namespace
}  // namespace chatkit::grade
