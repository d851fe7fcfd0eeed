// ClassRecorder: the class view's memory of the chat port: the last N connections, each with at
// most M bytes kept each way (server/class_view/connection_record.h).
//
// It is the ChatServer's ConnectionObserver with --web (recording starts with the server, so a
// page opened later still sees the recent connections), and nothing creates one without --web.
// Bounds: when connection N+1 arrives the oldest record goes, open or not, and the listener is
// told its id; a record keeps the first M bytes of each direction and counts the rest. So the
// recorder holds at most about 2 × N × M bytes (6.4 MB with the defaults, 200 × 16 KiB), plus
// each record's posts (at most M bytes each) and peer text. The
// work per event is a lookup among the kept records (by id, a binary search: they are kept in
// id order) and, for bytes, one copy into a buffer that a recycled record already has; no
// diagnosis, no JSON, no allocation once the buffers have grown.
//
// Not thread-safe: the loop thread owns it.
#ifndef CHATKIT_SERVER_CLASS_VIEW_CLASS_RECORDER_H_
#define CHATKIT_SERVER_CLASS_VIEW_CLASS_RECORDER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>

#include "server/class_view/connection_observer.h"
#include "server/class_view/connection_record.h"

namespace chatkit {

struct ClassViewLimits {
  static constexpr std::size_t kDefaultConnections = 200;
  static constexpr std::size_t kDefaultBytes = 16 * 1024;
  std::size_t max_connections = kDefaultConnections;  // --class-connections
  std::size_t max_bytes = kDefaultBytes;              // --class-bytes, each way
};

class ClassRecorder final : public ConnectionObserver {
 public:
  // Told of changes, synchronously; it must not change the recorder.
  class Listener {
   public:
    virtual ~Listener() = default;
    // A record was added or changed (its version is the recorder's newest).
    virtual void on_recorded() = 0;
    // The record `id` was evicted (the next on_recorded() announces the record that replaced it).
    virtual void on_evicted(std::uint64_t id) = 0;
  };

  explicit ClassRecorder(ClassViewLimits limits);
  ClassRecorder(const ClassRecorder&) = delete;
  ClassRecorder& operator=(const ClassRecorder&) = delete;

  // At most one listener (the feed); null to stop telling.
  void set_listener(Listener* listener) { listener_ = listener; }
  const ClassViewLimits& limits() const { return limits_; }

  // The kept records, oldest (lowest id) first.
  const std::deque<std::unique_ptr<ConnectionRecord>>& records() const { return records_; }
  // The kept record `id`, or null.
  ConnectionRecord* find(std::uint64_t id);
  // The version of the latest change (0: nothing recorded yet).
  std::uint64_t version() const { return version_; }

  // ConnectionObserver.
  void on_opened(std::uint64_t id, const sockaddr* peer) override;
  void on_refused(std::uint64_t id, const sockaddr* peer) override;
  void on_client_bytes(std::uint64_t id, const char* data, std::size_t size) override;
  void on_client_end(std::uint64_t id, bool orderly) override;
  void on_server_bytes(std::uint64_t id, const uv_buf_t* bufs, unsigned count) override;
  void on_message(std::uint64_t id, std::string_view message) override;
  void on_protocol_error(std::uint64_t id, const std::string& reason) override;
  void on_closed(std::uint64_t id, ConnectionEnd end) override;

 private:
  using Records = std::deque<std::unique_ptr<ConnectionRecord>>;
  // A fresh record for `id` at the end, evicting the oldest when full.
  ConnectionRecord& add(std::uint64_t id, const sockaddr* peer);
  Records::iterator position_of(std::uint64_t id);
  void changed(ConnectionRecord& record);
  void close_record(ConnectionRecord& record, ConnectionEnd end);

  ClassViewLimits limits_;
  Records records_;  // Sorted by id.
  std::uint64_t version_ = 0;
  Listener* listener_ = nullptr;
};

// Milliseconds since the Unix epoch, now.
std::int64_t wall_clock_ms();

}  // namespace chatkit

#endif  // CHATKIT_SERVER_CLASS_VIEW_CLASS_RECORDER_H_
