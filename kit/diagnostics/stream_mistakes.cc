// diagnose_stream(): the recogniser of the class view, which knows the stage, the sender and how
// the connection ended, but not what was meant.
//
// The method: a mistake explains the bytes when reading them the way that mistake writes them
// (little-endian lengths, lengths that count characters, lengths as text, a bare binary count)
// gives a correct conversation of the stage while the right reading does not. When no reading
// does, the right reading's first failure is reported as the plain fact it is.
#include <optional>

#include "kit/diagnostics/conversation_shape.h"
#include "kit/diagnostics/frame_walk.h"
#include "kit/diagnostics/mistakes.h"
#include "kit/framing/frame_codec.h"

namespace chatkit {

using diagnostics::all_digits;
using diagnostics::big_endian;
using diagnostics::ConversationShape;
using diagnostics::FrameWalker;
using diagnostics::grouped;
using diagnostics::hex_bytes;
using diagnostics::LengthReading;
using diagnostics::little_endian;
using diagnostics::quoted;
using diagnostics::WalkFrame;
using diagnostics::WalkStep;

namespace {

// What a stream looks like in one reading.
struct Reading {
  bool correct = false;  // A correct conversation of the stage, so far.
  Diagnosis diagnosis;   // When not correct, the first thing wrong; or kNeverClosed.
  std::optional<WalkFrame> first_differing;  // The first complete frame read otherwise than BE.
};

const char* end_phrase(StreamEnd end) {
  switch (end) {
    case StreamEnd::kClosed:
      return "the connection was closed";
    case StreamEnd::kReset:
      return "the connection was reset";
    case StreamEnd::kIdleTimeout:
      return "nothing more came until the idle timeout";
    default:
      return "the connection ended";
  }
}

bool printable(std::string_view bytes) {
  for (const char c : bytes) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

struct Context {
  std::string_view bytes;
  Sender sender;
  Stage stage;
  StreamEnd end;
  bool complete;
  std::uint32_t max;
  bool may_continue;  // More bytes may come (or were not kept): a partial frame is no mistake.
};

// Why a walk stopped short of the end, as the fact it is.
Diagnosis failure(const Context& c, WalkStep step, const WalkFrame& f) {
  const std::string_view at = c.bytes.substr(f.offset);
  const std::string frame = "the frame at byte " + grouped(f.offset);
  switch (step) {
    case WalkStep::kPartialHeader:
      return Diagnosis{Mistake::kCutShortInLength, f.offset,
                       std::string(end_phrase(c.end)) + " after " + std::to_string(f.came) +
                           " of the 4 length bytes (" + hex_bytes(at) + ") of " + frame,
                       kHintCutShort};
    case WalkStep::kPartialPayload:
      return Diagnosis{Mistake::kCutShortInPayload, f.offset,
                       std::string(end_phrase(c.end)) + " after " + grouped(f.came) + " of the " +
                           grouped(f.announced) + " payload bytes that the length " +
                           hex_bytes(at.substr(0, 4)) + " of " + frame + " announced",
                       kHintCutShort};
    case WalkStep::kAboveLimit: {
      std::string what = "the length " + hex_bytes(at.substr(0, 4)) + " of " + frame +
                         " reads as " + grouped(f.announced) + ", above the limit of " +
                         grouped(c.max) + " bytes";
      // Printable length bytes are a fact worth saying: text sent without its length, often.
      if (printable(at.substr(0, 4))) {
        what += "; they are the text " + quoted(at.substr(0, 4));
      }
      return Diagnosis{Mistake::kLengthAboveLimit, f.offset, what, kHintAboveLimit};
    }
    case WalkStep::kInvalidUtf8: {
      const std::size_t bad = f.offset + f.header_size + f.utf8_error;
      return Diagnosis{Mistake::kInvalidUtf8, f.offset,
                       "the payload of " + frame + " is not UTF-8 from its byte " +
                           grouped(f.utf8_error) + " on (" + hex_bytes(c.bytes.substr(bad), 4) +
                           ")",
                       kHintInvalidUtf8};
    }
    default:
      return Diagnosis{};
  }
}

// Follows `c.bytes` read with `how` (from `start`, with `shape` as it stands there) and says
// whether they are a correct conversation so far, or what is wrong first.
Reading follow(const Context& c, LengthReading how, ConversationShape shape, std::size_t start) {
  Reading reading;
  FrameWalker walker(c.bytes, how, c.max, start);
  WalkFrame f;
  for (;;) {
    const WalkStep step = walker.next(&f);
    if (step == WalkStep::kEnd) {
      reading.diagnosis = shape.at_end(c.bytes, c.end, c.complete, c.may_continue);
      reading.correct = reading.diagnosis.mistake == Mistake::kNone ||
                        reading.diagnosis.mistake == Mistake::kNeverClosed;
      return reading;
    }
    // Bytes where the sender may send no more are extra, whatever they hold.
    if (!shape.more_allowed()) {
      reading.diagnosis = shape.extra(c.bytes, f.offset);
      return reading;
    }
    if (step == WalkStep::kFrame) {
      if (f.differs && !reading.first_differing) reading.first_differing = f;
      reading.diagnosis = shape.on_frame(c.bytes, f);
      if (reading.diagnosis.mistake != Mistake::kNone) return reading;
      continue;
    }
    if (step == WalkStep::kInvalidUtf8 && shape.expects_count()) {
      // A binary count need not be UTF-8 (the count 128 is 00 00 00 80).
      reading.diagnosis = shape.on_frame(c.bytes, f);
      if (reading.diagnosis.mistake != Mistake::kNone) return reading;
    }
    const bool partial = step == WalkStep::kPartialHeader || step == WalkStep::kPartialPayload;
    reading.correct = partial && c.may_continue;
    if (!reading.correct) reading.diagnosis = failure(c, step, f);
    return reading;
  }
}

std::string little_endian_what(const Context& c, const WalkFrame& f) {
  const std::string_view header = c.bytes.substr(f.offset, 4);
  const std::uint32_t be = big_endian(header.data());
  const std::size_t followed = c.bytes.size() - f.offset - 4;
  std::string what = "the length " + hex_bytes(header) + " reads as " + grouped(be);
  what += be > c.max ? ", above the limit of " + grouped(c.max) + " bytes"
                     : " but only " + grouped(followed) + " bytes followed";
  what += ": read little-endian it is " + grouped(little_endian(header.data()));
  if (c.sender == Sender::kServer) {
    what += ", and every frame that came reads right that way";
  } else {
    what +=
        c.complete ? ", exactly the bytes that came" : ", and the bytes kept read right that way";
  }
  return what;
}

std::string characters_what(const Context& c, const WalkFrame& f) {
  const std::string_view text = c.bytes.substr(f.offset + 4, f.payload_size);
  return "the length " + hex_bytes(c.bytes.substr(f.offset, 4)) + " is " + grouped(f.announced) +
         ", the number of characters of " + quoted(text) + ", but the text is " +
         grouped(f.payload_size) + " bytes of UTF-8";
}

std::string text_what(const Context& c, const WalkFrame& f) {
  const std::string_view digits = c.bytes.substr(f.offset, f.header_size);
  std::string what = "the frame at byte " + grouped(f.offset) + " starts with the ASCII text " +
                     quoted(digits) + " (" + hex_bytes(digits) + "): the length " +
                     grouped(f.announced) + " sent as text, not as 4 binary bytes";
  if (c.bytes.size() - f.offset >= 4) {
    what += ", which read as " + hex_bytes(c.bytes.substr(f.offset, 4)) + " would be " +
            grouped(big_endian(c.bytes.data() + f.offset));
  }
  return what;
}

// A mistake that explains the bytes which the right reading cannot, or nullopt.
std::optional<Diagnosis> explain(const Context& c) {
  const ConversationShape start(c.sender, c.stage);
  const Reading le = follow(c, LengthReading::kLittleEndian, start, 0);
  if (le.correct && le.first_differing) {
    return Diagnosis{Mistake::kLittleEndianLength, le.first_differing->offset,
                     little_endian_what(c, *le.first_differing), kHintByteOrder};
  }
  const Reading characters = follow(c, LengthReading::kCharacters, start, 0);
  if (characters.correct && characters.first_differing) {
    return Diagnosis{Mistake::kLengthCountsCharacters, characters.first_differing->offset,
                     characters_what(c, *characters.first_differing), kHintCharacters};
  }
  const Reading text = follow(c, LengthReading::kText, start, 0);
  if (text.correct && text.first_differing && text.first_differing->payload_size > 0 &&
      (!c.may_continue || all_digits(c.bytes.substr(text.first_differing->offset, 4)))) {
    return Diagnosis{Mistake::kLengthAsText, text.first_differing->offset,
                     text_what(c, *text.first_differing), kHintLengthAsText};
  }
  // A server's count as 4 bare binary bytes, without a frame, then its items.
  if (c.sender == Sender::kServer && c.stage != Stage::kSendOnly && c.bytes.size() >= 4) {
    for (const std::uint32_t count : {big_endian(c.bytes.data()), little_endian(c.bytes.data())}) {
      // Each item takes at least 4 bytes; a larger count cannot be what these bytes hold.
      if (count == 0 || count > c.bytes.size() / 4) continue;
      ConversationShape items = start;
      items.start_items(count);
      if (follow(c, LengthReading::kBigEndian, items, 4).correct) {
        return Diagnosis{Mistake::kCountAsBinary, 0,
                         "the history starts with the bare bytes " +
                             hex_bytes(c.bytes.substr(0, 4)) + ", the count " + grouped(count) +
                             " as a binary number without a frame, and then come its items",
                         kHintCountAsBinary};
      }
    }
  }
  return std::nullopt;
}

}  // namespace

Diagnosis diagnose_stream(std::string_view bytes, Sender sender, Stage stage, StreamEnd end,
                          bool complete, std::uint32_t max_message_bytes) {
  // A partial frame is no mistake of the sender while more may come, when the bytes were not all
  // kept, when the server ended the connection for reasons of its own, and for a server's bytes
  // at the idle timeout: a server that stops mid-history there waits for its client to read.
  const bool may_continue = !complete || end == StreamEnd::kOpen ||
                            end == StreamEnd::kServerStopped || end == StreamEnd::kRefused ||
                            (sender == Sender::kServer && end == StreamEnd::kIdleTimeout);
  const Context c{bytes, sender, stage, end, complete, max_message_bytes, may_continue};
  const Reading right = follow(c, LengthReading::kBigEndian, ConversationShape(sender, stage), 0);
  if (right.correct) return right.diagnosis;
  if (std::optional<Diagnosis> mistake = explain(c)) return *mistake;
  return right.diagnosis;
}

}  // namespace chatkit
