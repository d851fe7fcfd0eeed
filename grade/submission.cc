#include "grade/submission.h"

#include <set>

#include "grade/fs.h"

namespace chatkit::grade {
namespace {

bool ends_with(const std::string& text, const std::string& end) {
  return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

}  // namespace

Submission inspect_submission(const std::string& student, const std::string& dir) {
  Submission submission;
  submission.student = student;
  submission.dir = dir;
  std::vector<DirEntry> entries;
  std::string error;
  if (!list_dir(dir, &entries, &error)) {
    submission.found = error;
    return submission;
  }
  std::set<std::string> files;
  for (const DirEntry& entry : entries) {
    if (!entry.is_dir) files.insert(entry.name);
  }
  if (files.count("server.cpp") && files.count("client.cpp")) {
    submission.language = Language::kCpp;
    for (const std::string& name : files) {
      if (ends_with(name, ".cpp") && name != "server.cpp" && name != "client.cpp") {
        submission.extra_sources.push_back(name);
      }
    }
  } else if (files.count("server.py") && files.count("client.py")) {
    submission.language = Language::kPython;
  } else if (entries.empty()) {
    submission.found = "the folder is empty";
  } else {
    std::string names;
    std::size_t listed = 0;
    for (const DirEntry& entry : entries) {
      if (listed++ == 8) {
        names += ", ...";
        break;
      }
      names += (names.empty() ? "" : ", ") + entry.name + (entry.is_dir ? "/" : "");
    }
    submission.found = "the folder holds " + names;
  }
  return submission;
}

bool list_submissions(const std::string& class_dir, std::vector<Submission>* submissions,
                      std::string* error) {
  std::vector<DirEntry> entries;
  if (!list_dir(class_dir, &entries, error)) return false;
  submissions->clear();
  for (const DirEntry& entry : entries) {
    if (!entry.is_dir || entry.name.empty() || entry.name[0] == '.') continue;
    submissions->push_back(inspect_submission(entry.name, class_dir + "/" + entry.name));
  }
  return true;
}

std::string missing_files_problem(const Submission& submission, int stage) {
  std::string needed = "server.cpp and client.cpp";
  if (stage == 1) needed += " (with socketfuncs.cpp)";
  return "nothing to grade: the submission needs " + needed +
         ", or server.py and client.py, at the top of its folder; " + submission.found;
}

}  // namespace chatkit::grade
