// The course's `socketfuncs` module, in C++: whole text messages over a blocking Socket.
//
//   Python (kit/python/socketfuncs.py)          C++ (this header)
//   socketfuncs.send_message(conn, "Hi")        chatkit::send_message(conn, "Hi");
//   text = socketfuncs.receive_message(conn)    std::string text = chatkit::receive_message(conn);
//
// Every message travels as one frame: its length as 4 big-endian bytes, then that many bytes of
// UTF-8 text ("Hi" is 00 00 00 02 48 69; docs/protocol.md, section 2). The framing itself is
// the kit's (kit/framing/frame_codec.h); these two functions only move frames over a socket.
//
// Students' programs include just this header: it brings in Socket and Listener
// (kit/blocking/socket.h) and the exceptions (kit/blocking/io_error.h).
#ifndef CHATKIT_KIT_SOCKETFUNCS_H_
#define CHATKIT_KIT_SOCKETFUNCS_H_

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "kit/blocking/io_error.h"
#include "kit/blocking/socket.h"
#include "kit/framing/frame_codec.h"

namespace chatkit {

// The bytes that arrived are not a frame this side accepts: the length is over the limit, the
// payload is not UTF-8, or the connection ended part-way through a frame. The connection is no
// use after this: close it. (Python: ValueError, ConnectionError.)
class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Sends `text` as one frame (header and payload in one send_all). Throws std::invalid_argument
// when `text` is not valid UTF-8 or longer than `max_message_bytes` (the receiver would refuse
// it), and SocketError / SocketTimeout from the socket.
void send_message(Socket& socket, std::string_view text,
                  std::uint32_t max_message_bytes = kDefaultMaxMessageBytes);

// Receives one frame and returns its text. Returns "" when the peer closed the connection
// before the first byte of a frame, exactly like the Python version; an empty message (length
// 0) is "" too, and in this protocol neither is ever stored.
//
// Throws ProtocolError when the length announces more than `max_message_bytes` (decided from
// the 4 length bytes alone, before any payload is read), when the payload is not valid UTF-8,
// or when the connection ends inside the frame; SocketError (connection reset) and
// SocketTimeout (the socket's timeout passed; part of a frame may have been consumed, so close
// the connection) from the socket.
std::string receive_message(Socket& socket,
                            std::uint32_t max_message_bytes = kDefaultMaxMessageBytes);

}  // namespace chatkit

#endif  // CHATKIT_KIT_SOCKETFUNCS_H_
