// The student socket layer: the operating system's socket calls, one C++ call for each, as
// Python's `socket` module has them. This is what the exercises (exercises/) are written with.
//
//   Python                            C++ (this header)                        system call
//   s = socket.socket()               chatkit::Socket s;                       socket()
//   s.bind(("0.0.0.0", 10000))        s.bind("0.0.0.0", 10000);                bind()
//   s.listen()                        s.listen();                              listen()
//   (conn, address) = s.accept()      auto [conn, address] = s.accept();       accept()
//   s.connect(("localhost", 10000))   s.connect("localhost", 10000);           getaddrinfo(),
//                                                                              connect()
//   socket.create_connection((h, p))  auto s = chatkit::Socket::create_connection(h, p);
//                                                                              the same
//   n = s.send(data)                  std::size_t n = s.send(data);            send()
//   s.sendall(data)                   s.send_all(data);                        send() until all
//                                                                              is sent
//   data = s.recv(1024)               std::string data = s.recv(1024);         recv()
//   s.shutdown(socket.SHUT_WR)        s.shutdown(chatkit::Shutdown::kWrite);   shutdown()
//   s.settimeout(2.0)                 s.set_timeout(std::chrono::seconds(2));  setsockopt()
//   s.close()                         s.close();                               close(),
//                                                                              closesocket()
//   socket.gethostbyaddr(ip)[0]       chatkit::host_name_of(ip)                getnameinfo()
//
// There is nothing underneath but those calls: no thread, no event loop. A call blocks until
// the system call returns, exactly as in Python; step into recv() with a debugger, or watch the
// program with strace, and you meet the system's recv(2). On Windows the same calls are
// Winsock's (WSAStartup once, closesocket, WSAGetLastError for the reason).
//
// Failure is an exception, as in Python: SocketError names the system call and gives the
// system's reason, e.g. "connect to 127.0.0.1:10000: Connection refused (ECONNREFUSED)";
// SocketTimeout (a SocketError) when the socket's timeout passed first (Python: socket.timeout).
//
// This layer is the kit's one exception to "sockets go through libuv" (the reference server,
// client and bridge use libuv, kit/net/): it exists to show the system's socket calls.
#ifndef CHATKIT_KIT_STUDENT_SOCKET_H_
#define CHATKIT_KIT_STUDENT_SOCKET_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace chatkit {

// A socket call failed. what() is "<call>: <the system's reason> (<ERRNO name>)".
// (Python: OSError and its subclasses ConnectionRefusedError, ConnectionResetError, ...)
class SocketError : public std::runtime_error {
 public:
  SocketError(std::string call, int code, const std::string& message)
      : std::runtime_error(message), call_(std::move(call)), code_(code) {}
  // What was being done: "recv", "connect to 127.0.0.1:10000", "bind 0.0.0.0:10000".
  const std::string& call() const { return call_; }
  // The system's error number: errno on Linux and macOS, WSAGetLastError() on Windows.
  int code() const { return code_; }

 private:
  std::string call_;
  int code_;
};

// The socket's timeout (set_timeout) passed before the call could finish. (Python:
// socket.timeout / TimeoutError.) After recv or accept timed out the socket is still usable and
// nothing was lost; after send or send_all it is not: part of the bytes may have gone out.
class SocketTimeout : public SocketError {
 public:
  using SocketError::SocketError;
};

// "No timeout": a call waits for as long as it takes (Python: settimeout(None), the default).
inline constexpr std::chrono::milliseconds kNoTimeout = std::chrono::milliseconds::max();

// IPv4 (AF_INET, Python's default) or IPv6 (AF_INET6).
enum class Family { kIPv4, kIPv6 };

// Which direction shutdown() ends: SHUT_RD, SHUT_WR, SHUT_RDWR (SD_RECEIVE, SD_SEND, SD_BOTH).
enum class Shutdown { kRead, kWrite, kBoth };

// An IP address and port, as accept() and the address calls give them.
struct Address {
  std::string ip;  // "127.0.0.1", "::1"
  int port = 0;
  // "127.0.0.1:41234", or "[::1]:41234" for IPv6.
  std::string text() const;
};

// One TCP socket: a listening one (bind, listen, accept) or a connection (connect or accept,
// then send and recv). Move-only; destroying an open socket closes it.
class Socket {
 public:
  // socket(): a new TCP socket of `family`. Throws SocketError.
  explicit Socket(Family family = Family::kIPv4);
  // Connects to `host` (a name such as "localhost", or an IP address) on `port`, trying every
  // address the name resolves to, IPv6 and IPv4, until one accepts (Python's
  // socket.create_connection). `timeout` limits each address's connect and becomes the new
  // socket's timeout, as in Python. Throws SocketError (name not found, nobody listens: the last
  // address's error) or SocketTimeout; std::invalid_argument when `port` is not in 0..65535.
  static Socket create_connection(const std::string& host, int port,
                                  std::chrono::milliseconds timeout = kNoTimeout);

  // Closes the socket if it is open.
  ~Socket();
  Socket(Socket&& other) noexcept;
  Socket& operator=(Socket&& other) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  // bind(): gives the socket its local address. `ip` is an address of this machine ("0.0.0.0"
  // every IPv4 address, "127.0.0.1" this machine only, "::" every IPv6 one); `port` 0 lets the
  // system pick a free port (local_address() tells which). On Linux and macOS SO_REUSEADDR is set
  // first, so that a restarted server can take its port again at once. Throws SocketError
  // (EADDRINUSE: the port is taken; EINVAL: `ip` is not an IP address of this socket's family),
  // std::invalid_argument when `port` is not in 0..65535.
  void bind(const std::string& ip, int port);
  // listen(): waits for connections; `backlog` of them may wait for accept().
  void listen(int backlog = 128);
  // accept(): waits for the next connection and returns it with the peer's address:
  //   auto [conn, address] = listener.accept();
  // The new socket has no timeout (Python: it inherits none either). Throws SocketError, or
  // SocketTimeout when none came within this socket's timeout.
  std::pair<Socket, Address> accept();
  // connect(): resolves `host` with getaddrinfo() for this socket's family and connects to the
  // first address that accepts; with a timeout, each address may take that long. Throws
  // SocketError (ECONNREFUSED: nobody listens) or SocketTimeout; std::invalid_argument when
  // `port` is not in 0..65535.
  void connect(const std::string& host, int port);

  // send(): hands the system as many bytes of `bytes` as it takes now (at least one, unless
  // `bytes` is empty) and returns how many; the rest is the caller's to send (Python's send).
  // Throws SocketError (ECONNRESET, EPIPE: the peer is gone) or SocketTimeout.
  std::size_t send(std::string_view bytes);
  // send() until every byte of `bytes` is sent (Python's sendall).
  void send_all(std::string_view bytes);
  // recv(): waits until at least one byte has arrived and returns up to `max_bytes` of what has.
  // Returns "" once the peer has closed its side (end of stream). TCP keeps no message
  // boundaries: one recv may return part of one send, or the end of one and the start of the
  // next. Throws SocketError (ECONNRESET) or SocketTimeout (nothing arrived in time).
  std::string recv(std::size_t max_bytes);
  // shutdown(): ends one direction or both. kWrite sends FIN after the bytes already sent:
  // the peer's recv returns "" and it knows nothing more will come; receiving goes on.
  void shutdown(Shutdown how);
  // close() (closesocket() on Windows). Bytes already sent still go out, then FIN; if bytes the
  // peer sent were never received, the system sends a reset (RST) instead. Safe to call twice;
  // never throws.
  void close();

  // The longest any later call on this socket may block before it throws SocketTimeout;
  // kNoTimeout for no limit (Python's settimeout). Throws std::invalid_argument if negative.
  void set_timeout(std::chrono::milliseconds timeout);
  std::chrono::milliseconds timeout() const { return timeout_; }

  // getsockname() and getpeername().
  Address local_address() const;
  Address peer_address() const;

  bool is_open() const;

 private:
  // The system's handle: an int on Linux and macOS, a SOCKET (an unsigned integer) on Windows.
  using Handle = std::intptr_t;
  Socket(Handle handle, Family family);

  Handle handle_;
  Family family_;
  std::chrono::milliseconds timeout_ = kNoTimeout;
};

// getnameinfo(): the host name of IP address `ip` by reverse DNS (Python:
// socket.gethostbyaddr(ip)[0]), or `ip` itself when it has none or the lookup fails. Blocks for
// as long as the lookup takes. Throws std::invalid_argument when `ip` is not an IP address.
std::string host_name_of(const std::string& ip);

}  // namespace chatkit

#endif  // CHATKIT_KIT_STUDENT_SOCKET_H_
