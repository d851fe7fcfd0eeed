#include "kit/store/history_store.h"

#include <sqlite3.h>

#include <cassert>
#include <cstdio>
#include <utility>

#include "kit/net/uv_error.h"

namespace chatkit {
namespace {

// Long enough to ride out another connection's checkpoint, short enough that a server stuck
// behind a foreign lock reports the failure instead of hanging.
constexpr int kBusyTimeoutMs = 5000;
// access(2)'s W_OK: 2 on every platform libuv supports (uv/win.h defines it the same way), and
// spelled out here because <unistd.h> is POSIX-only.
constexpr int kWriteAccess = 2;

StoreError sqlite_error(std::string step, sqlite3* db) {
  return StoreError(std::move(step), sqlite3_errcode(db) & 0xff, sqlite3_errmsg(db));
}

// For SQL that is a constant of this file: data always goes through bound parameters.
StoreError exec(sqlite3* db, const char* step, const std::string& sql) {
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return sqlite_error(step, db);
  }
  return StoreError();
}

// Runs a statement that yields one row and returns its first column as an integer or text.
// Returns SQLite's result code; the caller reads sqlite3_errmsg on failure.
int query_one(sqlite3* db, const char* sql, std::int64_t* number, std::string* text = nullptr) {
  sqlite3_stmt* statement = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &statement, nullptr);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(statement);
    if (rc == SQLITE_ROW) {
      rc = SQLITE_OK;
      if (number != nullptr) *number = sqlite3_column_int64(statement, 0);
      const unsigned char* chars = sqlite3_column_text(statement, 0);
      if (text != nullptr && chars != nullptr) *text = reinterpret_cast<const char*>(chars);
    }
  }
  sqlite3_finalize(statement);
  return rc;
}

// Stores `posts` in one transaction. Whatever fails, the transaction is rolled back, so a batch
// is stored whole or not at all, and the error names the step that failed.
StoreError store_posts(sqlite3* db, const std::vector<std::string_view>& posts) {
  StoreError error = exec(db, "begin transaction", "BEGIN IMMEDIATE");
  if (error) return error;
  sqlite3_stmt* insert = nullptr;
  if (sqlite3_prepare_v2(db, "INSERT INTO posts (post) VALUES (?1)", -1, &insert, nullptr) !=
      SQLITE_OK) {
    error = sqlite_error("prepare insert", db);
  }
  for (std::size_t i = 0; !error && i < posts.size(); ++i) {
    // SQLITE_STATIC: the text outlives the statement step, so SQLite need not copy it.
    sqlite3_bind_text64(insert, 1, posts[i].data(), posts[i].size(), SQLITE_STATIC, SQLITE_UTF8);
    if (sqlite3_step(insert) != SQLITE_DONE) error = sqlite_error("store post", db);
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  if (!error) error = exec(db, "commit", "COMMIT");
  // Some errors (SQLITE_FULL, SQLITE_IOERR) roll back on their own; roll back the rest.
  if (error && sqlite3_get_autocommit(db) == 0) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return error;
}

std::vector<std::string_view> views_of(const std::vector<std::string>& posts) {
  return std::vector<std::string_view>(posts.begin(), posts.end());
}

// Both separators, so that Windows paths work too. "." for a bare file name.
std::string directory_of(const std::string& path) {
  const std::size_t slash = path.find_last_of("/\\");
  if (slash == std::string::npos) return ".";
  return slash == 0 ? path.substr(0, 1) : path.substr(0, slash);
}

struct FileStatus {
  int error = 0;  // libuv status of the stat call.
  bool is_directory = false;
  bool is_regular = false;
  std::uint64_t size = 0;
};

FileStatus stat_file(uv_loop_t* loop, const std::string& path) {
  uv_fs_t req;
  FileStatus status;
  status.error = uv_fs_stat(loop, &req, path.c_str(), nullptr);
  if (status.error == 0) {
    status.is_directory = (req.statbuf.st_mode & S_IFMT) == S_IFDIR;
    status.is_regular = (req.statbuf.st_mode & S_IFMT) == S_IFREG;
    status.size = req.statbuf.st_size;
  }
  uv_fs_req_cleanup(&req);
  return status;
}

// Opens `path` with `flags` and closes it again: the portable way to ask whether we may create
// or write it, with the OS's own reason when not. Returns a libuv status.
int open_and_close(uv_loop_t* loop, const std::string& path, int flags) {
  uv_fs_t req;
  const int fd = uv_fs_open(loop, &req, path.c_str(), flags, 0644, nullptr);
  uv_fs_req_cleanup(&req);
  if (fd < 0) return fd;
  uv_fs_close(loop, &req, fd, nullptr);
  uv_fs_req_cleanup(&req);
  return 0;
}

int access_file(uv_loop_t* loop, const std::string& path, int mode) {
  uv_fs_t req;
  const int rc = uv_fs_access(loop, &req, path.c_str(), mode, nullptr);
  uv_fs_req_cleanup(&req);
  return rc;
}

void remove_file(uv_loop_t* loop, const std::string& path) {
  uv_fs_t req;
  uv_fs_unlink(loop, &req, path.c_str(), nullptr);
  uv_fs_req_cleanup(&req);
}

std::string hex32(std::int64_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08X", static_cast<unsigned>(value & 0xffffffff));
  return text;
}

// The schema, in one transaction: a crash half-way leaves an empty file, which open() simply
// creates again, never a file with an application_id but no table.
StoreError create_schema(sqlite3* db) {
  const std::string sql =
      "BEGIN IMMEDIATE;"
      "PRAGMA application_id = " +
      std::to_string(HistoryStore::kApplicationId) +
      ";"
      "PRAGMA user_version = " +
      std::to_string(HistoryStore::kSchemaVersion) +
      ";"
      "CREATE TABLE posts (id INTEGER PRIMARY KEY, post TEXT NOT NULL);"
      "COMMIT;";
  StoreError error = exec(db, "create schema", sql);
  if (error && sqlite3_get_autocommit(db) == 0) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return error;
}

// Checks, by reading only, that `db` is a chatkit history this code understands. Returns what
// is wrong (empty when nothing is) and sets *code to SQLite's result code when SQLite failed.
std::string verify_schema(sqlite3* db, int* code) {
  std::int64_t application_id = 0;
  *code = query_one(db, "PRAGMA application_id", &application_id);
  if (*code == SQLITE_NOTADB) return "not a SQLite database";
  if (*code == SQLITE_CORRUPT) return std::string("corrupt: ") + sqlite3_errmsg(db);
  if (*code != SQLITE_OK) return std::string("cannot read it: ") + sqlite3_errmsg(db);
  if (application_id != HistoryStore::kApplicationId) {
    return "not a chatkit history file: application_id " + hex32(application_id) +
           " (chatkit's is " + hex32(HistoryStore::kApplicationId) + ")";
  }
  std::int64_t version = 0;
  *code = query_one(db, "PRAGMA user_version", &version);
  if (*code != SQLITE_OK) return std::string("cannot read user_version: ") + sqlite3_errmsg(db);
  if (version > HistoryStore::kSchemaVersion) {
    return "schema version " + std::to_string(version) + " is newer than this program's (" +
           std::to_string(HistoryStore::kSchemaVersion) + "); use a newer chatkit";
  }
  if (version < 1) return "unknown schema version " + std::to_string(version);
  std::int64_t tables = 0;
  *code = query_one(
      db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'posts'", &tables);
  if (*code != SQLITE_OK) return std::string("cannot read the schema: ") + sqlite3_errmsg(db);
  if (tables == 0) return "it has no posts table";
  // Preparing a query over both columns checks that they exist, without reading a row.
  sqlite3_stmt* probe = nullptr;
  *code = sqlite3_prepare_v2(db, "SELECT id, post FROM posts LIMIT 0", -1, &probe, nullptr);
  sqlite3_finalize(probe);
  if (*code != SQLITE_OK) return std::string("unexpected posts table: ") + sqlite3_errmsg(db);
  return "";
}

// Answers an append made after the store closed. The store may be destroyed before the next
// loop iteration, so the timer owns itself (and the callback) and frees both when it is closed.
struct RefusedAppend {
  uv_timer_t timer;
  HistoryStore::AppendCallback done;
};

StoreError closed_error() {
  return StoreError("append", 0, "the history store is closed");
}

void on_refused_append_closed(uv_handle_t* handle) {
  delete static_cast<RefusedAppend*>(handle->data);
}

void on_refused_append_timer(uv_timer_t* timer) {
  auto* refused = static_cast<RefusedAppend*>(timer->data);
  HistoryStore::AppendCallback done = std::move(refused->done);
  uv_close(reinterpret_cast<uv_handle_t*>(timer), on_refused_append_closed);
  done(closed_error());
}

}  // namespace

std::string StoreError::message() const {
  if (!*this) return "ok";
  return step_ + ": " + detail_;
}

std::unique_ptr<HistoryStore> HistoryStore::open(uv_loop_t* loop, const std::string& path,
                                                 StoreError* error) {
  assert(error != nullptr);
  const std::string step = "open history file " + path;
  const std::string directory = directory_of(path);
  auto fail = [&](int code, std::string detail) {
    *error = StoreError(step, code, std::move(detail));
    return nullptr;
  };

  // The file system checks come first: SQLite would report most of these as a bare "unable to
  // open database file", which does not tell the user what to fix.
  const FileStatus file = stat_file(loop, path);
  bool created = false;
  if (file.error == UV_ENOENT || file.error == UV_ENOTDIR) {
    const FileStatus parent = stat_file(loop, directory);
    if (parent.error == UV_ENOENT) return fail(0, "directory " + directory + " does not exist");
    if (parent.error == 0 && !parent.is_directory) {
      return fail(0, directory + " is not a directory");
    }
    const int rc = open_and_close(loop, path, UV_FS_O_RDWR | UV_FS_O_CREAT | UV_FS_O_EXCL);
    if (rc < 0) return fail(0, UvError("cannot create it", rc).message());
    created = true;
  } else if (file.error < 0) {
    return fail(0, UvError("cannot inspect it", file.error).message());
  } else if (file.is_directory) {
    return fail(0, "it is a directory, not a file");
  } else if (!file.is_regular) {
    return fail(0, "it is not a regular file");
  } else {
    const int rc = open_and_close(loop, path, UV_FS_O_RDWR);
    if (rc < 0) return fail(0, UvError("it is not writable", rc).message());
    // WAL mode keeps two files beside the database, <path>-wal and <path>-shm.
    if (access_file(loop, directory, kWriteAccess) < 0) {
      return fail(0, "directory " + directory +
                         " is not writable, and SQLite must create the -wal and -shm files there");
    }
  }

  // The file exists now, so SQLite never needs to create it: SQLITE_OPEN_CREATE is left out.
  // NOMUTEX: the loop thread and the thread pool take turns, never using the connection at once.
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  auto fail_with_db = [&](int code, std::string detail) {
    sqlite3_close_v2(db);
    if (created) remove_file(loop, path);
    return fail(code, std::move(detail));
  };
  if (rc != SQLITE_OK) return fail_with_db(rc & 0xff, sqlite3_errmsg(db));
  sqlite3_busy_timeout(db, kBusyTimeoutMs);

  if (created || file.size == 0) {
    const StoreError schema_error = create_schema(db);
    if (schema_error) return fail_with_db(schema_error.sqlite_code(), schema_error.message());
  } else {
    // Closing the last connection to a WAL database checkpoints it, which writes to the main
    // file. Until we know the file is ours, closing must not write anything.
    sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    int code = 0;
    const std::string problem = verify_schema(db, &code);
    if (!problem.empty()) return fail_with_db(code, problem);
    sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr);
  }

  std::string journal_mode;
  rc = query_one(db, "PRAGMA journal_mode = WAL", nullptr, &journal_mode);
  if (rc != SQLITE_OK) {
    return fail_with_db(rc & 0xff, std::string("cannot switch to WAL mode: ") + sqlite3_errmsg(db));
  }
  if (journal_mode != "wal") {
    return fail_with_db(0, "cannot switch to WAL mode; the journal mode stays " + journal_mode);
  }
  // FULL: in WAL mode NORMAL may lose the last commits on power loss, and an acknowledged post
  // must survive it.
  const StoreError sync_error = exec(db, "set synchronous", "PRAGMA synchronous = FULL");
  if (sync_error) return fail_with_db(sync_error.sqlite_code(), sync_error.message());

  *error = StoreError();
  return std::unique_ptr<HistoryStore>(new HistoryStore(loop, db, path));
}

HistoryStore::HistoryStore(uv_loop_t* loop, sqlite3* db, std::string path)
    : loop_(loop), db_(db), path_(std::move(path)) {
  work_.data = this;
  close_work_.data = this;
}

HistoryStore::~HistoryStore() {
  // The thread pool would otherwise call back into a destroyed store.
  assert(pending() == 0 && "destroyed with a commit in flight; close() first");
  assert((!close_started_ || closed_) && "destroyed before close() completed");
  // Only a store that was never closed still has its database: nothing else runs, so closing it
  // here on the calling thread is safe.
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

StoreError HistoryStore::load(const std::function<void(std::string_view post)>& visit) {
  assert(pending() == 0);  // The worker owns the connection while a commit runs.
  const std::string step = "load history from " + path_;
  if (db_ == nullptr) return StoreError(step, 0, "the history store is closed");
  sqlite3_stmt* select = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT post FROM posts ORDER BY id", -1, &select, nullptr) !=
      SQLITE_OK) {
    return sqlite_error(step, db_);
  }
  std::uint64_t count = 0;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(select)) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(select, 0);
    const int bytes = sqlite3_column_bytes(select, 0);  // After column_text: the UTF-8 length.
    visit(std::string_view(text == nullptr ? "" : reinterpret_cast<const char*>(text),
                           static_cast<std::size_t>(bytes)));
    ++count;
  }
  StoreError error;
  if (rc != SQLITE_DONE) error = sqlite_error(step, db_);
  sqlite3_finalize(select);
  if (!error) committed_count_ = count;
  return error;
}

void HistoryStore::append(std::string post, AppendCallback done) {
  assert(done);
  if (closing_) {
    if (!closed_) {
      // Answered after the posts appended before close(), which keeps callbacks in order.
      refused_.push_back(Entry{std::move(post), std::move(done)});
      return;
    }
    auto* refused = new RefusedAppend{{}, std::move(done)};
    uv_timer_init(loop_, &refused->timer);  // Cannot fail for a valid loop.
    refused->timer.data = refused;
    uv_timer_start(&refused->timer, on_refused_append_timer, 0, 0);
    return;
  }
  queued_.push_back(Entry{std::move(post), std::move(done)});
  if (in_flight_.empty()) start_commit();
}

StoreError HistoryStore::append_all_now(const std::vector<std::string>& posts) {
  assert(pending() == 0);  // The worker owns the connection while a commit runs.
  if (closing_) return StoreError("import", 0, "the history store is closed");
  if (posts.empty()) return StoreError();
  StoreError error = store_posts(db_, views_of(posts));
  if (!error) {
    committed_count_ += posts.size();
    ++transactions_committed_;
  }
  return error;
}

void HistoryStore::close(std::function<void()> done) {
  assert(!closing_ && "close() called twice");
  assert(done);
  closing_ = true;
  close_done_ = std::move(done);
  maybe_finish_close();
}

void HistoryStore::start_commit() {
  // One transaction in flight at most: that is what keeps posts in append() order.
  assert(in_flight_.empty() && !queued_.empty());
  in_flight_.swap(queued_);
  const int rc = uv_queue_work(loop_, &work_, on_commit_work, on_commit_done);
  assert(rc == 0);  // uv_queue_work fails only for a null work callback.
  (void)rc;
}

void HistoryStore::on_commit_work(uv_work_t* req) {
  // Thread pool: touches only db_, in_flight_ and commit_error_, which the loop thread leaves
  // alone until on_commit_done.
  auto* store = static_cast<HistoryStore*>(req->data);
  std::vector<std::string_view> posts;
  posts.reserve(store->in_flight_.size());
  for (const Entry& entry : store->in_flight_) posts.emplace_back(entry.post);
  store->commit_error_ = store_posts(store->db_, posts);
}

void HistoryStore::on_commit_done(uv_work_t* req, int status) {
  auto* store = static_cast<HistoryStore*>(req->data);
  assert(status == 0);  // Nothing cancels a commit.
  (void)status;
  std::vector<Entry> batch;
  batch.swap(store->in_flight_);
  const StoreError error = std::move(store->commit_error_);
  store->commit_error_ = StoreError();
  if (!error) {
    store->committed_count_ += batch.size();
    ++store->transactions_committed_;
  }
  // The next transaction starts before these callbacks run, so its disk sync overlaps them.
  if (!store->queued_.empty()) {
    store->start_commit();
  } else {
    store->maybe_finish_close();
  }
  // A callback may close or even destroy the store: `store` is not used past this point.
  for (Entry& entry : batch) entry.done(error);
}

void HistoryStore::maybe_finish_close() {
  if (!closing_ || close_started_ || pending() != 0) return;
  close_started_ = true;
  const int rc = uv_queue_work(loop_, &close_work_, on_close_work, on_close_done);
  assert(rc == 0);  // uv_queue_work fails only for a null work callback.
  (void)rc;
}

void HistoryStore::on_close_work(uv_work_t* req) {
  auto* store = static_cast<HistoryStore*>(req->data);
  // sqlite3_close_v2 cannot fail once every statement is finalized, and ours always are.
  sqlite3_close_v2(store->db_);
  store->db_ = nullptr;
}

void HistoryStore::on_close_done(uv_work_t* req, int status) {
  auto* store = static_cast<HistoryStore*>(req->data);
  assert(status == 0);  // Nothing cancels the close.
  (void)status;
  store->closed_ = true;
  std::vector<Entry> refused;
  refused.swap(store->refused_);
  const std::function<void()> done = std::move(store->close_done_);
  // `done` may destroy the store: `store` is not used past this point.
  for (Entry& entry : refused) entry.done(closed_error());
  done();
}

}  // namespace chatkit
