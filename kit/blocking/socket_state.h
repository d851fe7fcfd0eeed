// The state behind a blocking Socket and Listener, shared between the caller's thread and the
// I/O thread. Internal to kit/blocking/.
//
// Rules: the libuv handles and the `self` references are touched on the I/O thread only; every
// other field is guarded by the object's mutex, and every change to one is followed by
// notify_all() on `changed`, which is what blocked callers wait on. `self` keeps the state alive
// while its handle is open: it is set when the handle is initialized and dropped in the close
// callback, so the I/O thread never touches freed memory, whatever the caller does meanwhile.
#ifndef CHATKIT_KIT_BLOCKING_SOCKET_STATE_H_
#define CHATKIT_KIT_BLOCKING_SOCKET_STATE_H_

#include <uv.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace chatkit::blocking {

// The outcome of one operation (a write, a shutdown), filled in on the I/O thread.
struct Completion {
  bool done = false;
  int status = 0;  // libuv status once done.
};

struct SocketState {
  // I/O thread only.
  uv_tcp_t tcp{};
  std::shared_ptr<SocketState> self;
  std::vector<char> chunk;  // Where libuv reads into before the bytes move to `input`.

  // Set before the socket is handed to its owner; constant afterwards.
  std::string peer_ip;
  int peer_port = 0;

  std::mutex mutex;
  std::condition_variable changed;
  // Guarded by mutex.
  bool handle_open = false;    // Connected, and no close requested yet.
  bool handle_closed = false;  // The close callback has run.
  std::string input;           // Received bytes; those before input_offset are consumed.
  std::size_t input_offset = 0;
  std::size_t wanted = 0;     // Bytes the blocked receiver needs available; 0 = none waiting.
  bool reading = false;       // uv_read_start is in effect.
  bool start_posted = false;  // A start_reading task is on its way.
  bool input_ended = false;   // The peer sent FIN (end of stream).
  int read_error = 0;         // A read failed (ECONNRESET, ...).
  bool send_broken = false;   // A send timed out: the byte stream is in an unknown state.

  std::size_t available() const { return input.size() - input_offset; }
};

struct ListenerState {
  // I/O thread only.
  uv_tcp_t tcp{};
  std::shared_ptr<ListenerState> self;

  // Set by bind before the listener is handed out; constant afterwards.
  int port = 0;
  std::string address;
  std::size_t backlog = 0;

  std::mutex mutex;
  std::condition_variable changed;
  // Guarded by mutex.
  bool bound = false;  // bind finished (bind_error says how).
  int bind_error = 0;
  std::string bind_step;  // Which step of bind failed.
  bool handle_open = false;
  bool handle_closed = false;
  std::deque<std::shared_ptr<SocketState>> ready;  // Accepted, not yet returned by accept().
  int deferred = 0;      // Connections libuv announced that wait for room in `ready`.
  int accept_error = 0;  // The last failed accept, reported once by accept().
};

}  // namespace chatkit::blocking

#endif  // CHATKIT_KIT_BLOCKING_SOCKET_STATE_H_
