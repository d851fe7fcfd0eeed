// The points file and the scores it gives (grade/reports.h).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "grade/reports.h"
#include "grade/tests/report_fixtures.h"

namespace chatkit::grade {
namespace {

using testing::stage2_checks;

class PointsFile : public ::testing::Test {
 protected:
  // Writes `contents` to a file of this test's own and loads it.
  bool load(const std::string& contents) {
    path_ = ::testing::TempDir() + "points-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".json";
    std::ofstream(path_, std::ios::binary) << contents;
    return load_grading_policy(path_, stage2_checks(), &policy_, &error_);
  }
  void TearDown() override { std::remove(path_.c_str()); }

  std::string path_;
  GradingPolicy policy_;
  std::string error_;
};

TEST_F(PointsFile, UnequalPointsAreReadAndTheRestGetTheDefault) {
  ASSERT_TRUE(load(R"({"Stage2Server.SendsTheCountThenEveryItemOldestFirstByteExact": 3,
                       "Stage2Client.ReadsATwoDigitCount": 0.5, "default_points": 2,
                       "visibility": "after_due_date"})"))
      << error_;
  EXPECT_EQ(check_points(policy_, "Stage2Server.SendsTheCountThenEveryItemOldestFirstByteExact"),
            3);
  EXPECT_EQ(check_points(policy_, "Stage2Client.ReadsATwoDigitCount"), 0.5);
  EXPECT_EQ(check_points(policy_, "Stage2Client.PrintsTheHistoryThenSendsItsMessage"), 2);
  EXPECT_EQ(policy_.visibility, "after_due_date");
}

TEST_F(PointsFile, UnknownCheckIsRefusedWithTheClosestKnownName) {
  EXPECT_FALSE(load(R"({"Stage2Client.ReadATwoDigitCount": 2})"));
  EXPECT_NE(error_.find(path_), std::string::npos) << error_;
  EXPECT_NE(error_.find("unknown check \"Stage2Client.ReadATwoDigitCount\" (did you mean "
                        "\"Stage2Client.ReadsATwoDigitCount\"?)"),
            std::string::npos)
      << error_;
  EXPECT_EQ(error_.find('\n'), std::string::npos) << "one line: " << error_;
  // Without its suite, the name is still recognised.
  EXPECT_FALSE(load(R"({"ReadsATwoDigitCount": 2})"));
  EXPECT_NE(error_.find("did you mean \"Stage2Client.ReadsATwoDigitCount\""), std::string::npos)
      << error_;
  EXPECT_EQ(policy_.points.size(), 0u) << "a refused file changes nothing";
}

TEST_F(PointsFile, NegativePointsAreRefused) {
  EXPECT_FALSE(load(R"({"Stage2Client.ReadsATwoDigitCount": -1})"));
  EXPECT_NE(error_.find("\"Stage2Client.ReadsATwoDigitCount\" has negative points (-1)"),
            std::string::npos)
      << error_;
  EXPECT_FALSE(load(R"({"default_points": -0.5})"));
  EXPECT_NE(error_.find("negative points"), std::string::npos) << error_;
}

TEST_F(PointsFile, WhatIsNotAnObjectOfNumbersIsRefused) {
  EXPECT_FALSE(load("{\"Stage2Client.ReadsATwoDigitCount\": 2,"));
  EXPECT_NE(error_.find(path_ + ": not JSON: parse error"), std::string::npos) << error_;
  EXPECT_EQ(error_.find('\n'), std::string::npos) << error_;
  EXPECT_FALSE(load("[1, 2]"));
  EXPECT_NE(error_.find("expected a JSON object of check names and points"), std::string::npos)
      << error_;
  EXPECT_FALSE(load(R"({"Stage2Client.ReadsATwoDigitCount": "two"})"));
  EXPECT_NE(error_.find("points must be a number"), std::string::npos) << error_;
  EXPECT_FALSE(load(R"({"visibility": "sometimes"})"));
  EXPECT_NE(error_.find("\"visibility\" is \"sometimes\""), std::string::npos) << error_;
}

TEST_F(PointsFile, MissingFileIsRefused) {
  GradingPolicy policy;
  std::string error;
  EXPECT_FALSE(load_grading_policy("/nonexistent/points.json", stage2_checks(), &policy, &error));
  EXPECT_EQ(error,
            "points file /nonexistent/points.json: cannot be read: No such file or directory");
}

TEST(Score, UnequalPointsSumOverThePassedChecks) {
  const ClassResult klass = testing::stage2_class();
  GradingPolicy policy;
  policy.points["Stage2Server.SendsTheCountThenEveryItemOldestFirstByteExact"] = 3;
  policy.points["Stage2Client.ReadsATwoDigitCount"] = 0.5;
  // bo fails exactly those two: 1 + 1 + 1 of 1 + 3 + 1 + 1 + 0.5.
  const StudentScore bo = score_student(klass.students[1], klass, policy);
  EXPECT_EQ(bo.passed, 3);
  EXPECT_EQ(bo.total, 5);
  EXPECT_DOUBLE_EQ(bo.score, 3);
  EXPECT_DOUBLE_EQ(bo.max_score, 6.5);
  const StudentScore ana = score_student(klass.students[0], klass, policy);
  EXPECT_DOUBLE_EQ(ana.score, 6.5);
}

TEST(Score, BuildFailureScoresZeroAndSkippedChecksCountNeitherWay) {
  const ClassResult klass = testing::stage2_class();
  const StudentScore chen = score_student(klass.students[2], klass, GradingPolicy{});
  EXPECT_EQ(chen.passed, 0);
  EXPECT_DOUBLE_EQ(chen.score, 0);
  EXPECT_DOUBLE_EQ(chen.max_score, 5);
  // The hostile student: one failed, one skipped, three passed.
  const StudentScore hostile = score_student(klass.students[5], klass, GradingPolicy{});
  EXPECT_EQ(hostile.passed, 3);
  EXPECT_EQ(hostile.total, 5);
  EXPECT_DOUBLE_EQ(hostile.score, 3);
  EXPECT_DOUBLE_EQ(hostile.max_score, 4);
}

TEST(Score, ACheckWithoutAResultCountsAsFailed) {
  ClassResult klass = testing::stage2_class();
  StudentResult& ana = klass.students[0];
  ana.checks.pop_back();
  const StudentScore score = score_student(ana, klass, GradingPolicy{});
  EXPECT_EQ(score.passed, 4);
  EXPECT_EQ(score.total, 5);
  EXPECT_DOUBLE_EQ(score.max_score, 5);
}

}  // namespace
}  // namespace chatkit::grade
