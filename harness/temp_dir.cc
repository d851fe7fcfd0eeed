#include "harness/temp_dir.h"

#include <uv.h>

#include <vector>

namespace chatkit::testing {
namespace {

// Synchronous uv_fs_* calls (no callback) run on the calling thread and need no running loop;
// the request still has to be cleaned up.
struct FsRequest {
  uv_fs_t req{};
  ~FsRequest() { uv_fs_req_cleanup(&req); }
};

}  // namespace

TempDir::TempDir() {
  char base[1024];
  std::size_t size = sizeof base;
  if (uv_os_tmpdir(base, &size) != 0) return;
  const std::string pattern = std::string(base) + "/chatkit-XXXXXX";
  FsRequest request;
  if (uv_fs_mkdtemp(nullptr, &request.req, pattern.c_str(), nullptr) == 0) {
    path_ = request.req.path;
  }
}

TempDir::~TempDir() {
  if (!path_.empty()) remove_tree(path_);
}

std::string TempDir::file(std::string_view name) const {
  return path_ + "/" + std::string(name);
}

bool read_file(const std::string& path, std::string* contents) {
  contents->clear();
  FsRequest open;
  const int fd = uv_fs_open(nullptr, &open.req, path.c_str(), UV_FS_O_RDONLY, 0, nullptr);
  if (fd < 0) return false;
  char chunk[64 * 1024];
  bool ok = true;
  for (;;) {
    FsRequest read;
    uv_buf_t buf = uv_buf_init(chunk, sizeof chunk);
    const int n = uv_fs_read(nullptr, &read.req, fd, &buf, 1, -1, nullptr);
    if (n < 0) ok = false;
    if (n <= 0) break;
    contents->append(chunk, static_cast<std::size_t>(n));
  }
  FsRequest close;
  uv_fs_close(nullptr, &close.req, fd, nullptr);
  return ok;
}

bool write_file(const std::string& path, std::string_view contents) {
  FsRequest open;
  const int fd = uv_fs_open(nullptr, &open.req, path.c_str(),
                            UV_FS_O_WRONLY | UV_FS_O_CREAT | UV_FS_O_TRUNC, 0644, nullptr);
  if (fd < 0) return false;
  bool ok = true;
  std::size_t written = 0;
  while (ok && written < contents.size()) {
    FsRequest write;
    uv_buf_t buf = uv_buf_init(const_cast<char*>(contents.data() + written),
                               static_cast<unsigned>(contents.size() - written));
    const int n = uv_fs_write(nullptr, &write.req, fd, &buf, 1, -1, nullptr);
    if (n <= 0)
      ok = false;
    else
      written += static_cast<std::size_t>(n);
  }
  FsRequest close;
  uv_fs_close(nullptr, &close.req, fd, nullptr);
  return ok;
}

bool remove_tree(const std::string& path) {
  FsRequest scan;
  if (uv_fs_scandir(nullptr, &scan.req, path.c_str(), 0, nullptr) >= 0) {
    uv_dirent_t entry;
    std::vector<std::pair<std::string, bool>> children;
    while (uv_fs_scandir_next(&scan.req, &entry) != UV_EOF) {
      children.emplace_back(path + "/" + entry.name, entry.type == UV_DIRENT_DIR);
    }
    for (const auto& [child, is_dir] : children) {
      if (is_dir) {
        remove_tree(child);
      } else {
        FsRequest unlink;
        uv_fs_unlink(nullptr, &unlink.req, child.c_str(), nullptr);
      }
    }
  }
  FsRequest rmdir;
  return uv_fs_rmdir(nullptr, &rmdir.req, path.c_str(), nullptr) == 0;
}

}  // namespace chatkit::testing
