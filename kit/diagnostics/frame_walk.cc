#include "kit/diagnostics/frame_walk.h"

#include <algorithm>

#include "kit/framing/frame_codec.h"
#include "kit/framing/utf8.h"

namespace chatkit::diagnostics {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// The bytes the first `count` code points of `text` take: up to the next lead byte after them,
// or all of `text` when it holds no more than `count`. Sets *enough when `text` holds `count`.
std::size_t bytes_of_code_points(std::string_view text, std::uint64_t count, bool* enough) {
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_continuation(text[i])) continue;
    if (seen == count) {
      *enough = true;
      return i;
    }
    ++seen;
  }
  *enough = seen == count;
  return text.size();
}

}  // namespace

WalkStep FrameWalker::next(WalkFrame* frame) {
  if (stopped_ != WalkStep::kFrame) return stopped_;
  *frame = WalkFrame{};
  frame->offset = position_;
  const std::string_view rest = bytes_.substr(position_);
  if (rest.empty()) return stop(WalkStep::kEnd);

  if (reading_ == LengthReading::kText) {
    std::size_t digits = 0;
    std::uint64_t value = 0;
    // Ten digits reach past any 32-bit length; more would only overflow.
    while (digits < rest.size() && digits < 10 && is_digit(rest[digits])) {
      value = value * 10 + static_cast<std::uint64_t>(rest[digits] - '0');
      ++digits;
    }
    if (digits == 0) return stop(WalkStep::kNotText);
    std::size_t header = digits;
    if (header < rest.size() && (rest[header] == ' ' || rest[header] == '\n' ||
                                 rest[header] == ':' || rest[header] == '|')) {
      ++header;
    }
    frame->header_size = header;
    frame->announced = value;
    frame->differs = true;
  } else {
    if (rest.size() < kFrameHeaderBytes) {
      frame->came = rest.size();
      return stop(WalkStep::kPartialHeader);
    }
    const std::uint32_t be = big_endian(rest.data());
    const std::uint32_t value =
        reading_ == LengthReading::kLittleEndian ? little_endian(rest.data()) : be;
    frame->header_size = kFrameHeaderBytes;
    frame->announced = value;
    frame->differs = value != be;
  }
  if (frame->announced > max_) return stop(WalkStep::kAboveLimit);

  const std::string_view after = rest.substr(frame->header_size);
  std::size_t size = 0;
  if (reading_ == LengthReading::kCharacters) {
    bool enough = false;
    size = bytes_of_code_points(after, frame->announced, &enough);
    if (!enough) {
      frame->came = after.size();
      return stop(WalkStep::kPartialPayload);
    }
    frame->differs = size != frame->announced;
  } else {
    if (after.size() < frame->announced) {
      frame->came = after.size();
      return stop(WalkStep::kPartialPayload);
    }
    size = static_cast<std::size_t>(frame->announced);
  }
  frame->payload_size = size;
  const Utf8Check check = check_utf8(after.substr(0, size));
  if (!check.valid) {
    frame->utf8_error = check.error_offset;
    frame->valid_utf8 = false;
    return stop(WalkStep::kInvalidUtf8);
  }
  // Every header is at least one byte, so the walk always moves on.
  position_ += frame->header_size + size;
  return WalkStep::kFrame;
}

std::uint32_t big_endian(const char* p) {
  return read_frame_header(reinterpret_cast<const std::uint8_t*>(p));
}

std::uint32_t little_endian(const char* p) {
  const auto* b = reinterpret_cast<const std::uint8_t*>(p);
  return std::uint32_t{b[0]} | (std::uint32_t{b[1]} << 8) | (std::uint32_t{b[2]} << 16) |
         (std::uint32_t{b[3]} << 24);
}

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !is_continuation(c); }));
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

std::string hex_bytes(std::string_view bytes, std::size_t max) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  const std::size_t shown = std::min(bytes.size(), max);
  for (std::size_t i = 0; i < shown; ++i) {
    const auto byte = static_cast<unsigned char>(bytes[i]);
    if (i > 0) out.push_back(' ');
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0xF]);
  }
  if (shown < bytes.size()) out += " ...";
  return out;
}

std::string grouped(std::uint64_t number) {
  std::string digits = std::to_string(number);
  for (std::size_t i = digits.size(); i > 3; i -= 3) digits.insert(i - 3, ",");
  return digits;
}

std::string quoted(std::string_view text, std::size_t max) {
  std::size_t shown = std::min(text.size(), max);
  // Never cut a character in half: the sentence stays valid UTF-8.
  while (shown > 0 && shown < text.size() && is_continuation(text[shown])) --shown;
  std::string out = "\"";
  for (std::size_t i = 0; i < shown; ++i) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20 || byte == 0x7f) {
      out += "\\x" + hex_bytes(text.substr(i, 1));
    } else {
      out.push_back(c);
    }
  }
  out += shown < text.size() ? "...\"" : "\"";
  return out;
}

}  // namespace chatkit::diagnostics
