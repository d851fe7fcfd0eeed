// write_class_reports (grade/reports.h): the class's three files.
#include <filesystem>

#include "grade/report_text.h"
#include "grade/reports.h"

namespace chatkit::grade {

bool write_class_reports(const ClassResult& klass, const GradingPolicy& policy,
                         const std::string& out_dir, std::string* error) {
  const std::filesystem::path dir(out_dir);
  return write_file_atomically((dir / "grades.csv").string(), render_grades_csv(klass, policy),
                               error) &&
         write_file_atomically((dir / "junit.xml").string(), render_junit(klass, policy), error) &&
         write_file_atomically((dir / "summary.html").string(), render_summary_html(klass, policy),
                               error);
}

}  // namespace chatkit::grade
