#include "grade/fs.h"

#include <uv.h>

#include <algorithm>

#include "kit/net/read_file.h"

namespace chatkit::grade {
namespace {

struct FsRequest {
  uv_fs_t req{};
  ~FsRequest() { uv_fs_req_cleanup(&req); }
};

std::string failure(const char* what, const std::string& path, int status) {
  return std::string(what) + " " + path + ": " + uv_strerror(status);
}

}  // namespace

bool list_dir(const std::string& dir, std::vector<DirEntry>* entries, std::string* error) {
  entries->clear();
  FsRequest request;
  const int status = uv_fs_scandir(nullptr, &request.req, dir.c_str(), 0, nullptr);
  if (status < 0) {
    *error = failure("cannot read the folder", dir, status);
    return false;
  }
  uv_dirent_t entry;
  while (uv_fs_scandir_next(&request.req, &entry) != UV_EOF) {
    DirEntry item{entry.name, entry.type == UV_DIRENT_DIR};
    if (entry.type == UV_DIRENT_UNKNOWN) item.is_dir = is_directory(dir + "/" + entry.name);
    if (entry.type != UV_DIRENT_LINK) entries->push_back(item);
  }
  std::sort(entries->begin(), entries->end(),
            [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return true;
}

bool is_directory(const std::string& path) {
  FsRequest request;
  if (uv_fs_stat(nullptr, &request.req, path.c_str(), nullptr) != 0) return false;
  return (request.req.statbuf.st_mode & S_IFMT) == S_IFDIR;
}

bool file_exists(const std::string& path) {
  FsRequest request;
  if (uv_fs_stat(nullptr, &request.req, path.c_str(), nullptr) != 0) return false;
  return (request.req.statbuf.st_mode & S_IFMT) == S_IFREG;
}

bool make_dirs(const std::string& dir, std::string* error) {
  if (dir.empty() || is_directory(dir)) return true;
  const std::size_t slash = dir.find_last_of('/');
  if (slash != std::string::npos && slash > 0 && !make_dirs(dir.substr(0, slash), error)) {
    return false;
  }
  FsRequest request;
  const int status = uv_fs_mkdir(nullptr, &request.req, dir.c_str(), 0755, nullptr);
  if (status != 0 && status != UV_EEXIST) {
    *error = failure("cannot create the folder", dir, status);
    return false;
  }
  return true;
}

bool copy_file(const std::string& from, const std::string& to, int mode, std::string* error) {
  FsRequest copy;
  int status = uv_fs_copyfile(nullptr, &copy.req, from.c_str(), to.c_str(), 0, nullptr);
  if (status != 0) {
    *error = failure("cannot copy", from, status);
    return false;
  }
  // uv_fs_copyfile gives the copy the source's mode, which may shut others out.
  FsRequest chmod;
  status = uv_fs_chmod(nullptr, &chmod.req, to.c_str(), mode, nullptr);
  if (status != 0) {
    *error = failure("cannot change the mode of", to, status);
    return false;
  }
  return true;
}

bool copy_tree(const std::string& from, const std::string& to, std::string* error) {
  std::vector<DirEntry> entries;
  if (!list_dir(from, &entries, error) || !make_dirs(to, error)) return false;
  for (const DirEntry& entry : entries) {
    const std::string source = from + "/" + entry.name;
    const std::string target = to + "/" + entry.name;
    if (entry.is_dir) {
      if (!copy_tree(source, target, error)) return false;
      continue;
    }
    FsRequest request;
    const int status =
        uv_fs_copyfile(nullptr, &request.req, source.c_str(), target.c_str(), 0, nullptr);
    if (status != 0) {
      *error = failure("cannot copy", source, status);
      return false;
    }
  }
  return true;
}

void remove_tree(const std::string& path) {
  FsRequest stat;
  if (uv_fs_lstat(nullptr, &stat.req, path.c_str(), nullptr) != 0) return;
  if ((stat.req.statbuf.st_mode & S_IFMT) == S_IFDIR) {
    std::vector<DirEntry> entries;
    std::string ignored;
    list_dir(path, &entries, &ignored);
    for (const DirEntry& entry : entries) remove_tree(path + "/" + entry.name);
    // Links are left out of list_dir's entries: remove whatever is left by name.
    FsRequest scan;
    if (uv_fs_scandir(nullptr, &scan.req, path.c_str(), 0, nullptr) >= 0) {
      uv_dirent_t entry;
      while (uv_fs_scandir_next(&scan.req, &entry) != UV_EOF) {
        FsRequest unlink;
        uv_fs_unlink(nullptr, &unlink.req, (path + "/" + entry.name).c_str(), nullptr);
      }
    }
    FsRequest rmdir;
    uv_fs_rmdir(nullptr, &rmdir.req, path.c_str(), nullptr);
  } else {
    FsRequest unlink;
    uv_fs_unlink(nullptr, &unlink.req, path.c_str(), nullptr);
  }
}

bool read_file(const std::string& path, std::string* contents) {
  contents->clear();
  // Synchronous uv_fs calls need no loop.
  return !read_whole_file(nullptr, path, contents);
}

bool write_file(const std::string& path, const std::string& contents, std::string* error) {
  FsRequest open;
  const int fd = uv_fs_open(nullptr, &open.req, path.c_str(),
                            UV_FS_O_WRONLY | UV_FS_O_CREAT | UV_FS_O_TRUNC, 0644, nullptr);
  if (fd < 0) {
    *error = failure("cannot write", path, fd);
    return false;
  }
  uv_buf_t buf =
      uv_buf_init(const_cast<char*>(contents.data()), static_cast<unsigned>(contents.size()));
  FsRequest write;
  const int n = uv_fs_write(nullptr, &write.req, fd, &buf, 1, -1, nullptr);
  FsRequest close;
  uv_fs_close(nullptr, &close.req, fd, nullptr);
  if (n != static_cast<int>(contents.size())) {
    *error = failure("cannot write", path, n < 0 ? n : UV_EIO);
    return false;
  }
  return true;
}

bool executable_by_anyone(const std::string& path) {
  FsRequest resolve;
  if (uv_fs_realpath(nullptr, &resolve.req, path.c_str(), nullptr) != 0) return false;
  const std::string real = static_cast<const char*>(resolve.req.ptr);
  for (std::size_t slash = real.find('/', 1);; slash = real.find('/', slash + 1)) {
    const std::string part = slash == std::string::npos ? real : real.substr(0, slash);
    FsRequest stat;
    if (uv_fs_stat(nullptr, &stat.req, part.c_str(), nullptr) != 0) return false;
    if ((stat.req.statbuf.st_mode & S_IXOTH) == 0) return false;
    if (slash == std::string::npos) return true;
  }
}

std::string absolute_path(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  char cwd[4096];
  std::size_t size = sizeof cwd;
  if (uv_cwd(cwd, &size) != 0) return path;
  return std::string(cwd) + "/" + path;
}

}  // namespace chatkit::grade
