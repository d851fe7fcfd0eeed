// Tests for how HistoryStore opens a history file: the integrity check, rows that hold no text,
// the lock that gives a file to one writer at a time, and reading only (--export).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <uv.h>

#include <memory>
#include <string>
#include <vector>

#include "kit/store/history_store.h"
#include "tests/unit/history_store_fixture.h"

namespace chatkit::testing {
namespace {

class HistoryFileTest : public HistoryStoreTest {
 protected:
  // A history of `posts`, as a server leaves it when it stops.
  std::string make_history(const std::vector<std::string>& posts) {
    const std::string path = path_in_dir("history.db");
    std::unique_ptr<HistoryStore> store = open_store(path);
    if (store == nullptr) return path;
    append_all(*store, posts);
    close_store(*store);
    return path;
  }

  std::unique_ptr<HistoryStore> open_read_only(const std::string& path, StoreError* error) {
    return HistoryStore::open(&loop_, path, error, HistoryStore::Access::kReadOnly);
  }

  // Loads `path` read-write, expecting load() to fail; returns the error and the posts visited.
  StoreError load_failure(const std::string& path, std::vector<std::string>* visited) {
    std::unique_ptr<HistoryStore> store = open_store(path);
    if (store == nullptr) return StoreError("open", 0, "refused");
    const StoreError error =
        store->load([visited](std::string_view post) { visited->emplace_back(post); });
    EXPECT_TRUE(error) << "load() must refuse a row that is not text";
    close_store(*store);
    return error;
  }
};

std::vector<std::string> five_posts() {
  std::vector<std::string> posts;
  for (int i = 1; i <= 5; ++i) {
    posts.push_back("[2026-12-06T06:00:0" + std::to_string(i) + ".000000+00:00 host" +
                    std::to_string(i) + "] message number " + std::to_string(i));
  }
  return posts;
}

TEST_F(HistoryFileTest, RefusesAFileCutShortAndWritesNothingBesideIt) {
  // The instructor's report: a history cut to 5000 bytes was loaded as five empty posts, and the
  // next post was written into it.
  const std::string path = make_history(five_posts());
  std::string bytes = read_file(&loop_, path);
  ASSERT_GT(bytes.size(), 5000u);
  bytes.resize(5000);
  write_file(&loop_, path, bytes);

  const StoreError error = refuse_open(path);
  EXPECT_EQ(SQLITE_CORRUPT, error.sqlite_code()) << error.message();
  EXPECT_NE(std::string::npos, error.message().find("damaged: SQLite's quick_check reports"))
      << error.message();
  EXPECT_EQ(std::string::npos, error.message().find('\n'))
      << "the reason is one line: " << error.message();
  expect_unchanged(path, bytes);
  EXPECT_EQ(std::vector<std::string>{"history.db"}, list_directory(&loop_, dir_))
      << "a refused file gets no -wal or -shm file beside it either";
}

TEST_F(HistoryFileTest, LoadRefusesARowHoldingABlobNamingIt) {
  const std::string path = make_history({"one", "two", "three"});
  make_sqlite_file(path, "INSERT INTO posts (post) VALUES (x'68690a')");
  std::vector<std::string> visited;
  const StoreError error = load_failure(path, &visited);
  EXPECT_NE(std::string::npos, error.message().find("post 4 is a blob, not text"))
      << error.message();
  EXPECT_EQ((std::vector<std::string>{"one", "two", "three"}), visited);
}

TEST_F(HistoryFileTest, LoadRefusesANullRowInsteadOfServingAnEmptyPost) {
  // Another program rewrote the schema without NOT NULL, then stored a NULL: quick_check has no
  // constraint left to check, so load() must see it.
  const std::string path = make_history({"one"});
  make_sqlite_file(path,
                   "PRAGMA writable_schema = ON;"
                   "UPDATE sqlite_master SET sql = 'CREATE TABLE posts (id INTEGER PRIMARY KEY, "
                   "post TEXT)' WHERE name = 'posts';");
  make_sqlite_file(path, "INSERT INTO posts (post) VALUES (NULL)");
  std::vector<std::string> visited;
  const StoreError error = load_failure(path, &visited);
  EXPECT_NE(std::string::npos, error.message().find("post 2 is NULL, not text")) << error.message();
  EXPECT_EQ(std::vector<std::string>{"one"}, visited);
}

TEST_F(HistoryFileTest, ASecondWriterIsRefusedAsInUseUntilTheFirstCloses) {
  const std::string path = make_history({"one"});
  std::unique_ptr<HistoryStore> first = open_store(path);
  ASSERT_NE(nullptr, first);
  const std::string before = read_file(&loop_, path);

  const StoreError error = refuse_open(path);
  EXPECT_NE(std::string::npos, error.message().find("it is in use by another program"))
      << error.message();
  EXPECT_EQ(before, read_file(&loop_, path));

  close_store(*first);
  first.reset();
  std::unique_ptr<HistoryStore> second = open_store(path);
  ASSERT_NE(nullptr, second) << "the file is free once its first store has closed";
  EXPECT_EQ(std::vector<std::string>{"one"}, load_all(*second));
  close_store(*second);
}

TEST_F(HistoryFileTest, AStoreThatIsDestroyedWithoutCloseFreesTheFileToo) {
  const std::string path = make_history({"one"});
  { std::unique_ptr<HistoryStore> first = open_store(path); }
  std::unique_ptr<HistoryStore> second = open_store(path);
  ASSERT_NE(nullptr, second);
  close_store(*second);
}

TEST_F(HistoryFileTest, AReaderIsNotKeptOutByAWriter) {
  const std::string path = make_history({"one", "two"});
  std::unique_ptr<HistoryStore> writer = open_store(path);
  ASSERT_NE(nullptr, writer);
  append_all(*writer, {"three"});

  StoreError error;
  std::unique_ptr<HistoryStore> reader = open_read_only(path, &error);
  ASSERT_NE(nullptr, reader) << error.message();
  EXPECT_EQ((std::vector<std::string>{"one", "two", "three"}), load_all(*reader))
      << "a reader sees every committed post, also those still in the -wal file";
  close_store(*reader);
  close_store(*writer);
}

TEST_F(HistoryFileTest, ReadingOnlyLeavesNoFileBesideTheHistory) {
  const std::string path = make_history({"one", "two"});
  StoreError error;
  std::unique_ptr<HistoryStore> reader = open_read_only(path, &error);
  ASSERT_NE(nullptr, reader) << error.message();
  EXPECT_EQ((std::vector<std::string>{"one", "two"}), load_all(*reader));
  close_store(*reader);
  EXPECT_EQ(std::vector<std::string>{"history.db"}, list_directory(&loop_, dir_));
}

TEST_F(HistoryFileTest, AWriterIsRefusedWhileAReaderReadsAClosedHistory) {
  // Otherwise the reader, which takes the file as it stood, could miss what the writer adds.
  const std::string path = make_history({"one"});
  StoreError error;
  std::unique_ptr<HistoryStore> reader = open_read_only(path, &error);
  ASSERT_NE(nullptr, reader) << error.message();
  const StoreError refused = refuse_open(path);
  EXPECT_NE(std::string::npos, refused.message().find("in use")) << refused.message();
  close_store(*reader);
}

TEST_F(HistoryFileTest, ReadingOnlyNeverCreatesAFile) {
  const std::string path = path_in_dir("missing.db");
  StoreError error;
  EXPECT_EQ(nullptr, open_read_only(path, &error));
  EXPECT_NE(std::string::npos, error.message().find("there is no such file")) << error.message();
  EXPECT_FALSE(exists(&loop_, path));
}

TEST_F(HistoryFileTest, ReadingOnlyRefusesADamagedFileToo) {
  const std::string path = make_history(five_posts());
  std::string bytes = read_file(&loop_, path);
  bytes.resize(5000);
  write_file(&loop_, path, bytes);
  StoreError error;
  EXPECT_EQ(nullptr, open_read_only(path, &error));
  EXPECT_NE(std::string::npos, error.message().find("damaged")) << error.message();
  expect_unchanged(path, bytes);
}

TEST_F(HistoryStorePermissionTest, ReadingOnlyWorksInAReadOnlyDirectory) {
  // An instructor exports a backup from a read-only copy: no -wal or -shm can be made there.
  const std::string read_only = path_in_dir("read-only");
  uv_fs_t req;
  ASSERT_EQ(0, uv_fs_mkdir(&loop_, &req, read_only.c_str(), 0755, nullptr));
  uv_fs_req_cleanup(&req);
  const std::string path = read_only + "/history.db";
  {
    std::unique_ptr<HistoryStore> store = open_store(path);
    ASSERT_NE(nullptr, store);
    append_all(*store, {"one", "two"});
    close_store(*store);
  }
  ASSERT_EQ(0, change_mode(&loop_, read_only, 0555));
  const std::string before = read_file(&loop_, path);

  StoreError error;
  std::unique_ptr<HistoryStore> reader =
      HistoryStore::open(&loop_, path, &error, HistoryStore::Access::kReadOnly);
  ASSERT_NE(nullptr, reader) << error.message();
  EXPECT_EQ((std::vector<std::string>{"one", "two"}), load_all(*reader));
  close_store(*reader);
  expect_unchanged(path, before);
  ASSERT_EQ(0, change_mode(&loop_, read_only, 0755));  // So that TearDown can remove it.
}

}  // namespace
}  // namespace chatkit::testing
