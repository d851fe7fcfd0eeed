#include "kit/store/history_file.h"

#include <sqlite3.h>

#include <cassert>
#include <cstdio>
#include <utility>

#include "kit/net/uv_error.h"

namespace chatkit {

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

namespace {

// Long enough to ride out another connection's checkpoint, short enough that a server stuck
// behind a foreign lock reports the failure instead of hanging.
constexpr int kBusyTimeoutMs = 5000;
// access(2)'s W_OK: 2 on every platform libuv supports (uv/win.h defines it the same way), and
// spelled out here because <unistd.h> is POSIX-only.
constexpr int kWriteAccess = 2;

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

}  // namespace

sqlite3* open_history_file(uv_loop_t* loop, const std::string& path, StoreError* error) {
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
  return db;
}

}  // namespace chatkit
