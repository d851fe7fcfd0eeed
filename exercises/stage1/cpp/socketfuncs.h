// The course's `socketfuncs`, in C++: whole text messages over a TCP socket. This file is GIVEN:
// it is the contract. You write the two functions in socketfuncs.cpp.
//
//   Python (the course's socketfuncs.py)      C++ (this header)
//   socketfuncs.send_message(conn, "Hi")      socketfuncs::send_message(conn, "Hi");
//   text = socketfuncs.receive_message(conn)  std::string text =
//   socketfuncs::receive_message(conn);
//
// TCP carries a stream of bytes, not messages: what one side sends in one call may arrive in
// pieces, and two sends may arrive together. So every message travels as one *frame*: its length
// as 4 bytes, big-endian (most significant byte first), then that many bytes of UTF-8 text.
//
//   "Hi"     00 00 00 02 48 69                  N = 2
//   "héllo"  00 00 00 06 68 c3 a9 6c 6c 6f      5 characters, 6 bytes: é is c3 a9
//   ""       00 00 00 00                        the empty message
//
// (docs/protocol.md, section 2.) The socket calls are in kit/student/socket.h. From stage 2 on
// the exercises use the kit's version of these functions (kit/student/socketfuncs.h), which
// keeps this contract word for word.
#ifndef CHATKIT_EXERCISES_STAGE1_SOCKETFUNCS_H_
#define CHATKIT_EXERCISES_STAGE1_SOCKETFUNCS_H_

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "kit/student/socket.h"

namespace socketfuncs {

// The longest message accepted by default, in bytes (1 MiB), as the reference server's.
inline constexpr std::uint32_t kMaxMessageBytes = 1 << 20;

// The bytes that arrived are not a frame this side accepts: the length is over the limit, the
// payload is not UTF-8, or the connection ended part-way through a frame. The connection is no
// use after this: close it. (Python: ValueError, ConnectionError.)
class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Sends `text` as one frame. Throws std::invalid_argument when `text` is not valid UTF-8 or is
// longer than `max_message_bytes` (the receiver would refuse it), and chatkit::SocketError /
// chatkit::SocketTimeout from the socket.
void send_message(chatkit::Socket& socket, std::string_view text,
                  std::uint32_t max_message_bytes = kMaxMessageBytes);

// Receives one frame and returns its text. Returns "" when the peer closed the connection before
// the first byte of a frame, exactly like the Python version; an empty message (length 0) is ""
// too, and in this protocol neither is ever stored.
//
// Throws ProtocolError when the length announces more than `max_message_bytes` (decided from the
// 4 length bytes alone, before any payload is read), when the payload is not valid UTF-8, or when
// the connection ends inside the frame; chatkit::SocketError (connection reset) and
// chatkit::SocketTimeout (the socket's timeout passed; part of a frame may have been consumed,
// so close the connection) from the socket.
std::string receive_message(chatkit::Socket& socket,
                            std::uint32_t max_message_bytes = kMaxMessageBytes);

}  // namespace socketfuncs

#endif  // CHATKIT_EXERCISES_STAGE1_SOCKETFUNCS_H_
