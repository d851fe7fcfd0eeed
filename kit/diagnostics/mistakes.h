// The common mistakes of the course's programs, recognised from the bytes they send.
//
// One recogniser for every part of chatkit that explains bytes to a student: the exercise checks
// (which know the frames a program should have sent: diagnose_frame) and the reference server's
// live class view (which knows only the stage, who sent the bytes and how the connection ended:
// diagnose_stream). Sans-I/O: bytes in, a diagnosis out; no libuv, no system header.
//
// A recogniser names a mistake only when the bytes show it beyond reasonable doubt (a length
// whose big-endian reading is impossible and whose little-endian reading fits the bytes exactly,
// say). When the bytes are ambiguous it says nothing, or only the plain fact (the frame was cut
// short after 3 of 4 length bytes): a wrong teaching text is worse than none.
#ifndef CHATKIT_KIT_DIAGNOSTICS_MISTAKES_H_
#define CHATKIT_KIT_DIAGNOSTICS_MISTAKES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kit/diagnostics/mistake_hints.h"
#include "kit/protocol/stage.h"

namespace chatkit {

// Which side of a connection sent the bytes.
enum class Sender { kClient, kServer };

// How the connection ended: kOpen (not yet), the sender closed its side (kClosed, an orderly
// FIN) or reset it (kReset), the server closed it at its idle timeout (kIdleTimeout), the server
// refused it (kRefused: too many connections), or the server stopped (kServerStopped).
enum class StreamEnd { kOpen, kClosed, kReset, kIdleTimeout, kRefused, kServerStopped };

enum class Mistake {
  kNone,
  kLittleEndianLength,      // The 4 length bytes least significant first.
  kLengthCountsCharacters,  // The length counts code points, not UTF-8 bytes.
  kLengthAsText,            // The length sent as ASCII digits ("2Hi", "0002Hi").
  kCountAsBinary,           // Server: the history count as a binary number.
  kForgotCount,             // Server: the history items without the count before them.
  kCutShortInLength,        // The connection ended after 1 to 3 of a frame's 4 length bytes.
  kCutShortInPayload,       // The connection ended before all of a frame's payload bytes.
  kLengthAboveLimit,        // A length above the limit that no other mistake explains.
  kInvalidUtf8,             // A payload that is not well-formed UTF-8 (no other mistake fits).
  kExtraFrames,             // Bytes after the last frame the stage allows (a client: its one).
  kNeverClosed,             // Stage 1: a client that sent its frame and held the connection.
  kSilent,                  // Nothing at all before the idle timeout.
  // Added for the checks and the server's history; diagnose_stream() gives the first two for a
  // server's bytes only, diagnose_frame() gives kNonDigitCount and kDifferentText.
  kNonDigitCount,  // Server: a count frame that holds more than decimal digits (or nothing).
  kMissingItems,   // Server: fewer items than its count announced, then the connection ended.
  kDifferentText,  // diagnose_frame(): the right length, but other text than expected.
};

// A stable id for pages and tests: "little-endian-length", "length-counts-characters",
// "length-as-text", "count-as-binary", "forgot-count", "cut-short-in-length",
// "cut-short-in-payload", "length-above-limit", "invalid-utf8", "extra-frames", "never-closed",
// "silent", "non-digit-count", "missing-items", "different-text"; "" for kNone.
const char* mistake_id(Mistake mistake);

struct Diagnosis {
  Mistake mistake = Mistake::kNone;
  // Where in the bytes the mistake shows: the first byte of the frame it concerns (for
  // kExtraFrames the first extra byte, for kMissingItems the count's frame, for kNeverClosed and
  // kSilent the end of the bytes; 0 for kNone and for diagnose_frame()).
  std::size_t offset = 0;
  // One sentence with the bytes in hex, e.g. "the length 05 00 00 00 reads as 83,886,080 but
  // only 5 bytes followed: read little-endian it is 5, exactly the bytes that came". "" for
  // kNone.
  std::string what;
  // The teaching text shared with the checks (kHintByteOrder, ...), or nullptr.
  const char* hint = nullptr;
};

// What is wrong with the bytes `sender` sent on one connection of a server of `stage`: all of
// them from the connection's start, or only the first ones when `complete` is false (later
// bytes were not kept), given how the connection ended. Returns kNone when the bytes are a
// correct conversation so far.
//
// A mistake is named when reading the bytes the way that mistake writes them (lengths
// little-endian, counting characters, as text; a count as 4 bare bytes) gives a correct
// conversation of the stage and the right reading does not; otherwise the right reading's first
// fault is said as the fact it is (kLengthAboveLimit, kInvalidUtf8, kCutShort*, kExtraFrames,
// kForgotCount, kCountAsBinary, kNonDigitCount, kMissingItems). A frame is said to be cut short,
// and items missing, only when the sender ended the stream (kClosed, kReset) or, for a client,
// stalled until kIdleTimeout, and `complete` is true: never while it is kOpen, when the server
// ended it (kRefused, kServerStopped), or for a server's bytes at kIdleTimeout (a server stops
// mid-history there because its client stopped reading). kSilent and kNeverClosed need
// kIdleTimeout and `complete`.
//
// What each side may send (docs/protocol.md, section 3): a client, exactly one frame (stage 2:
// also the text "history"), then nothing; a server of stage 1 nothing; of stage 2 a count frame
// (decimal text) and that many items, and after a "history" command a count and items again; of
// stage 3 a count and that many items, then at most one frame, the acknowledgement.
//
// Reads only `bytes`, never beyond; any input is safe, including empty and huge ones.
Diagnosis diagnose_stream(std::string_view bytes, Sender sender, Stage stage, StreamEnd end,
                          bool complete, std::uint32_t max_message_bytes);

// For the checks, which know what was expected: what is wrong with `got`, bytes that should
// start with the frame of `expected`. `is_count` when `expected` is a history count (decimal
// digits); `next` is the message expected after it, when there is one (for a count, the first
// item). kNone when `got` is empty or no known mistake fits. The decisions, in order: fewer than
// 4 bytes (kCutShortInLength); for a count, the count as 4 or 8 binary bytes in either byte order
// (kCountAsBinary), the next message in its place (kForgotCount), a short complete frame of
// other text (kNonDigitCount); the length little-endian (kLittleEndianLength), counting
// characters (kLengthCountsCharacters), as text (kLengthAsText); the right length with fewer
// payload bytes (kCutShortInPayload) or other text (kDifferentText).
Diagnosis diagnose_frame(std::string_view expected, std::string_view got, bool is_count,
                         std::optional<std::string_view> next = std::nullopt);

}  // namespace chatkit

#endif  // CHATKIT_KIT_DIAGNOSTICS_MISTAKES_H_
