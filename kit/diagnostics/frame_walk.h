// The pieces the mistake recognisers (mistakes.h) share: reading a byte stream as frames the way
// a program with one mistake writes them, and the numbers and bytes of their sentences. Internal
// to kit/diagnostics; other code uses mistakes.h.
#ifndef CHATKIT_KIT_DIAGNOSTICS_FRAME_WALK_H_
#define CHATKIT_KIT_DIAGNOSTICS_FRAME_WALK_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace chatkit::diagnostics {

// How a program writes a frame's length.
enum class LengthReading {
  kBigEndian,     // Right: 4 bytes, most significant first, counting UTF-8 bytes.
  kLittleEndian,  // 4 bytes, least significant first.
  kCharacters,    // 4 bytes big-endian, counting code points.
  kText,          // ASCII digits, then optionally one separator (space, newline, ':' or '|').
};

// One frame as a reading sees it, or where and why the reading stopped.
struct WalkFrame {
  std::size_t offset = 0;        // The frame's first byte.
  std::size_t header_size = 0;   // Bytes before the payload.
  std::uint64_t announced = 0;   // The length the header says.
  std::size_t payload_size = 0;  // Payload bytes, complete frames only.
  std::size_t came = 0;          // Partial frames: header or payload bytes that came.
  std::size_t utf8_error = 0;    // kInvalidUtf8: the offending byte's offset in the payload.
  bool differs = false;          // The header reads otherwise as big-endian bytes.
  bool valid_utf8 = true;        // False when the walk stopped with kInvalidUtf8.
};

enum class WalkStep {
  kFrame,           // A complete frame of valid UTF-8.
  kEnd,             // No bytes left.
  kPartialHeader,   // The bytes end inside a header (`came` of its bytes).
  kPartialPayload,  // The bytes end inside a payload (`came` of `announced` bytes).
  kAboveLimit,      // The header announces more than the limit.
  kInvalidUtf8,     // The payload is not UTF-8.
  kNotText,         // kText: no digit where a length starts.
};

// Reads `bytes` as consecutive frames written with `reading`, one frame per next(). Never reads
// outside `bytes`; every step consumes at least one byte, so a walk ends.
class FrameWalker {
 public:
  FrameWalker(std::string_view bytes, LengthReading reading, std::uint32_t max_message_bytes,
              std::size_t start = 0)
      : bytes_(bytes), reading_(reading), max_(max_message_bytes), position_(start) {}

  // The next frame (kFrame) or why there is none; after anything but kFrame it stays there.
  WalkStep next(WalkFrame* frame);
  std::size_t position() const { return position_; }

 private:
  WalkStep stop(WalkStep step) { return stopped_ = step; }

  std::string_view bytes_;
  LengthReading reading_;
  std::uint32_t max_;
  std::size_t position_;
  WalkStep stopped_ = WalkStep::kFrame;
};

// 4 bytes from `p`, most / least significant first.
std::uint32_t big_endian(const char* p);
std::uint32_t little_endian(const char* p);
// Code points in `text` (bytes that are not UTF-8 continuation bytes).
std::size_t code_points(std::string_view text);
bool all_digits(std::string_view text);
// "00 00 00 02", at most `max` bytes, then " ..." when there were more.
std::string hex_bytes(std::string_view bytes, std::size_t max = 8);
// "83,886,080".
std::string grouped(std::uint64_t number);
// `text` in quotes for a sentence, shortened to `max` bytes with "..." after it.
std::string quoted(std::string_view text, std::size_t max = 40);

}  // namespace chatkit::diagnostics

#endif  // CHATKIT_KIT_DIAGNOSTICS_FRAME_WALK_H_
