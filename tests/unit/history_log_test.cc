// Tests for HistoryLog: items and their encoded size, and Readers that replay exactly the frames
// of a snapshot, whatever is appended meanwhile and however small the pieces are.
#include "kit/protocol/history_log.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kit/diagnostics/byte_dump.h"
#include "kit/framing/frame_codec.h"

namespace chatkit {
namespace {

// Big enough for the largest item these tests append.
constexpr std::uint32_t kDecodeLimit = 4 * 1024 * 1024;

// Reads the whole snapshot in pieces of at most `max_bytes` and returns the bytes, checking each
// piece's size on the way.
std::string read_all(const HistoryLog& log, HistoryLog::Snapshot end, std::size_t max_bytes) {
  HistoryLog::Reader reader = log.read(end);
  std::string bytes;
  for (;;) {
    const HistoryLog::Piece piece = reader.next(max_bytes);
    if (piece.size == 0) break;
    EXPECT_LE(piece.size, max_bytes);
    EXPECT_NE(nullptr, piece.data);
    bytes.append(piece.data, piece.size);
    EXPECT_EQ(bytes.size(), reader.bytes_read());
  }
  EXPECT_TRUE(reader.done());
  EXPECT_EQ(0u, reader.next(max_bytes).size) << "a finished reader stays finished";
  return bytes;
}

// Decodes a replay into its messages; any leftover or failure is a test failure.
std::vector<std::string> decode(const std::string& bytes) {
  FrameDecoder decoder(kDecodeLimit);
  std::vector<std::string> messages;
  std::size_t used = 0;
  while (used < bytes.size()) {
    used += decoder.feed(std::string_view(bytes).substr(used));
    if (decoder.state() == FrameDecoder::State::kFrameDone) {
      messages.emplace_back(decoder.message());
    } else if (decoder.state() == FrameDecoder::State::kFailed) {
      ADD_FAILURE() << "the replay does not decode: " << decoder.error_text() << "\n"
                    << hex_dump(bytes, used);
      return messages;
    }
  }
  EXPECT_NE(FrameDecoder::State::kReadingPayload, decoder.state()) << "the replay ends mid-frame";
  EXPECT_TRUE(decoder.state() != FrameDecoder::State::kReadingLength ||
              decoder.length_bytes_read() == 0)
      << "the replay ends mid-length";
  return messages;
}

std::string encode_all(const std::vector<std::string>& items) {
  std::string bytes;
  for (const std::string& item : items) append_frame(item, bytes);
  return bytes;
}

::testing::AssertionResult replays_exactly(const HistoryLog& log, HistoryLog::Snapshot end,
                                           const std::vector<std::string>& items,
                                           std::size_t max_bytes) {
  const std::string replay = read_all(log, end, max_bytes);
  const std::string expected = encode_all(items);
  if (replay != expected) {
    return ::testing::AssertionFailure() << "replay with pieces of at most " << max_bytes
                                         << " bytes differs from the frames of the snapshot:\n"
                                         << describe_difference(expected, replay);
  }
  const std::vector<std::string> messages = decode(replay);
  if (messages != items) {
    return ::testing::AssertionFailure()
           << "expected " << items.size() << " items, decoded " << messages.size();
  }
  return ::testing::AssertionSuccess();
}

std::string numbered_item(std::size_t i, std::size_t size) {
  std::string item = "item " + std::to_string(i) + " ";
  item.resize(size, static_cast<char>('a' + i % 26));
  return item;
}

TEST(HistoryLog, StartsEmpty) {
  HistoryLog log;
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(0u, log.size());
  EXPECT_EQ(0u, log.encoded_bytes());
  const HistoryLog::Snapshot end = log.snapshot();
  EXPECT_EQ(0u, end.items);
  EXPECT_EQ(0u, end.bytes);
}

TEST(HistoryLog, SnapshotOfAnEmptyLogYieldsNothing) {
  HistoryLog log;
  const HistoryLog::Snapshot end = log.snapshot();
  log.append("after the snapshot");
  HistoryLog::Reader reader = log.read(end);
  EXPECT_TRUE(reader.done());
  EXPECT_EQ(0u, reader.next(1024).size);
  EXPECT_EQ(0u, reader.bytes_read());
}

TEST(HistoryLog, DefaultReaderYieldsNothing) {
  HistoryLog::Reader reader;
  EXPECT_TRUE(reader.done());
  EXPECT_EQ(0u, reader.next(16).size);
}

TEST(HistoryLog, KeepsItemsInOrderWithTheirEncodedSize) {
  HistoryLog log;
  log.append("first");
  log.append("");
  log.append("caf\xC3\xA9");
  EXPECT_FALSE(log.empty());
  ASSERT_EQ(3u, log.size());
  EXPECT_EQ("first", log.item(0));
  EXPECT_EQ("", log.item(1));
  EXPECT_EQ("caf\xC3\xA9", log.item(2));
  EXPECT_EQ((4u + 5u) + (4u + 0u) + (4u + 5u), log.encoded_bytes());

  const HistoryLog::Snapshot end = log.snapshot();
  EXPECT_EQ(3u, end.items);
  EXPECT_EQ(log.encoded_bytes(), end.bytes);
}

TEST(HistoryLog, ReplaysTheFramesOfASnapshot) {
  HistoryLog log;
  const std::vector<std::string> items = {"Hi", "", "second \xE2\x82\xAC", std::string(300, 'x')};
  for (const std::string& item : items) log.append(item);
  EXPECT_TRUE(replays_exactly(log, log.snapshot(), items, 64 * 1024));
}

TEST(HistoryLog, ReplaysOnlyTheSnapshotWhenMoreItemsArriveLater) {
  HistoryLog log;
  std::vector<std::string> items = {"one", "two", "three"};
  for (const std::string& item : items) log.append(item);
  const HistoryLog::Snapshot end = log.snapshot();
  log.append("four");
  log.append("five");
  EXPECT_EQ(5u, log.size());
  EXPECT_TRUE(replays_exactly(log, end, items, 64 * 1024));
  EXPECT_EQ(encode_all(items).size(), end.bytes);
}

TEST(HistoryLog, ReplaysTheSnapshotWhileItemsAreAppendedBetweenPieces) {
  HistoryLog log;
  std::vector<std::string> items;
  for (std::size_t i = 0; i < 100; ++i) {
    items.push_back(numbered_item(i, 50));
    log.append(items.back());
  }
  const HistoryLog::Snapshot end = log.snapshot();
  HistoryLog::Reader reader = log.read(end);
  std::string replay;
  std::size_t appended = 0;
  for (;;) {
    const HistoryLog::Piece piece = reader.next(100);
    if (piece.size == 0) break;
    replay.append(piece.data, piece.size);
    // A busy class: every piece sent, another post arrives, enough to fill new blocks.
    log.append(numbered_item(1000 + appended++, 8 * 1024));
  }
  const std::string expected = encode_all(items);
  EXPECT_EQ(expected, replay) << describe_difference(expected, replay);
  EXPECT_EQ(items, decode(replay));
  EXPECT_EQ(end.bytes, reader.bytes_read());
}

TEST(HistoryLog, ReplaysWithTinyPieces) {
  HistoryLog log;
  const std::vector<std::string> items = {"a", "", "bc", "def\xF0\x9F\x98\x80", "g"};
  for (const std::string& item : items) log.append(item);
  for (const std::size_t max_bytes : {1u, 2u, 3u, 5u, 7u}) {
    EXPECT_TRUE(replays_exactly(log, log.snapshot(), items, max_bytes));
  }
}

TEST(HistoryLog, KeepsItemsLargerThanABlock) {
  HistoryLog log;
  const std::vector<std::string> items = {"before", numbered_item(1, HistoryLog::kBlockBytes + 10),
                                          "between", numbered_item(2, HistoryLog::kBlockBytes * 2),
                                          "after"};
  for (const std::string& item : items) log.append(item);
  ASSERT_EQ(items.size(), log.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    EXPECT_TRUE(log.item(i) == items[i]) << "item " << i << " differs:\n"
                                         << describe_difference(items[i], log.item(i));
  }
  EXPECT_TRUE(replays_exactly(log, log.snapshot(), items, 64 * 1024));
  EXPECT_TRUE(replays_exactly(log, log.snapshot(), items, 1000003));
}

TEST(HistoryLog, ReplaysManyItemsSpanningSeveralBlocks) {
  HistoryLog log;
  std::vector<std::string> items;
  // About 3.5 blocks of 300-byte items, then a snapshot in the middle of the last block.
  const std::size_t count = HistoryLog::kBlockBytes * 7 / 2 / 304;
  for (std::size_t i = 0; i < count; ++i) {
    items.push_back(numbered_item(i, 300));
    log.append(items.back());
  }
  const HistoryLog::Snapshot end = log.snapshot();
  EXPECT_GE(end.blocks, 4u) << "the test needs several blocks";
  for (std::size_t i = 0; i < count; ++i) log.append(numbered_item(count + i, 300));

  EXPECT_EQ(2 * count, log.size());
  EXPECT_TRUE(replays_exactly(log, end, items, 64 * 1024));
  EXPECT_TRUE(replays_exactly(log, end, items, 4096 + 3));
}

TEST(HistoryLog, ItemViewsStayValidAsTheLogGrows) {
  HistoryLog log;
  log.append("the oldest item");
  const std::string_view oldest = log.item(0);
  const char* const where = oldest.data();
  for (std::size_t i = 0; i < 2000; ++i) log.append(numbered_item(i, 1024));
  EXPECT_EQ(where, log.item(0).data()) << "blocks are never moved";
  EXPECT_EQ("the oldest item", oldest);
  EXPECT_EQ(numbered_item(1999, 1024), log.item(2000));
}

TEST(HistoryLog, ReadersOfOneSnapshotAreIndependent) {
  HistoryLog log;
  const std::vector<std::string> items = {"x", "yy", "zzz"};
  for (const std::string& item : items) log.append(item);
  const HistoryLog::Snapshot end = log.snapshot();
  HistoryLog::Reader first = log.read(end);
  ASSERT_EQ(3u, first.next(3).size);
  EXPECT_TRUE(replays_exactly(log, end, items, 2));
  std::string rest;
  for (HistoryLog::Piece piece = first.next(100); piece.size > 0; piece = first.next(100)) {
    rest.append(piece.data, piece.size);
  }
  const std::string expected = encode_all(items).substr(3);
  EXPECT_EQ(expected, rest) << describe_difference(expected, rest);
}

}  // namespace
}  // namespace chatkit
