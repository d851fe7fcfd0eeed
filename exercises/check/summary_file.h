// The file the JSON summary goes to (--summary-json PATH), made ready before any check runs.
//
// A grader's run takes up to a minute per student; its results are only worth it if they can be
// kept. So check_main.cc calls prepare_output_file() first: it creates the folders of PATH that
// do not exist yet and makes sure PATH itself can be written, or says why not, and the run is
// refused before any check starts. write_whole_file() writes the summary after each check
// and at the end.
#ifndef CHATKIT_EXERCISES_CHECK_SUMMARY_FILE_H_
#define CHATKIT_EXERCISES_CHECK_SUMMARY_FILE_H_

#include <string>
#include <string_view>

namespace chatkit::exercises {

// Creates every missing folder on the way to `path` ("results/stage2/ana.json" creates results
// and results/stage2), then checks that `path` can be opened for writing. An existing file keeps
// its content; a file that did not exist is not left behind. Returns false with *error, one line
// that names the folder or file and the reason ("cannot create the folder results: ... exists
// and is not a folder"), when that fails.
bool prepare_output_file(const std::string& path, std::string* error);

// Creates or replaces the file `path` with `contents`. False with *error when that fails.
bool write_whole_file(const std::string& path, std::string_view contents, std::string* error);

}  // namespace chatkit::exercises

#endif  // CHATKIT_EXERCISES_CHECK_SUMMARY_FILE_H_
