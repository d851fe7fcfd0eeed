// The server's reliability parts in isolation: the frame deadline's arithmetic and the
// open-file limit. (Their behaviour on real connections is in hostile_client_test.cc and
// limits_test.cc.)
#include <gtest/gtest.h>

#include "server/frame_deadline.h"
#include "server/open_file_limit.h"

namespace chatkit {
namespace {

using std::chrono::milliseconds;

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
