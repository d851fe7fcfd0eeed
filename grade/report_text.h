// Text helpers shared by the report formats (grade/reports.h): making any bytes safe to carry,
// cutting long outputs, naming statuses, and finding a student's result for a check.
#ifndef CHATKIT_GRADE_REPORT_TEXT_H_
#define CHATKIT_GRADE_REPORT_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "grade/reports.h"
#include "grade/student_result.h"
#include "kit/framing/utf8.h"

namespace chatkit::grade {

// utf8_replace_invalid(text) (kit/framing/utf8.h: what is not UTF-8 becomes U+FFFD), then every
// character XML 1.0 forbids (C0 controls other than tab, line feed and carriage return; U+FFFE and
// U+FFFF) replaced by U+FFFD. Also what HTML text may carry.
std::string xml_safe(std::string_view text);

// `text` (valid UTF-8) cut to at most `max_bytes`: when longer, its start and its end with a
// line between them saying how many bytes were cut and how long it was. Cuts never split a
// UTF-8 sequence. Below about 160 bytes only the start is kept.
std::string keep_start_and_end(const std::string& text, std::size_t max_bytes);

// "&amp;", "&lt;", "&gt;", "&quot;" and "&#39;" for & < > " ' (text and attribute values),
// after xml_safe(). Line breaks and tabs stay as they are unless `in_attribute`, which writes
// them as character references so that they survive attribute-value normalisation.
std::string xml_escape(std::string_view text, bool in_attribute = false);

// "C++", "Python", "unknown".
const char* language_name(Language language);
// "built", "nothing to build", "failed", "missing files", "timed out".
const char* build_status_name(BuildStatus build);
// True when the submission was built (or needed no build).
bool build_succeeded(BuildStatus build);

// The first line of `text` (without its line break).
std::string first_line(const std::string& text);
// The "Hint: ..." line of a failure report (without "Hint: "), or "" when it has none.
std::string hint_line(const std::string& text);

// "2", "2.5", "0.33": at most two decimals, no trailing zeros.
std::string format_number(double value);

// Every check name the reports have a column for: klass.stage_checks, then any check a student
// has that the stage's list does not (in the order first seen).
std::vector<const CheckResult*> report_columns(const ClassResult& klass);
// score_student() over columns already found with report_columns(): a report finds them once,
// not once per student.
StudentScore score_over(const StudentResult& student,
                        const std::vector<const CheckResult*>& columns,
                        const GradingPolicy& policy);
// The student's result for the check `name`, or nullptr when they have none.
const CheckResult* find_check(const StudentResult& student, const std::string& name);

// Why the checks did not run, for "Not run: <why>": the student's problem, or a sentence from the
// build status when there is none.
std::string why_not_run(const StudentResult& student);

// Writes `contents` to `path` through `path`.tmp and a rename (creating the folder first). False
// with *error, one line naming the path and the reason.
bool write_file_atomically(const std::string& path, const std::string& contents,
                           std::string* error);

}  // namespace chatkit::grade

#endif  // CHATKIT_GRADE_REPORT_TEXT_H_
