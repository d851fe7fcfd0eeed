#include "exercises/check/summary_file.h"

#include <sys/stat.h>
#include <uv.h>

#include <vector>

namespace chatkit::exercises {

namespace {

// Synchronous uv_fs_* calls (no callback, no loop) run on the calling thread; the request still
// has to be cleaned up.
struct FsRequest {
  uv_fs_t req{};
  ~FsRequest() { uv_fs_req_cleanup(&req); }
};

std::string reason(int status) {
  return std::string(uv_strerror(status)) + " (" + uv_err_name(status) + ")";
}

bool is_separator(char c) {
#ifdef _WIN32
  return c == '/' || c == '\\';
#else
  return c == '/';
#endif
}

// The folders on the way to `path`, outermost first: "a/b/c.json" -> "a", "a/b". The root ("/",
// "C:\") and empty components ("a//b") give none.
std::vector<std::string> folders_of(const std::string& path) {
  std::vector<std::string> folders;
  for (std::size_t i = 1; i < path.size(); ++i) {
    if (!is_separator(path[i]) || is_separator(path[i - 1])) continue;
    const std::string folder = path.substr(0, i);
    const bool drive = folder.size() == 2 && folder[1] == ':';  // "C:" (Windows).
    if (!drive) folders.push_back(folder);
  }
  return folders;
}

bool make_folder(const std::string& folder, std::string* error) {
  FsRequest mkdir;
  const int status = uv_fs_mkdir(nullptr, &mkdir.req, folder.c_str(), 0755, nullptr);
  if (status == 0) return true;
  if (status == UV_EEXIST) {
    // Something is there already: fine if it is a folder (the usual case), not if it is a file.
    FsRequest stat;
    if (uv_fs_stat(nullptr, &stat.req, folder.c_str(), nullptr) == 0 &&
        (stat.req.statbuf.st_mode & S_IFMT) == S_IFDIR) {
      return true;
    }
    *error =
        "cannot create the folder " + folder + ": a file of that name exists and is not a folder";
    return false;
  }
  *error = "cannot create the folder " + folder + ": " + reason(status);
  return false;
}

bool close_file(int fd) {
  FsRequest close;
  return uv_fs_close(nullptr, &close.req, fd, nullptr) == 0;
}

}  // namespace

bool prepare_output_file(const std::string& path, std::string* error) {
  if (path.empty() || is_separator(path.back())) {
    *error = "\"" + path + "\" names no file";
    return false;
  }
  for (const std::string& folder : folders_of(path)) {
    if (!make_folder(folder, error)) return false;
  }
  // Open it for writing without changing it: a new file is created and removed again (so that
  // an interrupted run leaves no empty summary behind), an existing one keeps its content until
  // the first check ends.
  FsRequest create;
  int fd = uv_fs_open(nullptr, &create.req, path.c_str(),
                      UV_FS_O_WRONLY | UV_FS_O_CREAT | UV_FS_O_EXCL, 0644, nullptr);
  if (fd >= 0) {
    close_file(fd);
    FsRequest unlink;
    uv_fs_unlink(nullptr, &unlink.req, path.c_str(), nullptr);
    return true;
  }
  if (fd == UV_EEXIST) {
    FsRequest open;
    fd = uv_fs_open(nullptr, &open.req, path.c_str(), UV_FS_O_WRONLY, 0, nullptr);
    if (fd >= 0) {
      close_file(fd);
      return true;
    }
  }
  *error = "cannot write " + path + ": " + reason(fd);
  return false;
}

bool write_whole_file(const std::string& path, std::string_view contents, std::string* error) {
  FsRequest open;
  const int fd = uv_fs_open(nullptr, &open.req, path.c_str(),
                            UV_FS_O_WRONLY | UV_FS_O_CREAT | UV_FS_O_TRUNC, 0644, nullptr);
  if (fd < 0) {
    *error = "cannot write " + path + ": " + reason(fd);
    return false;
  }
  std::size_t written = 0;
  while (written < contents.size()) {
    FsRequest write;
    uv_buf_t buf = uv_buf_init(const_cast<char*>(contents.data() + written),
                               static_cast<unsigned>(contents.size() - written));
    const int n = uv_fs_write(nullptr, &write.req, fd, &buf, 1, -1, nullptr);
    if (n <= 0) {
      *error = "cannot write " + path + ": " + (n < 0 ? reason(n) : "no byte was written");
      close_file(fd);
      return false;
    }
    written += static_cast<std::size_t>(n);
  }
  if (!close_file(fd)) {
    *error = "cannot write " + path + ": closing it failed (a full disk?)";
    return false;
  }
  return true;
}

}  // namespace chatkit::exercises
