// A student's submission folder: which language it is in and which files make each program.
//
// Told apart by their files: server.cpp + client.cpp is C++ (every other .cpp of the folder is
// compiled into both programs: stage 1's socketfuncs.cpp, a student's helpers), server.py +
// client.py is Python (modules beside them are imported from the folder). A folder with both
// pairs is graded as C++. Only the folder's top level is looked at; subfolders are copied along.
#ifndef CHATKIT_GRADE_SUBMISSION_H_
#define CHATKIT_GRADE_SUBMISSION_H_

#include <string>
#include <vector>

#include "grade/student_result.h"

namespace chatkit::grade {

struct Submission {
  std::string student;  // The folder's name.
  std::string dir;      // Its path.
  Language language = Language::kUnknown;
  std::vector<std::string> extra_sources;  // C++: the other .cpp files, by name.
  std::string found;  // kUnknown: what the folder holds, in words, for the problem line.
};

// Reads `dir` and decides. A folder that cannot be read is kUnknown with `found` saying why.
Submission inspect_submission(const std::string& student, const std::string& dir);

// The student folders of a class folder (its subfolders, by name; hidden ones left out). False
// with *error when `class_dir` cannot be read.
bool list_submissions(const std::string& class_dir, std::vector<Submission>* submissions,
                      std::string* error);

// The problem line of a submission that is neither language.
std::string missing_files_problem(const Submission& submission, int stage);

}  // namespace chatkit::grade

#endif  // CHATKIT_GRADE_SUBMISSION_H_
