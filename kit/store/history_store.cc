#include "kit/store/history_store.h"

#include <sqlite3.h>

#include <cassert>
#include <utility>

#include "kit/net/uv_error.h"
#include "kit/store/history_file.h"

namespace chatkit {
namespace {

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

const char* column_type_name(int type) {
  switch (type) {
    case SQLITE_NULL:
      return "NULL";
    case SQLITE_INTEGER:
      return "an integer";
    case SQLITE_FLOAT:
      return "a number";
    case SQLITE_BLOB:
      return "a blob";
    default:
      return "text";
  }
}

std::vector<std::string_view> views_of(const std::vector<std::string>& posts) {
  return std::vector<std::string_view>(posts.begin(), posts.end());
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
                                                 StoreError* error, Access access) {
  FileLock lock;
  sqlite3* db = open_history_file(loop, path, access, &lock, error);
  if (db == nullptr) return nullptr;
  return std::unique_ptr<HistoryStore>(new HistoryStore(loop, db, path, std::move(lock)));
}

HistoryStore::HistoryStore(uv_loop_t* loop, sqlite3* db, std::string path, FileLock lock)
    : loop_(loop), db_(db), path_(std::move(path)), lock_(std::move(lock)) {
  work_.data = this;
  close_work_.data = this;
}

HistoryStore::~HistoryStore() {
  *alive_ = false;
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
  StoreError error;
  while ((rc = sqlite3_step(select)) == SQLITE_ROW) {
    ++count;
    // The schema says TEXT NOT NULL, but a damaged file or another program can break that; a
    // NULL read as text would be served as an empty post, which the protocol never stores.
    const int type = sqlite3_column_type(select, 0);
    if (type != SQLITE_TEXT) {
      error = StoreError(step, SQLITE_CORRUPT,
                         "post " + std::to_string(count) + " is " + column_type_name(type) +
                             ", not text: the file was damaged or changed by another program; "
                             "it was left as it is");
      break;
    }
    const unsigned char* text = sqlite3_column_text(select, 0);
    const int bytes = sqlite3_column_bytes(select, 0);  // After column_text: the UTF-8 length.
    visit(std::string_view(reinterpret_cast<const char*>(text), static_cast<std::size_t>(bytes)));
  }
  if (!error && rc != SQLITE_DONE) error = sqlite_error(step, db_);
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
  // While callbacks are being delivered, on_commit_done starts the next transaction after them.
  if (in_flight_.empty() && !delivering_) start_commit();
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
  // The callbacks run before the next transaction starts, so that posts appended from them
  // join it: a writer that posts again as soon as it hears back then shares every sync with the
  // others, instead of the batches alternating between the early few and the rest. The callbacks
  // are cheap; the sync they delay by microseconds takes milliseconds.
  const std::shared_ptr<bool> alive = store->alive_;
  store->delivering_ = true;
  for (Entry& entry : batch) entry.done(error);
  // A callback may have destroyed the store; then there is nothing left to start.
  if (!*alive) return;
  store->delivering_ = false;
  if (!store->queued_.empty() && store->in_flight_.empty()) {
    store->start_commit();
  } else {
    store->maybe_finish_close();
  }
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
  store->lock_ = FileLock();  // Only now that the file is closed may another process take it.
  std::vector<Entry> refused;
  refused.swap(store->refused_);
  const std::function<void()> done = std::move(store->close_done_);
  // `done` may destroy the store: `store` is not used past this point.
  for (Entry& entry : refused) entry.done(closed_error());
  done();
}

}  // namespace chatkit
