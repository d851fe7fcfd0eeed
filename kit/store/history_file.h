// Opening the stage-3 history file: the file-system checks, creating the schema, and
// verifying, by reading only, that an existing file is chatkit's. Internal to kit/store.
#ifndef CHATKIT_KIT_STORE_HISTORY_FILE_H_
#define CHATKIT_KIT_STORE_HISTORY_FILE_H_

#include <uv.h>

#include <string>

#include "kit/store/history_store.h"

struct sqlite3;

namespace chatkit {

// Opens the history file at `path` as HistoryStore::open() describes: creates it (and its
// schema) when it does not exist or is empty, and otherwise refuses, without writing to it, a
// file that is not a chatkit history this code understands. Returns the open connection, in WAL
// mode with synchronous=FULL, or nullptr with *error set.
sqlite3* open_history_file(uv_loop_t* loop, const std::string& path, StoreError* error);

// A StoreError from SQLite's last error on `db`.
StoreError sqlite_error(std::string step, sqlite3* db);
// Runs SQL that is a constant of chatkit's: data always goes through bound parameters.
StoreError exec(sqlite3* db, const char* step, const std::string& sql);

}  // namespace chatkit

#endif  // CHATKIT_KIT_STORE_HISTORY_FILE_H_
