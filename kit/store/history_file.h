// Opening the stage-3 history file: the file-system checks, creating the schema, and
// verifying, by reading only, that an existing file is chatkit's. Internal to kit/store.
#ifndef CHATKIT_KIT_STORE_HISTORY_FILE_H_
#define CHATKIT_KIT_STORE_HISTORY_FILE_H_

#include <uv.h>

#include <string>

#include "kit/store/file_lock.h"
#include "kit/store/history_store.h"

struct sqlite3;

namespace chatkit {

// Opens the history file at `path` as HistoryStore::open() describes.
//
// kReadWrite: creates the file (and its schema) when it does not exist or is empty; takes the
// file's lock into *lock (a file another process holds is refused); and otherwise refuses,
// without writing to it, a file that is not a chatkit history this code understands or that
// SQLite's quick_check finds damaged. The connection is in WAL mode with synchronous=FULL.
//
// kReadOnly: never creates or writes; the file must exist and pass the same checks. When no
// writer holds the lock, it takes it into *lock, so that none starts while it reads, and a file
// with no -wal beside it is opened as immutable: SQLite then needs no -shm file, so it works in
// a read-only folder and leaves nothing behind. Beside a writer, it reads as any WAL reader.
//
// Returns the open connection, or nullptr with *error set.
sqlite3* open_history_file(uv_loop_t* loop, const std::string& path, HistoryStore::Access access,
                           FileLock* lock, StoreError* error);

// A StoreError from SQLite's last error on `db`.
StoreError sqlite_error(std::string step, sqlite3* db);
// Runs SQL that is a constant of chatkit's: data always goes through bound parameters.
StoreError exec(sqlite3* db, const char* step, const std::string& sql);

}  // namespace chatkit

#endif  // CHATKIT_KIT_STORE_HISTORY_FILE_H_
