// The mistake recognisers of kit/diagnostics/mistakes.h, shared by the exercise checks and the
// server's class view, on a client's bytes: one test per mistake with the bytes the course's
// broken programs send (exercises/broken/mistakes.cc, exercises/broken/python/stageN.py),
// correct conversations of every stage (split anywhere), and streams that are not complete.
#include "kit/diagnostics/mistakes.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "kit/framing/frame_codec.h"
#include "tests/unit/mistake_bytes.h"

namespace chatkit {
namespace {

using namespace mistake_bytes;  // The tests' byte builders.

TEST(MistakeId, NamesEveryMistakeStably) {
  EXPECT_STREQ("", mistake_id(Mistake::kNone));
  EXPECT_STREQ("little-endian-length", mistake_id(Mistake::kLittleEndianLength));
  EXPECT_STREQ("length-counts-characters", mistake_id(Mistake::kLengthCountsCharacters));
  EXPECT_STREQ("length-as-text", mistake_id(Mistake::kLengthAsText));
  EXPECT_STREQ("count-as-binary", mistake_id(Mistake::kCountAsBinary));
  EXPECT_STREQ("forgot-count", mistake_id(Mistake::kForgotCount));
  EXPECT_STREQ("cut-short-in-length", mistake_id(Mistake::kCutShortInLength));
  EXPECT_STREQ("cut-short-in-payload", mistake_id(Mistake::kCutShortInPayload));
  EXPECT_STREQ("length-above-limit", mistake_id(Mistake::kLengthAboveLimit));
  EXPECT_STREQ("invalid-utf8", mistake_id(Mistake::kInvalidUtf8));
  EXPECT_STREQ("extra-frames", mistake_id(Mistake::kExtraFrames));
  EXPECT_STREQ("never-closed", mistake_id(Mistake::kNeverClosed));
  EXPECT_STREQ("silent", mistake_id(Mistake::kSilent));
  EXPECT_STREQ("non-digit-count", mistake_id(Mistake::kNonDigitCount));
  EXPECT_STREQ("missing-items", mistake_id(Mistake::kMissingItems));
  EXPECT_STREQ("different-text", mistake_id(Mistake::kDifferentText));
}

// --- A client's bytes -------------------------------------------------------------------------

TEST(DiagnoseClientStream, ACorrectFrameOfEveryStageIsNoMistake) {
  for (const Stage stage : {Stage::kSendOnly, Stage::kHistory, Stage::kPersisted}) {
    for (const std::string& text : {std::string("Hi"), std::string("h\xc3\xa9llo"), std::string(),
                                    std::string("history"), std::string(300, 'x')}) {
      const std::string bytes = encode_frame(text);
      const Diagnosis d = client(bytes, stage);
      EXPECT_EQ(Mistake::kNone, d.mistake) << text << ": " << d.what;
      EXPECT_EQ("", d.what);
      EXPECT_EQ(nullptr, d.hint);
      // Split anywhere: every prefix, the connection still open, is correct so far.
      for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
        EXPECT_MISTAKE(Mistake::kNone, client(bytes.substr(0, cut), stage, StreamEnd::kOpen));
      }
    }
  }
}

TEST(DiagnoseClientStream, NothingThenAnOrderlyCloseIsNoMistake) {
  EXPECT_MISTAKE(Mistake::kNone, client(""));
  EXPECT_MISTAKE(Mistake::kNone, client("", Stage::kHistory, StreamEnd::kReset));
  EXPECT_MISTAKE(Mistake::kNone, client("", Stage::kPersisted, StreamEnd::kRefused));
}

TEST(DiagnoseClientStream, ALittleEndianLengthThatFitsTheBytesExactly) {
  // stage1.py client --mistake little-endian, and broken-client's: struct.pack("<I", 2) + "Hi".
  const Diagnosis d = client(little_endian_frame("Hi"));
  EXPECT_EQ(Mistake::kLittleEndianLength, d.mistake) << d.what;
  EXPECT_EQ(0u, d.offset);
  EXPECT_EQ(kHintByteOrder, d.hint);
  EXPECT_EQ(
      "the length 02 00 00 00 reads as 33,554,432, above the limit of 1,048,576 bytes: read "
      "little-endian it is 2, exactly the bytes that came",
      d.what);
}

TEST(DiagnoseClientStream, ALittleEndianLengthThatReadsWithinTheLimitButBeyondTheBytes) {
  // 256 bytes: 00 01 00 00 reads as 65,536, under the limit, but only 256 bytes came.
  const Diagnosis d = client(little_endian_frame(std::string(256, 'a')));
  EXPECT_EQ(Mistake::kLittleEndianLength, d.mistake) << d.what;
  EXPECT_EQ(
      "the length 00 01 00 00 reads as 65,536 but only 256 bytes followed: read little-endian it "
      "is 256, exactly the bytes that came",
      d.what);
  // While the connection is open, the rest of 65,536 bytes may still come: no mistake yet.
  EXPECT_MISTAKE(Mistake::kNone, client(little_endian_frame(std::string(256, 'a')),
                                        Stage::kSendOnly, StreamEnd::kOpen));
}

TEST(DiagnoseClientStream, ALengthThatCountsCharacters) {
  // broken-client --mistake character-length: "héllo" is 5 characters, 6 bytes.
  const Diagnosis d = client(character_frame("h\xc3\xa9llo"));
  EXPECT_EQ(Mistake::kLengthCountsCharacters, d.mistake) << d.what;
  EXPECT_EQ(kHintCharacters, d.hint);
  EXPECT_EQ(0u, d.offset);
  EXPECT_NE(std::string::npos, d.what.find("00 00 00 05")) << d.what;
  // "hé": the length 2 cuts the é in half (68 c3), which alone is no UTF-8.
  EXPECT_MISTAKE(Mistake::kLengthCountsCharacters,
                 client(character_frame("h\xc3\xa9"), Stage::kHistory));
}

TEST(DiagnoseClientStream, ALengthSentAsText) {
  const Diagnosis d = client("2Hi");
  EXPECT_EQ(Mistake::kLengthAsText, d.mistake) << d.what;
  EXPECT_EQ(kHintLengthAsText, d.hint);
  EXPECT_MISTAKE(Mistake::kLengthAsText, client("0002Hi"));
  EXPECT_MISTAKE(Mistake::kLengthAsText, client("5\nhello", Stage::kHistory));
  // Four digits are the length as text even before the connection ends...
  EXPECT_MISTAKE(Mistake::kLengthAsText, client("0002Hi", Stage::kSendOnly, StreamEnd::kOpen));
  // ...but "2Hi" may still become a frame (32 48 69 xx) while it is open.
  EXPECT_MISTAKE(Mistake::kNone, client("2Hi", Stage::kSendOnly, StreamEnd::kOpen));
  // The client that stops after "2Hi" until the idle timeout.
  EXPECT_MISTAKE(Mistake::kLengthAsText, client("2Hi", Stage::kSendOnly, StreamEnd::kIdleTimeout));
}

TEST(DiagnoseClientStream, CutShortInTheLength) {
  const Diagnosis d = client(std::string("\0\0\0", 3));
  EXPECT_EQ(Mistake::kCutShortInLength, d.mistake) << d.what;
  EXPECT_EQ(kHintCutShort, d.hint);
  EXPECT_EQ(
      "the connection was closed after 3 of the 4 length bytes (00 00 00) of the frame at "
      "byte 0",
      d.what);
  EXPECT_MISTAKE(Mistake::kCutShortInLength,
                 client(std::string("\0", 1), Stage::kHistory, StreamEnd::kReset));
  EXPECT_MISTAKE(Mistake::kCutShortInLength,
                 client(std::string("\0\0", 2), Stage::kHistory, StreamEnd::kIdleTimeout));
}

TEST(DiagnoseClientStream, CutShortInThePayload) {
  const std::string bytes = encode_frame("hello, world").substr(0, 4 + 5);
  const Diagnosis d = client(bytes, Stage::kPersisted, StreamEnd::kReset);
  EXPECT_EQ(Mistake::kCutShortInPayload, d.mistake) << d.what;
  EXPECT_EQ(
      "the connection was reset after 5 of the 12 payload bytes that the length 00 00 00 0c "
      "of the frame at byte 0 announced",
      d.what);
}

TEST(DiagnoseClientStream, BytesNotAllKeptNeverClaimACutShortFrame) {
  const std::string frame = encode_frame(std::string(100, 'z'));
  for (std::size_t cut = 1; cut < frame.size(); ++cut) {
    for (const StreamEnd end : {StreamEnd::kClosed, StreamEnd::kReset, StreamEnd::kIdleTimeout}) {
      EXPECT_MISTAKE(Mistake::kNone, client(frame.substr(0, cut), Stage::kSendOnly, end, false));
    }
  }
  // Nor does a server that stopped, or a connection still open.
  EXPECT_MISTAKE(Mistake::kNone,
                 client(frame.substr(0, 7), Stage::kSendOnly, StreamEnd::kServerStopped));
}

TEST(DiagnoseClientStream, ALengthAboveTheLimitThatNoMistakeExplains) {
  const Diagnosis d = client("\xff\xff\xff\xff" + std::string(10, 'x'));
  EXPECT_EQ(Mistake::kLengthAboveLimit, d.mistake) << d.what;
  EXPECT_EQ(
      "the length ff ff ff ff of the frame at byte 0 reads as 4,294,967,295, above the limit "
      "of 1,048,576 bytes",
      d.what);
  // Printable length bytes: the message without its length.
  EXPECT_EQ(
      "the length 68 65 6c 6c of the frame at byte 0 reads as 1,751,477,356, above the "
      "limit of 1,048,576 bytes; they are the text \"hell\"",
      client("hello").what);
  // Little-endian but not all of it came (the server closed at the header): only the fact.
  EXPECT_MISTAKE(Mistake::kLengthAboveLimit, client(little_endian_frame("Hello").substr(0, 6)));
}

TEST(DiagnoseClientStream, APayloadThatIsNotUtf8) {
  const Diagnosis d = client(length_bytes(2, false) + "\xc3\x28");
  EXPECT_EQ(Mistake::kInvalidUtf8, d.mistake) << d.what;
  EXPECT_EQ(kHintInvalidUtf8, d.hint);
}

TEST(DiagnoseClientStream, FramesAfterTheOneFrame) {
  const Diagnosis d = client(frames({"Hi", "Ho"}), Stage::kHistory);
  EXPECT_EQ(Mistake::kExtraFrames, d.mistake) << d.what;
  EXPECT_EQ(6u, d.offset);
  EXPECT_EQ(kHintExtraFrames, d.hint);
  // Even one stray byte, and even while the connection is open.
  EXPECT_MISTAKE(Mistake::kExtraFrames,
                 client(frames({"Hi"}) + "\n", Stage::kSendOnly, StreamEnd::kOpen));
}

TEST(DiagnoseClientStream, AStageOneClientThatNeverCloses) {
  const Diagnosis d = client(frames({"Hi"}), Stage::kSendOnly, StreamEnd::kIdleTimeout);
  EXPECT_EQ(Mistake::kNeverClosed, d.mistake) << d.what;
  EXPECT_EQ(6u, d.offset);
  EXPECT_EQ(kHintNeverClosed, d.hint);
  // In stages 2 and 3 the server closes after the frame: a timeout there is not the client's.
  EXPECT_MISTAKE(Mistake::kNone, client(frames({"Hi"}), Stage::kHistory, StreamEnd::kIdleTimeout));
}

TEST(DiagnoseClientStream, AClientThatSaysNothing) {
  for (const Stage stage : {Stage::kSendOnly, Stage::kHistory, Stage::kPersisted}) {
    const Diagnosis d = client("", stage, StreamEnd::kIdleTimeout);
    EXPECT_EQ(Mistake::kSilent, d.mistake) << d.what;
    EXPECT_EQ(kHintSilent, d.hint);
  }
}

}  // namespace
}  // namespace chatkit
