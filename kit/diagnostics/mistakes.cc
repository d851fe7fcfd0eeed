// The mistakes' ids and diagnose_frame(), the recogniser of the exercise checks, which know the
// frame that was expected. diagnose_stream() is in stream_mistakes.cc.
#include "kit/diagnostics/mistakes.h"

#include "kit/diagnostics/frame_walk.h"
#include "kit/framing/frame_codec.h"

namespace chatkit {

using diagnostics::all_digits;
using diagnostics::big_endian;
using diagnostics::code_points;
using diagnostics::grouped;
using diagnostics::hex_bytes;
using diagnostics::little_endian;
using diagnostics::quoted;

const char* mistake_id(Mistake mistake) {
  switch (mistake) {
    case Mistake::kNone:
      return "";
    case Mistake::kLittleEndianLength:
      return "little-endian-length";
    case Mistake::kLengthCountsCharacters:
      return "length-counts-characters";
    case Mistake::kLengthAsText:
      return "length-as-text";
    case Mistake::kCountAsBinary:
      return "count-as-binary";
    case Mistake::kForgotCount:
      return "forgot-count";
    case Mistake::kCutShortInLength:
      return "cut-short-in-length";
    case Mistake::kCutShortInPayload:
      return "cut-short-in-payload";
    case Mistake::kLengthAboveLimit:
      return "length-above-limit";
    case Mistake::kInvalidUtf8:
      return "invalid-utf8";
    case Mistake::kExtraFrames:
      return "extra-frames";
    case Mistake::kNeverClosed:
      return "never-closed";
    case Mistake::kSilent:
      return "silent";
    case Mistake::kNonDigitCount:
      return "non-digit-count";
    case Mistake::kMissingItems:
      return "missing-items";
    case Mistake::kDifferentText:
      return "different-text";
  }
  return "";
}

namespace {

Diagnosis make(Mistake mistake, std::string what, const char* hint) {
  Diagnosis diagnosis;
  diagnosis.mistake = mistake;
  diagnosis.what = std::move(what);
  diagnosis.hint = hint;
  return diagnosis;
}

// The count as 4 or 8 binary bytes, in either byte order, in a frame of `length` bytes.
bool holds_binary_count(std::uint32_t length, std::string_view payload, std::uint64_t count) {
  if ((length != 4 && length != 8) || payload.size() < 4) return false;
  const char* p = payload.data();
  // 8 bytes little-endian hold a small count in their first 4, big-endian in their last 4.
  return big_endian(p) == count || little_endian(p) == count ||
         (length == 8 && payload.size() == 8 && big_endian(p + 4) == count);
}

}  // namespace

Diagnosis diagnose_frame(std::string_view expected, std::string_view got, bool is_count,
                         std::optional<std::string_view> next) {
  if (got.size() < kFrameHeaderBytes) {
    if (got.empty()) return Diagnosis{};
    return make(Mistake::kCutShortInLength,
                "the bytes end after " + std::to_string(got.size()) + " of the 4 length bytes (" +
                    hex_bytes(got) + ")",
                kHintCutShort);
  }
  const std::string_view header = got.substr(0, kFrameHeaderBytes);
  const std::uint32_t length = big_endian(got.data());
  const std::string_view payload = got.substr(kFrameHeaderBytes, length);
  const std::string length_text = "the length " + hex_bytes(header) + " (" + grouped(length) + ")";

  if (is_count) {
    const std::optional<std::uint64_t> count = parse_count(expected);
    if (count && holds_binary_count(length, payload, *count)) {
      return make(Mistake::kCountAsBinary,
                  "the count frame holds the binary bytes " + hex_bytes(payload) +
                      " where the decimal text " + quoted(expected) + " belongs",
                  kHintCountAsBinary);
    }
    if (next && payload == *next) {
      return make(Mistake::kForgotCount,
                  "the first frame holds the item " + quoted(payload) + " where the count " +
                      quoted(expected) + " belongs",
                  kHintForgotCount);
    }
    if (length <= 18 && payload.size() == length && !all_digits(payload)) {
      return make(Mistake::kNonDigitCount,
                  "the count frame holds " + quoted(payload) + " where the decimal text " +
                      quoted(expected) + " belongs",
                  kHintNonDigitCount);
    }
  }
  if (little_endian(got.data()) == expected.size() && length != expected.size()) {
    return make(Mistake::kLittleEndianLength,
                length_text + " read little-endian is " + grouped(expected.size()) +
                    ", the length of " + quoted(expected),
                kHintByteOrder);
  }
  if (length == code_points(expected) && length != expected.size()) {
    return make(Mistake::kLengthCountsCharacters,
                length_text + " is the number of characters of " + quoted(expected) +
                    ", which is " + grouped(expected.size()) + " bytes of UTF-8",
                kHintCharacters);
  }
  const std::string expected_frame = encode_frame(expected);
  if (all_digits(got.substr(0, 1)) && !all_digits(std::string_view(expected_frame).substr(0, 1))) {
    return make(Mistake::kLengthAsText,
                "the frame starts with the ASCII digit " + quoted(got.substr(0, 1)) +
                    " where the 4 binary length bytes " + hex_bytes(expected_frame, 4) + " belong",
                kHintLengthAsText);
  }
  if (length == expected.size()) {
    if (payload.size() < length) {
      return make(Mistake::kCutShortInPayload,
                  "the bytes end after " + grouped(payload.size()) + " of the " + grouped(length) +
                      " payload bytes",
                  kHintCutShort);
    }
    return make(
        Mistake::kDifferentText,
        length_text + " is right, but the text is " + quoted(payload) + ", not " + quoted(expected),
        nullptr);
  }
  return Diagnosis{};
}

}  // namespace chatkit
