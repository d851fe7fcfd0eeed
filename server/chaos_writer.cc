#include "server/chaos_writer.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "kit/framing/frame_codec.h"

namespace chatkit {
namespace {

// SplitMix64 (Steele, Lea, Flood 2014): 8 bytes of state per connection, where a Mersenne
// Twister would cost 2.5 KiB for each of thousands of clients.
std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// The first frames are where clients go wrong (the count, the first items, a stage-3 client's
// acknowledgement), so a planned drop lands in one of these.
constexpr std::uint64_t kCutFrames = 4;

}  // namespace

std::string describe_chaos(std::uint64_t seed, unsigned drop_percent) {
  return "chaos mode: sending in pieces of 1 to " + std::to_string(ChaosWriter::kMaxPieceBytes) +
         " bytes (larger for long histories) with pauses of up to " +
         std::to_string(ChaosWriter::kMaxDelayMs) + " ms, dropping " +
         std::to_string(drop_percent) + "% of connections mid-frame (--chaos-seed " +
         std::to_string(seed) + " repeats this run)";
}

ChaosWriter::ChaosWriter(uv_loop_t* loop, TcpStream& stream, const ChaosSettings& settings,
                         std::uint64_t connection_id, Events events)
    : stream_(stream), events_(std::move(events)), rng_state_(settings.seed) {
  std::uint64_t mix = connection_id;
  rng_state_ ^= splitmix64(mix);
  timer_ = new Timer{{}, this};
  uv_timer_init(loop, &timer_->handle);  // Cannot fail for a valid loop.
  timer_->handle.data = timer_;
  drop_planned_ = random_below(100) < settings.drop_percent;
  drop_with_reset_ = random_below(2) == 1;
  cut_frame_ = random_below(kCutFrames);
}

ChaosWriter::~ChaosWriter() {
  timer_->owner = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_->handle), on_timer_closed);
}

void ChaosWriter::on_timer_closed(uv_handle_t* handle) {
  delete static_cast<Timer*>(handle->data);
}

std::uint64_t ChaosWriter::random() {
  return splitmix64(rng_state_);
}

UvError ChaosWriter::write(const uv_buf_t* bufs, unsigned count) {
  if (dropped_) return {};  // The "network" is gone: bytes vanish, as they would.
  if (stream_.closing() || ending_) return UvError("write", UV_EPIPE);
  for (unsigned i = 0; i < count; ++i) {
    if (bufs[i].len == 0) continue;
    queue_.push_back(Chunk{bufs[i].base, bufs[i].len});
    unsent_ += bufs[i].len;
    queued_frames_.consume(
        bufs[i].base, bufs[i].len,
        [this](std::uint64_t start, std::uint64_t size) { on_frame(start, size); });
  }
  arm();
  return {};
}

template <typename OnFrame>
void ChaosWriter::FrameTracker::consume(const char* data, std::size_t size, OnFrame on_frame) {
  std::size_t i = 0;
  while (i < size) {
    if (payload_left > 0) {
      const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(payload_left, size - i));
      payload_left -= take;
      i += take;
      offset += take;
      continue;
    }
    header[header_have++] = static_cast<std::uint8_t>(data[i]);
    ++i;
    ++offset;
    if (header_have == kFrameHeaderBytes) {
      header_have = 0;
      payload_left = read_frame_header(header);
      on_frame(offset - kFrameHeaderBytes, kFrameHeaderBytes + payload_left);
    }
  }
}

void ChaosWriter::on_frame(std::uint64_t start, std::uint64_t size) {
  last_frame_start_ = start;
  last_frame_size_ = size;
  const std::uint64_t index = frames_seen_++;
  if (drop_planned_ && !cut_planned_ && index >= cut_frame_ && plan_cut(start, size)) {
    cut_frame_index_ = index;
  }
}

bool ChaosWriter::plan_cut(std::uint64_t start, std::uint64_t size) {
  // Strictly inside the frame: at least one byte of it out, at least one byte missing. Bytes
  // already handed to the stream cannot be taken back.
  const std::uint64_t low = std::max(start + 1, submitted_ + 1);
  const std::uint64_t high = start + size - 1;
  if (low > high) return false;
  cut_at_ = low + random_below(high - low + 1);
  cut_frame_start_ = start;
  cut_frame_size_ = size;
  cut_planned_ = true;
  return true;
}

void ChaosWriter::close_after_writes() {
  if (ending_ || dropped_) return;
  ending_ = true;
  if (drop_planned_ && !cut_planned_ && last_frame_size_ > 0 &&
      plan_cut(last_frame_start_, last_frame_size_)) {
    cut_frame_index_ = frames_seen_ - 1;
  }
  if (queue_.empty() && !armed_) stream_.close_after_writes();
}

void ChaosWriter::arm() {
  if (armed_ || queue_.empty() || dropped_) return;
  armed_ = true;
  // Half of the pieces follow at once (the next loop iteration), the rest after a pause.
  const std::uint64_t delay = random_below(2) == 0 ? 0 : 1 + random_below(kMaxDelayMs);
  uv_timer_start(&timer_->handle, on_timer, delay, 0);
}

void ChaosWriter::on_timer(uv_timer_t* handle) {
  auto* timer = static_cast<Timer*>(handle->data);
  ChaosWriter* self = timer->owner;
  if (self == nullptr) return;
  self->armed_ = false;
  if (self->reset_pending_) {
    self->reset_pending_ = false;
    if (!self->stream_.closing()) self->stream_.reset();
    return;
  }
  self->send_piece();
}

std::size_t ChaosWriter::piece_size() {
  // Mostly small: nearly half of the pieces are 1 to 7 bytes, which splits length prefixes.
  const std::uint64_t bucket = random_below(100);
  std::size_t size;
  if (bucket < 45) {
    size = 1 + random_below(7);
  } else if (bucket < 80) {
    size = 8 + random_below(57);
  } else if (bucket < 95) {
    size = 65 + random_below(448);
  } else {
    size = 513 + random_below(kMaxPieceBytes - 512);
  }
  return unsent_ > kBulkBytes ? size * kBulkFactor : size;
}

void ChaosWriter::send_piece() {
  if (stream_.closing() || dropped_) return;
  if (queue_.empty()) {
    if (ending_) stream_.close_after_writes();
    return;
  }
  Chunk& front = queue_.front();
  std::size_t size = piece_size();
  if (random_below(3) == 0) {
    // Aim the end of this piece inside the next length prefix: the split that a client reading
    // "4 bytes, then the rest" in one recv() each does not survive.
    size = static_cast<std::size_t>(std::min<std::uint64_t>(
        submitted_frames_.to_next_frame() + 1 + random_below(3), kMaxPieceBytes));
  }
  size = std::min(size, front.size);
  if (cut_planned_) {
    assert(cut_at_ > submitted_);
    size = static_cast<std::size_t>(std::min<std::uint64_t>(size, cut_at_ - submitted_));
  }
  // libuv's buffers are not const, but it only reads the bytes of a write.
  const uv_buf_t piece = uv_buf_init(const_cast<char*>(front.data), static_cast<unsigned>(size));
  front.data += size;
  front.size -= size;
  if (front.size == 0) queue_.pop_front();
  unsent_ -= size;
  submitted_ += size;
  submitted_frames_.consume(piece.base, size, [](std::uint64_t, std::uint64_t) {});
  if (const UvError error = stream_.write_borrowed(&piece, 1)) {
    events_.on_error(error);
    return;
  }
  if (cut_planned_ && submitted_ == cut_at_) {
    drop();
    return;
  }
  if (queue_.empty()) {
    if (ending_) stream_.close_after_writes();
    return;
  }
  arm();
}

void ChaosWriter::drop() {
  dropped_ = true;
  queue_.clear();
  unsent_ = 0;
  events_.on_drop("chaos: dropped with a " + std::string(drop_with_reset_ ? "RST" : "FIN") +
                  " after " + std::to_string(cut_at_ - cut_frame_start_) + " of " +
                  std::to_string(cut_frame_size_) + " bytes of frame " +
                  std::to_string(cut_frame_index_ + 1));
  if (drop_with_reset_) {
    reset_pending_ = true;
    armed_ = true;
    uv_timer_start(&timer_->handle, on_timer, kResetDelayMs, 0);
  } else {
    stream_.close_after_writes();
  }
}

}  // namespace chatkit
