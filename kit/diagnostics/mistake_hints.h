// The teaching texts for the common mistakes, shared by the exercise checks' hints and the
// reference server's class view (kit/diagnostics/mistakes.h), so that a student reads the same
// explanation wherever the mistake is seen.
//
// Each text starts in lower case, to follow "Hint: " or a colon, and ends with a full stop.
#ifndef CHATKIT_KIT_DIAGNOSTICS_MISTAKE_HINTS_H_
#define CHATKIT_KIT_DIAGNOSTICS_MISTAKE_HINTS_H_

namespace chatkit {

// The length's 4 bytes least significant first (little-endian).
extern const char* const kHintByteOrder;
// The length counts characters instead of UTF-8 bytes.
extern const char* const kHintCharacters;
// The history count sent as a binary number instead of decimal text.
extern const char* const kHintCountAsBinary;
// The history items sent without the count before them.
extern const char* const kHintForgotCount;
// The length sent as ASCII digits.
extern const char* const kHintLengthAsText;
// A receiver that takes one receive for a whole frame.
extern const char* const kHintReassemble;
// A server that waits forever for one silent client.
extern const char* const kHintNeverAnsweringPeer;
// The connection ended in the middle of a frame.
extern const char* const kHintCutShort;
// A length above the limit.
extern const char* const kHintAboveLimit;
// A payload that is not well-formed UTF-8.
extern const char* const kHintInvalidUtf8;
// A client that sent more than its one frame.
extern const char* const kHintExtraFrames;
// A stage-1 client that keeps the connection open after its frame.
extern const char* const kHintNeverClosed;
// A program that connected and sent nothing until the idle timeout.
extern const char* const kHintSilent;
// A server whose history count is not decimal text.
extern const char* const kHintNonDigitCount;
// A server that announced more history items than it sent.
extern const char* const kHintMissingItems;

}  // namespace chatkit

#endif  // CHATKIT_KIT_DIAGNOSTICS_MISTAKE_HINTS_H_
