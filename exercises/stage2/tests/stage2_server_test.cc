// Stage 2 checks of the student's server: the history on connect (the count as decimal text,
// then the items oldest first, byte for byte), the `history` command, and a server that keeps
// serving everybody while one client stalls.
#include "exercises/check/exercise_test.h"
#include "exercises/check/hints.h"

namespace chatkit::exercises {
namespace {

// How long a client may wait for its history while another stalls: long enough for a server
// that gives each connection a receive timeout of a few seconds.
constexpr milliseconds kStallDeadline{6000};

class Stage2Server : public ServerTest {
 protected:
  // One whole conversation: connect, expect exactly `history`, send `message`, shut down our
  // side, expect the server to close.
  bool post(const std::string& name, const std::vector<std::string>& history,
            const std::string& message) {
    std::unique_ptr<Peer> peer = connect(name);
    return peer && expect_history(*peer, history) && (*peer)->send_frame(message) &&
           (*peer)->shutdown_write() &&
           (*peer)->expect_end("the server has the message; it closes the connection");
  }
};

TEST_F(Stage2Server, PrintsItsListeningLineAndAcceptsConnections) {
  STEP(server_.start());
  STEP(connect("client A"));
}

TEST_F(Stage2Server, SendsTheCountZeroAsDecimalTextWhenTheHistoryIsEmpty) {
  STEP(server_.start());
  STEP(expect_history_of_new_client("client A", {}));
}

TEST_F(Stage2Server, SendsTheCountThenEveryItemOldestFirstByteExact) {
  STEP(server_.start());
  STEP(post("client A", {}, "Hi"));
  STEP(post("client B", {"Hi"}, "héllo ✓ 日本語"));
  STEP(post("client C", {"Hi", "héllo ✓ 日本語"}, message_of_300_bytes()));
  STEP(expect_history_of_new_client("client D", {"Hi", "héllo ✓ 日本語", message_of_300_bytes()}));
}

TEST_F(Stage2Server, HistoryCommandSendsTheHistoryAgainAndIsNotStored) {
  STEP(server_.start());
  STEP(post("client A", {}, "one"));
  std::unique_ptr<Peer> b = connect("client B");
  STEP(b);
  STEP(expect_history(*b, {"one"}));
  STEP((*b)->send_frame("history"));
  STEP((*b)->shutdown_write());
  STEP(expect_history(*b, {"one"}, kExpectTimeout,
                      "after \"history\" the server sends the count and the items again, then "
                      "closes."));
  STEP((*b)->expect_end("the history was sent again; the conversation is over"));
  STEP(expect_history_of_new_client("client C", {"one"}));
}

TEST_F(Stage2Server, NeverStoresAnEmptyMessage) {
  STEP(server_.start());
  STEP(post("client A", {}, ""));
  STEP(post("client B", {}, "after the empty one"));
  STEP(expect_history_of_new_client("client C", {"after the empty one"}));
}

TEST_F(Stage2Server, KeepsTheMessagesOfTwelveClientsWithATwoDigitCount) {
  STEP(server_.start());
  std::vector<std::string> items;
  for (int i = 1; i <= 12; ++i) {
    const std::string message = "message " + std::to_string(i);
    STEP(post("client " + std::to_string(i), items, message));
    items.push_back(message);
  }
  STEP(expect_history_of_new_client("client 13", items));
}

TEST_F(Stage2Server, StoresAMessageOfExactlyTheLimitAndRefusesOneByteMore) {
  STEP(server_.start());
  const std::string limit(kDefaultMaxMessageBytes, 'm');
  STEP(post("client A", {}, limit));
  std::unique_ptr<Peer> b = connect("client B");
  STEP(b);
  STEP(expect_history(*b, {limit}));
  STEP((*b)->send_bytes(std::string("\x00\x10\x00\x01"
                                    "abc",
                                    7),
                        "a length of 1048577 (one byte over the limit) and 3 payload bytes"));
  STEP(
      (*b)->expect_end("a length over the 1 MiB limit is refused at once: close the connection, "
                       "store nothing",
                       /*reset_ok=*/true));
  STEP(expect_history_of_new_client("client C", {limit}));
}

TEST_F(Stage2Server, ServesOtherClientsWhileOneStallsMidFrame) {
  STEP(server_.start());
  std::unique_ptr<Peer> b = connect_while_another_stalls(kStallDeadline);
  STEP(b);
  STEP((*b)->send_frame("served while A stalls"));
  STEP((*b)->shutdown_write());
  STEP((*b)->expect_end("the server has B's message", false, kStallDeadline));
  STEP(expect_history_of_new_client("client C", {"served while A stalls"}));
}

TEST_F(Stage2Server, ReassemblesAMessageArrivingOneByteAtATime) {
  STEP(server_.start());
  std::unique_ptr<Peer> a = connect("client A");
  STEP(a);
  STEP(expect_history(*a, {}));
  STEP((*a)->send_in_pieces(encode_frame("one byte at a time"),
                            "the frame for \"one byte at a time\"", loop_));
  STEP((*a)->shutdown_write());
  STEP((*a)->expect_end("the server has the whole message"));
  STEP(expect_history_of_new_client("client B", {"one byte at a time"}));
}

TEST_F(Stage2Server, AcceptsAMessageSentBeforeTheHistoryIsRead) {
  STEP(server_.start());
  std::unique_ptr<Peer> a = connect("client A");
  STEP(a);
  STEP((*a)->send_frame("in a hurry"));
  STEP((*a)->shutdown_write());
  STEP(expect_history(*a, {}));
  STEP((*a)->expect_end("the server has the message"));
  STEP(expect_history_of_new_client("client B", {"in a hurry"}));
}

TEST_F(Stage2Server, SurvivesAClientThatVanishesMidFrame) {
  STEP(server_.start());
  std::unique_ptr<Peer> a = connect("client A");
  STEP(a);
  STEP(expect_history(*a, {}));
  STEP((*a)->send_bytes(std::string("\x00\x00\x00\x0a"
                                    "abc",
                                    7),
                        "a length of 10 and only 3 of the 10 payload bytes"));
  a->client().close();
  log_.step("client A closed the connection half-way through its frame");
  STEP(post("client B", {}, "after the broken one"));
  STEP(expect_history_of_new_client("client C", {"after the broken one"}));
}

}  // namespace
}  // namespace chatkit::exercises
