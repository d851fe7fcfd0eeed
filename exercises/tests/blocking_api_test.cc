// Unit tests of the blocking API that students' programs are written in: kit/blocking/ and
// kit/socketfuncs.h. Both ends of each connection are the API itself, on two threads.
#include <gtest/gtest.h>
#include <uv.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include "harness/temp_dir.h"
#include "kit/blocking/file.h"
#include "kit/socketfuncs.h"

namespace chatkit {
namespace {

using std::chrono::milliseconds;

// A listener on 127.0.0.1, a port picked by the system, and a connected pair.
struct Pair {
  Listener listener = Listener::bind("127.0.0.1", 0);
  Socket client = Socket::connect("127.0.0.1", listener.port());
  Socket server = listener.accept();
};

TEST(BlockingSocket, MessagesRoundTripBothWaysWithUtf8AndEmptyText) {
  Pair pair;
  send_message(pair.client, "héllo ✓ 日本語");
  send_message(pair.client, "");
  EXPECT_EQ(receive_message(pair.server), "héllo ✓ 日本語");
  EXPECT_EQ(receive_message(pair.server), "");
  send_message(pair.server, std::string(kDefaultMaxMessageBytes, 'x'));
  EXPECT_EQ(receive_message(pair.client), std::string(kDefaultMaxMessageBytes, 'x'));
}

TEST(BlockingSocket, SendsTheLengthBigEndian) {
  Pair pair;
  send_message(pair.client, std::string(300, 'a'));
  EXPECT_EQ(pair.server.receive_exact(4), std::string("\x00\x00\x01\x2c", 4));
}

TEST(BlockingSocket, ReceiveMessageReassemblesOneByteSends) {
  Pair pair;
  std::thread sender([&] {
    for (char byte : encode_frame("piece by piece")) {
      pair.client.send_all(std::string(1, byte));
      std::this_thread::sleep_for(milliseconds(2));
    }
  });
  EXPECT_EQ(receive_message(pair.server), "piece by piece");
  sender.join();
}

TEST(BlockingSocket, ReceiveReturnsWhatHasArrivedAndEmptyAtEndOfStream) {
  Pair pair;
  pair.client.send_all("abc");
  pair.client.shutdown_write();
  EXPECT_EQ(pair.server.receive_exact(3), "abc");
  EXPECT_EQ(pair.server.receive(10), "");
  EXPECT_EQ(receive_message(pair.server), "") << "end of stream before a frame is a normal end";
}

TEST(BlockingSocket, ReceiveExactReturnsFewerBytesOnlyAtEndOfStream) {
  Pair pair;
  pair.client.send_all("ab");
  pair.client.close();
  EXPECT_EQ(pair.server.receive_exact(5), "ab");
}

TEST(BlockingSocket, TruncatedFrameIsAProtocolErrorThatSaysHowFarItGot) {
  Pair pair;
  pair.client.send_all(std::string("\x00\x00", 2));
  pair.client.close();
  try {
    receive_message(pair.server);
    FAIL() << "expected ProtocolError";
  } catch (const ProtocolError& error) {
    EXPECT_NE(std::string(error.what()).find("after 2 of the 4 bytes"), std::string::npos)
        << error.what();
  }
}

TEST(BlockingSocket, LengthOverTheLimitFailsBeforeAnyPayloadArrives) {
  Pair pair;
  pair.server.set_timeout(milliseconds(5000));
  pair.client.send_all(std::string("\x00\x10\x00\x01", 4));  // And no payload at all.
  EXPECT_THROW(receive_message(pair.server), ProtocolError);
}

TEST(BlockingSocket, ReceiveTimesOutAndTheSocketStaysUsable) {
  Pair pair;
  pair.server.set_timeout(milliseconds(50));
  try {
    pair.server.receive(1);
    FAIL() << "expected SocketTimeout";
  } catch (const SocketTimeout& timeout) {
    EXPECT_EQ(timeout.code(), UV_ETIMEDOUT);
  }
  pair.client.send_all("late");
  pair.server.set_timeout(milliseconds(5000));
  EXPECT_EQ(pair.server.receive_exact(4), "late");
}

TEST(BlockingSocket, AcceptTimesOutWhenNobodyConnects) {
  Listener listener = Listener::bind("127.0.0.1", 0);
  listener.set_timeout(milliseconds(30));
  EXPECT_THROW(listener.accept(), SocketTimeout);
}

TEST(BlockingSocket, ConnectionRefusedIsASocketErrorNamingTheAddress) {
  int port = 0;
  {
    Listener probe = Listener::bind("127.0.0.1", 0);
    port = probe.port();
  }
  try {
    Socket::connect("127.0.0.1", port);
    FAIL() << "expected SocketError";
  } catch (const SocketError& error) {
    EXPECT_EQ(error.code(), UV_ECONNREFUSED) << error.what();
    EXPECT_NE(std::string(error.what()).find("127.0.0.1:" + std::to_string(port)),
              std::string::npos)
        << error.what();
  }
}

TEST(BlockingSocket, BindingAPortInUseFailsWithEaddrinuse) {
  Listener first = Listener::bind("127.0.0.1", 0);
  try {
    Listener::bind("127.0.0.1", first.port());
    FAIL() << "expected SocketError";
  } catch (const SocketError& error) {
    EXPECT_EQ(error.code(), UV_EADDRINUSE) << error.what();
  }
  EXPECT_THROW(Listener::bind("not an address", 0), SocketError);
}

TEST(BlockingSocket, ConnectResolvesNames) {
  Listener listener = Listener::bind("127.0.0.1", 0);
  Socket client = Socket::connect("localhost", listener.port(), milliseconds(5000));
  Socket server = listener.accept();
  EXPECT_EQ(server.peer_ip(), "127.0.0.1");
  EXPECT_EQ(client.peer_port(), listener.port());
}

TEST(BlockingSocket, SendingToAResetPeerThrowsInsteadOfKillingTheProgram) {
  Pair pair;
  pair.client.send_all("unread");  // Closing with unread bytes makes the system send RST.
  pair.server.receive_exact(0);
  std::this_thread::sleep_for(milliseconds(20));
  pair.server.close();
  EXPECT_THROW(
      {
        for (int i = 0; i < 1000; ++i) {
          pair.client.send_all(std::string(64 * 1024, 'x'));
          std::this_thread::sleep_for(milliseconds(1));
        }
      },
      SocketError);
}

TEST(BlockingSocket, EachConnectionCanBeServedOnAThreadOfItsOwn) {
  Listener listener = Listener::bind("127.0.0.1", 0);
  Socket a = Socket::connect("127.0.0.1", listener.port());
  Socket b = Socket::connect("127.0.0.1", listener.port());
  Socket server_a = listener.accept();
  Socket server_b = listener.accept();
  std::string got_a;
  // Thread A blocks waiting for its message while the main thread serves B.
  std::thread thread_a([&] { got_a = receive_message(server_a); });
  send_message(b, "from b");
  EXPECT_EQ(receive_message(server_b), "from b");
  send_message(a, "from a");
  thread_a.join();
  EXPECT_EQ(got_a, "from a");
}

TEST(BlockingSocket, SendMessageRefusesTextThatIsNotUtf8OrTooLong) {
  Pair pair;
  EXPECT_THROW(send_message(pair.client, std::string("a\xff", 2)), std::invalid_argument);
  EXPECT_THROW(send_message(pair.client, "too long", 3), std::invalid_argument);
}

TEST(BlockingSocket, OperationsOnAnUnconnectedSocketThrow) {
  Socket socket;
  EXPECT_FALSE(socket.is_open());
  EXPECT_THROW(socket.send_all("x"), SocketError);
  EXPECT_THROW(socket.receive(1), SocketError);
  socket.close();  // Harmless.
}

TEST(BlockingLookup, ReturnsANameOrTheAddressAndRejectsNonAddresses) {
  const std::string name = lookup_host_name("127.0.0.1");
  EXPECT_FALSE(name.empty());
  EXPECT_EQ(name.find_first_of(" ]"), std::string::npos);
  EXPECT_THROW(lookup_host_name("nowhere"), std::invalid_argument);
}

TEST(BlockingFile, AppendsSyncsReadsAndTruncates) {
  testing::TempDir dir;
  const std::string path = dir.file("posts.log");
  EXPECT_FALSE(read_file_if_exists(path).has_value());
  {
    AppendFile file = AppendFile::open(path);
    file.write_all(encode_frame("one"));
    file.write_all(encode_frame("two"));
    file.sync();
  }
  EXPECT_EQ(read_file_if_exists(path).value(), encode_frame("one") + encode_frame("two"));
  truncate_file(path, 7);
  EXPECT_EQ(read_file_if_exists(path).value(), encode_frame("one"));
  AppendFile again = AppendFile::open(path);
  again.write_all("!");
  EXPECT_EQ(read_file_if_exists(path).value(), encode_frame("one") + "!");
  EXPECT_THROW(AppendFile::open(dir.file("missing/dir/file")), FileError);
}

}  // namespace
}  // namespace chatkit
