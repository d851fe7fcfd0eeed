// The mistake recognisers of kit/diagnostics/mistakes.h on a server's bytes (the history, the
// acknowledgement), and diagnose_frame(), the recogniser of the exercise checks.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "kit/diagnostics/mistakes.h"
#include "kit/framing/frame_codec.h"
#include "tests/unit/mistake_bytes.h"

namespace chatkit {
namespace {

using namespace mistake_bytes;  // The tests' byte builders.

// --- A server's bytes -------------------------------------------------------------------------

TEST(DiagnoseServerStream, CorrectHistoriesAreNoMistake) {
  const std::vector<std::vector<std::string>> conversations = {
      {"0"},
      {"2", "Hi", "h\xc3\xa9llo"},
      {"1", "Hi", "2", "Hi", "there"},  // Stage 2: "history" asked for it again.
  };
  for (const auto& conversation : conversations) {
    const std::string bytes = frames(conversation);
    EXPECT_MISTAKE(Mistake::kNone, server(bytes));
    for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
      EXPECT_MISTAKE(Mistake::kNone,
                     server(bytes.substr(0, cut), Stage::kHistory, StreamEnd::kOpen));
    }
  }
  // Stage 3: the history of posts, then the acknowledgement.
  const std::string posts = frames({"1", "[2026-11-24T09:14:40.000017+01:00 192.0.2.7] Hello",
                                    "[2026-11-24T09:15:02.123456+01:00 pc7] Hi"});
  EXPECT_MISTAKE(Mistake::kNone, server(posts, Stage::kPersisted));
  // A stage-1 server says nothing.
  EXPECT_MISTAKE(Mistake::kNone, server("", Stage::kSendOnly, StreamEnd::kIdleTimeout));
}

TEST(DiagnoseServerStream, TheCountAsFourBinaryBytesInAFrame) {
  // broken-server --mistake binary-count: the count as 4 bytes, big-endian, in a frame.
  const Diagnosis d = server(length_bytes(4, false) + length_bytes(2, false) + frames({"a", "b"}));
  EXPECT_EQ(Mistake::kCountAsBinary, d.mistake) << d.what;
  EXPECT_EQ(kHintCountAsBinary, d.hint);
  EXPECT_EQ(
      "the count frame 00 00 00 04 00 00 00 02 holds 4 binary bytes, not decimal digits: "
      "read as a big-endian number they are 2",
      d.what);
  // The empty history: 00 00 00 04 00 00 00 00.
  EXPECT_MISTAKE(Mistake::kCountAsBinary, server(length_bytes(4, false) + length_bytes(0, false)));
  // The count 128 little-endian is not UTF-8 (80 00 00 00); still a binary count.
  EXPECT_MISTAKE(Mistake::kCountAsBinary, server(length_bytes(4, false) + length_bytes(128, true),
                                                 Stage::kPersisted, StreamEnd::kOpen));
}

TEST(DiagnoseServerStream, TheCountAsBareBinaryBytesWithoutAFrame) {
  EXPECT_MISTAKE(Mistake::kCountAsBinary, server(length_bytes(2, false) + frames({"Hi", "Ho"})));
}

TEST(DiagnoseServerStream, TheItemsWithoutTheirCount) {
  // broken-server --mistake missing-count.
  const Diagnosis d = server(frames({"Hi", "there"}));
  EXPECT_EQ(Mistake::kForgotCount, d.mistake) << d.what;
  EXPECT_EQ(kHintForgotCount, d.hint);
  EXPECT_EQ(0u, d.offset);
  // An empty history without its count is nothing at all, and an orderly close.
  EXPECT_MISTAKE(Mistake::kForgotCount, server("", Stage::kPersisted));
}

TEST(DiagnoseServerStream, ACountThatIsNotOnlyDigits) {
  EXPECT_MISTAKE(Mistake::kNonDigitCount, server(frames({"2\n", "a", "b"})));
  EXPECT_MISTAKE(Mistake::kNonDigitCount, server(frames({""})));
}

TEST(DiagnoseServerStream, LittleEndianLengths) {
  // broken-server --mistake little-endian with an empty history: 01 00 00 00 30.
  EXPECT_MISTAKE(Mistake::kLittleEndianLength, server(little_endian_frame("0")));
  const Diagnosis d =
      server(little_endian_frame("2") + little_endian_frame("Hi") + little_endian_frame("Ho"));
  EXPECT_EQ(Mistake::kLittleEndianLength, d.mistake) << d.what;
  EXPECT_EQ(kHintByteOrder, d.hint);
}

TEST(DiagnoseServerStream, ItemLengthsThatCountCharacters) {
  // broken-server --mistake character-length: "1" is fine, the item "héllo" is not.
  const Diagnosis d = server(character_frame("1") + character_frame("h\xc3\xa9llo"));
  EXPECT_EQ(Mistake::kLengthCountsCharacters, d.mistake) << d.what;
  EXPECT_EQ(5u, d.offset);
}

TEST(DiagnoseServerStream, FewerItemsThanTheCount) {
  // broken-server --mistake early-close closes after the history; here two of three came.
  const Diagnosis d = server(frames({"3", "a", "b"}));
  EXPECT_EQ(Mistake::kMissingItems, d.mistake) << d.what;
  EXPECT_EQ(kHintMissingItems, d.hint);
  // Still open, or not all kept: more may come.
  EXPECT_MISTAKE(Mistake::kNone,
                 server(frames({"3", "a", "b"}), Stage::kHistory, StreamEnd::kOpen));
  EXPECT_MISTAKE(Mistake::kNone,
                 server(frames({"3", "a", "b"}), Stage::kHistory, StreamEnd::kClosed, false));
}

TEST(DiagnoseServerStream, AServerStalledAtTheIdleTimeoutIsNotCutShort) {
  // A server stops mid-history at the idle timeout because its client stopped reading.
  EXPECT_MISTAKE(Mistake::kNone,
                 server(frames({"3", "a", "b"}), Stage::kHistory, StreamEnd::kIdleTimeout));
  EXPECT_MISTAKE(Mistake::kNone, server(frames({"1", "hello"}).substr(0, 7), Stage::kHistory,
                                        StreamEnd::kIdleTimeout));
}

TEST(DiagnoseServerStream, AnItemCutShort) {
  const std::string bytes = frames({"1", "hello"});
  EXPECT_MISTAKE(Mistake::kCutShortInPayload, server(bytes.substr(0, bytes.size() - 2)));
}

TEST(DiagnoseServerStream, FramesAfterWhatTheStageSends) {
  EXPECT_MISTAKE(Mistake::kExtraFrames, server(frames({"Hi"}), Stage::kSendOnly));
  EXPECT_MISTAKE(Mistake::kExtraFrames,
                 server(frames({"0", "[2026-11-24T09:15:02.123456+01:00 pc7] Hi", "more"}),
                        Stage::kPersisted));
  EXPECT_MISTAKE(Mistake::kExtraFrames, server(frames({"0", "0", "x"})));
}

TEST(DiagnoseServerStream, AServerThatSaysNothing) {
  EXPECT_MISTAKE(Mistake::kSilent, server("", Stage::kHistory, StreamEnd::kIdleTimeout));
}

// --- diagnose_frame(), the checks' recogniser -------------------------------------------------

TEST(DiagnoseFrame, NamesEachMistakeAgainstTheExpectedFrame) {
  EXPECT_MISTAKE(Mistake::kNone, diagnose_frame("Hi", "", false));
  EXPECT_MISTAKE(Mistake::kCutShortInLength, diagnose_frame("Hi", std::string("\0\0", 2), false));
  EXPECT_MISTAKE(Mistake::kCountAsBinary,
                 diagnose_frame("3", length_bytes(4, false) + length_bytes(3, false), true));
  EXPECT_MISTAKE(Mistake::kCountAsBinary,
                 diagnose_frame("3", length_bytes(4, false) + length_bytes(3, true), true));
  EXPECT_MISTAKE(
      Mistake::kCountAsBinary,
      diagnose_frame("3", length_bytes(8, false) + std::string(4, '\0') + length_bytes(3, false),
                     true));
  EXPECT_MISTAKE(Mistake::kForgotCount, diagnose_frame("1", encode_frame("Hi"), true, "Hi"));
  EXPECT_MISTAKE(Mistake::kNonDigitCount, diagnose_frame("1", encode_frame("x"), true, "Hi"));
  EXPECT_MISTAKE(Mistake::kLittleEndianLength,
                 diagnose_frame("Hi", little_endian_frame("Hi"), false));
  EXPECT_MISTAKE(Mistake::kLengthCountsCharacters,
                 diagnose_frame("h\xc3\xa9", character_frame("h\xc3\xa9"), false));
  EXPECT_MISTAKE(Mistake::kLengthAsText, diagnose_frame("Hi", "0002Hi", false));
  // Fewer than 4 bytes are a cut-short length prefix to the checks, as they always were.
  EXPECT_MISTAKE(Mistake::kCutShortInLength, diagnose_frame("Hi", "2Hi", false));
  EXPECT_MISTAKE(Mistake::kCutShortInPayload,
                 diagnose_frame("hello", encode_frame("hello").substr(0, 6), false));
  EXPECT_MISTAKE(Mistake::kDifferentText, diagnose_frame("Hi", encode_frame("Ho"), false));
  EXPECT_MISTAKE(Mistake::kNone, diagnose_frame("Hi", encode_frame("Hello"), false));
  EXPECT_EQ(kHintByteOrder, diagnose_frame("Hi", little_endian_frame("Hi"), false).hint);
}

}  // namespace
}  // namespace chatkit
