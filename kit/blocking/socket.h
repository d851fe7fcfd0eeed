// Blocking TCP sockets for students' programs: the course's Python socket calls, in C++.
//
//   Python                                   C++ (this header)
//   s = socket.socket()                      chatkit::Listener listener =
//   s.bind(("0.0.0.0", 10000)); s.listen()       chatkit::Listener::bind("0.0.0.0", 10000);
//   (conn, address) = s.accept()             chatkit::Socket conn = listener.accept();
//   s = socket.create_connection((h, p))     chatkit::Socket s = chatkit::Socket::connect(h, p);
//   s.sendall(data)                          s.send_all(data);
//   s.recv(1024)                             s.receive(1024);
//   s.shutdown(socket.SHUT_WR)               s.shutdown_write();
//   s.settimeout(2.0)                        s.set_timeout(std::chrono::seconds(2));
//   s.close()                                s.close();
//
// Every call blocks until it is done, and reports failure by throwing (kit/blocking/io_error.h):
// SocketError when the operation failed, SocketTimeout when it did not finish within the
// socket's timeout. Sockets have no timeout until set_timeout() gives them one, as in Python: a
// receive then waits for as long as the peer stays silent, which is exactly how one silent client
// can stop a whole server (the "never-answering peer"; see exercises/stage2/README.md).
//
// Underneath, one background thread runs libuv (kit/blocking/io_thread.h), so these calls work the
// same on Linux, macOS and Windows. Objects may be used from any thread, but each one from one
// thread at a time. Sockets and listeners are move-only values; destroying one closes it.
#ifndef CHATKIT_KIT_BLOCKING_SOCKET_H_
#define CHATKIT_KIT_BLOCKING_SOCKET_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "kit/blocking/io_error.h"

namespace chatkit {

// "No timeout": wait for as long as it takes.
inline constexpr std::chrono::milliseconds kNoTimeout = std::chrono::milliseconds::max();

namespace blocking {
class IoThread;
struct SocketState;
struct ListenerState;
}  // namespace blocking

// One TCP connection.
class Socket {
 public:
  // Connects to `host` (a name such as "localhost", or an IPv4 or IPv6 address) on `port`,
  // trying each address the name resolves to until one accepts. Throws SocketError (nobody
  // listens there, the name does not resolve, ...) or SocketTimeout when `timeout` passes
  // first. The new socket has no timeout of its own (set_timeout()).
  static Socket connect(const std::string& host, int port,
                        std::chrono::milliseconds timeout = kNoTimeout);

  // A socket that is not connected; every operation on it throws SocketError (EBADF).
  Socket();
  // Closes the socket, like close(), if it is open.
  ~Socket();
  Socket(Socket&& other) noexcept;
  Socket& operator=(Socket&& other) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  // Sends every byte of `bytes`, however many writes that takes, and returns once the operating
  // system has taken them all. Blocks while the peer does not read and the buffers between us
  // are full. Throws SocketError (the peer reset the connection: ECONNRESET, EPIPE) or
  // SocketTimeout; after a timeout, part of `bytes` may have gone out, so the socket refuses
  // further sends.
  void send_all(std::string_view bytes);

  // Waits until at least one byte has arrived and returns up to `max_bytes` of what has (like
  // Python's recv). Returns "" once the peer has closed its side (end of stream) and every byte
  // before that has been returned. TCP keeps no message boundaries: one receive may return part
  // of what the peer sent in one send, or the end of one send and the start of the next.
  // Throws SocketError (connection reset) or SocketTimeout (nothing arrived in time; the socket
  // stays usable and nothing is lost).
  std::string receive(std::size_t max_bytes);

  // Waits until exactly `count` bytes have arrived and returns them. Returns fewer only when
  // the peer closed its side first: then every byte that came before the end of stream (maybe
  // none). Throws like receive(); after SocketTimeout no byte is consumed, so a later call
  // returns them.
  std::string receive_exact(std::size_t count);

  // Half-closes the connection: sends FIN after the bytes already sent, telling the peer that
  // nothing more will come; receiving goes on. Throws SocketError or SocketTimeout.
  void shutdown_write();

  // Closes the connection. Bytes already sent still go out, then FIN; bytes the peer sent that
  // were never received make the system end the connection with a reset (RST) instead. Safe to
  // call twice; never throws.
  void close();

  // The time each later call may take before it throws SocketTimeout; kNoTimeout (the default)
  // for no limit. Throws std::invalid_argument for a negative timeout.
  void set_timeout(std::chrono::milliseconds timeout);
  std::chrono::milliseconds timeout() const { return timeout_; }

  // True from a successful connect() or accept() until close().
  bool is_open() const;
  // The peer's IP address ("127.0.0.1", "::1") and port; "" and 0 when not connected.
  const std::string& peer_ip() const;
  int peer_port() const;
  // "127.0.0.1:41234", or "[::1]:41234" for IPv6.
  std::string peer_address() const;

 private:
  friend class Listener;
  Socket(std::shared_ptr<blocking::IoThread> io, std::shared_ptr<blocking::SocketState> state);

  std::shared_ptr<blocking::IoThread> io_;
  std::shared_ptr<blocking::SocketState> state_;
  std::chrono::milliseconds timeout_ = kNoTimeout;
};

// A listening TCP socket that accepts connections.
class Listener {
 public:
  // Listens on `ip` ("0.0.0.0" for every IPv4 address, "::" for IPv6 and IPv4, "127.0.0.1" for
  // this machine only) and `port` (0: the system picks a free port; port() tells which).
  // `backlog` is how many connections may wait for accept(). Throws SocketError (the port is in
  // use: EADDRINUSE; `ip` is not an IP address: EINVAL).
  static Listener bind(const std::string& ip, int port, int backlog = 128);

  Listener();
  ~Listener();
  Listener(Listener&& other) noexcept;
  Listener& operator=(Listener&& other) noexcept;
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Waits for the next connection and returns it (oldest first). Throws SocketTimeout when
  // none arrives within the listener's timeout, SocketError when accepting failed (too many
  // open files: EMFILE). The returned socket has no timeout of its own.
  Socket accept();

  // Stops listening; connections not yet accepted are closed. Never throws.
  void close();

  void set_timeout(std::chrono::milliseconds timeout);
  std::chrono::milliseconds timeout() const { return timeout_; }

  bool is_open() const;
  // The port listened on: the one the system picked when bind() was given 0.
  int port() const;
  // The address listened on with its port: "0.0.0.0:10000", "[::]:10000". Print it as
  // "listening on " + address(): scripts and tests read the port from that line.
  std::string address() const;

 private:
  std::shared_ptr<blocking::IoThread> io_;
  std::shared_ptr<blocking::ListenerState> state_;
  std::chrono::milliseconds timeout_ = kNoTimeout;
};

// The host name of IP address `ip` by reverse DNS (Python: socket.gethostbyaddr(ip)[0]), or
// `ip` itself when there is none, the lookup fails or it takes longer than `timeout`, or the name
// holds a space or ']' (a stage-3 post could not be split then). Never throws for lookup
// failures; throws std::invalid_argument when `ip` is not an IP address.
std::string lookup_host_name(const std::string& ip,
                             std::chrono::milliseconds timeout = std::chrono::seconds(2));

}  // namespace chatkit

#endif  // CHATKIT_KIT_BLOCKING_SOCKET_H_
