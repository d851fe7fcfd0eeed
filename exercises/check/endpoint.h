// Endpoint: one end of a conversation with the program under test, with every action and
// observation recorded in the StepLog and every expectation explained when it fails.
//
// Connection is harness/'s TestClient (the checks of a server: we are a client) or
// ScriptedConnection (the checks of a client: we are the server). Both offer the same blocking
// calls over the shared TestLoop, so the program under test keeps running while we wait.
//
// Every expect_* and send_* returns false after reporting the failure through the StepLog, so a
// check reads as a list of STEP(...)s and stops at the first one that fails.
#ifndef CHATKIT_EXERCISES_CHECK_ENDPOINT_H_
#define CHATKIT_EXERCISES_CHECK_ENDPOINT_H_

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "exercises/check/hints.h"
#include "exercises/check/step_log.h"
#include "harness/test_client.h"
#include "harness/test_loop.h"
#include "kit/diagnostics/byte_dump.h"
#include "kit/framing/frame_codec.h"

namespace chatkit::exercises {

using chatkit::testing::milliseconds;
using chatkit::testing::PeerClose;
using chatkit::testing::TestClient;
using chatkit::testing::TestLoop;

// How long a check waits for something that a working program does at once. Generous: the
// sanitizer build is slow; only failing checks ever wait this long.
inline constexpr milliseconds kExpectTimeout{5000};
// How long "nothing happens" is watched for.
inline constexpr milliseconds kQuietPeriod{300};

// Stops the check at the first step that fails (the step has reported why).
#define STEP(step)       \
  do {                   \
    if (!(step)) return; \
  } while (false)

// The frames of `messages`, concatenated.
std::string encode_frames(const std::vector<std::string>& messages);

template <typename Connection>
class Endpoint {
 public:
  // `us` and `them` name the two sides in the log: "client A", "the server".
  Endpoint(Connection& connection, StepLog& log, std::string us, std::string them)
      : connection_(connection), log_(log), us_(std::move(us)), them_(std::move(them)) {}

  const std::string& us() const { return us_; }
  const std::string& them() const { return them_; }

  bool send_bytes(std::string_view bytes, const std::string& what) {
    if (!connection_.send(bytes, kExpectTimeout)) {
      return log_.fail(us_ + " could not send " + what + ": " + connection_.last_error(), "",
                       them_ + " may have closed or reset the connection already.");
    }
    log_.step(us_ + " sent " + what + " (" + std::to_string(bytes.size()) + " bytes)", bytes);
    return true;
  }
  bool send_frame(std::string_view message) {
    return send_bytes(encode_frame(message), "the frame for " + describe_text(message));
  }
  bool send_frames(const std::vector<std::string>& messages, const std::string& what) {
    return send_bytes(encode_frames(messages), what);
  }
  // Sends `bytes` `piece` bytes at a time, pausing `gap` after each piece, so that they arrive
  // in many reads.
  bool send_in_pieces(std::string_view bytes, const std::string& what, TestLoop& loop,
                      std::size_t piece = 1, milliseconds gap = milliseconds(10)) {
    for (std::size_t offset = 0; offset < bytes.size(); offset += piece) {
      if (!connection_.send(bytes.substr(offset, piece), kExpectTimeout)) {
        return log_.fail(us_ + " could not send byte " + std::to_string(offset) + " of " + what +
                             ": " + connection_.last_error(),
                         "",
                         them_ +
                             " may have closed the connection before the whole frame "
                             "arrived. " +
                             kHintReassemble);
      }
      loop.run_for(gap);
    }
    log_.step(us_ + " sent " + what + " (" + std::to_string(bytes.size()) +
                  " bytes) in pieces of " + std::to_string(piece) + " byte(s), " +
                  std::to_string(gap.count()) + " ms apart",
              bytes);
    return true;
  }
  bool shutdown_write() {
    if (!connection_.shutdown_write(kExpectTimeout)) {
      return log_.fail(us_ + " could not shut down its sending side: " + connection_.last_error());
    }
    log_.step(us_ + " shut down its sending side (FIN): nothing more will come from it");
    return true;
  }

  // Expects exactly the frames of `messages` next, byte for byte. `hint_if_late` replaces the
  // usual hint when the bytes do not come in time (the check knows best why they might not).
  bool expect_frames(const std::vector<std::string>& messages, bool first_is_count,
                     const std::string& what, milliseconds timeout = kExpectTimeout,
                     const std::string& hint_if_late = "") {
    const std::string expected = encode_frames(messages);
    const std::optional<std::string> got = connection_.read_exact(expected.size(), timeout);
    if (got && *got == expected) {
      consumed_ += expected.size();
      log_.step(them_ + " sent " + what + " (" + std::to_string(expected.size()) + " bytes)",
                expected);
      return true;
    }
    if (got) {
      // Collect what follows too: the mistake may show only a little further on.
      consumed_ += got->size();
      if (got->size() < 64) wait_for_more(kQuietPeriod);
      const std::string more = unread();
      consumed_ += more.size();
      return report_difference(messages, first_is_count, what, *got + more);
    }
    const std::string arrived = unread();
    if (!arrived.empty() && expected.compare(0, arrived.size(), arrived) != 0) {
      return report_difference(messages, first_is_count, what, arrived);
    }
    return report_short(messages, first_is_count, what, expected, arrived, timeout, hint_if_late);
  }

  // Reads the next frame, whatever it holds. nullopt (reported) when none arrives.
  std::optional<std::string> read_frame(const std::string& what,
                                        milliseconds timeout = kExpectTimeout) {
    std::optional<std::string> frame = connection_.read_frame(timeout);
    if (!frame) {
      const std::string arrived = unread();
      log_.fail(
          "expected " + what + " from " + them_ + ", but " + ending(timeout),
          arrived.empty() ? "" : "the bytes that did arrive:\n" + dump_for_step(arrived, 256),
          arrived.empty() ? "" : "a frame is 4 length bytes, big-endian, then that many bytes.");
      return std::nullopt;
    }
    consumed_ += kFrameHeaderBytes + frame->size();
    log_.step(them_ + " sent " + what + ": " + describe_text(*frame), encode_frame(*frame));
    return frame;
  }

  // Expects the other side to end the connection with nothing more sent: an orderly close
  // (FIN), or also a reset when `reset_ok`.
  bool expect_end(const std::string& why, bool reset_ok = false,
                  milliseconds timeout = kExpectTimeout) {
    std::string extra;
    const PeerClose close = connection_.read_until_close(&extra, timeout);
    const std::string after = unread();
    consumed_ += after.size();
    if (!after.empty()) {
      return log_.fail(them_ + " sent " + std::to_string(after.size()) +
                           " more bytes where it should have closed the connection (" + why + ")",
                       "the extra bytes:\n" + dump_for_step(after, 256));
    }
    if (close == PeerClose::kOpen) {
      return log_.fail(them_ + " did not close the connection within " +
                           std::to_string(timeout.count() / 1000.0).substr(0, 3) + " s (" + why +
                           ")",
                       "",
                       "the side that has nothing more to send closes the connection (or, "
                       "on the client, exits); a program that waits for more keeps it open.");
    }
    if (close == PeerClose::kReset && !reset_ok) {
      return log_.fail(them_ + " reset the connection (RST) instead of closing it (" + why + ")",
                       "",
                       "a reset happens when a program closes a socket while bytes it never "
                       "read are still waiting in it, or when it crashes. Receive everything "
                       "the peer sends before closing. A program that refuses what it read "
                       "closes early too: one that reads the 4 length bytes in the wrong order "
                       "(little-endian) takes 00 00 00 0c, 12 bytes, for 0c 00 00 00, "
                       "201326592 bytes, over the limit, and drops the connection; its output "
                       "below may say so.");
    }
    log_.step(them_ + " closed the connection (" +
              std::string(close == PeerClose::kEof ? "FIN" : "RST") + ")");
    return true;
  }

  // Expects nothing to arrive, and the connection to stay open, for `duration`.
  bool expect_nothing(const std::string& why, milliseconds duration = kQuietPeriod) {
    wait_for_more(duration);
    const std::string arrived = unread();
    if (!arrived.empty()) {
      return log_.fail(them_ + " sent " + std::to_string(arrived.size()) +
                           " bytes; it should "
                           "send nothing (" +
                           why + ")",
                       "the bytes:\n" + dump_for_step(arrived, 256));
    }
    log_.step(them_ + " sent nothing for " + std::to_string(duration.count()) +
              " ms, as it should");
    return true;
  }

  // Bytes received and not yet consumed by an expectation.
  std::string unread() const {
    const std::string& total = connection_.received_total();
    return consumed_ < total.size() ? total.substr(consumed_) : std::string();
  }

 private:
  // Runs the loop for `duration`, or until the connection ends, taking in whatever arrives
  // (left unconsumed: see unread()).
  void wait_for_more(milliseconds duration) {
    connection_.read_exact(static_cast<std::size_t>(-1), duration);
  }

  std::string ending(milliseconds timeout) const {
    switch (connection_.peer_close()) {
      case PeerClose::kEof:
        return "it closed the connection";
      case PeerClose::kReset:
        return "it reset the connection";
      case PeerClose::kOpen:
        break;
    }
    return "nothing more came within " + std::to_string(timeout.count()) + " ms";
  }

  bool report_difference(const std::vector<std::string>& messages, bool first_is_count,
                         const std::string& what, const std::string& got) {
    const std::string expected = encode_frames(messages);
    std::size_t frame = 0;
    const std::string hint = explain_frames(messages, first_is_count, got, &frame);
    std::string headline = them_ + " sent the wrong bytes for " + what;
    if (frame < messages.size()) {
      headline += ": frame " + std::to_string(frame + 1) + " of " +
                  std::to_string(messages.size()) + " should be " +
                  (first_is_count && frame == 0 ? "the count " : "") +
                  describe_text(messages[frame]);
    }
    return log_.fail(headline, describe_difference(expected, got), hint);
  }

  bool report_short(const std::vector<std::string>& messages, bool first_is_count,
                    const std::string& what, const std::string& expected,
                    const std::string& arrived, milliseconds timeout,
                    const std::string& hint_if_late) {
    std::string hint;
    if (!hint_if_late.empty() && connection_.peer_close() == PeerClose::kOpen) {
      hint = hint_if_late;
    } else if (arrived.empty() && connection_.peer_close() == PeerClose::kOpen) {
      hint = them_ + " sent nothing at all.";
    } else if (connection_.peer_close() != PeerClose::kOpen) {
      hint =
          "the connection ended early: a program that closes its socket (or exits, or "
          "crashes) before it has sent everything ends the conversation.";
    }
    std::size_t frame = 0;
    const std::string frames_hint = explain_frames(messages, first_is_count, arrived, &frame);
    if (!arrived.empty()) hint = join_hints(hint, frames_hint);
    if (first_is_count && arrived.empty() && hint_if_late.empty()) {
      // Who "they" are: the server when we are its client (TestClient), else the client.
      hint = join_hints(
          hint,
          hint_not_started(std::is_same_v<Connection, TestClient> ? Part::kServer : Part::kClient));
    }
    return log_.fail("expected " + what + " from " + them_ + " (" +
                         std::to_string(expected.size()) + " bytes), but got " +
                         std::to_string(arrived.size()) + " bytes and then " + ending(timeout),
                     describe_difference(expected, arrived), hint);
  }

  Connection& connection_;
  StepLog& log_;
  std::string us_;
  std::string them_;
  std::size_t consumed_ = 0;
};

}  // namespace chatkit::exercises

#endif  // CHATKIT_EXERCISES_CHECK_ENDPOINT_H_
