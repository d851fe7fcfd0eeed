// Hints for the common mistakes, recognised from the bytes themselves.
//
// Given the frames a program should have sent and the bytes it did send, explain_frames() finds
// the first frame that differs and says which mistake produces exactly those bytes: the length in
// host byte order (little-endian), a length that counts characters instead of UTF-8 bytes, the
// count sent as a binary number, the count forgotten, the length sent as text, or the bytes
// ending early (a program that closed before it was done). The recognisers are the kit's
// (kit/diagnostics/mistakes.h: diagnose_frame), shared with the server's class view; this file
// words their findings for the checks' reports.
#ifndef CHATKIT_EXERCISES_CHECK_HINTS_H_
#define CHATKIT_EXERCISES_CHECK_HINTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "kit/diagnostics/mistake_hints.h"

namespace chatkit::exercises {

// The teaching texts, also used directly by checks that recognise a mistake another way. The
// kit holds them (kit/diagnostics/mistake_hints.h), so that the server's class view teaches with
// the same words.
using chatkit::kHintByteOrder;
using chatkit::kHintCharacters;
using chatkit::kHintCountAsBinary;
using chatkit::kHintForgotCount;
using chatkit::kHintLengthAsText;
using chatkit::kHintNeverAnsweringPeer;
using chatkit::kHintReassemble;
// The check programs' own: a program under test that does not say where it listens.
extern const char* const kHintFlushListening;

// `first` and then `next`, two parts of one hint: a space between them, and `next` starting with
// a capital letter when `first` ends a sentence (the kHint* texts start in lower case, to follow
// "Hint: " or a colon). Either may be empty.
std::string join_hints(const std::string& first, const std::string& next);

// Which program under test a hint speaks of.
enum class Part { kServer, kClient };

// For a failure that an unfinished stage produces (nothing sent where the stage's work begins): a
// full sentence saying so. With the stage's starter program under test (the student's own
// exercises/stageN/cpp/server.cpp or client.cpp) it points to the TODOs there; with another
// program (--server-cmd / --client-cmd: a grader's run, another language) it speaks of "the
// server under test" / "the client under test" and never of the starter.
std::string hint_not_started(Part part);

// What went wrong, where `got` should have been the frames of `messages`, in order. When
// `first_is_count` the first message is a history count. Returns the index of the first frame
// that differs in *frame_index (messages.size() when all matched) and a hint ("" when no known
// mistake fits).
std::string explain_frames(const std::vector<std::string>& messages, bool first_is_count,
                           std::string_view got, std::size_t* frame_index = nullptr);

}  // namespace chatkit::exercises

#endif  // CHATKIT_EXERCISES_CHECK_HINTS_H_
