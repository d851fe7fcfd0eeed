// HistoryLog: the chat history in memory, kept as ready-to-send frames.
//
// Every stage-2 and stage-3 connection starts with a replay of the whole history, so the log
// stores each item already framed (length prefix + text), back to back, in large blocks. A
// replay then hands those blocks to the socket as they are: no copy and no per-item work, and a
// thousand connections replaying at once share one copy of the bytes.
//
// Blocks are never moved or freed while the log lives (it only grows), so a replay may point
// into them across many event-loop turns while new items are appended behind it. A Snapshot
// fixes the end of the history at one moment: the count a connection announced is exactly the
// number of items its replay sends, however many arrive meanwhile.
//
// Not thread-safe: one thread (the event loop) owns the log.
#ifndef CHATKIT_KIT_PROTOCOL_HISTORY_LOG_H_
#define CHATKIT_KIT_PROTOCOL_HISTORY_LOG_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace chatkit {

class HistoryLog {
 public:
  // Items are packed into blocks of this size (an item larger than a block gets its own).
  static constexpr std::size_t kBlockBytes = 256 * 1024;

  // The end of the history at one moment.
  struct Snapshot {
    std::size_t items = 0;             // Items in the history at that moment.
    std::size_t blocks = 0;            // Blocks in use then.
    std::size_t last_block_bytes = 0;  // Bytes used in the last of those blocks then.
    std::uint64_t bytes = 0;           // Encoded bytes of all those items.
  };

  // A contiguous run of encoded frames inside one block.
  struct Piece {
    const char* data = nullptr;
    std::size_t size = 0;
  };

  // Walks the encoded bytes of a snapshot from the start, in pieces.
  class Reader {
   public:
    Reader() = default;
    Reader(const HistoryLog* log, Snapshot end) : log_(log), end_(end) {}
    // Returns the next piece of at most `max_bytes` (which must be > 0), or a piece of size 0
    // when the snapshot is fully read. Pieces end at block boundaries, not at frame boundaries.
    Piece next(std::size_t max_bytes);
    bool done() const { return block_ >= end_.blocks; }
    std::uint64_t bytes_read() const { return bytes_read_; }

   private:
    const HistoryLog* log_ = nullptr;
    Snapshot end_;
    std::size_t block_ = 0;
    std::size_t offset_ = 0;
    std::uint64_t bytes_read_ = 0;
  };

  HistoryLog() = default;
  HistoryLog(const HistoryLog&) = delete;
  HistoryLog& operator=(const HistoryLog&) = delete;

  // Appends `item` (its frame) to the history. Precondition: item.size() < 4 GiB.
  void append(std::string_view item);

  std::size_t size() const { return index_.size(); }
  bool empty() const { return index_.empty(); }
  // The text of item `i` (0 = oldest). Valid as long as the log lives.
  std::string_view item(std::size_t i) const;
  // Encoded bytes of all items (4 + length each).
  std::uint64_t encoded_bytes() const { return encoded_bytes_; }

  Snapshot snapshot() const;
  Reader read(Snapshot end) const { return Reader(this, end); }

 private:
  struct Block {
    std::unique_ptr<char[]> data;
    std::size_t capacity = 0;
    std::size_t used = 0;
  };
  struct Location {
    std::uint32_t block;
    std::uint32_t offset;  // Of the frame's first length byte.
  };

  std::vector<Block> blocks_;
  std::vector<Location> index_;
  std::uint64_t encoded_bytes_ = 0;
};

}  // namespace chatkit

#endif  // CHATKIT_KIT_PROTOCOL_HISTORY_LOG_H_
