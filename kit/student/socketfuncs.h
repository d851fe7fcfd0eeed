// The course's `socketfuncs`, in C++: whole text messages over a Socket (kit/student/socket.h).
//
//   Python (kit/python/socketfuncs.py)       C++ (this header)
//   socketfuncs.send_message(conn, "Hi")     socketfuncs::send_message(conn, "Hi");
//   text = socketfuncs.receive_message(conn) std::string text = socketfuncs::receive_message(conn);
//
// Every message travels as one frame: its length as 4 big-endian bytes, then that many bytes of
// UTF-8 text ("Hi" is 00 00 00 02 48 69; docs/protocol.md, section 2).
//
// In stage 1 students write these two functions themselves (exercises/stage1/cpp/socketfuncs.cpp,
// with the same contract); from stage 2 on the exercises use this version, so that a student
// stuck in stage 1 can go on.
#ifndef CHATKIT_KIT_STUDENT_SOCKETFUNCS_H_
#define CHATKIT_KIT_STUDENT_SOCKETFUNCS_H_

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

#endif  // CHATKIT_KIT_STUDENT_SOCKETFUNCS_H_
