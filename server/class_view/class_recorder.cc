#include "server/class_view/class_recorder.h"

#include <algorithm>
#include <chrono>

#include "kit/framing/utf8.h"
#include "kit/net/address.h"

namespace chatkit {

std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ClassRecorder::ClassRecorder(ClassViewLimits limits) : limits_(limits) {
  if (limits_.max_connections == 0) limits_.max_connections = 1;
}

// Where the record of `id` is, or would go: records_ is sorted by id.
ClassRecorder::Records::iterator ClassRecorder::position_of(std::uint64_t id) {
  return std::lower_bound(records_.begin(), records_.end(), id,
                          [](const std::unique_ptr<ConnectionRecord>& record, std::uint64_t key) {
                            return record->id < key;
                          });
}

ConnectionRecord* ClassRecorder::find(std::uint64_t id) {
  // Most events are for the newest connections: look at the last record first.
  if (records_.empty()) return nullptr;
  if (records_.back()->id == id) return records_.back().get();
  const auto found = position_of(id);
  return found != records_.end() && (*found)->id == id ? found->get() : nullptr;
}

ConnectionRecord& ClassRecorder::add(std::uint64_t id, const sockaddr* peer) {
  std::unique_ptr<ConnectionRecord> record;
  if (records_.size() >= limits_.max_connections) {
    record = std::move(records_.front());
    records_.pop_front();
    if (listener_) listener_->on_evicted(record->id);
    record->reset();  // Its buffers keep their capacity for the new connection.
  } else {
    record = std::make_unique<ConnectionRecord>();
  }
  record->id = id;
  record->peer = peer != nullptr ? format_address(peer) : "";
  record->opened_ms = wall_clock_ms();
  // Ids come in increasing order (one sequence for accepted and refused connections), so the
  // deque stays sorted; a late one would be inserted in its place.
  const bool in_order = records_.empty() || records_.back()->id < id;
  return **records_.insert(in_order ? records_.end() : position_of(id), std::move(record));
}

void ClassRecorder::changed(ConnectionRecord& record) {
  record.version = ++version_;
  if (listener_) listener_->on_recorded();
}

void ClassRecorder::close_record(ConnectionRecord& record, ConnectionEnd end) {
  record.end = end;
  record.closed_ms = wall_clock_ms();
}

void ClassRecorder::on_opened(std::uint64_t id, const sockaddr* peer) {
  changed(add(id, peer));
}

void ClassRecorder::on_refused(std::uint64_t id, const sockaddr* peer) {
  ConnectionRecord& record = add(id, peer);
  close_record(record, ConnectionEnd::kRefused);
  changed(record);
}

void ClassRecorder::on_client_bytes(std::uint64_t id, const char* data, std::size_t size) {
  ConnectionRecord* record = find(id);
  if (record == nullptr) return;
  record->in.add(data, size, limits_.max_bytes);
  changed(*record);
}

void ClassRecorder::on_client_end(std::uint64_t id, bool orderly) {
  ConnectionRecord* record = find(id);
  if (record == nullptr) return;
  record->client_ended = true;
  record->client_fin = orderly;
  changed(*record);
}

void ClassRecorder::on_server_bytes(std::uint64_t id, const uv_buf_t* bufs, unsigned count) {
  ConnectionRecord* record = find(id);
  if (record == nullptr) return;
  for (unsigned i = 0; i < count; ++i)
    record->out.add(bufs[i].base, bufs[i].len, limits_.max_bytes);
  changed(*record);
}

void ClassRecorder::on_message(std::uint64_t id, std::string_view message) {
  ConnectionRecord* record = find(id);
  if (record == nullptr) return;
  record->posts.emplace_back(utf8_prefix(message, limits_.max_bytes));
  changed(*record);
}

void ClassRecorder::on_protocol_error(std::uint64_t id, const std::string& reason) {
  ConnectionRecord* record = find(id);
  if (record == nullptr) return;
  record->error = reason;
  changed(*record);
}

void ClassRecorder::on_closed(std::uint64_t id, ConnectionEnd end) {
  ConnectionRecord* record = find(id);
  if (record == nullptr) return;
  close_record(*record, end);
  changed(*record);
}

}  // namespace chatkit
