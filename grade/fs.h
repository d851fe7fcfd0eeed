// The few file operations a grading run needs, as synchronous uv_fs calls (no callback: they run
// on the calling thread, need no running loop, and are quick next to a compile or a check run).
#ifndef CHATKIT_GRADE_FS_H_
#define CHATKIT_GRADE_FS_H_

#include <string>
#include <vector>

namespace chatkit::grade {

struct DirEntry {
  std::string name;
  bool is_dir = false;
};

// The entries of `dir` (without . and ..), sorted by name. False with *error when `dir` cannot
// be read.
bool list_dir(const std::string& dir, std::vector<DirEntry>* entries, std::string* error);
bool is_directory(const std::string& path);
bool file_exists(const std::string& path);
// Creates `dir` and its missing parents; true when it exists afterwards.
bool make_dirs(const std::string& dir, std::string* error);
// Copies the file `from` to `to` (replaced if there) and gives the copy `mode` (0755, 0644).
bool copy_file(const std::string& from, const std::string& to, int mode, std::string* error);
// Copies the files and folders under `from` into `to` (created), leaving out symbolic links
// (a submission's link could point anywhere on the grader's machine).
bool copy_tree(const std::string& from, const std::string& to, std::string* error);
// Removes `path` and everything under it; quietly does nothing when it is not there.
void remove_tree(const std::string& path);
bool read_file(const std::string& path, std::string* contents);
bool write_file(const std::string& path, const std::string& contents, std::string* error);
// True when a user with no special rights could run the program at `path` (its symbolic links
// resolved, every folder on the way and the file itself executable by "others").
bool executable_by_anyone(const std::string& path);
// `path` made absolute against the current folder (no symbolic links resolved).
std::string absolute_path(const std::string& path);

}  // namespace chatkit::grade

#endif  // CHATKIT_GRADE_FS_H_
