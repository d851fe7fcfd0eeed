// Fuzz target: the in-memory history (kit/protocol/history_log.h) that every replay reads from.
//
// The input is a program of operations: append an item (of a size the input picks, up to past
// the 256 KiB block size), take a snapshot, and read a snapshot taken earlier in pieces of
// sizes the input picks, while more items are appended behind it. Every read must give exactly
// the frames of the items in that snapshot, in order, in pieces within the asked size, and the
// log must report the same items and byte counts as a plain vector kept beside it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "kit/framing/frame_codec.h"
#include "kit/protocol/history_log.h"

namespace {

// At most this many bytes of items per input, so that one input stays fast.
constexpr std::size_t kMaxTotalBytes = 320 * 1024;
// At most this many bytes replayed per input, whatever the number of read operations.
constexpr std::size_t kReadBudgetBytes = 1024 * 1024;
// At most about this many pieces read per input: a replay of 1 MiB in 1-byte pieces would take
// the fuzzer a tenth of a second under ASan, and it would try a few inputs a second.
constexpr std::size_t kPieceBudget = 16 * 1024;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace chatkit;
  using namespace chatkit::fuzz;
  InputReader input(data, size);
  HistoryLog log;
  std::vector<std::string> items;  // The model...
  std::string frames;              // ...and its items' frames, back to back.
  std::vector<HistoryLog::Snapshot> snapshots;
  std::size_t total = 0;
  std::size_t read_budget = kReadBudgetBytes;
  std::size_t piece_budget = kPieceBudget;

  for (std::size_t step = 0; step < size; ++step) {
    const std::uint8_t op = input.byte();
    switch (op % 4) {
      case 0:
      case 1: {  // Append an item.
        std::size_t length = input.byte();
        if (op & 0x80) length = (length << 8 | input.byte()) * 5;  // Up to ~320 KiB.
        if (total + length > kMaxTotalBytes) length = 0;
        const char fill = static_cast<char>('a' + op % 26);
        std::string item(length, fill);
        if (!item.empty()) item.back() = static_cast<char>('0' + items.size() % 10);
        log.append(item);
        append_frame(item, frames);
        items.push_back(std::move(item));
        total += length;
        break;
      }
      case 2:  // Take a snapshot.
        snapshots.push_back(log.snapshot());
        break;
      case 3: {  // Read a snapshot, in pieces of a size the input picks.
        if (snapshots.empty()) break;
        const HistoryLog::Snapshot snapshot = snapshots[input.byte() % snapshots.size()];
        if (snapshot.bytes > read_budget) break;
        std::size_t max_bytes = 1 + input.byte();
        if (op & 0x80) max_bytes = max_bytes * 64;
        // Every piece but the last of a block is max_bytes long: this is nearly the count.
        if (snapshot.bytes / max_bytes >= piece_budget) break;
        read_budget -= snapshot.bytes;
        std::size_t expected_bytes = 0;
        for (std::size_t i = 0; i < snapshot.items; ++i) {
          expected_bytes += kFrameHeaderBytes + items[i].size();
        }
        FUZZ_CHECK(snapshot.bytes == expected_bytes,
                   "snapshot of %zu items says %llu bytes, "
                   "the items take %zu",
                   snapshot.items, static_cast<unsigned long long>(snapshot.bytes), expected_bytes);
        HistoryLog::Reader reader = log.read(snapshot);
        std::string got;
        for (;;) {
          const HistoryLog::Piece piece = reader.next(max_bytes);
          if (piece.size == 0) break;
          if (piece_budget > 0) --piece_budget;
          FUZZ_CHECK(piece.size <= max_bytes, "piece of %zu bytes, asked for at most %zu",
                     piece.size, max_bytes);
          FUZZ_CHECK(got.size() + piece.size <= expected_bytes, "read past the snapshot");
          got.append(piece.data, piece.size);
          // Appending while a replay is under way must not disturb it (blocks never move).
          if ((op & 0x40) && reader.bytes_read() % 16 == 0 && total < kMaxTotalBytes) {
            log.append("behind the replay");
            append_frame("behind the replay", frames);
            items.emplace_back("behind the replay");
            total += 17;
          }
        }
        FUZZ_CHECK(reader.done(), "reader not done after an empty piece");
        // `frames` may have grown (and moved) meanwhile; only now take the snapshot's part.
        const std::string_view expected = std::string_view(frames).substr(0, expected_bytes);
        FUZZ_CHECK(reader.bytes_read() == expected.size(), "bytes_read %llu, want %zu",
                   static_cast<unsigned long long>(reader.bytes_read()), expected.size());
        FUZZ_CHECK(std::string_view(got) == expected,
                   "replay of %zu items differs from their frames (%zu vs %zu "
                   "bytes)",
                   snapshot.items, got.size(), expected.size());
        break;
      }
    }
  }

  FUZZ_CHECK(log.size() == items.size(), "%zu items, the model has %zu", log.size(), items.size());
  std::uint64_t encoded = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    FUZZ_CHECK(log.item(i) == items[i], "item %zu differs", i);
    encoded += kFrameHeaderBytes + items[i].size();
  }
  FUZZ_CHECK(log.encoded_bytes() == encoded, "encoded_bytes %llu, want %llu",
             static_cast<unsigned long long>(log.encoded_bytes()),
             static_cast<unsigned long long>(encoded));
  return 0;
}
