#include "bridge/file_reader.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cassert>
#include <utility>

#include "kit/net/uv_error.h"

namespace chatkit {
namespace {

// True when `path` (resolved) is `root` (resolved) or below it.
bool is_under(const std::string& path, const std::string& root) {
  if (path.compare(0, root.size(), root) != 0) return false;
  if (path.size() == root.size()) return false;  // The root itself is a directory, not a file.
  const char next = path[root.size()];
  const bool root_ends_in_separator = root.back() == '/' || root.back() == '\\';
  return root_ends_in_separator || next == '/' || next == '\\';
}

bool means_not_found(int status) {
  return status == UV_ENOENT || status == UV_ENOTDIR || status == UV_ELOOP ||
         status == UV_ENAMETOOLONG;
}

}  // namespace

FileRead::FileRead(uv_loop_t* loop, std::string root, std::string relative, std::size_t max_bytes,
                   Done done)
    : loop_(loop),
      root_(std::move(root)),
      relative_(std::move(relative)),
      max_bytes_(max_bytes),
      done_(std::move(done)) {
  req_.data = this;
}

FileRead* FileRead::start(uv_loop_t* loop, std::string root, std::string relative,
                          std::size_t max_bytes, Done done, std::string* error) {
  auto* read = new FileRead(loop, std::move(root), std::move(relative), max_bytes, std::move(done));
  const int status = uv_fs_realpath(loop, &read->req_, read->root_.c_str(), on_fs);
  if (status < 0) {
    *error = UvError("realpath " + read->root_, status).message();
    delete read;
    return nullptr;
  }
  return read;
}

void FileRead::submitted(const char* step, const std::string& path, int status) {
  if (status < 0) end(Result::Outcome::kFailed, UvError(step + (" " + path), status).message());
}

void FileRead::on_fs(uv_fs_t* req) {
  auto* self = static_cast<FileRead*>(req->data);
  self->advance();
}

void FileRead::advance() {
  const auto status = static_cast<int>(req_.result);
  switch (step_) {
    case Step::kRootPath: {
      if (status < 0) {
        uv_fs_req_cleanup(&req_);
        if (means_not_found(status)) return end(Result::Outcome::kRootMissing);
        return end(Result::Outcome::kFailed, UvError("realpath " + root_, status).message());
      }
      real_root_ = static_cast<const char*>(req_.ptr);
      uv_fs_req_cleanup(&req_);
      step_ = Step::kFilePath;
      const std::string path = root_ + "/" + relative_;
      return submitted("realpath", path, uv_fs_realpath(loop_, &req_, path.c_str(), on_fs));
    }
    case Step::kFilePath: {
      if (status < 0) {
        uv_fs_req_cleanup(&req_);
        if (means_not_found(status)) return end(Result::Outcome::kNotFound);
        return end(Result::Outcome::kFailed, UvError("realpath " + relative_, status).message());
      }
      real_file_ = static_cast<const char*>(req_.ptr);
      uv_fs_req_cleanup(&req_);
      // The check that matters: after every symbolic link, the file is still under the root.
      if (!is_under(real_file_, real_root_)) return end(Result::Outcome::kNotFound);
      step_ = Step::kOpen;
      return submitted("open", real_file_,
                       uv_fs_open(loop_, &req_, real_file_.c_str(), O_RDONLY, 0, on_fs));
    }
    case Step::kOpen:
      uv_fs_req_cleanup(&req_);
      if (status < 0) {
        if (means_not_found(status)) return end(Result::Outcome::kNotFound);
        return end(Result::Outcome::kFailed, UvError("open " + real_file_, status).message());
      }
      file_ = status;
      step_ = Step::kStat;
      return submitted("fstat", real_file_, uv_fs_fstat(loop_, &req_, file_, on_fs));
    case Step::kStat: {
      const uv_stat_t stat = req_.statbuf;
      uv_fs_req_cleanup(&req_);
      if (status < 0) {
        return end(Result::Outcome::kFailed, UvError("fstat " + real_file_, status).message());
      }
      if ((stat.st_mode & S_IFMT) != S_IFREG) return end(Result::Outcome::kNotFound);
      if (stat.st_size > max_bytes_) return end(Result::Outcome::kTooLarge);
      result_.contents.resize(static_cast<std::size_t>(stat.st_size));
      step_ = Step::kRead;
      return read_more();
    }
    case Step::kRead:
      uv_fs_req_cleanup(&req_);
      if (status < 0) {
        return end(Result::Outcome::kFailed, UvError("read " + real_file_, status).message());
      }
      if (status == 0) {
        // The file shrank while being read: serve what it holds now.
        result_.contents.resize(size_);
        return end(Result::Outcome::kRead);
      }
      size_ += static_cast<std::size_t>(status);
      if (size_ == result_.contents.size()) return end(Result::Outcome::kRead);
      return read_more();
    case Step::kClose:
      uv_fs_req_cleanup(&req_);
      return finish();
  }
}

void FileRead::read_more() {
  if (size_ == result_.contents.size()) return end(Result::Outcome::kRead);  // An empty file.
  uv_buf_t buf = uv_buf_init(result_.contents.data() + size_,
                             static_cast<unsigned>(result_.contents.size() - size_));
  submitted("read", real_file_,
            uv_fs_read(loop_, &req_, file_, &buf, 1, static_cast<std::int64_t>(size_), on_fs));
}

void FileRead::end(Result::Outcome outcome, std::string error) {
  result_.outcome = outcome;
  result_.error = std::move(error);
  if (outcome != Result::Outcome::kRead) result_.contents.clear();
  if (file_ < 0) return finish();
  const uv_file file = file_;
  file_ = -1;
  step_ = Step::kClose;
  // A close that cannot even start leaves nothing to wait for.
  if (uv_fs_close(loop_, &req_, file, on_fs) < 0) finish();
}

void FileRead::finish() {
  if (done_) done_(std::move(result_));
  delete this;
}

}  // namespace chatkit
