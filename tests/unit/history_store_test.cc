// Tests for HistoryStore: appends, group commit, loading, closing, and the files it refuses.
#include "kit/store/history_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <uv.h>

#include <string>
#include <vector>

#include "tests/unit/history_store_fixture.h"

namespace chatkit::testing {
namespace {

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

TEST_F(HistoryStoreTest, RefusesAFileWhosePostsPageWasOverwrittenAndLeavesItUnchanged) {
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

  // Found by the integrity check at open, before any row is served or a new one written.
  const StoreError error = refuse_open(path);
  EXPECT_EQ(SQLITE_CORRUPT, error.sqlite_code()) << error.message();
  EXPECT_NE(std::string::npos, error.message().find("damaged")) << error.message();
  expect_unchanged(path, bytes);
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
}  // namespace chatkit::testing
