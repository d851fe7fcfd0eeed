#include "kit/net/read_file.h"

namespace chatkit {
namespace {

// Files are read in pieces of this size.
constexpr std::size_t kReadChunkBytes = 1 << 20;

}  // namespace

UvError read_whole_file(uv_loop_t* loop, const std::string& path, std::string* text) {
  const bool is_stdin = path == "-";
  uv_fs_t req;
  uv_file fd = 0;
  if (!is_stdin) {
    fd = uv_fs_open(loop, &req, path.c_str(), UV_FS_O_RDONLY, 0, nullptr);
    uv_fs_req_cleanup(&req);
    if (fd < 0) return UvError("open " + path, fd);
  }
  UvError error;
  std::string chunk(kReadChunkBytes, '\0');
  for (;;) {
    uv_buf_t buf = uv_buf_init(chunk.data(), static_cast<unsigned>(chunk.size()));
    const int n = uv_fs_read(loop, &req, fd, &buf, 1, -1, nullptr);
    uv_fs_req_cleanup(&req);
    if (n < 0) {
      error = UvError("read " + (is_stdin ? std::string("standard input") : path), n);
      break;
    }
    if (n == 0) break;
    text->append(chunk.data(), static_cast<std::size_t>(n));
  }
  if (!is_stdin) {
    uv_fs_close(loop, &req, fd, nullptr);
    uv_fs_req_cleanup(&req);
  }
  return error;
}

}  // namespace chatkit
