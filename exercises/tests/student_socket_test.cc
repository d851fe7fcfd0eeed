// Tests of the student layer (kit/student/): sockets, the given framing (socketfuncs) and the
// file calls. Over loopback only, on ports the system picks. The layer has no threads; a test
// starts one only where a peer must run while this side is blocked in a call.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>

#ifdef __linux__
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "harness/temp_dir.h"
#include "kit/student/file.h"
#include "kit/student/socket.h"
#include "kit/student/socketfuncs.h"

namespace chatkit {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

// A listener on `ip`, a client connected to it and the server's end of that connection.
struct Connection {
  explicit Connection(Family family = Family::kIPv4, const std::string& ip = "127.0.0.1")
      : listener(family), client(family) {
    listener.bind(ip, 0);
    listener.listen();
    client.connect(ip, listener.local_address().port);
    auto [accepted, address] = listener.accept();
    server = std::move(accepted);
    client_seen_as = address;
  }
  Socket listener;
  Socket client;
  Socket server{Family::kIPv4};
  Address client_seen_as;
};

// recv() until `count` bytes arrived or the stream ended.
std::string recv_exact(Socket& socket, std::size_t count) {
  std::string bytes;
  while (bytes.size() < count) {
    std::string piece = socket.recv(count - bytes.size());
    if (piece.empty()) break;
    bytes += piece;
  }
  return bytes;
}

// A port on which nothing listens: one the system just gave out, and that was closed again.
int free_port() {
  Socket socket;
  socket.bind("127.0.0.1", 0);
  return socket.local_address().port;
}

// Runs `body` on a thread of its own, a peer for a test that blocks in a call, and waits for it
// to end at the end of the scope, also when the test failed. What the peer throws fails the test.
class Peer {
 public:
  explicit Peer(std::function<void()> body)
      : thread_([body] {
          try {
            body();
          } catch (const std::exception& error) {
            ADD_FAILURE() << "the peer thread failed: " << error.what();
          }
        }) {}
  ~Peer() { thread_.join(); }
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

 private:
  std::thread thread_;
};

// Runs `call`, which must throw E; returns its what().
template <typename E, typename Call>
std::string what_of(Call call) {
  try {
    call();
  } catch (const E& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected an exception, none (or another kind) was thrown";
  return "";
}

TEST(StudentSocket, BindListenAcceptConnectRoundTripWithTheAddressesOfBothEnds) {
  Connection c;
  const Address listening = c.listener.local_address();
  EXPECT_EQ(listening.ip, "127.0.0.1");
  EXPECT_NE(listening.port, 0) << "port 0 asks the system for a free port";
  EXPECT_EQ(c.client.peer_address().text(), listening.text());
  EXPECT_EQ(c.server.local_address().text(), listening.text());
  EXPECT_EQ(c.client_seen_as.text(), c.client.local_address().text());
  EXPECT_EQ(c.server.peer_address().text(), c.client.local_address().text());

  EXPECT_EQ(c.client.send("ping"), 4u);
  EXPECT_EQ(recv_exact(c.server, 4), "ping");
  c.server.send_all("pong");
  EXPECT_EQ(recv_exact(c.client, 4), "pong");
}

TEST(StudentSocket, SendAllAndRecvCarryFourMebibytesIntact) {
  Connection c;
  std::string data(4 << 20, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 + i / 251);
  // More than the system buffers hold: the peer sends while this side receives.
  Peer peer([&] {
    c.client.send_all(data);
    c.client.close();
  });
  std::string received;
  try {
    for (std::string piece; !(piece = c.server.recv(65536)).empty();) received += piece;
  } catch (const SocketError& error) {
    ADD_FAILURE() << error.what();
    c.server.close();  // The peer's send_all ends too (EPIPE).
  }
  ASSERT_EQ(received.size(), data.size());
  EXPECT_TRUE(received == data) << "the bytes arrived, but not as they were sent";
}

TEST(StudentSocket, RecvReturnsEmptyOnceThePeerClosed) {
  Connection c;
  c.client.send_all("abc");
  c.client.close();
  EXPECT_FALSE(c.client.is_open());
  c.client.close();  // A second close does nothing.
  EXPECT_EQ(recv_exact(c.server, 3), "abc");
  EXPECT_EQ(c.server.recv(10), "");
  EXPECT_EQ(c.server.recv(10), "") << "the end of the stream stays the end";
}

TEST(StudentSocket, ShutdownWriteIsSeenAsTheEndWhileTheOtherDirectionGoesOn) {
  Connection c;
  c.client.send_all("last words");
  c.client.shutdown(Shutdown::kWrite);
  EXPECT_EQ(recv_exact(c.server, 10), "last words");
  EXPECT_EQ(c.server.recv(10), "");
  c.server.send_all("still heard");
  EXPECT_EQ(recv_exact(c.client, 11), "still heard");
}

TEST(StudentSocket, RecvTimesOutAndTheSocketStaysUsable) {
  Connection c;
  c.server.set_timeout(milliseconds(50));
  EXPECT_EQ(c.server.timeout(), milliseconds(50));
  const std::string what = what_of<SocketTimeout>([&] { c.server.recv(10); });
  EXPECT_THAT(what, HasSubstr("recv: timed out after 50 ms"));
  c.client.send_all("late");
  EXPECT_EQ(recv_exact(c.server, 4), "late") << "nothing is lost by a timeout";
}

TEST(StudentSocket, AcceptTimesOutAndThenAcceptsAConnectionWithoutATimeout) {
  Socket listener;
  listener.bind("127.0.0.1", 0);
  listener.listen();
  listener.set_timeout(milliseconds(50));
  EXPECT_THAT(what_of<SocketTimeout>([&] { listener.accept(); }), HasSubstr("accept: timed out"));
  Socket client;
  client.connect("127.0.0.1", listener.local_address().port);
  auto [connection, address] = listener.accept();
  EXPECT_EQ(address.port, client.local_address().port);
  EXPECT_EQ(connection.timeout(), kNoTimeout);
}

TEST(StudentSocket, SetTimeoutRefusesANegativeTimeout) {
  Socket socket;
  EXPECT_THROW(socket.set_timeout(milliseconds(-1)), std::invalid_argument);
}

TEST(StudentSocket, ConnectRefusedNamesTheCallTheAddressAndTheErrno) {
  const int port = free_port();
  Socket socket;
  try {
    socket.connect("127.0.0.1", port);
    FAIL() << "connected to a port where nobody listens";
  } catch (const SocketError& error) {
    EXPECT_THAT(error.what(), HasSubstr("connect to 127.0.0.1:" + std::to_string(port) + ": "));
    EXPECT_THAT(error.what(), HasSubstr("ECONNREFUSED)"));
    EXPECT_EQ(error.call(), "connect to 127.0.0.1:" + std::to_string(port));
  }
}

TEST(StudentSocket, ConnectWithATimeoutConnectsAndIsRefusedLikeWithout) {
  Socket listener;
  listener.bind("127.0.0.1", 0);
  listener.listen();
  Socket client;
  client.set_timeout(std::chrono::seconds(10));
  client.connect("127.0.0.1", listener.local_address().port);
  EXPECT_EQ(client.peer_address().port, listener.local_address().port);
  client.send_all("after a timed connect, the socket blocks again");  // Not left non-blocking.

  Socket refused;
  refused.set_timeout(std::chrono::seconds(10));
  EXPECT_THAT(what_of<SocketError>([&] { refused.connect("127.0.0.1", free_port()); }),
              HasSubstr("ECONNREFUSED)"));
}

TEST(StudentSocket, CreateConnectionToLocalhostTriesItsAddressesAndKeepsTheTimeout) {
  Socket listener;
  listener.bind("127.0.0.1", 0);
  listener.listen();
  // "localhost" may be ::1 first, where nobody listens: the next address must be tried.
  Socket client = Socket::create_connection("localhost", listener.local_address().port,
                                            std::chrono::seconds(5));
  EXPECT_EQ(client.timeout(), std::chrono::seconds(5));
  auto [server, address] = listener.accept();
  client.send_all("hi");
  EXPECT_EQ(recv_exact(server, 2), "hi");
}

TEST(StudentSocket, CreateConnectionToAnUnknownNameSaysTheNameWasNotFound) {
  EXPECT_THAT(what_of<SocketError>([] { Socket::create_connection("no-such-host.invalid", 1); }),
              HasSubstr("resolve no-such-host.invalid: "));
}

TEST(StudentSocket, BindToATakenPortIsEaddrinuse) {
  Socket first;
  first.bind("127.0.0.1", 0);
  first.listen();
  const int port = first.local_address().port;
  Socket second;
  const std::string what = what_of<SocketError>([&] { second.bind("127.0.0.1", port); });
  EXPECT_THAT(what, HasSubstr("bind 127.0.0.1:" + std::to_string(port) + ": "));
  EXPECT_THAT(what, HasSubstr("EADDRINUSE)"));
}

TEST(StudentSocket, BindToSomethingThatIsNotAnIpAddressSaysSo) {
  Socket socket;
  const std::string what = what_of<SocketError>([&] { socket.bind("not-an-ip", 10000); });
  EXPECT_THAT(what, HasSubstr("bind not-an-ip:10000: \"not-an-ip\" is not an IPv4 address, such "
                              "as 0.0.0.0 or 127.0.0.1 ("));
  EXPECT_THAT(what, HasSubstr("EINVAL)"));
  EXPECT_EQ(what_of<std::invalid_argument>([&] { socket.bind("127.0.0.1", 70000); }),
            "port 70000 is not in 0..65535");
}

TEST(StudentSocket, Ipv6RoundTripOverTheLoopback) {
  try {
    Socket probe(Family::kIPv6);
    probe.bind("::1", 0);
  } catch (const SocketError& error) {
    GTEST_SKIP() << "no IPv6 loopback here: " << error.what();
  }
  Connection c(Family::kIPv6, "::1");
  EXPECT_EQ(c.client_seen_as.ip, "::1");
  EXPECT_EQ(c.client.peer_address().text(),
            "[::1]:" + std::to_string(c.listener.local_address().port));
  c.client.send_all("six");
  EXPECT_EQ(recv_exact(c.server, 3), "six");
}

TEST(StudentSocket, HostNameOfGivesANameThatFitsAPostOrTheAddress) {
  const std::string name = host_name_of("127.0.0.1");
  EXPECT_FALSE(name.empty());
  EXPECT_EQ(name.find_first_of(" ]"), std::string::npos) << name;
  EXPECT_THROW(host_name_of("not an ip"), std::invalid_argument);
}

#ifdef __linux__
// The number of threads of this process, from /proc/self/status.
int thread_count() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

TEST(StudentSocket, StartsNoThread) {
  const int before = thread_count();
  Connection c;
  c.server.set_timeout(std::chrono::seconds(5));
  socketfuncs::send_message(c.client, "no thread");
  EXPECT_EQ(socketfuncs::receive_message(c.server), "no thread");
  EXPECT_EQ(thread_count(), before);
}

// Returns once thread `tid` of this process is blocked in the recvfrom system call (which recv()
// is), as /proc/self/task/<tid>/syscall shows, so that the next byte sent arrives in a recv of
// its own; or when `receiving` turned false.
void wait_until_blocked_in_recv(long tid, const std::atomic<bool>& receiving) {
  const std::string path = "/proc/self/task/" + std::to_string(tid) + "/syscall";
  while (receiving) {
    std::ifstream file(path);
    long number = -1;
    if (file >> number && number == SYS_recvfrom) return;
    std::this_thread::yield();
  }
}
#endif

TEST(StudentSocketfuncs, MessagesRoundTripWithTheLengthInBytesBigEndian) {
  Connection c;
  socketfuncs::send_message(c.client, "é");
  EXPECT_EQ(recv_exact(c.server, 6), std::string("\x00\x00\x00\x02\xc3\xa9", 6))
      << "\"é\" is 2 bytes of UTF-8: the length counts bytes, most significant first";
  socketfuncs::send_message(c.client, "héllo ✓ 日本語");
  socketfuncs::send_message(c.client, std::string(300, 'a'));
  EXPECT_EQ(socketfuncs::receive_message(c.server), "héllo ✓ 日本語");
  EXPECT_EQ(socketfuncs::receive_message(c.server), std::string(300, 'a'));
}

TEST(StudentSocketfuncs, AFrameFedOneByteAtATimeIsPutTogether) {
  Connection c;
  const std::string frame("\x00\x00\x00\x05hello", 9);
  std::atomic<bool> receiving{true};
#ifdef __linux__
  const long receiver = syscall(SYS_gettid);
#endif
  Peer peer([&] {
    for (const char byte : frame) {
#ifdef __linux__
      wait_until_blocked_in_recv(receiver, receiving);  // Elsewhere bytes may arrive together.
#endif
      if (!receiving) return;
      c.client.send_all(std::string(1, byte));
    }
  });
  std::string received;
  try {
    received = socketfuncs::receive_message(c.server);
  } catch (const std::exception& error) {
    ADD_FAILURE() << error.what();
  }
  receiving = false;
  EXPECT_EQ(received, "hello");
}

TEST(StudentSocketfuncs, ALengthOverTheLimitIsRefusedBeforeAnyPayloadIsRead) {
  Connection c;
  // 5000000 announced, only 3 payload bytes sent, the connection left open: a receiver that
  // waited for the payload would wait until the timeout.
  c.client.send_all(std::string("\x00\x4c\x4b\x40xyz", 7));
  c.server.set_timeout(std::chrono::seconds(10));
  EXPECT_EQ(what_of<socketfuncs::ProtocolError>([&] { socketfuncs::receive_message(c.server); }),
            "a frame of 5000000 bytes (length bytes 00 4c 4b 40) is over the limit of 1048576");
  EXPECT_EQ(recv_exact(c.server, 3), "xyz") << "the payload was read, though refused";
}

TEST(StudentSocketfuncs, InvalidUtf8IsRefused) {
  Connection c;
  c.client.send_all(
      std::string("\x00\x00\x00\x03"
                  "a\xff"
                  "b",
                  7));
  EXPECT_EQ(what_of<socketfuncs::ProtocolError>([&] { socketfuncs::receive_message(c.server); }),
            "the 3-byte message is not valid UTF-8: byte 1 is ff");
}

TEST(StudentSocketfuncs, TheEndOfTheStreamInsideAFrameSaysHowFarItGot) {
  Connection in_length;
  in_length.client.send_all(std::string("\x00\x00", 2));
  in_length.client.close();
  EXPECT_EQ(
      what_of<socketfuncs::ProtocolError>([&] { socketfuncs::receive_message(in_length.server); }),
      "the connection ended after 2 of the 4 length bytes");

  Connection in_payload;
  in_payload.client.send_all(
      std::string("\x00\x00\x00\x0a"
                  "abc",
                  7));
  in_payload.client.close();
  EXPECT_EQ(
      what_of<socketfuncs::ProtocolError>([&] { socketfuncs::receive_message(in_payload.server); }),
      "the connection ended after 3 of the 10 bytes of a message");
}

TEST(StudentSocketfuncs, ACleanCloseBetweenFramesIsAnEmptyMessage) {
  Connection c;
  socketfuncs::send_message(c.client, "bye");
  c.client.close();
  EXPECT_EQ(socketfuncs::receive_message(c.server), "bye");
  EXPECT_EQ(socketfuncs::receive_message(c.server), "");
}

TEST(StudentSocketfuncs, SendMessageRefusesWhatTheReceiverWould) {
  Connection c;
  EXPECT_THROW(socketfuncs::send_message(c.client, "toolong", 3), std::invalid_argument);
  EXPECT_THROW(socketfuncs::send_message(c.client, "a\xff"), std::invalid_argument);
}

TEST(StudentFile, AppendSyncReadBackAndTruncate) {
  testing::TempDir dir;
  const std::string path = dir.file("posts.log");
  EXPECT_FALSE(file_exists(path));
  {
    File file = File::open_for_append(path);
    file.write_all("one\n");
    file.sync();
    file.write_all(std::string("two\n\0", 5));
    file.close();
    EXPECT_FALSE(file.is_open());
  }
  EXPECT_TRUE(file_exists(path));
  File again = File::open_for_append(path);
  again.write_all("three\n");
  again.sync();
  EXPECT_EQ(read_file(path), std::string("one\ntwo\n\0three\n", 15)) << "appended, byte for byte";
  truncate_file(path, 4);
  EXPECT_EQ(read_file(path), "one\n");
  again.write_all("four\n");
  EXPECT_EQ(read_file(path), "one\nfour\n") << "appends go to the end, wherever that now is";
}

TEST(StudentFile, FailuresNameTheCallThePathAndTheErrno) {
  testing::TempDir dir;
  const std::string missing = dir.file("missing.log");
  EXPECT_THAT(what_of<FileError>([&] { read_file(missing); }), HasSubstr("open " + missing + ": "));
  EXPECT_THAT(what_of<FileError>([&] { read_file(missing); }), HasSubstr("(ENOENT)"));
  EXPECT_THAT(what_of<FileError>([&] { File::open_for_append(dir.file("no/such/dir")); }),
              HasSubstr("(ENOENT)"));
}

}  // namespace
}  // namespace chatkit
