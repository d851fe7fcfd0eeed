// I/O-thread halves of the blocking Socket operations, shared by socket.cc (connect) and
// listener.cc (accept). Internal to kit/blocking/.
#ifndef CHATKIT_KIT_BLOCKING_SOCKET_IO_H_
#define CHATKIT_KIT_BLOCKING_SOCKET_IO_H_

#include <uv.h>

#include <memory>
#include <string>

#include "kit/blocking/socket_state.h"

namespace chatkit::blocking {

// Marks a freshly connected or accepted handle as open and records the peer's address. I/O
// thread only; `state->tcp` is initialized and `state->self` set.
void adopt_connected(SocketState* state);

// Closes the socket's handle (I/O thread only) unless that was requested already. The close
// callback marks the state closed, wakes waiters and drops `self`.
void close_socket_handle(SocketState* state);

// "what + on + peer" for error texts: "receive from 127.0.0.1:5000".
std::string socket_step(const SocketState& state, const std::string& what);

}  // namespace chatkit::blocking

#endif  // CHATKIT_KIT_BLOCKING_SOCKET_IO_H_
