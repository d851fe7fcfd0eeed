// results.json in Gradescope's format (grade/reports.h), parsed back.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "grade/report_text.h"
#include "grade/reports.h"
#include "grade/tests/report_fixtures.h"

namespace chatkit::grade {
namespace {

using nlohmann::json;

// Parses the report strictly (no replacement of bad UTF-8: the parser throws on it).
json parse(const std::string& text) {
  EXPECT_EQ(utf8_replace_invalid(text), text) << "results.json is not valid UTF-8";
  return json::parse(text);
}

json render(std::size_t index, const GradingPolicy& policy = {}) {
  const ClassResult klass = testing::stage2_class();
  return parse(render_gradescope_json(klass.students[index], klass, policy));
}

TEST(GradescopeJson, EveryCheckIsATestWithItsPointsAndReport) {
  GradingPolicy policy;
  policy.points["Stage2Server.SendsTheCountThenEveryItemOldestFirstByteExact"] = 3;
  const json bo = render(1, policy);
  EXPECT_EQ(bo["score"], 3.0);
  EXPECT_EQ(bo["execution_time"], 15);
  EXPECT_EQ(bo["stdout_visibility"], "hidden");
  EXPECT_EQ(bo["max_score"], 7.0);
  EXPECT_EQ(bo["extra_data"]["max_score"], 7.0);
  EXPECT_EQ(bo["extra_data"]["language"], "Python");
  ASSERT_EQ(bo["tests"].size(), 5u);
  const json& count = bo["tests"][1];
  EXPECT_EQ(count["name"],
            "server: sends the count then every item oldest first byte-exact "
            "[Stage2Server.SendsTheCountThenEveryItemOldestFirstByteExact]");
  EXPECT_EQ(count["status"], "failed");
  EXPECT_EQ(count["score"], 0.0);
  EXPECT_EQ(count["max_score"], 3.0);
  EXPECT_EQ(count["visibility"], "visible");
  const std::string output = count["output"];
  EXPECT_EQ(output.rfind("the count came as 01 00 00 00\nSteps so far:", 0), 0u) << output;
  EXPECT_NE(output.find(testing::kByteOrderHint), std::string::npos) << output;
  EXPECT_EQ(bo["tests"][0]["status"], "passed");
  EXPECT_EQ(bo["tests"][0]["score"], 1.0);
  double sum = 0;
  for (const json& test : bo["tests"]) sum += test["score"].get<double>();
  EXPECT_EQ(sum, bo["score"].get<double>());
  const std::string top = bo["output"];
  EXPECT_EQ(top.rfind("Stage 2: 3 of 5 checks passed, 3 of 7 points.", 0), 0u) << top;
}

TEST(GradescopeJson, BuildFailureScoresZeroWithTheCompilersErrorsAndNoTestRun) {
  const json chen = render(2);
  EXPECT_EQ(chen["score"], 0.0);
  const std::string top = chen["output"];
  EXPECT_NE(top.find("no check could run, so the score is 0: the code did not compile: "
                     "server.cpp:12: 'sendall' was not declared."),
            std::string::npos)
      << top;
  EXPECT_NE(top.find("The compiler's first errors:\nserver.cpp:12:5: error: 'sendall' was not "
                     "declared in this scope"),
            std::string::npos)
      << top;
  ASSERT_EQ(chen["tests"].size(), 5u);
  for (const json& test : chen["tests"]) {
    EXPECT_EQ(test["status"], "failed");
    EXPECT_EQ(test["score"], 0.0);
    EXPECT_EQ(test["max_score"], 1.0);
    EXPECT_EQ(test["output"],
              "Not run: the code did not compile: server.cpp:12: 'sendall' was "
              "not declared.");
  }
}

TEST(GradescopeJson, TimeoutSaysSoAndKeepsTheChecksThatPassed) {
  const json dee = render(3);
  EXPECT_EQ(dee["score"], 1.0);
  const std::string top = dee["output"];
  EXPECT_NE(top.find("the checks did not finish within 120 s"), std::string::npos) << top;
  EXPECT_NE(top.find("The check program's output:\nPASS  server: prints"), std::string::npos)
      << top;
  EXPECT_EQ(dee["tests"][1]["output"], "not finished: the time for the checks ran out");
}

TEST(GradescopeJson, MissingFilesSaySoInEveryTest) {
  const json eve = render(4);
  EXPECT_EQ(eve["score"], 0.0);
  EXPECT_EQ(eve["tests"][0]["output"],
            "Not run: neither server.cpp and client.cpp nor server.py and client.py was found.");
}

TEST(GradescopeJson, HostileTextStaysValidUtf8Json) {
  const json hostile = render(5);
  const std::string output = hostile["tests"][2]["output"];
  EXPECT_NE(output.find("got \"<script>alert('x')</script>\" & ]]> \x01\x02\x1b[31m "
                        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD end"),
            std::string::npos)
      << output;
  // The skipped check counts neither way, and says why.
  EXPECT_EQ(hostile["tests"][3]["max_score"], 0.0);
  EXPECT_EQ(hostile["tests"][3]["output"],
            "Not counted (it could not run on the grading machine): could not run here: no "
            "\"/proc\" <here>");
  EXPECT_EQ(hostile["score"], 3.0);
}

TEST(GradescopeJson, FiveMegabytesOfOutputStillGiveAtMostOneMebibyte) {
  ClassResult klass = testing::stage2_class();
  StudentResult student = klass.students[1];
  // Control bytes are the worst case: each becomes six bytes of JSON (\u0001).
  std::string huge = "FIRST LINE\n";
  for (int i = 0; i < 5 * 1000 * 1000 / 10; ++i)
    huge +=
        "\x01\xff"
        "abcdefgh";
  huge += "\nLAST LINE";
  for (CheckResult& check : student.checks) {
    check.status = "failed";
    check.message = huge;
  }
  student.build_output = huge;
  student.run = RunStatus::kAborted;
  student.run_output = huge;
  const std::string text = render_gradescope_json(student, klass, GradingPolicy{});
  EXPECT_LE(text.size(), kMaxReportBytes);
  const json report = parse(text);
  const std::string output = report["tests"][0]["output"];
  EXPECT_EQ(output.rfind("FIRST LINE\n", 0), 0u);
  EXPECT_EQ(output.substr(output.size() - 10), "\nLAST LINE");
  EXPECT_NE(output.find("bytes cut here: the whole text was"), std::string::npos);
  EXPECT_NE(report["output"].get<std::string>().find("shortened to stay within Gradescope's"),
            std::string::npos);
  EXPECT_EQ(report["tests"].size(), 5u);
}

TEST(GradescopeJson, WriterReplacesTheFileAndCreatesItsFolder) {
  const ClassResult klass = testing::stage2_class();
  const std::string path = ::testing::TempDir() + "gradescope-writer/ana/results.json";
  std::string error;
  ASSERT_TRUE(write_student_report(klass.students[0], klass, GradingPolicy{}, path, &error))
      << error;
  ASSERT_TRUE(write_student_report(klass.students[1], klass, GradingPolicy{}, path, &error))
      << error;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(parse(text.str())["score"], 3.0);
  EXPECT_FALSE(std::ifstream(path + ".tmp").good()) << "no temporary file is left";
  EXPECT_FALSE(
      write_student_report(klass.students[0], klass, GradingPolicy{}, path + "/x.json", &error));
  EXPECT_NE(error.find(path), std::string::npos) << error;
}

}  // namespace
}  // namespace chatkit::grade
