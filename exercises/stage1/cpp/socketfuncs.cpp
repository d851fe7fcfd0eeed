// The course's socketfuncs, written by you: send_message and receive_message. Their contract,
// the frame's layout and examples are in socketfuncs.h; read it first. The socket calls you have
// are in kit/student/socket.h (the same calls as Python's socket module).
//
// As given, the two functions compile but do nothing: send_message sends nothing and
// receive_message always returns "". Check your work with
//
//   cmake --build build --target check-stage1
#include "socketfuncs.h"

#include <cstdint>
#include <string>
#include <string_view>

#include "kit/framing/utf8.h"  // chatkit::check_utf8(text).valid: is `text` well-formed UTF-8?

namespace socketfuncs {

void send_message(chatkit::Socket& socket, std::string_view text, std::uint32_t max_message_bytes) {
  // TODO(stage 1): send `text` as one frame: its length as 4 bytes, then its bytes.
  //
  // - First refuse what the receiver would refuse (throw std::invalid_argument): text that is not
  //   UTF-8, or text longer than max_message_bytes. Better an error here than a peer that drops
  //   the connection without saying why.
  // - The length counts BYTES, not characters: "héllo" is 6 bytes.
  // - The length goes out most significant byte first (big-endian), whatever order your
  //   processor keeps an integer in memory: x86 and ARM keep it least significant first, so
  //   copying an integer's memory would send 2 as 02 00 00 00, a length of 33,554,432.
  // - A socket may take only part of what you hand it at once: make sure every byte of the frame
  //   has gone before you return.
  (void)socket;  // These lines only keep the compiler quiet until you use the names:
  (void)text;    // delete them.
  (void)max_message_bytes;
}

std::string receive_message(chatkit::Socket& socket, std::uint32_t max_message_bytes) {
  // TODO(stage 1): receive one frame and return its text.
  //
  // - TCP keeps no message boundaries: one read may return a single byte of the 4 length bytes,
  //   or a frame and a half. Keep reading until you have all 4 length bytes, and then until you
  //   have all N payload bytes. Never take what one read returned for the whole frame.
  // - The end of the stream (the peer closed) before the first byte is the normal end of a
  //   conversation: return "". The end of the stream inside the frame means the frame was cut
  //   short: throw ProtocolError, and use nothing of it.
  // - Decide on the length as soon as its 4 bytes are in: when it is over max_message_bytes,
  //   throw ProtocolError before you read, or make room for, any payload. A peer that announces
  //   4 GiB must not make you wait for 4 GiB, or allocate it.
  // - Refuse a payload that is not UTF-8 text (ProtocolError): the protocol carries text only.
  (void)socket;  // As above: delete these two lines.
  (void)max_message_bytes;
  return "";
}

}  // namespace socketfuncs
