// Writes the reports of the test class (report_fixtures.h) into a folder, as chat-grade does:
//   grade_report_fixture DIR
// DIR/grades.csv, DIR/junit.xml, DIR/summary.html and DIR/<n>/results.json for each student n
// (numbered: the hostile student's name is no folder name). check_reports.py reads them.
#include <iostream>
#include <string>

#include "grade/reports.h"
#include "grade/tests/report_fixtures.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: grade_report_fixture DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  const chatkit::grade::ClassResult klass = chatkit::grade::testing::stage2_class();
  chatkit::grade::GradingPolicy policy;
  policy.points["Stage2Server.SendsTheCountThenEveryItemOldestFirstByteExact"] = 3;
  std::string error;
  for (std::size_t i = 0; i < klass.students.size(); ++i) {
    const std::string path = dir + "/" + std::to_string(i) + "/results.json";
    if (!chatkit::grade::write_student_report(klass.students[i], klass, policy, path, &error)) {
      std::cerr << "grade_report_fixture: " << error << "\n";
      return 1;
    }
  }
  if (!chatkit::grade::write_class_reports(klass, policy, dir, &error)) {
    std::cerr << "grade_report_fixture: " << error << "\n";
    return 1;
  }
  return 0;
}
