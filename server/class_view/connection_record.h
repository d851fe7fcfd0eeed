// ConnectionRecord: what the class view keeps of one connection to the chat port: who, when,
// how it ended, its bytes both ways (the first bytes, up to a bound, and the totals), the
// message it posted and the server's protocol error, if any.
//
// The class recorder (server/class_view/class_recorder.h) owns the records and changes them as
// the server reports events; the feed (server/class_view/class_feed.h) reads them. Each change
// stamps the record with the recorder's next version number, so that a reader can tell what
// changed since it last looked.
#ifndef CHATKIT_SERVER_CLASS_VIEW_CONNECTION_RECORD_H_
#define CHATKIT_SERVER_CLASS_VIEW_CONNECTION_RECORD_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/class_view/connection_observer.h"

namespace chatkit {

// One direction's bytes: the first `limit` of them kept, all of them counted.
struct KeptBytes {
  std::string kept;
  std::uint64_t total = 0;

  // Counts `size` bytes and keeps what still fits under `limit`: no allocation once `kept` is
  // full (or has the capacity from a reused record).
  void add(const char* data, std::size_t size, std::size_t limit) {
    total += size;
    if (kept.size() < limit) kept.append(data, std::min(size, limit - kept.size()));
  }
  // Whether every byte so far is kept.
  bool complete() const { return total == kept.size(); }
  void clear() {
    kept.clear();  // Keeps the capacity for the next record.
    total = 0;
  }
};

// The kit's diagnosis of a connection's client bytes, as the feed shows it; computed lazily.
struct DiagnosisText {
  std::string mistake;  // The recogniser's id ("little-endian-length"); empty: no mistake found.
  std::string what;
  std::string hint;
};

struct ConnectionRecord {
  std::uint64_t id = 0;
  std::string peer;             // "127.0.0.1:53122".
  std::int64_t opened_ms = 0;   // Milliseconds since the Unix epoch.
  std::int64_t closed_ms = -1;  // -1 while open.
  std::optional<ConnectionEnd> end;
  KeptBytes in;                    // Client -> server.
  KeptBytes out;                   // Server -> client, as queued.
  bool client_ended = false;       // The client's side ended (FIN, reset or read error).
  bool client_fin = false;         // ...with a FIN.
  std::vector<std::string> posts;  // Cut to the byte bound, at a character boundary.
  std::string error;               // The server's protocol error; empty when none.
  std::uint64_t version = 0;       // The recorder's version at the last change.

  // The diagnosis cache: valid while diagnosis_version == version.
  std::uint64_t diagnosis_version = 0;
  std::optional<DiagnosisText> diagnosis;

  bool open() const { return !end.has_value(); }
  // Ready for reuse as a new record (the byte buffers keep their capacity).
  void reset() {
    in.clear();
    out.clear();
    peer.clear();
    posts.clear();
    error.clear();
    end.reset();
    closed_ms = -1;
    client_ended = client_fin = false;
    diagnosis_version = 0;
    diagnosis.reset();
  }
};

}  // namespace chatkit

#endif  // CHATKIT_SERVER_CLASS_VIEW_CONNECTION_RECORD_H_
