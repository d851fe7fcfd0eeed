// HistoryStore: the stage-3 history, durable in SQLite.
//
// File format (normative, documented in docs/protocol.md for instructors using the sqlite3 shell):
//
//   PRAGMA application_id = 0x43484B54;   -- 'CHKT': marks the file as chatkit's
//   PRAGMA user_version   = 1;            -- schema version
//   PRAGMA journal_mode   = WAL;
//   CREATE TABLE posts (
//     id   INTEGER PRIMARY KEY,           -- order of arrival, oldest first
//     post TEXT NOT NULL                  -- "[<time> <host>] <message>", as sent to clients
//   );
//
// Durability: every append() is committed in a transaction with synchronous=FULL before its
// callback reports success, so an acknowledged post survives kill -9 and power loss.
//
// Threading: all public methods are called on the loop thread. Commits run on libuv's thread
// pool (uv_queue_work) so the loop never waits for the disk. While one commit runs, further
// appends queue up; when it finishes, its callbacks run, and then everything queued (including
// posts appended from those callbacks) is committed together in the next transaction (group
// commit). At most one transaction is in flight at any time, so posts are stored in exactly the
// order append() was called.
#ifndef CHATKIT_KIT_STORE_HISTORY_STORE_H_
#define CHATKIT_KIT_STORE_HISTORY_STORE_H_

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kit/store/file_lock.h"

struct sqlite3;

namespace chatkit {

// What went wrong in the store, with the step that failed and SQLite's own words.
class StoreError {
 public:
  StoreError() = default;  // No error.
  StoreError(std::string step, int sqlite_code, std::string detail)
      : step_(std::move(step)), sqlite_code_(sqlite_code), detail_(std::move(detail)) {}

  explicit operator bool() const { return !step_.empty(); }
  const std::string& step() const { return step_; }
  // SQLite's primary result code (SQLITE_FULL, ...), or 0 when the error is not SQLite's.
  int sqlite_code() const { return sqlite_code_; }
  // "<step>: <detail>", e.g. "commit: database or disk is full".
  std::string message() const;

 private:
  std::string step_;
  int sqlite_code_ = 0;
  std::string detail_;
};

class HistoryStore {
 public:
  // Reports the outcome of one append(): no error once the post is durable.
  using AppendCallback = std::function<void(const StoreError& error)>;

  // The file's application_id ('CHKT') and the schema version this code writes and reads.
  static constexpr std::int32_t kApplicationId = 0x43484B54;
  static constexpr std::int32_t kSchemaVersion = 1;

  // kReadWrite: a server's, or --import's. kReadOnly: for reading only (--export): no append.
  enum class Access { kReadWrite, kReadOnly };

  // Opens the history file at `path`. Refuses, without writing anything to it, a file that is
  // not a SQLite database, is damaged (SQLite's quick_check fails), belongs to another program
  // (application_id differs) or has a newer schema. On failure returns nullptr and sets *error.
  //
  // kReadWrite creates the file (and its schema) when it does not exist or is empty, refuses a
  // directory that does not exist or is read-only, and takes the file for this store alone: a
  // file another store holds, in this process or another, is refused ("it is in use by another
  // program"), and this store holds it until close() completes or the store is destroyed.
  // Readers (kReadOnly, the sqlite3 shell) are never kept out.
  // kReadOnly never creates or writes the file, and works in a read-only folder. Beside a
  // writer it reads what has been committed; otherwise it holds the file while it is open, so
  // that a writer starting meanwhile is refused.
  //
  // The store uses `loop`'s thread pool for commits; `loop` must outlive the store.
  static std::unique_ptr<HistoryStore> open(uv_loop_t* loop, const std::string& path,
                                            StoreError* error, Access access = Access::kReadWrite);

  // Precondition: no commit in flight (close() has completed, or nothing was ever appended).
  ~HistoryStore();
  HistoryStore(const HistoryStore&) = delete;
  HistoryStore& operator=(const HistoryStore&) = delete;

  // Calls `visit` for every stored post, oldest first, synchronously on the calling thread. Used
  // at start-up, before any append(). Returns an error, naming the row, when a row cannot be read
  // or holds no text (a NULL or a number where a post should be: the file was damaged or edited
  // by another program); the posts before it have been visited.
  StoreError load(const std::function<void(std::string_view post)>& visit);

  // Number of posts stored (committed) so far, counted at load() and after each commit.
  std::uint64_t size() const { return committed_count_; }

  // Queues `post` for the next transaction. `done` runs exactly once, on the loop thread, after
  // the transaction that holds the post committed and synced (error is empty) or failed (the
  // post is not stored; error says why, e.g. disk full). Callbacks run in append() order.
  // After close() was called, `done` runs with an error, after the callbacks of earlier appends
  // and still asynchronously (never inside append()).
  void append(std::string post, AppendCallback done);

  // Stores all of `posts` in one transaction, synchronously on the calling thread (used by
  // `chat-server --import`, before the loop serves anyone). Precondition: nothing in flight.
  StoreError append_all_now(const std::vector<std::string>& posts);

  // Stops taking appends, lets every queued post commit (or fail), closes the database and then
  // calls `done` once on the loop thread. Safe to call once.
  void close(std::function<void()> done);

  // Posts queued or being committed.
  std::size_t pending() const { return queued_.size() + in_flight_.size(); }
  // Transactions this store has committed (group commits and append_all_now), for tests that
  // check group commit: the first append() starts a transaction at once, and every append()
  // made while it runs joins the single next one.
  std::uint64_t transactions_committed() const { return transactions_committed_; }
  const std::string& path() const { return path_; }

 private:
  struct Entry {
    std::string post;
    AppendCallback done;
  };

  HistoryStore(uv_loop_t* loop, sqlite3* db, std::string path, FileLock lock);
  void start_commit();
  static void on_commit_work(uv_work_t* req);
  static void on_commit_done(uv_work_t* req, int status);
  void maybe_finish_close();
  static void on_close_work(uv_work_t* req);
  static void on_close_done(uv_work_t* req, int status);

  uv_loop_t* loop_;
  sqlite3* db_;
  std::string path_;
  FileLock lock_;              // Held while db_ is open (see open()); released once it is closed.
  std::vector<Entry> queued_;  // Waiting for the next transaction.
  std::vector<Entry> in_flight_;  // In the transaction the thread pool is committing.
  StoreError commit_error_;       // Written by the worker, read in on_commit_done.
  uv_work_t work_{};
  bool closing_ = false;        // close() was called: append() refuses new posts.
  bool close_started_ = false;  // The thread pool is closing the database (close_work_).
  bool closed_ = false;         // The database is closed; close_done_ has been taken.
  uv_work_t close_work_{};      // sqlite3_close runs off the loop: it checkpoints the WAL.
  std::vector<Entry> refused_;  // Appends made during close(), answered before close_done_.
  std::function<void()> close_done_;
  std::uint64_t committed_count_ = 0;
  std::uint64_t transactions_committed_ = 0;
  bool delivering_ = false;  // on_commit_done is running callbacks: append() only queues.
  // False once the store is destroyed; on_commit_done holds a copy while it runs callbacks, any
  // of which may destroy the store.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace chatkit

#endif  // CHATKIT_KIT_STORE_HISTORY_STORE_H_
