// The fixture and file helpers of the HistoryStore tests (history_store_test.cc,
// history_file_test.cc): real files in a fresh temporary directory, on a plain libuv loop. Every
// asynchronous test counts its callbacks after the loop ran dry, and TearDown checks that the
// loop closes cleanly (no handle or request left behind).
#ifndef CHATKIT_TESTS_UNIT_HISTORY_STORE_FIXTURE_H_
#define CHATKIT_TESTS_UNIT_HISTORY_STORE_FIXTURE_H_

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kit/diagnostics/byte_dump.h"
#include "kit/store/history_store.h"

namespace chatkit::testing {

// ---- Files, through libuv so that the tests run on Windows too. ----

inline std::string read_file(uv_loop_t* loop, const std::string& path) {
  uv_fs_t req;
  const int fd = uv_fs_open(loop, &req, path.c_str(), UV_FS_O_RDONLY, 0, nullptr);
  uv_fs_req_cleanup(&req);
  if (fd < 0) return "<cannot open " + path + ": " + uv_strerror(fd) + ">";
  std::string bytes;
  char chunk[65536];
  for (;;) {
    uv_buf_t buf = uv_buf_init(chunk, sizeof chunk);
    const int n = uv_fs_read(loop, &req, fd, &buf, 1, -1, nullptr);
    uv_fs_req_cleanup(&req);
    if (n <= 0) break;
    bytes.append(chunk, static_cast<std::size_t>(n));
  }
  uv_fs_close(loop, &req, fd, nullptr);
  uv_fs_req_cleanup(&req);
  return bytes;
}

inline void write_file(uv_loop_t* loop, const std::string& path, const std::string& bytes) {
  uv_fs_t req;
  const int fd = uv_fs_open(loop, &req, path.c_str(),
                            UV_FS_O_WRONLY | UV_FS_O_CREAT | UV_FS_O_TRUNC, 0644, nullptr);
  uv_fs_req_cleanup(&req);
  ASSERT_GE(fd, 0) << "create " << path << ": " << uv_strerror(fd);
  uv_buf_t buf = uv_buf_init(const_cast<char*>(bytes.data()), static_cast<unsigned>(bytes.size()));
  const int n = uv_fs_write(loop, &req, fd, &buf, 1, 0, nullptr);
  uv_fs_req_cleanup(&req);
  uv_fs_close(loop, &req, fd, nullptr);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(static_cast<int>(bytes.size()), n) << "write " << path;
}

inline bool exists(uv_loop_t* loop, const std::string& path) {
  uv_fs_t req;
  const int rc = uv_fs_stat(loop, &req, path.c_str(), nullptr);
  uv_fs_req_cleanup(&req);
  return rc == 0;
}

inline int change_mode(uv_loop_t* loop, const std::string& path, int mode) {
  uv_fs_t req;
  const int rc = uv_fs_chmod(loop, &req, path.c_str(), mode, nullptr);
  uv_fs_req_cleanup(&req);
  return rc;
}

inline std::vector<std::string> list_directory(uv_loop_t* loop, const std::string& path) {
  std::vector<std::string> names;
  uv_fs_t req;
  if (uv_fs_scandir(loop, &req, path.c_str(), 0, nullptr) >= 0) {
    uv_dirent_t entry;
    while (uv_fs_scandir_next(&req, &entry) != UV_EOF) names.emplace_back(entry.name);
  }
  uv_fs_req_cleanup(&req);
  return names;
}

inline void remove_tree(uv_loop_t* loop, const std::string& path) {
  uv_fs_t req;
  change_mode(loop, path, 0700);  // A test may have made it read-only.
  for (const std::string& name : list_directory(loop, path)) {
    const std::string child = path + "/" + name;
    const int rc = uv_fs_unlink(loop, &req, child.c_str(), nullptr);
    uv_fs_req_cleanup(&req);
    if (rc < 0) remove_tree(loop, child);
  }
  uv_fs_rmdir(loop, &req, path.c_str(), nullptr);
  uv_fs_req_cleanup(&req);
}

// ---- SQLite files made by "another program", to check that open() refuses them. ----

inline void make_sqlite_file(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(SQLITE_OK, sqlite3_open(path.c_str(), &db)) << path;
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
  const std::string text = message == nullptr ? "" : message;
  sqlite3_free(message);
  sqlite3_close(db);
  ASSERT_EQ(SQLITE_OK, rc) << "setting up " << path << ": " << text;
}

inline std::string query_text(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  std::string result = "<no row>";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(statement, 0);
      result = text == nullptr ? "<null>" : reinterpret_cast<const char*>(text);
    } else {
      result = std::string("<error: ") + sqlite3_errmsg(db) + ">";
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return result;
}

// What each append callback saw, in the order the callbacks ran.
struct AppendLog {
  std::vector<int> order;
  std::vector<StoreError> errors;
};

inline void append_logged(HistoryStore& store, int index, std::string post, AppendLog* log) {
  store.append(std::move(post), [log, index](const StoreError& error) {
    log->order.push_back(index);
    log->errors.push_back(error);
  });
}

inline std::vector<int> zero_to(int count) {
  std::vector<int> indices;
  for (int i = 0; i < count; ++i) indices.push_back(i);
  return indices;
}

class HistoryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(0, uv_loop_init(&loop_));
    char tmp[1024];
    std::size_t size = sizeof tmp;
    ASSERT_EQ(0, uv_os_tmpdir(tmp, &size));
    const std::string pattern = std::string(tmp) + "/chatkit-store-test-XXXXXX";
    uv_fs_t req;
    const int rc = uv_fs_mkdtemp(&loop_, &req, pattern.c_str(), nullptr);
    if (rc == 0) dir_ = req.path;
    uv_fs_req_cleanup(&req);
    ASSERT_EQ(0, rc) << "mkdtemp " << pattern << ": " << uv_strerror(rc);
  }

  void TearDown() override {
    if (!dir_.empty()) remove_tree(&loop_, dir_);
    EXPECT_EQ(0, uv_loop_close(&loop_)) << "the test left a libuv handle or request open";
  }

  std::string path_in_dir(const std::string& name) const { return dir_ + "/" + name; }

  // Runs the loop until nothing is left to do.
  void run_loop() { EXPECT_EQ(0, uv_run(&loop_, UV_RUN_DEFAULT)); }

  std::unique_ptr<HistoryStore> open_store(const std::string& path) {
    StoreError error;
    std::unique_ptr<HistoryStore> store = HistoryStore::open(&loop_, path, &error);
    EXPECT_NE(nullptr, store) << "open " << path << " failed: " << error.message();
    EXPECT_FALSE(error) << "a successful open() reported: " << error.message();
    return store;
  }

  // Expects open() to refuse `path`, and returns the error it gave.
  StoreError refuse_open(const std::string& path) {
    StoreError error;
    std::unique_ptr<HistoryStore> store = HistoryStore::open(&loop_, path, &error);
    EXPECT_EQ(nullptr, store) << "open " << path << " should have been refused";
    EXPECT_TRUE(error) << "a refused open() must say why";
    EXPECT_NE(std::string::npos, error.message().find(path))
        << "the error must name the file, got: " << error.message();
    return error;
  }

  void close_store(HistoryStore& store) {
    int closed = 0;
    store.close([&closed] { ++closed; });
    EXPECT_EQ(0, closed) << "close() must call back from the loop, not from inside close()";
    run_loop();
    EXPECT_EQ(1, closed) << "close() must call back exactly once";
  }

  std::vector<std::string> load_all(HistoryStore& store) {
    std::vector<std::string> posts;
    const StoreError error =
        store.load([&posts](std::string_view post) { posts.emplace_back(post); });
    EXPECT_FALSE(error) << error.message();
    return posts;
  }

  // Opens `path`, loads it and closes it again.
  std::vector<std::string> reload(const std::string& path) {
    std::unique_ptr<HistoryStore> store = open_store(path);
    if (store == nullptr) return {};
    std::vector<std::string> posts = load_all(*store);
    EXPECT_EQ(posts.size(), store->size());
    close_store(*store);
    return posts;
  }

  // Appends every post, runs the loop, and checks that each callback ran once, in order, with
  // success.
  void append_all(HistoryStore& store, const std::vector<std::string>& posts) {
    AppendLog log;
    for (std::size_t i = 0; i < posts.size(); ++i) {
      append_logged(store, static_cast<int>(i), posts[i], &log);
    }
    run_loop();
    EXPECT_EQ(zero_to(static_cast<int>(posts.size())), log.order);
    for (std::size_t i = 0; i < log.errors.size(); ++i) {
      EXPECT_FALSE(log.errors[i]) << "post " << i << ": " << log.errors[i].message();
    }
  }

  // Expects `path` to still hold exactly `before`.
  void expect_unchanged(const std::string& path, const std::string& before) {
    const std::string after = read_file(&loop_, path);
    EXPECT_EQ(before, after) << "open() changed a file it refused:\n"
                             << describe_difference(before, after);
  }

  uv_loop_t loop_;
  std::string dir_;
};

// Permission tests: root ignores file modes, so they skip when a read-only directory turns out
// to be writable anyway.
class HistoryStorePermissionTest : public HistoryStoreTest {
 protected:
  void SetUp() override {
    HistoryStoreTest::SetUp();
    if (HasFatalFailure()) return;
    const std::string probe_dir = path_in_dir("probe");
    uv_fs_t req;
    ASSERT_EQ(0, uv_fs_mkdir(&loop_, &req, probe_dir.c_str(), 0555, nullptr));
    uv_fs_req_cleanup(&req);
    change_mode(&loop_, probe_dir, 0555);
    const std::string probe_file = probe_dir + "/probe";
    const int fd =
        uv_fs_open(&loop_, &req, probe_file.c_str(), UV_FS_O_WRONLY | UV_FS_O_CREAT, 0644, nullptr);
    uv_fs_req_cleanup(&req);
    if (fd >= 0) {
      uv_fs_close(&loop_, &req, fd, nullptr);
      uv_fs_req_cleanup(&req);
      GTEST_SKIP() << "file permissions are not enforced for this user (running as root?), so "
                      "a read-only directory cannot be tested";
    }
  }
};

}  // namespace chatkit::testing

#endif  // CHATKIT_TESTS_UNIT_HISTORY_STORE_FIXTURE_H_
