// The student socket layer (socket.h): each member function makes the system call it is named
// after and turns a failure into an exception. Where Windows names a call differently, the
// difference sits under _WIN32.
#include "kit/student/socket.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#endif

namespace chatkit {
namespace {

using std::chrono::milliseconds;

#ifdef _WIN32
using Native = SOCKET;
#define CHATKIT_CODE(name) \
  { WSA##name, "WSA" #name }
constexpr int kInterrupted = WSAEINTR;
constexpr int kInProgress = WSAEWOULDBLOCK;  // A non-blocking connect() that goes on.
constexpr int kTimedOut = WSAETIMEDOUT;      // recv() or send() after SO_RCVTIMEO/SO_SNDTIMEO.
constexpr int kWouldBlock = WSAEWOULDBLOCK;
constexpr int kInvalid = WSAEINVAL;
constexpr int kSendFlags = 0;
int last_error() {
  return WSAGetLastError();
}
#else
using Native = int;
#define CHATKIT_CODE(name) \
  { name, #name }
constexpr int kInterrupted = EINTR;  // A signal came first: the call is made again.
constexpr int kInProgress = EINPROGRESS;
constexpr int kTimedOut = EAGAIN;
constexpr int kWouldBlock = EWOULDBLOCK;  // The same as EAGAIN, but not everywhere.
constexpr int kInvalid = EINVAL;
#ifdef MSG_NOSIGNAL
constexpr int kSendFlags = MSG_NOSIGNAL;  // A gone peer is EPIPE, not a fatal SIGPIPE.
#else
constexpr int kSendFlags = 0;  // macOS: SO_NOSIGPIPE on each socket instead.
#endif
int last_error() {
  return errno;
}
#endif
constexpr std::intptr_t kClosed = -1;  // INVALID_SOCKET is ~0: -1 as a signed integer.

Native native(std::intptr_t handle) {
  return static_cast<Native>(handle);
}

// "ECONNREFUSED": the name to look an error up by ("WSAECONNREFUSED" on Windows).
std::string code_name(int code) {
  static const struct {
    int code;
    const char* name;
  } kNames[] = {
      CHATKIT_CODE(ECONNREFUSED), CHATKIT_CODE(ECONNRESET),    CHATKIT_CODE(ECONNABORTED),
      CHATKIT_CODE(EADDRINUSE),   CHATKIT_CODE(EADDRNOTAVAIL), CHATKIT_CODE(EINVAL),
      CHATKIT_CODE(ETIMEDOUT),    CHATKIT_CODE(EHOSTUNREACH),  CHATKIT_CODE(ENETUNREACH),
      CHATKIT_CODE(EBADF),        CHATKIT_CODE(EMFILE),        CHATKIT_CODE(ENOTCONN),
      CHATKIT_CODE(EACCES),       CHATKIT_CODE(EAFNOSUPPORT),
#ifdef _WIN32
      CHATKIT_CODE(EWOULDBLOCK),  CHATKIT_CODE(ESHUTDOWN),     CHATKIT_CODE(HOST_NOT_FOUND)};
#else
      CHATKIT_CODE(EAGAIN),       CHATKIT_CODE(EPIPE)};
#endif
  for (const auto& entry : kNames) {
    if (entry.code == code) return entry.name;
  }
  return "error " + std::to_string(code);
}

// The system's sentence for an error code: strerror(), or FormatMessage() on Windows.
std::string reason(int code) {
#ifdef _WIN32
  char text[512] = "";
  FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr,
                 static_cast<DWORD>(code), 0, text, sizeof text, nullptr);
  std::string result = text;
  while (!result.empty() && std::strchr(" .\r\n", result.back())) result.pop_back();
  return result.empty() ? "Winsock error" : result;
#else
  return std::strerror(code);
#endif
}

// Throws for a failed call: SocketTimeout when the socket has a timeout and the call says it ran
// out (recv and send give EAGAIN then: SO_RCVTIMEO, SO_SNDTIMEO), else SocketError.
[[noreturn]] void fail(const std::string& call, int code, milliseconds timeout = kNoTimeout) {
  if (timeout != kNoTimeout && (code == kTimedOut || code == kWouldBlock)) {
    throw SocketTimeout(call, code,
                        call + ": timed out after " + std::to_string(timeout.count()) +
                            " ms, the socket's timeout (set_timeout)");
  }
  throw SocketError(call, code, call + ": " + reason(code) + " (" + code_name(code) + ")");
}

// Winsock must be started (WSAStartup) before its first call: the first call here does it.
void start_sockets() {
#ifdef _WIN32
  static const int code = [] {
    WSADATA data;
    return WSAStartup(MAKEWORD(2, 2), &data);
  }();
  if (code != 0) fail("WSAStartup", code);
#endif
}

// getaddrinfo(): the addresses of `host` for `family` (AF_UNSPEC: IPv6 and IPv4). With
// AI_NUMERICHOST only an IP address is taken, and none (nullptr) is returned for anything else.
using AddressList = std::unique_ptr<addrinfo, decltype(&freeaddrinfo)>;
AddressList resolve(const std::string& host, int port, int family, int flags = 0) {
  start_sockets();
  if (port < 0 || port > 65535) {
    throw std::invalid_argument("port " + std::to_string(port) + " is not in 0..65535");
  }
  addrinfo hints{};
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = flags;
  addrinfo* list = nullptr;
  const int code = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &list);
  if (code == 0 || (flags & AI_NUMERICHOST)) return AddressList(list, &freeaddrinfo);
#ifdef _WIN32
  fail("resolve " + host, code);  // Winsock's getaddrinfo() gives WSA codes.
#else
  const std::string text = code == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(code);
  throw SocketError("resolve " + host, code, "resolve " + host + ": " + text);
#endif
}

Address address_of(const sockaddr* address) {
  char ip[INET6_ADDRSTRLEN] = "";
  const bool ipv6 = address->sa_family == AF_INET6;
  const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
  const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
  inet_ntop(address->sa_family, ipv6 ? static_cast<const void*>(&v6->sin6_addr) : &v4->sin_addr, ip,
            sizeof ip);
  return Address{ip, ntohs(ipv6 ? v6->sin6_port : v4->sin_port)};
}

// Waits until `socket` has a connection to accept (or can be written to: its connect() has
// ended), or `timeout` passed, which returns false: poll() (WSAPoll() on Windows), as Python does.
bool wait_until_ready(Native socket, bool to_write, milliseconds timeout) {
  const int ms =
      timeout == kNoTimeout ? -1 : static_cast<int>(std::min<long long>(timeout.count(), INT_MAX));
  pollfd entry{socket, static_cast<short>(to_write ? POLLOUT : POLLIN), 0};
  int count;
  do {
#ifdef _WIN32
    count = WSAPoll(&entry, 1, ms);
#else
    count = ::poll(&entry, 1, ms);
#endif
  } while (count < 0 && last_error() == kInterrupted);
  if (count < 0) fail(to_write ? "poll for connect" : "poll for accept", last_error());
  return count > 0;
}

void set_blocking(Native socket, bool blocking) {
#ifdef _WIN32
  u_long non_blocking = blocking ? 0 : 1;
  if (ioctlsocket(socket, FIONBIO, &non_blocking) != 0) fail("ioctlsocket", last_error());
#else
  const int flags = fcntl(socket, F_GETFL);
  if (fcntl(socket, F_SETFL, blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK) != 0) {
    fail("fcntl", errno);
  }
#endif
}

// connect() to one address. Without a timeout it blocks; with one, as Python does: connect()
// without blocking, wait until it has ended, then ask how (SO_ERROR).
void connect_to(Native socket, const addrinfo& address, milliseconds timeout,
                const std::string& host) {
  const Address to = address_of(address.ai_addr);
  const std::string call = "connect to " + to.text() + (to.ip == host ? "" : " (" + host + ")");
  if (timeout != kNoTimeout) set_blocking(socket, false);
  int code = 0;
  if (::connect(socket, address.ai_addr, static_cast<socklen_t>(address.ai_addrlen)) != 0) {
    code = last_error();
  }
  bool ended = true;
  if (code == kInProgress || code == kInterrupted) {  // Connecting goes on: wait for its end.
    ended = wait_until_ready(socket, true, timeout);
    socklen_t size = sizeof code;
    if (ended) getsockopt(socket, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&code), &size);
  }
  if (timeout != kNoTimeout) set_blocking(socket, true);
  if (!ended) fail(call, kTimedOut, timeout);
  if (code != 0) fail(call, code);
}

std::intptr_t open_socket(Family family) {
  start_sockets();
  const Native socket = ::socket(family == Family::kIPv6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  if (static_cast<std::intptr_t>(socket) == kClosed) fail("socket", last_error());
  return static_cast<std::intptr_t>(socket);
}

}  // namespace

std::string Address::text() const {
  return (ip.find(':') == std::string::npos ? ip : "[" + ip + "]") + ":" + std::to_string(port);
}

Socket::Socket(Family family) : Socket(open_socket(family), family) {}

Socket::Socket(Handle handle, Family family) : handle_(handle), family_(family) {
#ifdef SO_NOSIGPIPE
  const int on = 1;  // macOS has no MSG_NOSIGNAL: a gone peer is EPIPE, not a fatal SIGPIPE.
  setsockopt(native(handle_), SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on);
#endif
}

Socket Socket::create_connection(const std::string& host, int port, milliseconds timeout) {
  const AddressList addresses = resolve(host, port, AF_UNSPEC);
  for (const addrinfo* address = addresses.get(); address; address = address->ai_next) {
    // As Python's: a new socket for each address until one connects, else the last one's error.
    try {
      Socket socket(address->ai_family == AF_INET6 ? Family::kIPv6 : Family::kIPv4);
      if (timeout != kNoTimeout) socket.set_timeout(timeout);
      connect_to(native(socket.handle_), *address, timeout, host);
      return socket;
    } catch (const SocketError&) {
      if (!address->ai_next) throw;
    }
  }
  throw SocketError("resolve " + host, 0, "resolve " + host + ": no address");
}

Socket::~Socket() {
  close();
}

Socket::Socket(Socket&& other) noexcept
    : handle_(std::exchange(other.handle_, kClosed)),
      family_(other.family_),
      timeout_(other.timeout_) {}

Socket& Socket::operator=(Socket&& other) noexcept {
  if (this != &other) {
    close();
    handle_ = std::exchange(other.handle_, kClosed);
    family_ = other.family_;
    timeout_ = other.timeout_;
  }
  return *this;
}

void Socket::bind(const std::string& ip, int port) {
  const std::string call = "bind " + Address{ip, port}.text();
  const bool ipv6 = family_ == Family::kIPv6;
  const AddressList address = resolve(ip, port, ipv6 ? AF_INET6 : AF_INET, AI_NUMERICHOST);
  if (!address) {
    throw SocketError(call, kInvalid,
                      call + ": \"" + ip + "\" is not an " + (ipv6 ? "IPv6" : "IPv4") +
                          " address, such as " + (ipv6 ? ":: or ::1" : "0.0.0.0 or 127.0.0.1") +
                          " (" + code_name(kInvalid) + ")");
  }
#ifndef _WIN32  // (On Windows SO_REUSEADDR would let another program take the port as well.)
  const int on = 1;
  setsockopt(native(handle_), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
#endif
  if (::bind(native(handle_), address->ai_addr, static_cast<socklen_t>(address->ai_addrlen)) != 0) {
    fail(call, last_error());
  }
}

void Socket::listen(int backlog) {
  if (::listen(native(handle_), backlog) != 0) fail("listen", last_error());
}

std::pair<Socket, Address> Socket::accept() {
  // With a timeout, as Python does: wait until a connection is there, then accept it.
  if (timeout_ != kNoTimeout && !wait_until_ready(native(handle_), false, timeout_)) {
    fail("accept", kTimedOut, timeout_);
  }
  sockaddr_storage peer{};
  socklen_t size = sizeof peer;
  Native connection;
  do {
    connection = ::accept(native(handle_), reinterpret_cast<sockaddr*>(&peer), &size);
  } while (static_cast<std::intptr_t>(connection) == kClosed && last_error() == kInterrupted);
  if (static_cast<std::intptr_t>(connection) == kClosed) fail("accept", last_error(), timeout_);
  Socket socket(static_cast<Handle>(connection), family_);
  // No timeout for the new socket, though Linux copies SO_RCVTIMEO from the listening one.
  if (timeout_ != kNoTimeout) socket.set_timeout(kNoTimeout);
  return {std::move(socket), address_of(reinterpret_cast<sockaddr*>(&peer))};
}

void Socket::connect(const std::string& host, int port) {
  const AddressList addresses = resolve(host, port, family_ == Family::kIPv6 ? AF_INET6 : AF_INET);
  for (const addrinfo* address = addresses.get(); address; address = address->ai_next) {
    try {
      connect_to(native(handle_), *address, timeout_, host);
      return;
    } catch (const SocketError&) {
      if (!address->ai_next) throw;  // The last address's error is the one reported.
    }
  }
}

std::size_t Socket::send(std::string_view bytes) {
  const int size = static_cast<int>(std::min<std::size_t>(bytes.size(), INT_MAX));
  long long sent;
  do {
    sent = ::send(native(handle_), bytes.data(), size, kSendFlags);
  } while (sent < 0 && last_error() == kInterrupted);
  if (sent < 0) fail("send", last_error(), timeout_);
  return static_cast<std::size_t>(sent);
}

void Socket::send_all(std::string_view bytes) {
  while (!bytes.empty()) bytes.remove_prefix(send(bytes));
}

std::string Socket::recv(std::size_t max_bytes) {
  std::string buffer(std::min<std::size_t>(max_bytes, INT_MAX), '\0');
  long long received;
  do {
    received = ::recv(native(handle_), &buffer[0], static_cast<int>(buffer.size()), 0);
  } while (received < 0 && last_error() == kInterrupted);
  if (received < 0) fail("recv", last_error(), timeout_);
  buffer.resize(static_cast<std::size_t>(received));  // 0 bytes: the peer closed its side.
  return buffer;
}

void Socket::shutdown(Shutdown how) {
#ifdef _WIN32
  const int kHow[] = {SD_RECEIVE, SD_SEND, SD_BOTH};
#else
  const int kHow[] = {SHUT_RD, SHUT_WR, SHUT_RDWR};
#endif
  if (::shutdown(native(handle_), kHow[static_cast<int>(how)]) != 0) {
    fail("shutdown", last_error());
  }
}

void Socket::close() {
  if (handle_ == kClosed) return;
#ifdef _WIN32
  closesocket(native(handle_));
#else
  ::close(native(handle_));  // Not made again after EINTR: Linux has closed the socket anyway.
#endif
  handle_ = kClosed;
}

void Socket::set_timeout(milliseconds timeout) {
  if (timeout.count() < 0) throw std::invalid_argument("set_timeout: the timeout is negative");
  // SO_RCVTIMEO and SO_SNDTIMEO: how long recv() and send() may block. 0 there means no limit,
  // so a timeout of 0 becomes the shortest there is.
  const long long ms = timeout == kNoTimeout ? 0 : std::max<long long>(timeout.count(), 1);
#ifdef _WIN32
  const DWORD value = static_cast<DWORD>(std::min<long long>(ms, MAXDWORD - 1));
#else
  const timeval value{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>(ms % 1000 * 1000)};
#endif
  for (const int option : {SO_RCVTIMEO, SO_SNDTIMEO}) {
    if (setsockopt(native(handle_), SOL_SOCKET, option, reinterpret_cast<const char*>(&value),
                   sizeof value) != 0) {
      fail("setsockopt", last_error());
    }
  }
  timeout_ = timeout;
}

Address Socket::local_address() const {
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  if (getsockname(native(handle_), reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    fail("getsockname", last_error());
  }
  return address_of(reinterpret_cast<sockaddr*>(&address));
}

Address Socket::peer_address() const {
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  if (getpeername(native(handle_), reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    fail("getpeername", last_error());
  }
  return address_of(reinterpret_cast<sockaddr*>(&address));
}

bool Socket::is_open() const {
  return handle_ != kClosed;
}

std::string host_name_of(const std::string& ip) {
  const AddressList address = resolve(ip, 0, AF_UNSPEC, AI_NUMERICHOST);
  if (!address) throw std::invalid_argument("host_name_of: \"" + ip + "\" is not an IP address");
  char name[NI_MAXHOST] = "";
  if (getnameinfo(address->ai_addr, static_cast<socklen_t>(address->ai_addrlen), name, sizeof name,
                  nullptr, 0, NI_NAMEREQD) != 0) {
    return ip;  // No name, or no answer: the address is the best name there is.
  }
  // A name holding a space or ']' could not be told apart from the rest of a stage-3 post
  // "[time host] text".
  const std::string text = name;
  return text.empty() || text.find_first_of(" ]") != std::string::npos ? ip : text;
}

}  // namespace chatkit
