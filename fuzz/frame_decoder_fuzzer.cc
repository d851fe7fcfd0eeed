// Fuzz target: the incremental FrameDecoder (kit/framing/frame_codec.h) and the UTF-8 check it
// relies on (kit/framing/utf8.h).
//
// Input: [limit selector][chunking seed][split point, 2 bytes] then the byte stream a peer sends.
// The stream is decoded by a reference decoder written the obvious way (fuzz_support.h), then by
// the FrameDecoder fed whole, one byte at a time, in fuzzer-chosen chunks, and split in two (at
// every point of short streams, at an input-chosen point of longer ones). Every feeding must give
// the reference's frames, end in the same state with the same progress, and keep the decoder's
// invariants after every call. The frames decoded re-encode to exactly the bytes they came from.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "kit/framing/frame_codec.h"
#include "kit/framing/utf8.h"

namespace chatkit::fuzz {
namespace {

using State = FrameDecoder::State;

// Streams up to this long are also split in two at every point.
constexpr std::size_t kAllSplitsBytes = 48;

// What one decoder made of the stream. Its frames are compared with the reference's as they
// come (no copies: the comparison runs hundreds of times per input).
struct Decoded {
  std::size_t frames = 0;
  State state = State::kReadingLength;
  FrameError error = FrameError::kNone;
  std::size_t length_bytes = 0;
  std::uint32_t payload_length = 0;
  std::size_t payload_bytes = 0;
  std::size_t consumed = 0;
};

void check_invariants(const FrameDecoder& decoder, std::size_t fed, std::size_t used) {
  FUZZ_CHECK(used <= fed, "feed consumed %zu of %zu bytes", used, fed);
  FUZZ_CHECK(decoder.length_bytes_read() <= kFrameHeaderBytes, "%zu length bytes",
             decoder.length_bytes_read());
  switch (decoder.state()) {
    case State::kReadingLength:
      FUZZ_CHECK(used == fed, "stopped early (%zu of %zu) while reading a length", used, fed);
      FUZZ_CHECK(decoder.length_bytes_read() < kFrameHeaderBytes, "all 4 length bytes in, %s",
                 "still reading length");
      FUZZ_CHECK(decoder.payload_bytes_read() == 0, "payload bytes before the length");
      break;
    case State::kReadingPayload:
      FUZZ_CHECK(used == fed, "stopped early (%zu of %zu) mid-payload", used, fed);
      FUZZ_CHECK(decoder.length_bytes_read() == kFrameHeaderBytes, "payload before 4 length bytes");
      FUZZ_CHECK(decoder.payload_length() <= decoder.max_message_bytes(),
                 "accepted length %u over the limit %u", decoder.payload_length(),
                 decoder.max_message_bytes());
      FUZZ_CHECK(decoder.payload_bytes_read() < decoder.payload_length(),
                 "payload complete (%zu of %u) but no frame", decoder.payload_bytes_read(),
                 decoder.payload_length());
      break;
    case State::kFrameDone: {
      FUZZ_CHECK(decoder.message().size() == decoder.payload_length(), "message %zu != length %u",
                 decoder.message().size(), decoder.payload_length());
      FUZZ_CHECK(decoder.payload_length() <= decoder.max_message_bytes(), "over the limit");
      FUZZ_CHECK(check_utf8(decoder.message()).valid, "handed out invalid UTF-8");
      FUZZ_CHECK(decoder.error() == FrameError::kNone, "error set on success");
      break;
    }
    case State::kFailed:
      FUZZ_CHECK(decoder.error() != FrameError::kNone, "failed without an error");
      FUZZ_CHECK(!decoder.error_text().empty(), "failed without an explanation");
      FUZZ_CHECK(decoder.message().empty(), "a message survives a failure");
      break;
  }
  if (decoder.state() != State::kFailed) {
    FUZZ_CHECK(decoder.error_text().empty(), "error text without a failure: %s",
               decoder.error_text().c_str());
  }
}

// Feeds `stream` in the chunks `sizes` gives (1..n), collecting frames.
template <typename NextSize>
Decoded decode(std::string_view stream, std::uint32_t limit, const ReferenceDecode& want,
               const char* feeding, NextSize next_size) {
  Decoded result;
  FrameDecoder decoder(limit);
  std::size_t at = 0;
  while (at < stream.size()) {
    const std::size_t chunk_end = at + next_size(stream.size() - at);
    // Within one chunk the caller loops, as frame_codec.h's usage note says.
    while (at < chunk_end) {
      const std::size_t fed = chunk_end - at;
      const std::size_t used = decoder.feed(std::string_view(stream).substr(at, fed));
      check_invariants(decoder, fed, used);
      at += used;
      if (decoder.state() == State::kFrameDone) {
        FUZZ_CHECK(
            result.frames < want.frames.size() && decoder.message() == want.frames[result.frames],
            "%s: frame %zu differs from the reference's", feeding, result.frames);
        ++result.frames;
        FUZZ_CHECK(decoder.frames_decoded() == result.frames, "frames_decoded %llu != %zu",
                   static_cast<unsigned long long>(decoder.frames_decoded()), result.frames);
      } else if (decoder.state() == State::kFailed) {
        FUZZ_CHECK(decoder.feed(std::string_view("x")) == 0, "consumed bytes after failing");
        result.state = State::kFailed;
        result.error = decoder.error();
        result.consumed = at;
        result.payload_length = decoder.payload_length();
        return result;
      } else {
        FUZZ_CHECK(used == fed, "stopped without a reason");
      }
    }
  }
  result.state = decoder.state();
  result.length_bytes = decoder.length_bytes_read();
  result.payload_length = decoder.payload_length();
  result.payload_bytes = decoder.payload_bytes_read();
  result.consumed = at;
  return result;
}

void expect_reference(const Decoded& got, const ReferenceDecode& want, const char* feeding) {
  FUZZ_CHECK(got.frames == want.frames.size(), "%s: %zu frames, the reference has %zu", feeding,
             got.frames, want.frames.size());
  using End = ReferenceDecode::End;
  switch (want.end) {
    case End::kClean:
      FUZZ_CHECK(got.state == State::kReadingLength || got.state == State::kFrameDone,
                 "%s: state %s at a clean end", feeding, to_string(got.state));
      FUZZ_CHECK(got.state != State::kReadingLength || got.length_bytes == 0,
                 "%s: %zu length bytes at a clean end", feeding, got.length_bytes);
      break;
    case End::kPartialLength:
      FUZZ_CHECK(got.state == State::kReadingLength && got.length_bytes == want.length_bytes,
                 "%s: %s with %zu length bytes, want reading length with %zu", feeding,
                 to_string(got.state), got.length_bytes, want.length_bytes);
      break;
    case End::kPartialPayload:
      FUZZ_CHECK(got.state == State::kReadingPayload && got.payload_bytes == want.payload_bytes &&
                     got.payload_length == want.payload_length,
                 "%s: %s %zu of %u payload bytes, want %zu of %u", feeding, to_string(got.state),
                 got.payload_bytes, got.payload_length, want.payload_bytes, want.payload_length);
      break;
    case End::kTooLong:
      FUZZ_CHECK(got.state == State::kFailed && got.error == FrameError::kTooLong,
                 "%s: want too long (length %u)", feeding, want.payload_length);
      break;
    case End::kInvalidUtf8:
      FUZZ_CHECK(got.state == State::kFailed && got.error == FrameError::kInvalidUtf8,
                 "%s: want invalid UTF-8", feeding);
      break;
  }
  FUZZ_CHECK(got.consumed == want.consumed, "%s: consumed %zu, want %zu", feeding, got.consumed,
             want.consumed);
}

}  // namespace
}  // namespace chatkit::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace chatkit;
  using namespace chatkit::fuzz;
  InputReader input(data, size);
  const std::uint32_t limit = pick_limit(input.byte());
  ChunkSizes chunks(input.byte());
  const std::size_t split_choice = std::size_t{input.byte()} << 8 | input.byte();
  const std::string_view stream = input.rest();

  // The UTF-8 check against RFC 3629 read literally, on the raw stream too.
  const Utf8Check utf8 = check_utf8(stream);
  const auto reference_error = reference_utf8_error(stream);
  FUZZ_CHECK(utf8.valid == !reference_error.has_value(), "check_utf8 says %s, RFC 3629 says %s",
             utf8.valid ? "valid" : "invalid", reference_error ? "invalid" : "valid");
  if (reference_error) {
    FUZZ_CHECK(utf8.error_offset == *reference_error, "error at %zu, RFC 3629 says %zu",
               utf8.error_offset, *reference_error);
  }

  const ReferenceDecode want = reference_decode(stream, limit);
  expect_reference(decode(stream, limit, want, "whole", [](std::size_t left) { return left; }),
                   want, "whole");
  expect_reference(
      decode(stream, limit, want, "byte by byte", [](std::size_t) { return std::size_t{1}; }), want,
      "byte by byte");
  expect_reference(decode(stream, limit, want, "random chunks",
                          [&](std::size_t left) { return chunks.next(left); }),
                   want, "random chunks");
  // Split in two: at every point of a short stream (where the length prefixes and tiny
  // payloads are), and at a point the input picks in a longer one; across inputs libFuzzer
  // tries them all. Together with byte-by-byte feeding, every boundary is a chunk boundary.
  const std::size_t n = stream.size();
  auto split_at = [&](std::size_t split) {
    bool first = true;
    expect_reference(decode(stream, limit, want, "split in two",
                            [&](std::size_t left) {
                              const std::size_t chunk = first ? split : left;
                              first = false;
                              return chunk;
                            }),
                     want, "split in two");
  };
  if (n <= kAllSplitsBytes) {
    for (std::size_t split = 1; split < n; ++split) split_at(split);
  } else {
    split_at(1 + split_choice % (n - 1));
  }

  // Re-encoding the frames gives back exactly the bytes they were decoded from.
  std::string encoded;
  for (const std::string& frame : want.frames) append_frame(frame, encoded);
  FUZZ_CHECK(stream.substr(0, encoded.size()) == encoded, "re-encoding differs (%zu bytes)",
             encoded.size());
  return 0;
}
