// Connection's output half: the queue of frames and history replays, written in order through
// the connection's OutputWriter with at most kReplayWindowBytes in flight. The conversation and
// the phases are in connection.cc.
#include "kit/framing/frame_codec.h"
#include "kit/log/log_text.h"
#include "kit/protocol/stage.h"
#include "server/chat_server.h"
#include "server/connection.h"
#include "server/output_writer.h"

namespace chatkit {
namespace {

// One uv_write carries at most this many history bytes; pieces end at block boundaries.
constexpr std::size_t kReplayBatchBytes = 512 * 1024;

}  // namespace

void Connection::send_history() {
  auto output = std::make_unique<Output>();
  const HistoryLog::Snapshot snapshot = server_.history().snapshot();
  append_frame(format_count(snapshot.items), output->head);
  output->replay = true;
  output->history = server_.history().read(snapshot);
  log("sending history: " + count_of(snapshot.items, "item", "items") + ", " +
      count_of(snapshot.bytes + output->head.size(), "byte", "bytes"));
  queue(std::move(output));
}

void Connection::on_stream_written(const UvError& error) {
  if (error) {
    close(error.message(), ConnectionEnd::kReset);
    return;
  }
  touch();
  if (writer_->bytes_in_flight() == 0) sent_.clear();
  pump();
}

void Connection::queue(std::unique_ptr<Output> output) {
  outputs_.push_back(std::move(output));
  pump();
}

void Connection::pump() {
  if (phase_ >= Phase::kClosing) return;
  while (!outputs_.empty() && writer_->bytes_in_flight() < kReplayWindowBytes) {
    uv_buf_t bufs[TcpStream::kMaxBuffersPerWrite];
    unsigned count = 0;
    std::size_t bytes = 0;
    while (!outputs_.empty() && count < TcpStream::kMaxBuffersPerWrite &&
           bytes < kReplayBatchBytes) {
      Output& output = *outputs_.front();
      if (!output.head_queued) {
        output.head_queued = true;
        bufs[count++] = uv_buf_init(output.head.data(), static_cast<unsigned>(output.head.size()));
        bytes += output.head.size();
        continue;
      }
      if (output.replay) {
        const HistoryLog::Piece piece = output.history.next(kReplayBatchBytes - bytes);
        if (piece.size > 0) {
          // libuv's buffers are not const, but it only reads the bytes of a write.
          bufs[count++] =
              uv_buf_init(const_cast<char*>(piece.data), static_cast<unsigned>(piece.size));
          bytes += piece.size;
          continue;
        }
      }
      // Everything of this output is in `bufs` or already queued; its head string must live
      // until the write completes.
      sent_.push_back(std::move(outputs_.front()));
      outputs_.pop_front();
    }
    if (count == 0) break;
    if (const UvError error = writer_->write(bufs, count)) {
      close(error.message(), ConnectionEnd::kReset);
      return;
    }
    if (observer_) observer_->on_server_bytes(id_, bufs, count);
  }
  if (phase_ == Phase::kFinishing && outputs_.empty()) {
    if (!close_reason_) close_reason_ = "done";  // A chaos drop's reason stands.
    enter(Phase::kClosing);
    writer_->close_after_writes();
  }
}

}  // namespace chatkit
