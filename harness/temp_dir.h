// TempDir: a fresh directory for one test, removed with everything in it at the end.
#ifndef CHATKIT_HARNESS_TEMP_DIR_H_
#define CHATKIT_HARNESS_TEMP_DIR_H_

#include <string>
#include <string_view>

namespace chatkit::testing {

class TempDir {
 public:
  // Creates <system temp dir>/chatkit-XXXXXX (uv_os_tmpdir + uv_fs_mkdtemp). path() is empty if
  // that failed.
  TempDir();
  // Removes the directory tree (files, then directories, depth first).
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string file(std::string_view name) const;

 private:
  std::string path_;
};

// Reads a whole file; nullopt-like empty result and false when it cannot be read.
bool read_file(const std::string& path, std::string* contents);
// Writes (creates or truncates) a file.
bool write_file(const std::string& path, std::string_view contents);
// Removes a directory tree; returns true when nothing is left.
bool remove_tree(const std::string& path);

}  // namespace chatkit::testing

#endif  // CHATKIT_HARNESS_TEMP_DIR_H_
