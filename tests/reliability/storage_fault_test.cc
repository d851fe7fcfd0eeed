// Storage faults: a full disk while serving, a full disk at start, a read-only or missing data
// directory. The promises (docs/protocol.md sections 3.4 and 5.3): a post that cannot be stored
// is not acknowledged (the client gets a reset), everyone else is still served from memory, the
// server recovers by itself when space returns, and a data directory it cannot write is a clear
// error at start with a non-zero exit.
//
// A real full disk needs a small file system of our own: a tmpfs mounted for the test, which
// takes Linux and root (CI runs as root). Elsewhere those tests skip and say why.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "kit/diagnostics/byte_dump.h"
#include "tests/integration/server_harness.h"
#include "tests/reliability/reliability_support.h"

#ifdef __linux__
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace chatkit::testing {
namespace {

// A tmpfs of `bytes` mounted at `path` (created if needed) for the lifetime of the object.
class SmallDisk {
 public:
  SmallDisk(const std::string& path, std::size_t bytes, bool read_only = false) : path_(path) {
#ifdef __linux__
    if (geteuid() != 0) {
      skip_reason_ = "mounting a small tmpfs to fill needs root (CI runs as root)";
      return;
    }
    ::mkdir(path.c_str(), 0755);
    const std::string options = "size=" + std::to_string(bytes) + ",mode=0755";
    if (::mount("tmpfs", path.c_str(), "tmpfs", read_only ? MS_RDONLY : 0, options.c_str()) != 0) {
      skip_reason_ = "mount tmpfs at " + path + ": " + std::strerror(errno) +
                     " (a container without CAP_SYS_ADMIN cannot mount)";
      return;
    }
    mounted_ = true;
#else
    (void)bytes;
    (void)read_only;
    skip_reason_ = "a small tmpfs to fill needs Linux";
#endif
  }
  ~SmallDisk() {
#ifdef __linux__
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
#endif
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;

  bool mounted() const {
    return mounted_;
  }
  const std::string& skip_reason() const {
    return skip_reason_;
  }
  const std::string& path() const {
    return path_;
  }
  std::string file(const std::string& name) const {
    return path_ + "/" + name;
  }

  // Makes the mounted file system read-only (as a failing disk does).
  bool remount_read_only() {
#ifdef __linux__
    return ::mount("tmpfs", path_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) == 0;
#else
    return false;
#endif
  }

  // Writes `name` in 64 KiB pieces until the disk is full; returns the bytes written.
  std::size_t fill(const std::string& name) {
    std::FILE* file = std::fopen(this->file(name).c_str(), "wb");
    if (file == nullptr) return 0;
    std::setvbuf(file, nullptr, _IONBF, 0);
    const std::string chunk(64 * 1024, 'f');
    std::size_t total = 0;
    std::size_t written;
    while ((written = std::fwrite(chunk.data(), 1, chunk.size(), file)) > 0) {
      total += written;
      if (written < chunk.size()) break;
    }
    // The last pages: a byte at a time, so that not even a page is left.
    while (std::fwrite("f", 1, 1, file) == 1) ++total;
    std::fclose(file);
    return total;
  }

 private:
  std::string path_;
  bool mounted_ = false;
  std::string skip_reason_;
};

class StorageFaults : public ::testing::Test {
 protected:
  void TearDown() override { EXPECT_TRUE(loop_.close()); }

  std::optional<std::string> post(int port, const std::string& message, PeerClose* close) {
    auto client = converse(loop_, port, message);
    auto ack = client->read_frame();
    std::string rest;
    *close = client->read_until_close(&rest);
    return ack;
  }

  std::vector<std::string> history(ServerUnderTest& server) {
    return served_history(loop_, server);
  }

  // Starts a server that must refuse to start; returns its stderr.
  std::string expect_refused_start(const std::string& data, const std::string& why) {
    ServerUnderTest server(loop_, 3, dir_.path(), data);
    EXPECT_FALSE(server.started()) << why << ": the server must not start\n" << server.describe();
    const auto status = server.process().wait_for_exit();
    EXPECT_TRUE(status.has_value()) << server.describe();
    if (status) {
      EXPECT_EQ(status->exit_code, 1) << why << "\n" << server.describe();
    }
    EXPECT_EQ(server.process().stdout_text().find("listening on"), std::string::npos)
        << why << ": no listening line\n"
        << server.describe();
    return server.process().stderr_text();
  }

  TempDir dir_;
  TestLoop loop_;
};

TEST_F(StorageFaults, DiskFullResetsPostsKeepsServingHistoryAndRecoversWhenSpaceReturns) {
  SmallDisk disk(dir_.file("disk"), 4 * 1024 * 1024);
  if (!disk.mounted()) GTEST_SKIP() << disk.skip_reason();
  std::vector<std::string> expected;
  {
    ServerUnderTest server(loop_, 3, disk.path(), disk.file("history.db"));
    ASSERT_TRUE(server.started()) << server.describe();
    PeerClose close;
    for (int i = 0; i < 3; ++i) {
      const auto ack =
          post(server.port(), "stored before the disk filled " + std::to_string(i), &close);
      ASSERT_TRUE(ack.has_value()) << server.describe();
      expected.push_back(*ack);
    }

    const std::size_t filled = disk.fill("filler");
    ASSERT_GT(filled, 0u);
    for (int i = 0; i < 4; ++i) {
      const std::string message = "no room for this " + std::to_string(i) + std::string(8000, '.');
      const auto ack = post(server.port(), message, &close);
      EXPECT_FALSE(ack.has_value())
          << "post " << i << " on a full disk was acknowledged: \"" << ack.value_or("") << "\"\n"
          << server.describe();
      EXPECT_EQ(close, PeerClose::kReset)
          << "a post that cannot be stored ends with a reset, so no client takes it for success";
      EXPECT_EQ(history(server), expected) << "the history is still served, intact, while the "
                                              "disk is full\n"
                                           << server.describe();
    }
    EXPECT_GE(count_lines_with(server.process().stdout_text(), "post not stored"), 4u)
        << "each failed post is logged\n"
        << server.describe();
    EXPECT_TRUE(server.process().wait_for_stdout_text("disk is full"))
        << "the log says why: the disk is full\n"
        << server.describe();

    ASSERT_EQ(std::remove(disk.file("filler").c_str()), 0);
    const auto ack = post(server.port(), "stored after space returned", &close);
    ASSERT_TRUE(ack.has_value()) << "the server must recover by itself when space returns\n"
                                 << server.describe();
    expected.push_back(*ack);
    EXPECT_EQ(history(server), expected);
    const auto status = server.stop();
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(status->exit_code, 0) << server.describe();
  }
  ServerUnderTest restarted(loop_, 3, disk.path(), disk.file("history.db"));
  ASSERT_TRUE(restarted.started()) << restarted.describe();
  EXPECT_EQ(history(restarted), expected)
      << "after a restart: every acknowledged post, none of the refused ones";
  EXPECT_EQ(integrity_check(disk.file("history.db")), "ok");
  restarted.stop();
}

TEST_F(StorageFaults, FullDiskAtStartIsAClearErrorAndLeavesNoFile) {
  SmallDisk disk(dir_.file("disk"), 256 * 1024);
  if (!disk.mounted()) GTEST_SKIP() << disk.skip_reason();
  disk.fill("filler");
  const std::string error = expect_refused_start(disk.file("history.db"), "a full disk");
  EXPECT_NE(error.find("chat-server: open history file " + disk.file("history.db")),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("full"), std::string::npos) << "the reason names the full disk: " << error;
  std::string contents;
  EXPECT_FALSE(read_file(disk.file("history.db"), &contents))
      << "a history file the server could not initialize must not be left behind";
}

TEST_F(StorageFaults, ReadOnlyDataDirectoryIsAClearErrorAtStart) {
  SmallDisk disk(dir_.file("disk"), 1024 * 1024, /*read_only=*/true);
  if (!disk.mounted()) GTEST_SKIP() << disk.skip_reason();
  const std::string error = expect_refused_start(disk.file("history.db"), "a read-only directory");
  EXPECT_NE(error.find("read-only file system"), std::string::npos) << error;
}

TEST_F(StorageFaults, HistoryOnADiskThatTurnedReadOnlyIsAClearErrorAtStart) {
  SmallDisk disk(dir_.file("disk"), 1024 * 1024);
  if (!disk.mounted()) GTEST_SKIP() << disk.skip_reason();
  ASSERT_EQ(create_history_file(disk.file("history.db"), {"[2026-11-24T09:14:40.000017+01:00 "
                                                          "192.0.2.7] Hello"}),
            "");
  ASSERT_TRUE(disk.remount_read_only());
  const std::string error = expect_refused_start(disk.file("history.db"), "a read-only disk");
  EXPECT_NE(error.find("read-only file system"), std::string::npos) << error;
}

TEST_F(StorageFaults, MissingDataDirectoryOrAFileInItsPlaceIsAClearErrorAtStart) {
  std::string error = expect_refused_start(dir_.file("missing/history.db"), "a missing directory");
  EXPECT_NE(error.find("directory " + dir_.file("missing") + " does not exist"), std::string::npos)
      << error;
  ASSERT_TRUE(write_file(dir_.file("plain-file"), "not a directory"));
  error = expect_refused_start(dir_.file("plain-file/history.db"), "a file where the directory is");
  EXPECT_NE(error.find("is not a directory"), std::string::npos) << error;
}

}  // namespace
}  // namespace chatkit::testing
