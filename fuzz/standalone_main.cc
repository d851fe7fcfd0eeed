// A main() for the fuzz targets in builds without libFuzzer (gcc, the default and ASan presets):
// runs LLVMFuzzerTestOneInput once on every file named, or on every file in every directory
// named. ctest runs each target over its committed seed corpus this way, so every seed (and every
// input that once found a bug, once added to the corpus) stays a regression test everywhere.
#include <uv.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

bool read_whole_file(const std::string& path, std::vector<std::uint8_t>* bytes) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return false;
  bytes->clear();
  std::uint8_t buffer[65536];
  std::size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
    bytes->insert(bytes->end(), buffer, buffer + got);
  }
  const bool ok = std::ferror(file) == 0;
  std::fclose(file);
  return ok;
}

// The files directly in `path` when it is a directory, else `path` itself.
std::vector<std::string> inputs_of(const std::string& path) {
  uv_fs_t req;
  std::vector<std::string> files;
  if (uv_fs_scandir(nullptr, &req, path.c_str(), 0, nullptr) >= 0) {
    uv_dirent_t entry;
    while (uv_fs_scandir_next(&req, &entry) != UV_EOF) {
      if (entry.type == UV_DIRENT_FILE) files.push_back(path + "/" + entry.name);
    }
  } else {
    files.push_back(path);
  }
  uv_fs_req_cleanup(&req);
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t ran = 0;
  for (int i = 1; i < argc; ++i) {
    for (const std::string& file : inputs_of(argv[i])) {
      std::vector<std::uint8_t> bytes;
      if (!read_whole_file(file, &bytes)) {
        std::fprintf(stderr, "cannot read %s\n", file.c_str());
        return 1;
      }
      LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
      ++ran;
    }
  }
  if (ran == 0) {
    std::fprintf(stderr, "no inputs: give corpus directories or files\n");
    return 1;
  }
  std::printf("%zu inputs ran without a broken invariant\n", ran);
  return 0;
}
