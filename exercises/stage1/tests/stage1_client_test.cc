// Stage 1 checks of the student's client: the exact bytes it sends (one frame, big-endian
// length, UTF-8), that it closes and exits by itself, and that it fails when it cannot connect.
#include "exercises/check/exercise_test.h"

namespace chatkit::exercises {
namespace {

class Stage1Client : public ClientTest {
 protected:
  // Runs the client with `message`; expects exactly its frame, its close, and exit code 0. The
  // scripted server itself never closes: a stage-1 client waits for nothing.
  bool expect_sends(const std::string& message) {
    std::unique_ptr<Endpoint<ScriptedConnection>> server = start_client(message);
    return server &&
           server->expect_frames({message}, false, "the frame for " + describe_text(message)) &&
           server->expect_end("a stage-1 client sends one message and closes") &&
           client_.expect_exit(true, "the message was sent");
  }
};

TEST_F(Stage1Client, SendsOneFrameThenClosesAndExits) {
  STEP(expect_sends("Test message"));
}

TEST_F(Stage1Client, SendsTheLengthAsFourBigEndianBytes) {
  std::string message;
  while (message.size() < 300) message += "0123456789";
  STEP(expect_sends(message));
}

TEST_F(Stage1Client, CountsUtf8BytesNotCharacters) {
  STEP(expect_sends("héllo wörld ✓ 日本語"));
}

TEST_F(Stage1Client, SendsAnEmptyMessageAsFourZeroBytes) {
  STEP(expect_sends(""));
}

TEST_F(Stage1Client, SendsALongMessageCompletely) {
  // Long enough to need several segments; short enough for any command line (Windows: 32 KiB).
  std::string message;
  while (message.size() < 30000) message += "long message ✓ ";
  STEP(expect_sends(message));
}

TEST_F(Stage1Client, ExitsNonZeroWhenNoServerListens) {
  STEP(expect_failure_when_nobody_listens());
}

}  // namespace
}  // namespace chatkit::exercises
