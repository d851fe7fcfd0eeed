// Tests for HistoryStore against real files in a fresh temporary directory, on a plain libuv
// loop. Every asynchronous test counts its callbacks after the loop ran dry, and TearDown checks
// that the loop closes cleanly (no handle or request left behind).
#include "kit/store/history_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kit/diagnostics/byte_dump.h"

namespace chatkit {
namespace {

// ---- Files, through libuv so that the tests run on Windows too. ----

std::string read_file(uv_loop_t* loop, const std::string& path) {
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

void write_file(uv_loop_t* loop, const std::string& path, const std::string& bytes) {
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

bool exists(uv_loop_t* loop, const std::string& path) {
  uv_fs_t req;
  const int rc = uv_fs_stat(loop, &req, path.c_str(), nullptr);
  uv_fs_req_cleanup(&req);
  return rc == 0;
}

int change_mode(uv_loop_t* loop, const std::string& path, int mode) {
  uv_fs_t req;
  const int rc = uv_fs_chmod(loop, &req, path.c_str(), mode, nullptr);
  uv_fs_req_cleanup(&req);
  return rc;
}

std::vector<std::string> list_directory(uv_loop_t* loop, const std::string& path) {
  std::vector<std::string> names;
  uv_fs_t req;
  if (uv_fs_scandir(loop, &req, path.c_str(), 0, nullptr) >= 0) {
    uv_dirent_t entry;
    while (uv_fs_scandir_next(&req, &entry) != UV_EOF) names.emplace_back(entry.name);
  }
  uv_fs_req_cleanup(&req);
  return names;
}

void remove_tree(uv_loop_t* loop, const std::string& path) {
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

void make_sqlite_file(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(SQLITE_OK, sqlite3_open(path.c_str(), &db)) << path;
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
  const std::string text = message == nullptr ? "" : message;
  sqlite3_free(message);
  sqlite3_close(db);
  ASSERT_EQ(SQLITE_OK, rc) << "setting up " << path << ": " << text;
}

std::string query_text(const std::string& path, const char* sql) {
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

void append_logged(HistoryStore& store, int index, std::string post, AppendLog* log) {
  store.append(std::move(post), [log, index](const StoreError& error) {
    log->order.push_back(index);
    log->errors.push_back(error);
  });
}

std::vector<int> zero_to(int count) {
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

TEST(StoreError, MessageIsStepThenDetail) {
  EXPECT_EQ("commit: database or disk is full",
            StoreError("commit", SQLITE_FULL, "database or disk is full").message());
  EXPECT_FALSE(StoreError());
  EXPECT_EQ(0, StoreError().sqlite_code());
}

TEST_F(HistoryStoreTest, CreatesMissingFileWithTheDocumentedFormat) {
  const std::string path = path_in_dir("history.db");
  std::unique_ptr<HistoryStore> store = open_store(path);
  ASSERT_NE(nullptr, store);
  EXPECT_EQ(path, store->path());
  EXPECT_EQ(0u, store->size());
  EXPECT_TRUE(load_all(*store).empty());
  close_store(*store);

  EXPECT_EQ(std::to_string(HistoryStore::kApplicationId),
            query_text(path, "PRAGMA application_id"));
  EXPECT_EQ(std::to_string(HistoryStore::kSchemaVersion), query_text(path, "PRAGMA user_version"));
  EXPECT_EQ("wal", query_text(path, "PRAGMA journal_mode"));
  EXPECT_EQ("1", query_text(path, "SELECT count(*) FROM sqlite_master WHERE name = 'posts'"));
}

TEST_F(HistoryStoreTest, CreatesSchemaInAnEmptyFile) {
  const std::string path = path_in_dir("empty.db");
  write_file(&loop_, path, "");
  std::unique_ptr<HistoryStore> store = open_store(path);
  ASSERT_NE(nullptr, store);
  append_all(*store, {"first"});
  close_store(*store);
  EXPECT_EQ(std::vector<std::string>{"first"}, reload(path));
}

TEST_F(HistoryStoreTest, ReopenedStoreSeesEveryPostInAppendOrder) {
  const std::string path = path_in_dir("history.db");
  std::vector<std::string> posts;
  for (int i = 0; i < 10; ++i) posts.push_back("[t host] post " + std::to_string(i));
  {
    std::unique_ptr<HistoryStore> store = open_store(path);
    ASSERT_NE(nullptr, store);
    append_all(*store, posts);
    EXPECT_EQ(10u, store->size());
    EXPECT_EQ(0u, store->pending());
    close_store(*store);
  }
  EXPECT_EQ(posts, reload(path));

  // A second session appends after the first one's posts.
  {
    std::unique_ptr<HistoryStore> store = open_store(path);
    ASSERT_NE(nullptr, store);
    EXPECT_EQ(posts, load_all(*store));
    append_all(*store, {"eleventh"});
    EXPECT_EQ(11u, store->size());
    close_store(*store);
  }
  posts.push_back("eleventh");
  EXPECT_EQ(posts, reload(path));
}

TEST_F(HistoryStoreTest, GroupCommitPutsAppendsMadeDuringACommitIntoOneTransaction) {
  const std::string path = path_in_dir("history.db");
  std::unique_ptr<HistoryStore> store = open_store(path);
  ASSERT_NE(nullptr, store);
  AppendLog log;
  std::vector<std::string> posts;
  for (int i = 0; i < 100; ++i) {
    posts.push_back("post " + std::to_string(i));
    append_logged(*store, i, posts.back(), &log);
  }
  EXPECT_TRUE(log.order.empty()) << "append() must never call back from inside itself";
  EXPECT_EQ(100u, store->pending());
  run_loop();

  EXPECT_EQ(zero_to(100), log.order) << "each callback exactly once, in append() order";
  for (const StoreError& error : log.errors) EXPECT_FALSE(error) << error.message();
  // The first append() starts a transaction at once; the other 99 arrive while it runs and must
  // share the next one.
  EXPECT_EQ(2u, store->transactions_committed());
  EXPECT_EQ(100u, store->size());
  EXPECT_EQ(0u, store->pending());
  close_store(*store);
  EXPECT_EQ(posts, reload(path));
}

TEST_F(HistoryStoreTest, AppendsMadeFromCallbacksKeepTheirOrder) {
  const std::string path = path_in_dir("history.db");
  std::unique_ptr<HistoryStore> store = open_store(path);
  ASSERT_NE(nullptr, store);
  // Each of the first three callbacks appends one more post, which goes into a later transaction
  // than the posts already queued.
  std::vector<std::string> called;
  int next = 3;
  std::function<void(std::string)> append_named = [&](std::string name) {
    store->append(name, [&, name](const StoreError& error) {
      EXPECT_FALSE(error) << name << ": " << error.message();
      called.push_back(name);
      if (next < 6) append_named("p" + std::to_string(next++));
    });
  };
  append_named("p0");
  append_named("p1");
  append_named("p2");
  run_loop();

  const std::vector<std::string> expected = {"p0", "p1", "p2", "p3", "p4", "p5"};
  EXPECT_EQ(expected, called);
  EXPECT_EQ(6u, store->size());
  EXPECT_EQ(expected, load_all(*store));
  close_store(*store);
}

TEST_F(HistoryStoreTest, StoresUnicodeAndSqlMetacharactersVerbatim) {
  const std::string path = path_in_dir("history.db");
  const std::vector<std::string> posts = {
      "'); DROP TABLE posts;--",
      "Robert'); DELETE FROM posts WHERE ('1' = '1",
      "\"double\" and 'single' quotes, a backslash \\ and ?1 :name @p $v % _",
      "Gr\xC3\xBC\xC3\x9F"
      "e, \xE4\xB8\x96\xE7\x95\x8C \xF0\x9F\x8E\x89",  // Grüße, 世界 🎉
      std::string("NUL\0inside", 10),
      "line one\nline two\r\n\ttabbed",
  };
  std::unique_ptr<HistoryStore> store = open_store(path);
  ASSERT_NE(nullptr, store);
  append_all(*store, posts);
  close_store(*store);

  const std::vector<std::string> loaded = reload(path);
  ASSERT_EQ(posts.size(), loaded.size());
  for (std::size_t i = 0; i < posts.size(); ++i) {
    EXPECT_EQ(posts[i], loaded[i]) << "post " << i << " came back changed:\n"
                                   << describe_difference(posts[i], loaded[i]);
  }
}

TEST_F(HistoryStoreTest, FailedTransactionFailsItsWholeBatchAndLaterAppendsSucceed) {
  const std::string path = path_in_dir("history.db");
  {
    std::unique_ptr<HistoryStore> store = open_store(path);
    ASSERT_NE(nullptr, store);
    close_store(*store);
  }
  // Stands in for a full disk: the insert of one post fails inside the transaction.
  make_sqlite_file(path,
                   "CREATE TRIGGER refuse_poison BEFORE INSERT ON posts WHEN NEW.post = 'poison' "
                   "BEGIN SELECT RAISE(ABORT, 'poison refused'); END;");

  std::unique_ptr<HistoryStore> store = open_store(path);
  ASSERT_NE(nullptr, store);
  AppendLog log;
  append_logged(*store, 0, "alone", &log);   // Its own transaction, which succeeds.
  append_logged(*store, 1, "before", &log);  // These three share the next one, which fails.
  append_logged(*store, 2, "poison", &log);
  store->append("after", [&](const StoreError& error) {
    log.order.push_back(3);
    log.errors.push_back(error);
    append_logged(*store, 4, "retried", &log);  // The store recovers: this one succeeds.
  });
  run_loop();

  ASSERT_EQ(zero_to(5), log.order);
  EXPECT_FALSE(log.errors[0]) << log.errors[0].message();
  for (int i = 1; i <= 3; ++i) {
    EXPECT_TRUE(log.errors[i]) << "post " << i << " was in the failed transaction";
    EXPECT_EQ(SQLITE_CONSTRAINT, log.errors[i].sqlite_code()) << log.errors[i].message();
    EXPECT_NE(std::string::npos, log.errors[i].message().find("poison refused"))
        << "got: " << log.errors[i].message();
  }
  EXPECT_FALSE(log.errors[4]) << log.errors[4].message();
  EXPECT_EQ(2u, store->size());
  close_store(*store);
  EXPECT_EQ((std::vector<std::string>{"alone", "retried"}), reload(path));
}

TEST_F(HistoryStoreTest, RefusesGarbageFileAndLeavesItByteIdentical) {
  const std::string path = path_in_dir("notes.txt");
  std::string garbage = "These are my lecture notes, not a database.\n";
  for (int i = 0; i < 200; ++i) garbage += static_cast<char>(i * 7);
  write_file(&loop_, path, garbage);

  const StoreError error = refuse_open(path);
  EXPECT_NE(std::string::npos, error.message().find("not a SQLite database"))
      << "got: " << error.message();
  expect_unchanged(path, garbage);
  EXPECT_EQ(std::vector<std::string>{"notes.txt"}, list_directory(&loop_, dir_))
      << "open() must not leave -wal, -shm or -journal files beside a file it refused";
}

TEST_F(HistoryStoreTest, RefusesTinyGarbageFile) {
  const std::string path = path_in_dir("tiny");
  write_file(&loop_, path, "hi\n");
  const StoreError error = refuse_open(path);
  EXPECT_NE(std::string::npos, error.message().find("not a SQLite database"))
      << "got: " << error.message();
  expect_unchanged(path, "hi\n");
}

TEST_F(HistoryStoreTest, RefusesSqliteDatabaseWithAnotherApplicationId) {
  const std::string path = path_in_dir("other.db");
  make_sqlite_file(path,
                   "PRAGMA application_id = 305419896;"  // 0x12345678
                   "CREATE TABLE posts (id INTEGER PRIMARY KEY, post TEXT NOT NULL);"
                   "INSERT INTO posts (post) VALUES ('theirs');");
  const std::string before = read_file(&loop_, path);

  const StoreError error = refuse_open(path);
  EXPECT_NE(std::string::npos,
            error.message().find("not a chatkit history file: application_id 0x12345678"))
      << "got: " << error.message();
  expect_unchanged(path, before);
}

TEST_F(HistoryStoreTest, RefusesSqliteDatabaseWithoutApplicationId) {
  const std::string path = path_in_dir("grades.db");
  make_sqlite_file(path,
                   "CREATE TABLE grades (student TEXT, grade TEXT);"
                   "INSERT INTO grades VALUES ('ada', 'A');");
  const std::string before = read_file(&loop_, path);

  const StoreError error = refuse_open(path);
  EXPECT_NE(std::string::npos, error.message().find("application_id 0x00000000"))
      << "got: " << error.message();
  expect_unchanged(path, before);
  EXPECT_EQ("1", query_text(path, "SELECT count(*) FROM grades"));
}

TEST_F(HistoryStoreTest, RefusesNewerSchemaVersion) {
  const std::string path = path_in_dir("future.db");
  make_sqlite_file(path,
                   "PRAGMA application_id = 1128811348;"  // 0x43484B54, 'CHKT'
                   "PRAGMA user_version = 2;"
                   "CREATE TABLE posts (id INTEGER PRIMARY KEY, post TEXT NOT NULL, extra TEXT);");
  const std::string before = read_file(&loop_, path);

  const StoreError error = refuse_open(path);
  EXPECT_NE(std::string::npos, error.message().find("schema version 2 is newer"))
      << "got: " << error.message();
  expect_unchanged(path, before);
}

TEST_F(HistoryStoreTest, RefusesChatkitFileWithoutPostsTable) {
  const std::string path = path_in_dir("broken.db");
  make_sqlite_file(path,
                   "PRAGMA application_id = 1128811348;"
                   "PRAGMA user_version = 1;"
                   "CREATE TABLE other (x);");
  const std::string before = read_file(&loop_, path);

  const StoreError error = refuse_open(path);
  EXPECT_NE(std::string::npos, error.message().find("no posts table"))
      << "got: " << error.message();
  expect_unchanged(path, before);
}

TEST_F(HistoryStoreTest, LoadReportsCorruptTable) {
  const std::string path = path_in_dir("history.db");
  {
    std::unique_ptr<HistoryStore> store = open_store(path);
    ASSERT_NE(nullptr, store);
    append_all(*store, {"one", "two"});
    close_store(*store);
  }
  // Page 1 holds the header and the schema; page 2 is the posts table. Scribble over page 2.
  std::string bytes = read_file(&loop_, path);
  const std::size_t page_size = 4096;  // SQLite's default, which open() keeps.
  ASSERT_GE(bytes.size(), 2 * page_size) << "expected at least two pages";
  for (std::size_t i = page_size; i < 2 * page_size; ++i) bytes[i] = '\x5A';
  write_file(&loop_, path, bytes);

  std::unique_ptr<HistoryStore> store = open_store(path);
  ASSERT_NE(nullptr, store);
  int visited = 0;
  const StoreError error = store->load([&visited](std::string_view) { ++visited; });
  EXPECT_TRUE(error) << "load() must report a table it cannot read";
  EXPECT_EQ(SQLITE_CORRUPT, error.sqlite_code()) << error.message();
  EXPECT_EQ(0, visited);
  close_store(*store);
}

TEST_F(HistoryStoreTest, RefusesMissingDirectory) {
  const std::string missing = path_in_dir("no-such-dir");
  const std::string path = missing + "/history.db";
  const StoreError error = refuse_open(path);
  EXPECT_NE(std::string::npos, error.message().find("directory " + missing + " does not exist"))
      << "got: " << error.message();
  EXPECT_FALSE(exists(&loop_, missing)) << "open() must not create directories";
}

TEST_F(HistoryStoreTest, RefusesPathThatIsADirectory) {
  // Fails for root too, unlike the permission tests.
  const std::string path = path_in_dir("a-directory");
  uv_fs_t req;
  ASSERT_EQ(0, uv_fs_mkdir(&loop_, &req, path.c_str(), 0755, nullptr));
  uv_fs_req_cleanup(&req);

  const StoreError error = refuse_open(path);
  EXPECT_NE(std::string::npos, error.message().find("is a directory"))
      << "got: " << error.message();
  EXPECT_TRUE(list_directory(&loop_, path).empty()) << "open() must not write into the directory";
}

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

TEST_F(HistoryStorePermissionTest, RefusesToCreateFileInReadOnlyDirectory) {
  const std::string read_only = path_in_dir("read-only");
  uv_fs_t req;
  ASSERT_EQ(0, uv_fs_mkdir(&loop_, &req, read_only.c_str(), 0755, nullptr));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(0, change_mode(&loop_, read_only, 0555));

  const std::string path = read_only + "/history.db";
  const StoreError error = refuse_open(path);
  EXPECT_NE(std::string::npos, error.message().find("cannot create it: permission denied"))
      << "got: " << error.message();
}

TEST_F(HistoryStorePermissionTest, RefusesExistingFileInReadOnlyDirectory) {
  // WAL mode needs to create <file>-wal and <file>-shm beside the database.
  const std::string read_only = path_in_dir("read-only");
  uv_fs_t req;
  ASSERT_EQ(0, uv_fs_mkdir(&loop_, &req, read_only.c_str(), 0755, nullptr));
  uv_fs_req_cleanup(&req);
  const std::string path = read_only + "/history.db";
  {
    std::unique_ptr<HistoryStore> store = open_store(path);
    ASSERT_NE(nullptr, store);
    close_store(*store);
  }
  ASSERT_EQ(0, change_mode(&loop_, read_only, 0555));

  const StoreError error = refuse_open(path);
  EXPECT_NE(std::string::npos, error.message().find("directory " + read_only + " is not writable"))
      << "got: " << error.message();
}

TEST_F(HistoryStorePermissionTest, RefusesReadOnlyFile) {
  const std::string path = path_in_dir("history.db");
  {
    std::unique_ptr<HistoryStore> store = open_store(path);
    ASSERT_NE(nullptr, store);
    close_store(*store);
  }
  ASSERT_EQ(0, change_mode(&loop_, path, 0444));
  const std::string before = read_file(&loop_, path);

  const StoreError error = refuse_open(path);
  EXPECT_NE(std::string::npos, error.message().find("not writable: permission denied"))
      << "got: " << error.message();
  expect_unchanged(path, before);
}

TEST_F(HistoryStoreTest, AppendDuringCloseFailsAfterEarlierPostsInOrder) {
  const std::string path = path_in_dir("history.db");
  std::unique_ptr<HistoryStore> store = open_store(path);
  ASSERT_NE(nullptr, store);
  std::vector<std::string> events;
  store->append("accepted", [&](const StoreError& error) {
    events.push_back(error ? "accepted failed: " + error.message() : "accepted stored");
  });
  store->close([&] { events.push_back("closed"); });
  store->append("too late", [&](const StoreError& error) {
    events.push_back(error ? "too late refused" : "too late stored");
  });
  EXPECT_TRUE(events.empty()) << "append() and close() must never call back from inside";
  run_loop();

  EXPECT_EQ((std::vector<std::string>{"accepted stored", "too late refused", "closed"}), events);
  EXPECT_EQ(std::vector<std::string>{"accepted"}, reload(path));
}

TEST_F(HistoryStoreTest, AppendAfterCloseFailsAsynchronously) {
  const std::string path = path_in_dir("history.db");
  std::unique_ptr<HistoryStore> store = open_store(path);
  ASSERT_NE(nullptr, store);
  close_store(*store);

  int calls = 0;
  StoreError seen;
  store->append("after close", [&](const StoreError& error) {
    ++calls;
    seen = error;
  });
  EXPECT_EQ(0, calls) << "append() must never call back from inside itself";
  // The store may go away before the loop runs; the refusal must still arrive.
  store.reset();
  run_loop();
  EXPECT_EQ(1, calls);
  EXPECT_TRUE(seen) << "an append after close() must fail";
  EXPECT_EQ(0, seen.sqlite_code());
  EXPECT_TRUE(reload(path).empty());
}

TEST_F(HistoryStoreTest, CloseWithNothingPendingCallsBackFromTheLoop) {
  std::unique_ptr<HistoryStore> store = open_store(path_in_dir("history.db"));
  ASSERT_NE(nullptr, store);
  int closed = 0;
  store->close([&] {
    ++closed;
    store.reset();  // Destroying the store from its close callback is allowed.
  });
  EXPECT_EQ(0, closed);
  run_loop();
  EXPECT_EQ(1, closed);
  EXPECT_EQ(nullptr, store);
}

TEST_F(HistoryStoreTest, ImportsAndLoadsHundredThousandPosts) {
  const std::string path = path_in_dir("big.db");
  constexpr int kPosts = 100000;
  std::vector<std::string> posts;
  posts.reserve(kPosts);
  for (int i = 0; i < kPosts; ++i) {
    posts.push_back("[2026-11-24T09:15:02.123456+01:00 client.example.org] message " +
                    std::to_string(i));
  }
  {
    std::unique_ptr<HistoryStore> store = open_store(path);
    ASSERT_NE(nullptr, store);
    const StoreError error = store->append_all_now(posts);
    ASSERT_FALSE(error) << error.message();
    EXPECT_EQ(1u, store->transactions_committed()) << "an import is one transaction";
    EXPECT_EQ(static_cast<std::uint64_t>(kPosts), store->size());
    close_store(*store);
  }

  std::unique_ptr<HistoryStore> store = open_store(path);
  ASSERT_NE(nullptr, store);
  std::uint64_t count = 0;
  std::uint64_t mismatches = 0;
  const StoreError error = store->load([&](std::string_view post) {
    if (count < posts.size() && post != posts[count]) ++mismatches;
    ++count;
  });
  ASSERT_FALSE(error) << error.message();
  EXPECT_EQ(static_cast<std::uint64_t>(kPosts), count);
  EXPECT_EQ(0u, mismatches) << "posts must come back in import order, unchanged";
  EXPECT_EQ(static_cast<std::uint64_t>(kPosts), store->size());
  close_store(*store);
}

}  // namespace
}  // namespace chatkit
