// What the fuzz targets share: a check that aborts with a message (libFuzzer keeps the input),
// a reader that turns the fuzzer's bytes into decisions, and reference implementations written
// for clarity, not speed, that the real code is compared with.
#ifndef CHATKIT_FUZZ_FUZZ_SUPPORT_H_
#define CHATKIT_FUZZ_FUZZ_SUPPORT_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Checks an invariant in every build type (assert() vanishes under NDEBUG). On failure it
// prints what broke and aborts, which libFuzzer reports as a crash and saves the input for.
#define FUZZ_CHECK(condition, ...)                                                             \
  do {                                                                                         \
    if (!(condition)) {                                                                        \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n  ", __FILE__, __LINE__, #condition); \
      std::fprintf(stderr, __VA_ARGS__);                                                       \
      std::fprintf(stderr, "\n");                                                              \
      std::abort();                                                                            \
    }                                                                                          \
  } while (false)

namespace chatkit::fuzz {

// Takes decisions from the front of the fuzzer's input; yields zeros once it is used up, so
// every input is valid.
class InputReader {
 public:
  InputReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t byte() { return used_ < size_ ? data_[used_++] : 0; }
  std::uint32_t u32() {
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) value = (value << 8) | byte();
    return value;
  }
  // The rest of the input.
  std::string_view rest() {
    const std::size_t from = used_ < size_ ? used_ : size_;
    used_ = size_;
    return {reinterpret_cast<const char*>(data_ + from), size_ - from};
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t used_ = 0;
};

// A small deterministic generator for chunk sizes, seeded from the input.
class ChunkSizes {
 public:
  explicit ChunkSizes(std::uint32_t seed) : state_(seed * 2654435761u + 1) {}
  // 1..max, mostly small.
  std::size_t next(std::size_t max) {
    state_ = state_ * 1103515245u + 12345u;
    const std::uint32_t r = state_ >> 8;
    const std::size_t cap = (r & 3) == 0 ? max : ((r & 3) == 1 ? 8 : 64);
    return 1 + (r >> 2) % (cap < max ? cap : max);
  }

 private:
  std::uint32_t state_;
};

// RFC 3629, section 4, byte by byte, straight from its table of well-formed sequences. Returns
// the offset of the first byte of the first ill-formed sequence, or nullopt when valid.
inline std::optional<std::size_t> reference_utf8_error(std::string_view text) {
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  auto in = [&](std::size_t at, int low, int high) {
    return at < n && s[at] >= low && s[at] <= high;
  };
  while (i < n) {
    const std::uint8_t b = s[i];
    std::size_t length = 0;
    if (b <= 0x7F) {
      length = 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      length = in(i + 1, 0x80, 0xBF) ? 2 : 0;
    } else if (b == 0xE0) {
      length = in(i + 1, 0xA0, 0xBF) && in(i + 2, 0x80, 0xBF) ? 3 : 0;
    } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
      length = in(i + 1, 0x80, 0xBF) && in(i + 2, 0x80, 0xBF) ? 3 : 0;
    } else if (b == 0xED) {
      length = in(i + 1, 0x80, 0x9F) && in(i + 2, 0x80, 0xBF) ? 3 : 0;
    } else if (b == 0xF0) {
      length = in(i + 1, 0x90, 0xBF) && in(i + 2, 0x80, 0xBF) && in(i + 3, 0x80, 0xBF) ? 4 : 0;
    } else if (b >= 0xF1 && b <= 0xF3) {
      length = in(i + 1, 0x80, 0xBF) && in(i + 2, 0x80, 0xBF) && in(i + 3, 0x80, 0xBF) ? 4 : 0;
    } else if (b == 0xF4) {
      length = in(i + 1, 0x80, 0x8F) && in(i + 2, 0x80, 0xBF) && in(i + 3, 0x80, 0xBF) ? 4 : 0;
    }
    if (length == 0) return i;
    i += length;
  }
  return std::nullopt;
}

// What a correct decoder makes of a whole byte stream, computed the obvious way.
struct ReferenceDecode {
  enum class End { kClean, kPartialLength, kPartialPayload, kTooLong, kInvalidUtf8 };
  std::vector<std::string> frames;  // Every complete valid frame, in order.
  End end = End::kClean;
  std::size_t length_bytes = 0;  // kPartialLength: how many length bytes arrived.
  std::uint32_t payload_length = 0;
  std::size_t payload_bytes = 0;  // kPartialPayload: how many payload bytes arrived.
  std::size_t consumed = 0;       // Bytes up to the end of the last frame, or the failure point.
};

inline ReferenceDecode reference_decode(std::string_view stream, std::uint32_t limit) {
  ReferenceDecode result;
  std::size_t at = 0;
  while (at < stream.size()) {
    if (stream.size() - at < 4) {
      result.end = ReferenceDecode::End::kPartialLength;
      result.length_bytes = stream.size() - at;
      result.consumed = stream.size();
      return result;
    }
    const auto* p = reinterpret_cast<const std::uint8_t*>(stream.data() + at);
    const std::uint32_t length = (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                                 (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
    result.payload_length = length;
    if (length > limit) {
      result.end = ReferenceDecode::End::kTooLong;
      result.consumed = at + 4;
      return result;
    }
    if (stream.size() - at - 4 < length) {
      result.end = ReferenceDecode::End::kPartialPayload;
      result.payload_bytes = stream.size() - at - 4;
      result.consumed = stream.size();
      return result;
    }
    const std::string_view payload = stream.substr(at + 4, length);
    if (reference_utf8_error(payload)) {
      result.end = ReferenceDecode::End::kInvalidUtf8;
      result.consumed = at + 4 + length;
      return result;
    }
    result.frames.emplace_back(payload);
    at += 4 + length;
    result.consumed = at;
  }
  return result;
}

// Frame limits worth trying: the edges (0, 1, a few bytes), typical, and the default.
inline std::uint32_t pick_limit(std::uint8_t selector) {
  static constexpr std::uint32_t kLimits[] = {
      0, 1, 2, 3, 4, 7, 16, 64, 255, 256, 1024, 4096, 65535, 65536, 1024 * 1024, 0xFFFFFFFFu};
  return kLimits[selector % (sizeof kLimits / sizeof kLimits[0])];
}

}  // namespace chatkit::fuzz

#endif  // CHATKIT_FUZZ_FUZZ_SUPPORT_H_
