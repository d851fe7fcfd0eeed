// chat-load's ReplyParser (bench/load/reply_parser.h): the server's replies in any chunking,
// counted exactly, and every way a reply can be wrong reported.
#include "bench/load/reply_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kit/diagnostics/byte_dump.h"
#include "kit/framing/frame_codec.h"
#include "kit/protocol/stage.h"

namespace chatkit {
namespace {

std::string history_bytes(const std::vector<std::string>& items) {
  std::string bytes = encode_frame(format_count(items.size()));
  for (const std::string& item : items) append_frame(item, bytes);
  return bytes;
}

// Feeds `bytes` in pieces of `piece` bytes (the last one shorter).
void feed_in_pieces(ReplyParser& parser, const std::string& bytes, std::size_t piece) {
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    const std::string chunk = bytes.substr(at, piece);
    parser.feed(chunk.data(), chunk.size());
  }
}

const std::vector<std::string> kItems = {"[2026-11-24T09:14:40.000017+01:00 192.0.2.7] Hello", "",
                                         "héllo wörld ✓", std::string(300, 'x'), "last"};

TEST(ReplyParser, CountsTheHistoryInEveryChunkingAndKeepsTheAcknowledgement) {
  const std::string history = history_bytes(kItems);
  const std::string ack = encode_frame("[2026-11-24T09:15:02.123456+01:00 127.0.0.1] Hi");
  for (std::size_t piece = 1; piece <= history.size(); ++piece) {
    ReplyParser parser(kDefaultMaxMessageBytes);
    feed_in_pieces(parser, history, piece);
    ASSERT_EQ(parser.phase(), ReplyParser::Phase::kQuiet)
        << "pieces of " << piece << ": " << to_string(parser.phase()) << " " << parser.error()
        << "\n"
        << hex_dump(history);
    EXPECT_EQ(parser.count(), kItems.size());
    EXPECT_EQ(parser.history_bytes(), history.size()) << "pieces of " << piece;
    parser.message_sent(true);
    ASSERT_EQ(parser.phase(), ReplyParser::Phase::kAck);
    feed_in_pieces(parser, ack, piece);
    ASSERT_EQ(parser.phase(), ReplyParser::Phase::kComplete) << parser.error();
    EXPECT_EQ(parser.ack(), "[2026-11-24T09:15:02.123456+01:00 127.0.0.1] Hi");
  }
}

TEST(ReplyParser, AnEmptyHistoryIsCompleteAfterItsCount) {
  ReplyParser parser(kDefaultMaxMessageBytes);
  const std::string bytes = history_bytes({});
  parser.feed(bytes.data(), bytes.size());
  EXPECT_EQ(parser.phase(), ReplyParser::Phase::kQuiet);
  EXPECT_EQ(parser.count(), 0u);
  parser.message_sent(false);
  EXPECT_EQ(parser.phase(), ReplyParser::Phase::kComplete);
}

struct BadReply {
  const char* what;
  std::string bytes;
  const char* error_contains;
};

TEST(ReplyParser, ReportsEveryMalformedReply) {
  // The count, then an item announcing 101 bytes, over the limit of 100.
  std::string too_long = encode_frame("1") + std::string("\x00\x00\x00\x65", 4);
  const std::vector<BadReply> cases = {
      {"a binary count", std::string("\x00\x00\x00\x04\x00\x00\x00\x03", 8), "not decimal"},
      {"a count longer than 18 digits", encode_frame(std::string(19, '9')), "18 digits"},
      {"an item over the limit", too_long, "over the limit"},
      {"bytes after the history", history_bytes({"a"}) + "x", "unexpected bytes"},
  };
  for (const BadReply& c : cases) {
    ReplyParser parser(100);
    parser.feed(c.bytes.data(), c.bytes.size());
    EXPECT_EQ(parser.phase(), ReplyParser::Phase::kFailed) << c.what << "\n" << hex_dump(c.bytes);
    EXPECT_NE(parser.error().find(c.error_contains), std::string::npos)
        << c.what << ": \"" << parser.error() << "\"";
  }
}

TEST(ReplyParser, BytesAfterTheAcknowledgementAreAnError) {
  ReplyParser parser(kDefaultMaxMessageBytes);
  const std::string history = history_bytes({"a"});
  parser.feed(history.data(), history.size());
  parser.message_sent(true);
  const std::string ack = encode_frame("ack") + "trailing";
  parser.feed(ack.data(), ack.size());
  EXPECT_EQ(parser.phase(), ReplyParser::Phase::kFailed);
  EXPECT_NE(parser.error().find("after the last frame"), std::string::npos) << parser.error();
}

TEST(ReplyParser, AHistoryCutShortStaysIncomplete) {
  const std::string history = history_bytes(kItems);
  ReplyParser parser(kDefaultMaxMessageBytes);
  parser.feed(history.data(), history.size() - 1);
  EXPECT_EQ(parser.phase(), ReplyParser::Phase::kHistory);
  EXPECT_EQ(parser.items_left(), 1u);
}

}  // namespace
}  // namespace chatkit
