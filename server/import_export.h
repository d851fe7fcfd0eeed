// `chat-server --import FILE` and `chat-server --export`: the stage-3 history as a text file.
//
//   chat-server --data new.db --import old-history.txt   # store every line as a post, exit
//   chat-server --data chat-history.db --export > history.txt
//
// The text format is one post per line, UTF-8, exactly the text the server sends (usually
// "[<time> <host>] <message>"; imported lines are stored verbatim, whatever their shape, so a
// history carried over from another server keeps its own times and hosts). Instructors use it to
// carry a history from one server to another, the benchmarks to build large histories quickly.
//
// Reading the file follows kit/protocol/history_text.h: one post per line, "\r\n" or "\n", a
// byte order mark skipped, empty lines skipped, every line UTF-8 and within the frame limit, or
// nothing at all is stored and the error names the line.
//
// Import stores the posts after the ones already in the file, all in one transaction: either
// every line is stored, or (disk full, file refused) none is. Export prints the posts oldest
// first, each followed by "\n". What this format cannot carry, export warns about on stderr, post
// by post: a post holding a "\n" (a client may send one) would import as more than one post, and
// one ending in "\r" would lose it. A "\r" elsewhere in a post survives the round trip.
#ifndef CHATKIT_SERVER_IMPORT_EXPORT_H_
#define CHATKIT_SERVER_IMPORT_EXPORT_H_

#include <uv.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace chatkit {

// chat-server's exit codes for --import and --export: 0 done, 1 failed (the reason is on `err`).
// --import: reads `file`, stores its posts in the history at `data_path`, and prints one line
// saying how many on `out`.
int import_history(const std::string& file, const std::string& data_path,
                   std::uint32_t max_post_bytes, std::FILE* out, std::FILE* err);
// --export: writes every post of the history at `data_path` to the file descriptor `out`
// (1: standard output), one per line, each line ending in "\n" on every system. The file must
// exist: export never creates a history.
int export_history(const std::string& data_path, uv_file out, std::FILE* err);

}  // namespace chatkit

#endif  // CHATKIT_SERVER_IMPORT_EXPORT_H_
