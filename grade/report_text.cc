#include "grade/report_text.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <system_error>

#include "kit/framing/utf8.h"

namespace chatkit::grade {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

std::string with_thousands(std::size_t value) {
  std::string digits = std::to_string(value);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) digits.insert(at, ",");
  return digits;
}

}  // namespace

std::string xml_safe(std::string_view text) {
  const std::string utf8 = utf8_replace_invalid(text);
  std::string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      out += kReplacement;
    } else if (c == 0xEF && i + 2 < utf8.size() &&
               static_cast<unsigned char>(utf8[i + 1]) == 0xBF &&
               (static_cast<unsigned char>(utf8[i + 2]) & 0xFE) == 0xBE) {
      out += kReplacement;  // U+FFFE or U+FFFF
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string keep_start_and_end(const std::string& text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  const std::string note_start = "\n\n[... ";
  const std::string note_end = " bytes cut here: the whole text was " +
                               with_thousands(text.size()) +
                               " bytes; its start and its end are shown ...]\n\n";
  // The note's own length depends on the count it shows; the count has at most as many digits
  // (and commas) as the whole size.
  const std::size_t note_size =
      note_start.size() + with_thousands(text.size()).size() + note_end.size();
  if (max_bytes < note_size + 32) {
    return std::string(utf8_prefix(text, max_bytes));
  }
  const std::size_t kept = max_bytes - note_size;
  const std::size_t head = utf8_prefix(text, kept / 2).size();
  std::size_t tail = text.size() - (kept - kept / 2);
  while (tail < text.size() && is_continuation(text[tail])) ++tail;
  return text.substr(0, head) + note_start + with_thousands(tail - head) + note_end +
         text.substr(tail);
}

std::string xml_escape(std::string_view text, bool in_attribute) {
  const std::string safe = xml_safe(text);
  std::string out;
  out.reserve(safe.size() + safe.size() / 8);
  for (char c : safe) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\n':
        out += in_attribute ? "&#10;" : "\n";
        break;
      case '\r':
        out += "&#13;";
        break;  // A raw CR would be read as a line break.
      case '\t':
        out += in_attribute ? "&#9;" : "\t";
        break;
      default:
        out += c;
    }
  }
  return out;
}

const char* language_name(Language language) {
  switch (language) {
    case Language::kCpp:
      return "C++";
    case Language::kPython:
      return "Python";
    case Language::kUnknown:
      break;
  }
  return "unknown";
}

const char* build_status_name(BuildStatus build) {
  switch (build) {
    case BuildStatus::kBuilt:
      return "built";
    case BuildStatus::kNotNeeded:
      return "nothing to build";
    case BuildStatus::kFailed:
      return "failed";
    case BuildStatus::kMissingFiles:
      return "missing files";
    case BuildStatus::kTimedOut:
      return "timed out";
  }
  return "unknown";
}

bool build_succeeded(BuildStatus build) {
  return build == BuildStatus::kBuilt || build == BuildStatus::kNotNeeded;
}

std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string hint_line(const std::string& text) {
  const std::string marker = "Hint: ";
  for (std::size_t at = text.find(marker); at != std::string::npos;
       at = text.find(marker, at + 1)) {
    if (at == 0 || text[at - 1] == '\n') return first_line(text.substr(at + marker.size()));
  }
  return "";
}

std::string format_number(double value) {
  if (!std::isfinite(value)) return "0";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  std::string text = buffer;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text == "-0" ? "0" : text;
}

std::vector<const CheckResult*> report_columns(const ClassResult& klass) {
  std::vector<const CheckResult*> columns;
  std::set<std::string_view> known;
  auto add = [&columns, &known](const CheckResult& check) {
    if (known.insert(check.name).second) columns.push_back(&check);
  };
  for (const CheckResult& check : klass.stage_checks) add(check);
  for (const StudentResult& student : klass.students) {
    for (const CheckResult& check : student.checks) add(check);
  }
  return columns;
}

const CheckResult* find_check(const StudentResult& student, const std::string& name) {
  for (const CheckResult& check : student.checks) {
    if (check.name == name) return &check;
  }
  return nullptr;
}

std::string why_not_run(const StudentResult& student) {
  if (!student.problem.empty()) return student.problem;
  switch (student.build) {
    case BuildStatus::kFailed:
      return "the code did not compile";
    case BuildStatus::kMissingFiles:
      return "neither server.cpp and client.cpp nor server.py and client.py was found";
    case BuildStatus::kTimedOut:
      return "the build took too long and was stopped";
    case BuildStatus::kBuilt:
    case BuildStatus::kNotNeeded:
      break;
  }
  return "the checks could not be started";
}

bool write_file_atomically(const std::string& path, const std::string& contents,
                           std::string* error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path target(path);
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), ec);
    if (ec) {
      *error = "cannot create the folder " + target.parent_path().string() + " for " + path + ": " +
               ec.message();
      return false;
    }
  }
  const std::string temporary = path + ".tmp";
  {
    errno = 0;
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (out) out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    if (out) out.flush();
    if (!out) {
      const int cause = errno;  // What the failed open or write left, before anything else runs.
      *error = "cannot write " + temporary + ": " +
               (cause != 0 ? std::strerror(cause) : "the write failed");
      out.close();
      fs::remove(temporary, ec);
      return false;
    }
  }
  fs::rename(temporary, target, ec);
  if (ec) {
    *error = "cannot rename " + temporary + " to " + path + ": " + ec.message();
    fs::remove(temporary, ec);
    return false;
  }
  return true;
}

}  // namespace chatkit::grade
