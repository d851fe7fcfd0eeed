// The mistake recognisers of kit/diagnostics/mistakes.h, shared by the exercise checks and the
// server's class view: one test per mistake with the bytes the course's broken programs send
// (exercises/broken/mistakes.cc, exercises/broken/python/stageN.py), correct conversations of
// every stage (split anywhere), and streams that are not complete.
#include "kit/diagnostics/mistakes.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "kit/framing/frame_codec.h"

namespace chatkit {
namespace {

constexpr std::uint32_t kMax = kDefaultMaxMessageBytes;

std::string frames(const std::vector<std::string>& messages) {
  std::string bytes;
  for (const std::string& message : messages) bytes += encode_frame(message);
  return bytes;
}

std::string length_bytes(std::uint32_t n, bool little_endian) {
  std::string bytes(4, '\0');
  for (int i = 0; i < 4; ++i) {
    const int shift = little_endian ? 8 * i : 24 - 8 * i;
    bytes[static_cast<std::size_t>(i)] = static_cast<char>((n >> shift) & 0xFF);
  }
  return bytes;
}

// The frame broken-client --mistake little-endian and stage1.py's little-endian client send.
std::string little_endian_frame(const std::string& text) {
  return length_bytes(static_cast<std::uint32_t>(text.size()), true) + text;
}

// The frame of --mistake character-length: the length counts code points.
std::string character_frame(const std::string& text) {
  std::uint32_t characters = 0;
  for (const char c : text) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return length_bytes(characters, false) + text;
}

Diagnosis client(const std::string& bytes, Stage stage = Stage::kSendOnly,
                 StreamEnd end = StreamEnd::kClosed, bool complete = true) {
  return diagnose_stream(bytes, Sender::kClient, stage, end, complete, kMax);
}

Diagnosis server(const std::string& bytes, Stage stage = Stage::kHistory,
                 StreamEnd end = StreamEnd::kClosed, bool complete = true) {
  return diagnose_stream(bytes, Sender::kServer, stage, end, complete, kMax);
}

#define EXPECT_MISTAKE(expected, diagnosis)                                                      \
  do {                                                                                           \
    const Diagnosis d_ = (diagnosis);                                                            \
    EXPECT_EQ(std::string(mistake_id(expected)), mistake_id(d_.mistake)) << "what: " << d_.what; \
  } while (false)

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

// --- Any input --------------------------------------------------------------------------------

// The promises every diagnosis keeps, whatever the bytes.
void expect_sound(const std::string& bytes, Sender sender, Stage stage, StreamEnd end,
                  bool complete, std::uint32_t max) {
  const Diagnosis d = diagnose_stream(bytes, sender, stage, end, complete, max);
  const std::string context = "bytes " + std::to_string(bytes.size()) + ", end " +
                              std::to_string(static_cast<int>(end)) + ", complete " +
                              std::to_string(complete) + ", max " + std::to_string(max);
  ASSERT_LE(d.offset, bytes.size()) << context;
  ASSERT_EQ(d.mistake == Mistake::kNone, d.what.empty()) << context << ": " << d.what;
  ASSERT_EQ(d.mistake == Mistake::kNone, std::string(mistake_id(d.mistake)).empty()) << context;
  if (d.mistake == Mistake::kNone) {
    ASSERT_EQ(nullptr, d.hint) << context;
  }
  const bool cut_short =
      d.mistake == Mistake::kCutShortInLength || d.mistake == Mistake::kCutShortInPayload;
  const bool may_continue = !complete || end == StreamEnd::kOpen ||
                            end == StreamEnd::kServerStopped || end == StreamEnd::kRefused ||
                            (sender == Sender::kServer && end == StreamEnd::kIdleTimeout);
  // Nothing that needs the stream's end is claimed while more may come.
  if (may_continue) {
    ASSERT_FALSE(cut_short) << context << ": " << d.what;
    ASSERT_NE(Mistake::kMissingItems, d.mistake) << context;
  }
  if (!complete || end != StreamEnd::kIdleTimeout) {
    ASSERT_NE(Mistake::kSilent, d.mistake) << context;
    ASSERT_NE(Mistake::kNeverClosed, d.mistake) << context;
  }
  // The checks' mistakes never come from a stream; a client has no count.
  ASSERT_NE(Mistake::kDifferentText, d.mistake) << context;
  if (sender == Sender::kClient) {
    ASSERT_NE(Mistake::kCountAsBinary, d.mistake) << context;
    ASSERT_NE(Mistake::kForgotCount, d.mistake) << context;
    ASSERT_NE(Mistake::kNonDigitCount, d.mistake) << context;
    ASSERT_NE(Mistake::kMissingItems, d.mistake) << context;
  }
  // The same bytes, the same diagnosis.
  const Diagnosis again = diagnose_stream(bytes, sender, stage, end, complete, max);
  ASSERT_EQ(d.mistake, again.mistake);
  ASSERT_EQ(d.what, again.what);
}

void expect_sound_everywhere(const std::string& bytes, std::uint32_t max) {
  for (const Sender sender : {Sender::kClient, Sender::kServer}) {
    for (const Stage stage : {Stage::kSendOnly, Stage::kHistory, Stage::kPersisted}) {
      for (const StreamEnd end :
           {StreamEnd::kOpen, StreamEnd::kClosed, StreamEnd::kReset, StreamEnd::kIdleTimeout,
            StreamEnd::kRefused, StreamEnd::kServerStopped}) {
        for (const bool complete : {true, false}) {
          expect_sound(bytes, sender, stage, end, complete, max);
          if (::testing::Test::HasFatalFailure()) return;
        }
      }
    }
  }
}

// Pieces the streams are made of: frames right and wrong, digits, text, UTF-8 and its halves.
std::string random_piece(std::uint32_t& state) {
  auto next = [&state] {
    state = state * 1664525u + 1013904223u;  // A fixed LCG: the same inputs on every run.
    return state >> 8;
  };
  static const std::vector<std::string> texts = {
      "", "Hi", "h\xc3\xa9llo", "0", "12", "history", "\xc3", "\xa9", "\xf0\x9f\x98\x80", "2Hi"};
  const std::string& text = texts[next() % texts.size()];
  switch (next() % 9) {
    case 0:
      return encode_frame(text);
    case 1:
      return little_endian_frame(text);
    case 2:
      return character_frame(text);
    case 3:
      return std::to_string(text.size()) + text;
    case 4:
      return length_bytes(next(), next() % 2 == 0);
    case 5:
      return length_bytes(static_cast<std::uint32_t>(next() % 3), false);
    case 6:
      return std::string(1, static_cast<char>(next()));
    case 7:
      return encode_frame(text).substr(0, next() % 6);
    default:
      return text;
  }
}

TEST(DiagnoseStreamOnAnyInput, KeepsItsPromisesOnRandomAndEdgeInputs) {
  std::vector<std::string> inputs = {
      "",
      std::string(1, '\0'),
      std::string(4, '\0'),
      std::string(4, '\xff'),
      std::string(3, '0'),
      "0000",
      "9999999999",
      std::string(1000, '\0'),
      std::string(1000, '\x80'),
      std::string(1000, '7'),
  };
  std::uint32_t state = 15;
  for (int i = 0; i < 1500; ++i) {
    std::string bytes;
    const int pieces = static_cast<int>(state % 6);
    for (int p = 0; p < pieces; ++p) bytes += random_piece(state);
    inputs.push_back(bytes);
  }
  for (const std::string& bytes : inputs) {
    for (const std::uint32_t max : {0u, 5u, kMax, 0xffffffffu}) {
      expect_sound_everywhere(bytes, max);
      if (HasFatalFailure()) return;
    }
  }
}

}  // namespace
}  // namespace chatkit
