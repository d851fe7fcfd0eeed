// grades.csv (grade/reports.h).
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "grade/report_text.h"
#include "grade/reports.h"
#include "grade/tests/report_fixtures.h"

namespace chatkit::grade {
namespace {

// The records of an RFC 4180 text (quoted fields may hold commas, quotes and line breaks).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        rows.back().back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        rows.back().back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
      rows.emplace_back(1);
    } else {
      EXPECT_TRUE(c != '\r' && c != '\n' && c != '"') << "a bare line break or quote at " << i;
      rows.back().back() += c;
    }
  }
  if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  return rows;
}

TEST(GradesCsv, ARowPerStudentWithTheirTotals) {
  GradingPolicy policy;
  policy.points["Stage2Server.SendsTheCountThenEveryItemOldestFirstByteExact"] = 3;
  const std::string text = render_grades_csv(testing::stage2_class(), policy);
  const auto rows = parse_csv(text);
  ASSERT_EQ(rows.size(), 7u) << text;
  EXPECT_EQ(rows[0], (std::vector<std::string>{"student", "language", "build", "passed", "total",
                                               "score", "max_score", "seconds", "problem"}));
  EXPECT_EQ(rows[1],
            (std::vector<std::string>{"ana", "C++", "built", "5", "5", "7", "7", "6.2", ""}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"bo", "Python", "nothing to build", "3", "5", "3",
                                               "7", "14.8", ""}));
  EXPECT_EQ(rows[3][2], "failed");
  EXPECT_EQ(rows[3][5], "0");
  EXPECT_EQ(rows[3][8], "the code did not compile: server.cpp:12: 'sendall' was not declared");
  EXPECT_EQ(rows[4][2], "nothing to build");
  EXPECT_EQ(rows[4][5], "1");
  EXPECT_EQ(rows[5][2], "missing files");
  for (const auto& row : rows) EXPECT_EQ(row.size(), 9u);
}

TEST(GradesCsv, StudentTextIsQuotedAndNeverAFormula) {
  const auto rows = parse_csv(render_grades_csv(testing::stage2_class(), GradingPolicy{}));
  ASSERT_EQ(rows.size(), 7u);
  const auto& hostile = rows[6];
  // The folder name, with its quotes and comma, comes back whole, behind a '.
  EXPECT_EQ(hostile[0], std::string("'") + testing::kHostileName);
  EXPECT_EQ(hostile[8], "'-1 + \"x\", said the <server>");
  for (const char* formula : {"=1+1", "+1", "-1", "@SUM(A1)", "\tx"}) {
    ClassResult klass = testing::stage2_class();
    klass.students.resize(1);
    klass.students[0].student = formula;
    const auto one = parse_csv(render_grades_csv(klass, GradingPolicy{}));
    EXPECT_EQ(one[1][0], std::string("'") + formula);
  }
}

TEST(GradesCsv, BytesThatAreNotUtf8AreReplaced) {
  ClassResult klass = testing::stage2_class();
  klass.students.resize(1);
  klass.students[0].student = "z\xff\xfe";
  klass.students[0].problem = "line one\nline two";
  const std::string text = render_grades_csv(klass, GradingPolicy{});
  EXPECT_EQ(utf8_replace_invalid(text), text);
  const auto rows = parse_csv(text);
  EXPECT_EQ(rows[1][0], "z\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(rows[1][8], "line one\nline two");
}

TEST(ClassReports, AllThreeFilesAreWrittenOrTheFirstThatCannotBeIsNamed) {
  const std::string dir = ::testing::TempDir() + "class-reports/out";
  std::string error;
  ASSERT_TRUE(write_class_reports(testing::stage2_class(), GradingPolicy{}, dir, &error)) << error;
  for (const char* name : {"grades.csv", "junit.xml", "summary.html"}) {
    EXPECT_TRUE(std::ifstream(dir + "/" + name).good()) << name;
    EXPECT_FALSE(std::ifstream(dir + "/" + name + ".tmp").good()) << name;
  }
  // A file where the folder should be.
  const std::string blocked = ::testing::TempDir() + "class-reports/blocked";
  std::ofstream(blocked) << "a file";
  EXPECT_FALSE(write_class_reports(testing::stage2_class(), GradingPolicy{}, blocked, &error));
  EXPECT_NE(error.find(blocked), std::string::npos) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

}  // namespace
}  // namespace chatkit::grade
