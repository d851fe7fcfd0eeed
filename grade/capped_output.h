// CappedOutput: the output of a program kept within a size, its start and its end.
//
// A compiler's errors, a check program's reports: what a grader shows a student. A submission
// that prints without end must not make the grader (or a report) grow without end, and the
// interesting parts of a long output are its first lines (the first error) and its last (how it
// ended). Nothing here does I/O.
#ifndef CHATKIT_GRADE_CAPPED_OUTPUT_H_
#define CHATKIT_GRADE_CAPPED_OUTPUT_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "grade/student_result.h"

namespace chatkit::grade {

class CappedOutput {
 public:
  // Keeps at most about `max_bytes` (at least 64): the first half and the last half.
  explicit CappedOutput(std::size_t max_bytes = kMaxKeptOutputBytes);

  void append(std::string_view bytes);
  // Everything appended when it fits; else the start, a line "[... N bytes cut: the output was
  // M bytes ...]", and the end. Never longer than max_bytes plus that line.
  std::string text() const;
  // Every byte appended, kept or not.
  std::size_t total_bytes() const { return total_; }

 private:
  std::size_t half_;
  std::size_t total_ = 0;
  std::string head_;
  std::string tail_;  // The last bytes after head_ filled: trimmed to half_ now and then.
};

// The first `max_lines` lines of `text` (a compiler's first errors), with a last line saying how
// many lines were left out when there were more.
std::string first_lines(const std::string& text, std::size_t max_lines);

}  // namespace chatkit::grade

#endif  // CHATKIT_GRADE_CAPPED_OUTPUT_H_
