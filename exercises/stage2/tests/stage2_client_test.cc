// Stage 2 checks of the student's client: it reads the count (decimal text) and exactly that
// many items however the bytes arrive, prints them, sends its message byte for byte, handles
// `history`, and fails (non-zero exit) when the server breaks the protocol.
#include "exercises/check/exercise_test.h"

namespace chatkit::exercises {
namespace {

class Stage2Client : public ClientTest {
 protected:
  // The whole conversation with the history `items` sent at once: the client must print them,
  // send `message` and exit 0.
  bool expect_conversation(const std::vector<std::string>& items, const std::string& message) {
    std::unique_ptr<Endpoint<ScriptedConnection>> server = start_client(message);
    return server && server->send_frames(history_frames(items), "the history") &&
           server->expect_frames({message}, false, "its message " + describe_text(message)) &&
           server->expect_end("the client has sent its message") &&
           client_.expect_exit(true, "the conversation is complete") &&
           client_.expect_printed(items, "every history item, in order");
  }
};

TEST_F(Stage2Client, PrintsTheHistoryThenSendsItsMessage) {
  STEP(expect_conversation({"Hi", "héllo ✓ 日本語"}, "Bye ✓"));
}

TEST_F(Stage2Client, SendsItsMessageAfterAnEmptyHistory) {
  STEP(expect_conversation({}, "first!"));
}

TEST_F(Stage2Client, ReadsATwoDigitCount) {
  std::vector<std::string> items;
  for (int i = 1; i <= 12; ++i) items.push_back("item " + std::to_string(i));
  STEP(expect_conversation(items, "after twelve"));
}

TEST_F(Stage2Client, ReassemblesFramesArrivingOneByteAtATime) {
  std::unique_ptr<Endpoint<ScriptedConnection>> server = start_client("pieced together");
  STEP(server);
  STEP(server->send_in_pieces(encode_frames(history_frames({"Hi", "héllo"})),
                              "the history (count \"2\", \"Hi\", \"héllo\")", loop_));
  STEP(server->expect_frames({"pieced together"}, false, "its message"));
  STEP(server->expect_end("the client has sent its message"));
  STEP(client_.expect_exit(true, "the conversation is complete"));
  STEP(client_.expect_printed({"Hi", "héllo"}, "both history items"));
}

TEST_F(Stage2Client, HistoryCommandReceivesAndPrintsTheHistoryAgain) {
  std::unique_ptr<Endpoint<ScriptedConnection>> server = start_client("history");
  STEP(server);
  STEP(server->send_frames(history_frames({"first"}), "the history (1 item)"));
  STEP(server->expect_frames({"history"}, false, "the command \"history\""));
  STEP(server->send_frames(history_frames({"first", "second"}),
                           "the history again, which has grown meanwhile (2 items)"));
  connection_->close();
  log_.step("the scripted server closed the connection");
  STEP(client_.expect_exit(true, "the second history was complete"));
  STEP(client_.expect_printed({"first", "first", "second"},
                              "the first history and then the second"));
}

TEST_F(Stage2Client, FailsOnACountSentAsBinary) {
  std::unique_ptr<Endpoint<ScriptedConnection>> server = start_client("never sent");
  STEP(server);
  STEP(server->send_bytes(
      std::string("\x00\x00\x00\x04\x00\x00\x00\x02", 8) + encode_frames({"Hi", "there"}),
      "a count frame holding 2 as 4 binary bytes (wrong!), then 2 items"));
  STEP(client_.expect_exit(false,
                           "the count must be decimal text; 4 binary bytes are a protocol "
                           "error"));
}

TEST_F(Stage2Client, FailsWhenTheServerClosesBeforeTheHistoryIsComplete) {
  std::unique_ptr<Endpoint<ScriptedConnection>> server = start_client("never sent");
  STEP(server);
  STEP(server->send_frames({"3", "only one"}, "the count \"3\" but only 1 item"));
  connection_->close();
  log_.step("the scripted server closed the connection");
  STEP(client_.expect_exit(false,
                           "the history was cut short; receive_message returns \"\" when "
                           "the connection has ended, and a history item is never empty"));
}

TEST_F(Stage2Client, RefusesAnItemOverTheLimitWithoutWaitingForIt) {
  std::unique_ptr<Endpoint<ScriptedConnection>> server = start_client("never sent");
  STEP(server);
  STEP(server->send_bytes(encode_frame("1") + std::string("\x00\x10\x00\x01", 4),
                          "the count \"1\", then a length of 1048577 (over the limit) and no "
                          "payload"));
  STEP(client_.expect_exit(false,
                           "a length over the 1 MiB limit is a protocol error, known as "
                           "soon as the 4 length bytes are in"));
}

TEST_F(Stage2Client, AcceptsAnItemOfExactlyTheLimit) {
  STEP(expect_conversation({std::string(kDefaultMaxMessageBytes, 'm')}, "after the big one"));
}

TEST_F(Stage2Client, ExitsNonZeroWhenNoServerListens) {
  STEP(expect_failure_when_nobody_listens());
}

}  // namespace
}  // namespace chatkit::exercises
