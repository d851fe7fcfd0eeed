// Reading a whole file through libuv's synchronous file calls, for the reference programs'
// one-off reads (chat-server --import, the benchmarks' limit server).
#ifndef CHATKIT_KIT_NET_READ_FILE_H_
#define CHATKIT_KIT_NET_READ_FILE_H_

#include <uv.h>

#include <string>

#include "kit/net/uv_error.h"

namespace chatkit {

// Appends every byte of the file at `path` ("-": standard input, until it ends) to *text. Runs
// synchronously on `loop` (no callback). Returns the error naming the step ("open FILE", "read
// FILE") when a call failed; *text then holds what was read before it.
UvError read_whole_file(uv_loop_t* loop, const std::string& path, std::string* text);

}  // namespace chatkit

#endif  // CHATKIT_KIT_NET_READ_FILE_H_
