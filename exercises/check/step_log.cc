#include "exercises/check/step_log.h"

#include <gtest/gtest.h>

#include <utility>

#include "kit/diagnostics/byte_dump.h"
#include "kit/framing/utf8.h"

namespace chatkit::exercises {

namespace {
constexpr std::size_t kQuotedTextMax = 60;
constexpr const char* kIndent = "       ";
}  // namespace

void StepLog::step(std::string text) {
  steps_.push_back(std::move(text));
}

void StepLog::step(std::string text, std::string_view bytes) {
  steps_.push_back(std::move(text) + "\n" + dump_for_step(bytes));
}

void StepLog::add_context(std::function<std::string()> text) {
  context_.push_back(std::move(text));
}

std::string StepLog::render() const {
  std::string out;
  for (std::size_t i = 0; i < steps_.size(); ++i) {
    std::string number = std::to_string(i + 1) + ". ";
    if (number.size() < 4) number.insert(0, 4 - number.size(), ' ');
    out += "  " + number + steps_[i];
    if (out.back() != '\n') out += '\n';
  }
  if (steps_.empty()) out = "  (none)\n";
  return out;
}

bool StepLog::fail(const std::string& headline, const std::string& details,
                   const std::string& hint) {
  std::string message = headline + "\n";
  if (!details.empty()) message += details + (details.back() == '\n' ? "" : "\n");
  message += "Steps so far:\n" + render();
  if (!hint.empty()) message += "Hint: " + hint + "\n";
  for (const auto& context : context_) {
    const std::string text = context();
    if (!text.empty()) message += text + (text.back() == '\n' ? "" : "\n");
  }
  ADD_FAILURE() << message;
  return false;
}

std::string describe_text(std::string_view text) {
  bool plain = text.size() <= kQuotedTextMax && check_utf8(text).valid;
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20) plain = false;
  }
  if (plain) return "\"" + std::string(text) + "\"";
  return "a " + std::to_string(text.size()) + "-byte message";
}

std::string dump_for_step(std::string_view bytes, std::size_t max_bytes) {
  return hex_dump(bytes, kNoMark, max_bytes, kIndent);
}

}  // namespace chatkit::exercises
