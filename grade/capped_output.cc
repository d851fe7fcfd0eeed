#include "grade/capped_output.h"

#include <algorithm>

namespace chatkit::grade {

CappedOutput::CappedOutput(std::size_t max_bytes)
    : half_(std::max<std::size_t>(max_bytes, 64) / 2) {}

void CappedOutput::append(std::string_view bytes) {
  total_ += bytes.size();
  if (head_.size() < half_) {
    const std::size_t take = std::min(bytes.size(), half_ - head_.size());
    head_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
  }
  tail_.append(bytes);
  // Trimming only once tail_ holds twice what it keeps makes appends linear overall.
  if (tail_.size() > 2 * half_) tail_.erase(0, tail_.size() - half_);
}

std::string CappedOutput::text() const {
  const std::size_t kept_tail = std::min(tail_.size(), half_);
  const std::size_t cut = total_ - head_.size() - kept_tail;
  if (cut == 0) return head_ + tail_;
  return head_ + "\n[... " + std::to_string(cut) + " bytes cut: the output was " +
         std::to_string(total_) + " bytes; its start and its end are kept ...]\n" +
         tail_.substr(tail_.size() - kept_tail);
}

std::string first_lines(const std::string& text, std::size_t max_lines) {
  std::size_t end = 0;
  std::size_t lines = 0;
  while (lines < max_lines && end < text.size()) {
    const std::size_t newline = text.find('\n', end);
    end = newline == std::string::npos ? text.size() : newline + 1;
    ++lines;
  }
  if (end >= text.size()) return text;
  std::size_t more = 0;
  for (std::size_t i = end; i < text.size(); ++i) more += text[i] == '\n';
  if (text.back() != '\n') ++more;
  return text.substr(0, end) + "[... " + std::to_string(more) + " more lines]\n";
}

}  // namespace chatkit::grade
