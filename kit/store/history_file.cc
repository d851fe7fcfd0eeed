#include "kit/store/history_file.h"

#include <sqlite3.h>

#include <cassert>
#include <cstdio>
#include <string_view>
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

// SQLite's quick_check: the b-tree structure, every row's record format and the NOT NULL
// constraint, without the index cross-checks of integrity_check (there are no indexes). It reads
// every page once: 0.15 s for a million posts (105 MB) on the 2-core machine of
// docs/performance.md. A file cut short, or overwritten in the middle, shows here before any row
// of it is served or a new one written.
std::string check_integrity(sqlite3* db, const std::string& path, int* code) {
  sqlite3_stmt* check = nullptr;
  *code = sqlite3_prepare_v2(db, "PRAGMA quick_check(3)", -1, &check, nullptr);
  std::string findings;
  while (*code == SQLITE_OK) {
    const int rc = sqlite3_step(check);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      *code = rc;
      break;
    }
    const unsigned char* text = sqlite3_column_text(check, 0);
    std::string_view rows = text == nullptr ? "" : reinterpret_cast<const char*>(text);
    if (rows == "ok") break;
    // A finding may span lines ("*** in database main ***" and then what is wrong): the reason
    // is one line, so the lines are joined, and the heading is left out.
    while (!rows.empty()) {
      const std::size_t newline = rows.find('\n');
      const std::string_view line = rows.substr(0, newline);
      rows.remove_prefix(newline == std::string_view::npos ? rows.size() : newline + 1);
      if (line.empty() || line.substr(0, 3) == "***") continue;
      if (!findings.empty()) findings += "; ";
      findings += line;
    }
  }
  sqlite3_finalize(check);
  if (*code != SQLITE_OK) {
    return std::string("damaged: SQLite cannot read it whole (") + sqlite3_errmsg(db) +
           "); the file was left as it is: restore it from a backup";
  }
  if (findings.empty()) return "";
  *code = SQLITE_CORRUPT;
  return "damaged: SQLite's quick_check reports " + findings +
         "; the file was left as it is: restore it from a backup, or salvage what is readable "
         "with: sqlite3 " +
         path + " .recover | sqlite3 recovered.db";
}

// The file name as an SQLite URI (https://sqlite.org/uri.html): '%', '?' and '#' escaped, and
// on Windows the backslashes turned into slashes, with a slash before a drive letter.
std::string sqlite_uri(const std::string& path, bool read_only, bool immutable) {
  std::string uri = "file:";
#ifdef _WIN32
  if (path.size() >= 2 && path[1] == ':') uri += '/';
#endif
  for (const char c : path) {
    switch (c) {
      case '%':
        uri += "%25";
        break;
      case '?':
        uri += "%3f";
        break;
      case '#':
        uri += "%23";
        break;
#ifdef _WIN32
      case '\\':
        uri += '/';
        break;
#endif
      default:
        uri += c;
    }
  }
  if (read_only) uri += immutable ? "?mode=ro&immutable=1" : "?mode=ro";
  return uri;
}

}  // namespace

sqlite3* open_history_file(uv_loop_t* loop, const std::string& path, HistoryStore::Access access,
                           FileLock* lock, StoreError* error) {
  assert(error != nullptr);
  const bool read_only = access == HistoryStore::Access::kReadOnly;
  assert(lock != nullptr);
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
  bool immutable = false;
  if (read_only && (file.error == UV_ENOENT || file.error == UV_ENOTDIR)) {
    return fail(0, "there is no such file");
  } else if (file.error == UV_ENOENT || file.error == UV_ENOTDIR) {
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
  } else if (read_only) {
    if (file.size == 0) return fail(0, "it is empty: no history was ever stored in it");
    // With no writer (the lock is free, and stays ours while we read) and no -wal file, the
    // main file is the whole history and nothing can change it: SQLite may read it as immutable,
    // which needs no -shm file and leaves nothing behind, also in a read-only folder. Beside a
    // running server, or after a crash that left a -wal, it reads the WAL as any reader does.
    std::string lock_error;
    const bool no_writer = FileLock::acquire(loop, path, lock, &lock_error);
    const FileStatus wal = stat_file(loop, path + "-wal");
    immutable = no_writer && (wal.error != 0 || wal.size == 0);
    if (!immutable && access_file(loop, directory, kWriteAccess) < 0 &&
        stat_file(loop, path + "-shm").error != 0) {
      return fail(0, "directory " + directory +
                         " is not writable, and the history's last posts are in " + path +
                         "-wal, which SQLite can read only with a -shm file beside it: copy the "
                         "files to a folder you may write to and export from there");
    }
  } else {
    const int rc = open_and_close(loop, path, UV_FS_O_RDWR);
    if (rc < 0) return fail(0, UvError("it is not writable", rc).message());
    // WAL mode keeps two files beside the database, <path>-wal and <path>-shm.
    if (access_file(loop, directory, kWriteAccess) < 0) {
      return fail(0, "directory " + directory +
                         " is not writable, and SQLite must create the -wal and -shm files there");
    }
  }

  // Before SQLite reads a byte: a file another process writes is not ours to check or change.
  if (!read_only) {
    std::string lock_error;
    if (!FileLock::acquire(loop, path, lock, &lock_error)) {
      if (created) remove_file(loop, path);
      return fail(0, lock_error);
    }
  }

  // The file exists now, so SQLite never needs to create it: SQLITE_OPEN_CREATE is left out.
  // NOMUTEX: the loop thread and the thread pool take turns, never using the connection at once.
  sqlite3* db = nullptr;
  const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
                    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  int rc = sqlite3_open_v2(sqlite_uri(path, read_only, immutable).c_str(), &db, flags, nullptr);
  // Reading a WAL-mode file makes SQLite create its -wal and -shm files, and closing without a
  // checkpoint (as a refusal must) leaves them. Those this open made hold nothing; a refused
  // file is left as it was found, without them.
  const bool had_wal = stat_file(loop, path + "-wal").error == 0;
  const bool had_shm = stat_file(loop, path + "-shm").error == 0;
  auto fail_with_db = [&](int code, std::string detail) {
    sqlite3_close_v2(db);
    if (!read_only && !had_wal) remove_file(loop, path + "-wal");
    if (!read_only && !had_shm) remove_file(loop, path + "-shm");
    if (lock != nullptr) *lock = FileLock();
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
    // file. Until we know the file is ours, and sound, closing must not write anything.
    sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    int code = 0;
    std::string problem = verify_schema(db, &code);
    if (problem.empty()) problem = check_integrity(db, path, &code);
    if (!problem.empty()) return fail_with_db(code, problem);
    sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr);
  }
  if (read_only) {
    *error = StoreError();
    return db;
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
