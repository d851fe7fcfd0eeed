// Stage 3 checks of the student's client: it prints the stored posts, sends its message, waits
// for the acknowledgement (also a late one) and prints it, and exits non-zero when none comes.
#include "exercises/check/exercise_test.h"

namespace chatkit::exercises {
namespace {

const std::vector<std::string> kPosts = {
    "[2026-11-24T09:14:40.000017+01:00 192.0.2.7] Hello",
    "[2026-11-24T09:14:52.500000+01:00 pc7.lab.example.org] héllo ✓ ] still the message"};

std::string ack_for(const std::string& message) {
  return "[2026-11-24T09:15:02.123456+01:00 127.0.0.1] " + message;
}

class Stage3Client : public ClientTest {
 protected:
  // Starts the client, sends it `history`, expects its message.
  std::unique_ptr<Endpoint<ScriptedConnection>> start(const std::vector<std::string>& history,
                                                      const std::string& message) {
    std::unique_ptr<Endpoint<ScriptedConnection>> server = start_client(message);
    if (!server || !server->send_frames(history_frames(history), "the history") ||
        !server->expect_frames({message}, false, "its message " + describe_text(message))) {
      return nullptr;
    }
    return server;
  }
};

TEST_F(Stage3Client, PrintsThePostsSendsItsMessageAndPrintsTheAcknowledgement) {
  std::unique_ptr<Endpoint<ScriptedConnection>> server = start(kPosts, "Hi ✓");
  STEP(server);
  STEP(server->send_frame(ack_for("Hi ✓")));
  connection_->close();
  log_.step("the scripted server closed the connection");
  STEP(client_.expect_exit(true, "the acknowledgement arrived"));
  STEP(client_.expect_printed({kPosts[0], kPosts[1], ack_for("Hi ✓")},
                              "both posts and then the acknowledged post"));
}

TEST_F(Stage3Client, WaitsForALateAcknowledgement) {
  std::unique_ptr<Endpoint<ScriptedConnection>> server = start({}, "worth the wait");
  STEP(server);
  loop_.run_for(milliseconds(1000));
  log_.step("the scripted server waited 1 s (a slow disk) before acknowledging");
  STEP(server->send_frame(ack_for("worth the wait")));
  connection_->close();
  log_.step("the scripted server closed the connection");
  STEP(client_.expect_exit(true, "the acknowledgement arrived, late but well within 5 s"));
  STEP(client_.expect_printed({ack_for("worth the wait")}, "the acknowledged post"));
}

TEST_F(Stage3Client, ExitsNonZeroWhenTheServerClosesWithoutAcknowledging) {
  std::unique_ptr<Endpoint<ScriptedConnection>> server = start(kPosts, "lost?");
  STEP(server);
  connection_->close();
  log_.step("the scripted server closed the connection without an acknowledgement");
  STEP(client_.expect_exit(false, "no acknowledgement came: the post may not be stored"));
}

TEST_F(Stage3Client, ExitsNonZeroWhenTheServerResetsTheConnection) {
  std::unique_ptr<Endpoint<ScriptedConnection>> server = start({}, "not stored");
  STEP(server);
  connection_->reset();
  log_.step("the scripted server reset the connection (RST): it could not store the post");
  STEP(client_.expect_exit(false, "the server reset the connection instead of acknowledging"));
}

TEST_F(Stage3Client, ReassemblesFramesArrivingOneByteAtATime) {
  std::unique_ptr<Endpoint<ScriptedConnection>> server = start_client("pieces");
  STEP(server);
  STEP(server->send_in_pieces(encode_frames(history_frames({kPosts[0]})), "the history (1 post)",
                              loop_));
  STEP(server->expect_frames({"pieces"}, false, "its message"));
  STEP(server->send_in_pieces(encode_frame(ack_for("pieces")), "the acknowledgement", loop_));
  connection_->close();
  log_.step("the scripted server closed the connection");
  STEP(client_.expect_exit(true, "the acknowledgement arrived"));
  STEP(client_.expect_printed({kPosts[0], ack_for("pieces")}, "the post and the acknowledgement"));
}

TEST_F(Stage3Client, ExitsNonZeroWhenNoServerListens) {
  STEP(expect_failure_when_nobody_listens());
}

}  // namespace
}  // namespace chatkit::exercises
