// Tests for the frame codec: the encoder's byte order, and a decoder that must give exactly the
// same messages however TCP splits the stream (at every split point, one byte at a time), report
// its progress, enforce its limit before any payload arrives and reject payloads that are not
// UTF-8.
#include "kit/framing/frame_codec.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "kit/diagnostics/byte_dump.h"

namespace chatkit {
namespace {

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (const int value : values) out.push_back(static_cast<char>(value));
  return out;
}

// What a decoder made of a stream: the messages in order, and the error text if it failed.
struct Decoded {
  std::vector<std::string> messages;
  bool failed = false;
  FrameError error = FrameError::kNone;
  std::string error_text;
};

// Feeds `chunks` in order, the way a socket reader does, copying each message out as soon as it
// completes (message() is only valid until the next feed()).
Decoded decode_chunks(FrameDecoder& decoder, const std::vector<std::string>& chunks) {
  Decoded decoded;
  for (const std::string& chunk : chunks) {
    std::size_t used = 0;
    do {
      const std::size_t n = decoder.feed(std::string_view(chunk).substr(used));
      used += n;
      if (decoder.state() == FrameDecoder::State::kFrameDone) {
        decoded.messages.emplace_back(decoder.message());
      } else if (decoder.state() == FrameDecoder::State::kFailed) {
        decoded.failed = true;
        decoded.error = decoder.error();
        decoded.error_text = decoder.error_text();
        return decoded;
      } else if (n == 0 && used < chunk.size()) {
        decoded.failed = true;
        decoded.error_text = "feed() consumed nothing while bytes were left";
        return decoded;
      }
    } while (used < chunk.size());
  }
  return decoded;
}

// Compares message lists item by item, explaining the first difference byte by byte.
::testing::AssertionResult same_messages(const std::vector<std::string>& expected,
                                         const Decoded& actual) {
  if (actual.failed) {
    return ::testing::AssertionFailure() << "the decoder failed: " << actual.error_text;
  }
  for (std::size_t i = 0; i < expected.size() && i < actual.messages.size(); ++i) {
    if (expected[i] != actual.messages[i]) {
      return ::testing::AssertionFailure() << "message " << i << " differs:\n"
                                           << describe_difference(expected[i], actual.messages[i]);
    }
  }
  if (expected.size() != actual.messages.size()) {
    return ::testing::AssertionFailure()
           << "expected " << expected.size() << " messages, got " << actual.messages.size();
  }
  return ::testing::AssertionSuccess();
}

std::string encode_all(const std::vector<std::string>& messages) {
  std::string stream;
  for (const std::string& message : messages) append_frame(message, stream);
  return stream;
}

// Several frames, including empty ones and multi-byte characters, back to back.
std::vector<std::string> sample_messages() {
  return {"Hi", "",        "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", std::string(300, 'x'),
          "",   "last one"};
}

// ---- Encoding ----

TEST(FrameEncoder, WritesTheLengthBigEndianBeforeThePayload) {
  const std::string expected = bytes({0x00, 0x00, 0x00, 0x02, 'H', 'i'});
  const std::string actual = encode_frame("Hi");
  EXPECT_EQ(expected, actual) << describe_difference(expected, actual);
}

TEST(FrameEncoder, WritesA300ByteLengthAs0000012c) {
  const std::string message(300, 'm');
  const std::string actual = encode_frame(message);
  const std::string expected = bytes({0x00, 0x00, 0x01, 0x2c}) + message;
  EXPECT_EQ(expected, actual) << describe_difference(expected, actual);
}

TEST(FrameEncoder, EncodesAnEmptyMessageAsFourZeroBytes) {
  const std::string expected = bytes({0, 0, 0, 0});
  const std::string actual = encode_frame("");
  EXPECT_EQ(expected, actual) << describe_difference(expected, actual);
}

TEST(FrameEncoder, AppendFrameKeepsWhatIsAlreadyThere) {
  std::string out = "prefix";
  append_frame("ab", out);
  const std::string expected = "prefix" + bytes({0, 0, 0, 2}) + "ab";
  EXPECT_EQ(expected, out) << describe_difference(expected, out);
}

TEST(FrameHeader, WritesAndReadsBigEndian) {
  std::uint8_t header[kFrameHeaderBytes] = {};
  write_frame_header(0x01020304u, header);
  const std::string actual(reinterpret_cast<const char*>(header), sizeof header);
  const std::string expected = bytes({0x01, 0x02, 0x03, 0x04});
  EXPECT_EQ(expected, actual) << describe_difference(expected, actual);
  EXPECT_EQ(0x01020304u, read_frame_header(header));

  for (const std::uint32_t length : {0u, 1u, 255u, 256u, 65536u, 0xFFFFFFFFu}) {
    write_frame_header(length, header);
    EXPECT_EQ(length, read_frame_header(header)) << "round trip of " << length;
  }
}

// ---- Decoding a stream ----

TEST(FrameDecoder, DecodesAStreamFedInOneChunk) {
  FrameDecoder decoder;
  const std::vector<std::string> messages = sample_messages();
  EXPECT_TRUE(same_messages(messages, decode_chunks(decoder, {encode_all(messages)})));
  EXPECT_EQ(messages.size(), decoder.frames_decoded());
}

TEST(FrameDecoder, DecodesTheSameMessagesWhereverTheStreamIsSplit) {
  const std::vector<std::string> messages = sample_messages();
  const std::string stream = encode_all(messages);
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    FrameDecoder decoder;
    const Decoded decoded = decode_chunks(decoder, {stream.substr(0, split), stream.substr(split)});
    EXPECT_TRUE(same_messages(messages, decoded)) << "stream split at byte " << split << "\n"
                                                  << hex_dump(stream, split);
  }
}

TEST(FrameDecoder, DecodesTheSameMessagesFedOneByteAtATime) {
  const std::vector<std::string> messages = sample_messages();
  const std::string stream = encode_all(messages);
  std::vector<std::string> chunks;
  for (const char c : stream) chunks.emplace_back(1, c);
  FrameDecoder decoder;
  EXPECT_TRUE(same_messages(messages, decode_chunks(decoder, chunks)));
  EXPECT_EQ(messages.size(), decoder.frames_decoded());
}

TEST(FrameDecoder, StopsAtTheEndOfEachFrame) {
  const std::string stream = encode_frame("one") + encode_frame("two");
  FrameDecoder decoder;
  EXPECT_EQ(7u, decoder.feed(stream));
  EXPECT_EQ(FrameDecoder::State::kFrameDone, decoder.state());
  EXPECT_EQ("one", decoder.message());
  EXPECT_EQ(7u, decoder.feed(std::string_view(stream).substr(7)));
  EXPECT_EQ("two", decoder.message());
  EXPECT_EQ(2u, decoder.frames_decoded());
}

TEST(FrameDecoder, ReportsItsProgressThroughAFrame) {
  const std::string frame = encode_frame("Hi");
  FrameDecoder decoder;
  EXPECT_EQ(FrameDecoder::State::kReadingLength, decoder.state());
  EXPECT_EQ(0u, decoder.length_bytes_read());

  for (std::size_t k = 1; k < kFrameHeaderBytes; ++k) {
    ASSERT_EQ(1u, decoder.feed(frame.substr(k - 1, 1)));
    EXPECT_EQ(FrameDecoder::State::kReadingLength, decoder.state()) << "after " << k << " bytes";
    EXPECT_EQ(k, decoder.length_bytes_read());
    const std::string seen(reinterpret_cast<const char*>(decoder.length_bytes()), k);
    EXPECT_EQ(frame.substr(0, k), seen) << describe_difference(frame.substr(0, k), seen);
  }

  ASSERT_EQ(1u, decoder.feed(frame.substr(3, 1)));
  EXPECT_EQ(FrameDecoder::State::kReadingPayload, decoder.state());
  EXPECT_EQ(4u, decoder.length_bytes_read());
  EXPECT_EQ(2u, decoder.payload_length());
  EXPECT_EQ(0u, decoder.payload_bytes_read());

  ASSERT_EQ(1u, decoder.feed(frame.substr(4, 1)));
  EXPECT_EQ(FrameDecoder::State::kReadingPayload, decoder.state());
  EXPECT_EQ(1u, decoder.payload_bytes_read());

  ASSERT_EQ(1u, decoder.feed(frame.substr(5, 1)));
  EXPECT_EQ(FrameDecoder::State::kFrameDone, decoder.state());
  EXPECT_EQ(2u, decoder.payload_bytes_read());
  EXPECT_EQ("Hi", decoder.message());
  EXPECT_EQ(1u, decoder.frames_decoded());
  EXPECT_EQ(FrameError::kNone, decoder.error());
  EXPECT_EQ("", decoder.error_text());
}

TEST(FrameDecoder, FeedingNothingChangesNothing) {
  FrameDecoder decoder;
  EXPECT_EQ(0u, decoder.feed(""));
  EXPECT_EQ(FrameDecoder::State::kReadingLength, decoder.state());
  ASSERT_EQ(2u, decoder.feed(bytes({0, 0})));
  EXPECT_EQ(0u, decoder.feed(""));
  EXPECT_EQ(FrameDecoder::State::kReadingLength, decoder.state());
  EXPECT_EQ(2u, decoder.length_bytes_read());
}

TEST(FrameDecoder, NamesEveryState) {
  EXPECT_STREQ("reading length", to_string(FrameDecoder::State::kReadingLength));
  EXPECT_STREQ("reading payload", to_string(FrameDecoder::State::kReadingPayload));
  EXPECT_STREQ("frame done", to_string(FrameDecoder::State::kFrameDone));
  EXPECT_STREQ("failed", to_string(FrameDecoder::State::kFailed));
}

TEST(FrameDecoder, CompletesAZeroLengthFrameWithTheLengthBytes) {
  FrameDecoder decoder;
  EXPECT_EQ(4u, decoder.feed(bytes({0, 0, 0, 0})));
  EXPECT_EQ(FrameDecoder::State::kFrameDone, decoder.state());
  EXPECT_EQ(0u, decoder.payload_length());
  EXPECT_TRUE(decoder.message().empty());
  EXPECT_EQ(1u, decoder.frames_decoded());
}

// ---- The limit ----

TEST(FrameDecoder, AcceptsAPayloadExactlyAtTheLimit) {
  FrameDecoder decoder(10);
  EXPECT_EQ(10u, decoder.max_message_bytes());
  const std::string message(10, 'a');
  EXPECT_TRUE(same_messages({message}, decode_chunks(decoder, {encode_frame(message)})));
}

TEST(FrameDecoder, RejectsLengthAboveLimitAsSoonAsTheLengthBytesAreIn) {
  FrameDecoder decoder(10);
  const std::string frame = encode_frame(std::string(11, 'a'));
  // Only the four length bytes are consumed: the payload is never looked at.
  EXPECT_EQ(4u, decoder.feed(frame));
  EXPECT_EQ(FrameDecoder::State::kFailed, decoder.state());
  EXPECT_EQ(FrameError::kTooLong, decoder.error());
  EXPECT_NE(std::string::npos, decoder.error_text().find("11")) << decoder.error_text();
  EXPECT_NE(std::string::npos, decoder.error_text().find("10")) << decoder.error_text();
  EXPECT_TRUE(decoder.message().empty());
}

TEST(FrameDecoder, RejectsLengthAboveLimitFedOneByteAtATime) {
  FrameDecoder decoder(10);
  const std::string header = encode_frame(std::string(11, 'a')).substr(0, 4);
  for (std::size_t i = 0; i < 3; ++i) ASSERT_EQ(1u, decoder.feed(header.substr(i, 1)));
  EXPECT_EQ(FrameDecoder::State::kReadingLength, decoder.state());
  EXPECT_EQ(1u, decoder.feed(header.substr(3, 1)));
  EXPECT_EQ(FrameDecoder::State::kFailed, decoder.state());
  EXPECT_EQ(FrameError::kTooLong, decoder.error());
}

TEST(FrameDecoder, AppliesTheDefaultLimitOf1MiB) {
  FrameDecoder decoder;
  EXPECT_EQ(kDefaultMaxMessageBytes, decoder.max_message_bytes());
  EXPECT_EQ(1048576u, kDefaultMaxMessageBytes);
  const std::string at_limit(kDefaultMaxMessageBytes, 'z');
  const Decoded decoded = decode_chunks(decoder, {encode_frame(at_limit)});
  EXPECT_FALSE(decoded.failed) << decoded.error_text;
  ASSERT_EQ(1u, decoded.messages.size());
  EXPECT_EQ(at_limit.size(), decoded.messages[0].size());

  FrameDecoder over;
  EXPECT_EQ(4u, over.feed(bytes({0x00, 0x10, 0x00, 0x01})));
  EXPECT_EQ(FrameError::kTooLong, over.error());
  EXPECT_NE(std::string::npos, over.error_text().find("1048577")) << over.error_text();
  EXPECT_NE(std::string::npos, over.error_text().find("1048576")) << over.error_text();
}

TEST(FrameDecoder, RejectsTheLargestPossibleLength) {
  FrameDecoder decoder;
  EXPECT_EQ(4u, decoder.feed(bytes({0xFF, 0xFF, 0xFF, 0xFF, 'x'})));
  EXPECT_EQ(FrameDecoder::State::kFailed, decoder.state());
  EXPECT_EQ(FrameError::kTooLong, decoder.error());
  EXPECT_NE(std::string::npos, decoder.error_text().find("4294967295")) << decoder.error_text();
  EXPECT_NE(std::string::npos, decoder.error_text().find("ff ff ff ff")) << decoder.error_text();
}

// ---- UTF-8 ----

TEST(FrameDecoder, RejectsInvalidUtf8InOneChunk) {
  FrameDecoder decoder;
  const std::string frame = encode_frame("ab" + bytes({0xFF}) + "cd");
  EXPECT_EQ(frame.size(), decoder.feed(frame));
  EXPECT_EQ(FrameDecoder::State::kFailed, decoder.state());
  EXPECT_EQ(FrameError::kInvalidUtf8, decoder.error());
  EXPECT_NE(std::string::npos, decoder.error_text().find("UTF-8")) << decoder.error_text();
  EXPECT_TRUE(decoder.message().empty());
  EXPECT_EQ(0u, decoder.frames_decoded());
}

TEST(FrameDecoder, RejectsInvalidUtf8WhereverTheFrameIsSplit) {
  const std::string frame = encode_frame("ok " + bytes({0xED, 0xA0, 0x80}) + " no");
  for (std::size_t split = 0; split <= frame.size(); ++split) {
    FrameDecoder decoder;
    const Decoded decoded = decode_chunks(decoder, {frame.substr(0, split), frame.substr(split)});
    EXPECT_TRUE(decoded.failed) << "split at " << split;
    EXPECT_EQ(FrameError::kInvalidUtf8, decoded.error) << "split at " << split;
    EXPECT_TRUE(decoded.messages.empty()) << "split at " << split;
  }
}

TEST(FrameDecoder, AcceptsAMultiByteCharacterSplitAcrossChunks) {
  const std::string message = bytes({0xF0, 0x9F, 0x98, 0x80}) + bytes({0xE2, 0x82, 0xAC});
  const std::string frame = encode_frame(message);
  for (std::size_t split = 0; split <= frame.size(); ++split) {
    FrameDecoder decoder;
    EXPECT_TRUE(same_messages(
        {message}, decode_chunks(decoder, {frame.substr(0, split), frame.substr(split)})))
        << "split at " << split;
  }
}

// ---- Failure and reset ----

TEST(FrameDecoder, ConsumesNothingAfterFailing) {
  FrameDecoder decoder(4);
  ASSERT_EQ(4u, decoder.feed(bytes({0, 0, 0, 5})));
  ASSERT_EQ(FrameDecoder::State::kFailed, decoder.state());
  const std::string text = decoder.error_text();
  EXPECT_EQ(0u, decoder.feed(encode_frame("ok")));
  EXPECT_EQ(0u, decoder.feed("more"));
  EXPECT_EQ(FrameDecoder::State::kFailed, decoder.state());
  EXPECT_EQ(FrameError::kTooLong, decoder.error());
  EXPECT_EQ(text, decoder.error_text());
}

TEST(FrameDecoder, ResetLeavesTheFailedStateAndDecodesAgain) {
  FrameDecoder decoder;
  ASSERT_EQ(4u, decoder.feed(bytes({0xFF, 0xFF, 0xFF, 0xFF})));
  ASSERT_EQ(FrameDecoder::State::kFailed, decoder.state());
  decoder.reset();
  EXPECT_EQ(FrameDecoder::State::kReadingLength, decoder.state());
  EXPECT_EQ(FrameError::kNone, decoder.error());
  EXPECT_EQ("", decoder.error_text());
  EXPECT_EQ(0u, decoder.length_bytes_read());
  EXPECT_TRUE(same_messages({"again"}, decode_chunks(decoder, {encode_frame("again")})));
}

TEST(FrameDecoder, ResetForgetsAPartialFrame) {
  FrameDecoder decoder;
  const std::string frame = encode_frame("partial");
  ASSERT_EQ(6u, decoder.feed(frame.substr(0, 6)));
  ASSERT_EQ(FrameDecoder::State::kReadingPayload, decoder.state());
  decoder.reset();
  EXPECT_EQ(FrameDecoder::State::kReadingLength, decoder.state());
  EXPECT_EQ(0u, decoder.length_bytes_read());
  EXPECT_EQ(0u, decoder.payload_bytes_read());
  EXPECT_TRUE(same_messages({"fresh"}, decode_chunks(decoder, {encode_frame("fresh")})));
}

TEST(FrameDecoder, CountsFramesDecodedSinceConstructionOrReset) {
  FrameDecoder decoder;
  EXPECT_EQ(0u, decoder.frames_decoded());
  ASSERT_FALSE(decode_chunks(decoder, {encode_all({"a", "", "c"})}).failed);
  EXPECT_EQ(3u, decoder.frames_decoded());
  decoder.reset();
  EXPECT_EQ(0u, decoder.frames_decoded()) << "the header promises a count since the last reset()";
  ASSERT_FALSE(decode_chunks(decoder, {encode_frame("d")}).failed);
  EXPECT_EQ(1u, decoder.frames_decoded()) << "one frame since the last reset()";
}

// ---- message() lifetime ----

TEST(FrameDecoder, HandsOutAWholeFrameInPlaceUntilTheNextFeed) {
  const std::string buffer = encode_frame("in place") + encode_frame("next");
  FrameDecoder decoder;
  ASSERT_EQ(12u, decoder.feed(buffer));
  ASSERT_EQ(FrameDecoder::State::kFrameDone, decoder.state());
  // No copy: the view points at the payload inside the caller's buffer.
  EXPECT_EQ(buffer.data() + 4, decoder.message().data());
  EXPECT_EQ("in place", decoder.message());
  EXPECT_EQ("in place", decoder.message()) << "reading message() twice must not change it";
  ASSERT_EQ(8u, decoder.feed(std::string_view(buffer).substr(12)));
  EXPECT_EQ("next", decoder.message());
}

TEST(FrameDecoder, KeepsABufferedMessageValidAfterTheChunksAreGone) {
  const std::string message = "spans two chunks";
  const std::string frame = encode_frame(message);
  FrameDecoder decoder;
  {
    std::string first = frame.substr(0, 9);
    std::string second = frame.substr(9);
    ASSERT_EQ(first.size(), decoder.feed(first));
    ASSERT_EQ(second.size(), decoder.feed(second));
    // Scribble over the caller's chunks: the decoder must hold its own copy of the payload.
    first.assign(first.size(), '#');
    second.assign(second.size(), '#');
  }
  ASSERT_EQ(FrameDecoder::State::kFrameDone, decoder.state());
  const std::string actual(decoder.message());
  EXPECT_EQ(message, actual) << describe_difference(message, actual);
}

TEST(FrameDecoder, FeedingAfterAFrameStartsTheNextOne) {
  FrameDecoder decoder;
  ASSERT_EQ(6u, decoder.feed(encode_frame("ab")));
  ASSERT_EQ(FrameDecoder::State::kFrameDone, decoder.state());
  EXPECT_EQ(2u, decoder.feed(bytes({0, 0})));
  EXPECT_EQ(FrameDecoder::State::kReadingLength, decoder.state());
  EXPECT_EQ(2u, decoder.length_bytes_read());
  EXPECT_EQ(0u, decoder.payload_bytes_read());
}

}  // namespace
}  // namespace chatkit
