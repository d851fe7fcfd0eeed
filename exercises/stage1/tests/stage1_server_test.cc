// Stage 1 checks of the student's server: it stores each client's one message and prints the
// history (the only thing a stage-1 server shows), whatever the client sends and however the
// bytes arrive.
#include "exercises/check/exercise_test.h"

namespace chatkit::exercises {
namespace {

class Stage1Server : public ServerTest {
 protected:
  // One stage-1 conversation: connect, send one frame, shut down our side; the server sends
  // nothing and closes.
  bool send_message(const std::string& name, const std::string& message) {
    std::unique_ptr<Peer> peer = connect(name);
    return peer && (*peer)->send_frame(message) && (*peer)->shutdown_write() &&
           (*peer)->expect_end(
               "a stage-1 server sends nothing, and closes once it has the message");
  }
};

TEST_F(Stage1Server, PrintsItsListeningLineAndAcceptsConnections) {
  STEP(server_.start());
  STEP(connect("client A"));
}

TEST_F(Stage1Server, StoresOneMessageAndPrintsTheHistory) {
  STEP(server_.start());
  STEP(send_message("client A", "Test message"));
  STEP(server_.expect_printed_history({"Test message"}));
}

TEST_F(Stage1Server, ReadsTheLengthAsFourBigEndianBytes) {
  STEP(server_.start());
  STEP(send_message("client A", message_of_300_bytes()));
  STEP(server_.expect_printed_history({message_of_300_bytes()}));
}

TEST_F(Stage1Server, KeepsMultiByteUtf8TextByteForByte) {
  STEP(server_.start());
  STEP(send_message("client A", "héllo wörld ✓ 日本語"));
  STEP(server_.expect_printed_history({"héllo wörld ✓ 日本語"}));
}

TEST_F(Stage1Server, ReassemblesAFrameArrivingOneByteAtATime) {
  STEP(server_.start());
  std::unique_ptr<Peer> a = connect("client A");
  STEP(a);
  STEP((*a)->send_in_pieces(encode_frame("one byte at a time"),
                            "the frame for \"one byte at a time\"", loop_));
  STEP((*a)->shutdown_write());
  STEP((*a)->expect_end("the server has the whole message"));
  STEP(server_.expect_printed_history({"one byte at a time"}));
}

TEST_F(Stage1Server, NeverStoresAnEmptyMessage) {
  STEP(server_.start());
  STEP(send_message("client A", ""));
  STEP(send_message("client B", "after the empty one"));
  STEP(server_.expect_printed_history({"after the empty one"}));
}

TEST_F(Stage1Server, KeepsTheMessagesOfSeveralClientsInOrder) {
  STEP(server_.start());
  STEP(send_message("client A", "first"));
  STEP(send_message("client B", "second"));
  STEP(send_message("client C", "third"));
  STEP(server_.expect_printed_history({"first", "second", "third"}));
}

TEST_F(Stage1Server, StoresAMessageOfExactlyTheOneMebibyteLimit) {
  STEP(server_.start());
  const std::string limit(kDefaultMaxMessageBytes, 'm');
  STEP(send_message("client A", limit));
  STEP(server_.expect_printed_history({limit}, milliseconds(kExpectTimeout)));
}

TEST_F(Stage1Server, ClosesOnALengthOverTheLimitWithoutWaitingForThePayload) {
  STEP(server_.start());
  std::unique_ptr<Peer> a = connect("client A");
  STEP(a);
  // 1 MiB + 1 announced, 3 bytes sent: a server that waits for the rest waits forever.
  STEP((*a)->send_bytes(std::string("\x00\x10\x00\x01"
                                    "abc",
                                    7),
                        "a length of 1048577 (one byte over the limit) and 3 payload bytes"));
  STEP(
      (*a)->expect_end("a length over the 1 MiB limit is refused at once: close the connection, "
                       "store nothing",
                       /*reset_ok=*/true));
  STEP(send_message("client B", "still serving"));
  STEP(server_.expect_printed_history({"still serving"}));
}

TEST_F(Stage1Server, SurvivesAClientThatVanishesMidFrame) {
  STEP(server_.start());
  std::unique_ptr<Peer> a = connect("client A");
  STEP(a);
  STEP((*a)->send_bytes(std::string("\x00\x00\x00\x0a"
                                    "abc",
                                    7),
                        "a length of 10 and only 3 of the 10 payload bytes"));
  a->client().close();
  log_.step("client A closed the connection half-way through its frame");
  STEP(send_message("client B", "after the broken one"));
  STEP(server_.expect_printed_history({"after the broken one"}));
}

}  // namespace
}  // namespace chatkit::exercises
