#include "kit/protocol/history_log.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "kit/framing/frame_codec.h"

namespace chatkit {

void HistoryLog::append(std::string_view item) {
  const std::size_t frame_bytes = kFrameHeaderBytes + item.size();
  if (blocks_.empty() || blocks_.back().capacity - blocks_.back().used < frame_bytes) {
    Block block;
    block.capacity = std::max(kBlockBytes, frame_bytes);
    // new char[], not make_unique<char[]>, which would zero the block first: at start-up with a
    // million posts, that second pass over every page cost more than the copy that fills it.
    block.data = std::unique_ptr<char[]>(new char[block.capacity]);
    blocks_.push_back(std::move(block));
  }
  Block& block = blocks_.back();
  char* at = block.data.get() + block.used;
  write_frame_header(static_cast<std::uint32_t>(item.size()), reinterpret_cast<std::uint8_t*>(at));
  if (!item.empty()) std::memcpy(at + kFrameHeaderBytes, item.data(), item.size());
  index_.push_back(Location{static_cast<std::uint32_t>(blocks_.size() - 1),
                            static_cast<std::uint32_t>(block.used)});
  block.used += frame_bytes;
  encoded_bytes_ += frame_bytes;
}

std::string_view HistoryLog::item(std::size_t i) const {
  assert(i < index_.size());
  const Location where = index_[i];
  const char* frame = blocks_[where.block].data.get() + where.offset;
  const std::uint32_t length = read_frame_header(reinterpret_cast<const std::uint8_t*>(frame));
  return std::string_view(frame + kFrameHeaderBytes, length);
}

HistoryLog::Snapshot HistoryLog::snapshot() const {
  Snapshot snapshot;
  snapshot.items = index_.size();
  snapshot.blocks = blocks_.size();
  snapshot.last_block_bytes = blocks_.empty() ? 0 : blocks_.back().used;
  snapshot.bytes = encoded_bytes_;
  return snapshot;
}

HistoryLog::Piece HistoryLog::Reader::next(std::size_t max_bytes) {
  assert(max_bytes > 0);
  while (block_ < end_.blocks) {
    const Block& block = log_->blocks_[block_];
    // Blocks before the snapshot's last one were full when it was taken and have not changed
    // since; the last one may have grown, so only its bytes up to the snapshot count.
    const std::size_t end = block_ + 1 == end_.blocks ? end_.last_block_bytes : block.used;
    if (offset_ < end) {
      const std::size_t size = std::min(max_bytes, end - offset_);
      Piece piece{block.data.get() + offset_, size};
      offset_ += size;
      bytes_read_ += size;
      return piece;
    }
    ++block_;
    offset_ = 0;
  }
  return Piece{};
}

}  // namespace chatkit
