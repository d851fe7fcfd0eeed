// The server's reliability parts in isolation: the frame deadline's arithmetic, the open-file
// limit and the connection's phase transitions. (Their behaviour on real connections is in
// hostile_client_test.cc, limits_test.cc and, with every move asserted in the asan build, the
// whole server suite.)
#include <gtest/gtest.h>

#include "server/connection_phase.h"
#include "server/frame_deadline.h"
#include "server/open_file_limit.h"

namespace chatkit {
namespace {

using std::chrono::milliseconds;

constexpr ConnectionPhase kAllPhases[] = {
    ConnectionPhase::kNew,     ConnectionPhase::kConversing, ConnectionPhase::kAwaitingHost,
    ConnectionPhase::kStoring, ConnectionPhase::kFinishing,  ConnectionPhase::kClosing,
    ConnectionPhase::kClosed};

int number(ConnectionPhase phase) {
  return static_cast<int>(phase);
}

TEST(ConnectionPhase, OnlyMovesForward) {
  for (const ConnectionPhase from : kAllPhases) {
    for (const ConnectionPhase to : kAllPhases) {
      if (!connection_allows(from, to)) continue;
      EXPECT_GT(number(to), number(from))
          << "phase " << number(from) << " -> " << number(to) << " moves back or stays";
    }
  }
}

TEST(ConnectionPhase, CanCloseFromEveryPhaseBeforeClosing) {
  // close() comes from timers and the server (idle timeout, grace period, second signal) in
  // whatever phase the conversation is in.
  for (const ConnectionPhase from : kAllPhases) {
    if (number(from) >= number(ConnectionPhase::kClosing)) continue;
    EXPECT_TRUE(connection_allows(from, ConnectionPhase::kClosing))
        << "phase " << number(from) << " cannot begin closing";
  }
}

TEST(ConnectionPhase, TheStreamMayCloseUnderEveryPhaseAndClosedIsFinal) {
  // The chaos writer ends the stream on its own, whatever the conversation is doing.
  for (const ConnectionPhase from : kAllPhases) {
    if (from == ConnectionPhase::kClosed) continue;
    EXPECT_TRUE(connection_allows(from, ConnectionPhase::kClosed))
        << "phase " << number(from) << " cannot end with the stream";
  }
  for (const ConnectionPhase to : kAllPhases) {
    EXPECT_FALSE(connection_allows(ConnectionPhase::kClosed, to)) << "kClosed -> " << number(to);
  }
}

TEST(ConnectionPhase, APostGoesToTheStoreOnlyFromTheConversationOrWhenItsHostIsKnown) {
  for (const ConnectionPhase from : kAllPhases) {
    const bool expected =
        from == ConnectionPhase::kConversing || from == ConnectionPhase::kAwaitingHost;
    EXPECT_EQ(connection_allows(from, ConnectionPhase::kStoring), expected)
        << "phase " << number(from) << " -> kStoring";
  }
}

TEST(FrameDeadline, DoesNotRunBeforeTheClientsFirstByte) {
  const FrameDeadline deadline(milliseconds(4000));
  EXPECT_FALSE(deadline.started());
  EXPECT_EQ(deadline.timer_ms(100000, 30000, true), 30000u) << "only the idle timeout applies";
  EXPECT_FALSE(deadline.expired(1000000, true));
}

TEST(FrameDeadline, ArmsTheTimerForWhicheverComesFirst) {
  FrameDeadline deadline(milliseconds(4000));
  deadline.on_client_bytes(1000);
  deadline.on_client_bytes(2500);  // Later bytes do not move the start.
  EXPECT_EQ(deadline.timer_ms(1000, 30000, true), 4000u);
  EXPECT_EQ(deadline.timer_ms(3000, 30000, true), 2000u);
  EXPECT_EQ(deadline.timer_ms(3000, 500, true), 500u) << "the idle timeout comes first";
  EXPECT_EQ(deadline.timer_ms(9000, 30000, true), 0u) << "past the deadline: fire at once";
  EXPECT_FALSE(deadline.expired(4999, true));
  EXPECT_TRUE(deadline.expired(5000, true));
}

TEST(FrameDeadline, NoLongerAppliesOnceTheFrameIsComplete) {
  FrameDeadline deadline(milliseconds(4000));
  deadline.on_client_bytes(0);
  EXPECT_EQ(deadline.timer_ms(3000, 30000, false), 30000u);
  EXPECT_FALSE(deadline.expired(100000, false));
}

TEST(FrameDeadline, DescribesHowFarTheFrameGot) {
  FrameDeadline deadline(milliseconds(4000));
  deadline.on_client_bytes(1000);
  FrameDecoder decoder;
  decoder.feed(std::string_view("\x00\x00\x00\x0cHel", 7));
  EXPECT_EQ(deadline.describe(5000, decoder),
            "frame timeout: after 3 of 12 payload bytes in 4 s (--frame-timeout 4)");
}

TEST(OpenFileLimit, RaisesTheSoftLimitAndNeverLowersIt) {
  const OpenFileLimit before = raise_open_file_limit(0);
  if (!before.applies) GTEST_SKIP() << "this system has no per-process open-file limit";
  ASSERT_EQ(before.error, "");
  EXPECT_LE(before.soft, before.hard);
  const OpenFileLimit same = raise_open_file_limit(before.soft / 2);
  EXPECT_EQ(same.soft, before.soft) << "asking for less changes nothing";
  const std::uint64_t wanted = before.hard < before.soft + 16 ? before.hard : before.soft + 16;
  const OpenFileLimit raised = raise_open_file_limit(wanted);
  EXPECT_EQ(raised.error, "");
  EXPECT_EQ(raised.soft, wanted);
  const OpenFileLimit capped = raise_open_file_limit(UINT64_MAX);
  EXPECT_EQ(capped.soft, capped.hard) << "never above the hard limit";
}

}  // namespace
}  // namespace chatkit
