// Tests for HostResolver on a real libuv loop, looking up loopback addresses only. The machine's
// name for 127.0.0.1 varies ("localhost", "localhost.localdomain", none at all), so the tests
// accept any non-empty name or the address itself. Each test counts its callbacks and checks
// them after the loop ran dry; TearDown checks that the loop then closes cleanly.
#include "server/host_resolver.h"

#include <gtest/gtest.h>
#include <uv.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace chatkit {
namespace {

using std::chrono::milliseconds;

constexpr const char* kLoopback = "127.0.0.1";
// Slack on top of the deadline for a loaded machine: this bounds a wait, it does not time speed.
constexpr std::uint64_t kMarginMs = 1500;

class HostResolverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(0, uv_loop_init(&loop_));
    ASSERT_EQ(0, uv_ip4_addr(kLoopback, 0, &loopback_));
  }

  void TearDown() override {
    if (resolver_ != nullptr && !close_started_) close_resolver();
    run();
    if (resolver_ != nullptr) {
      EXPECT_EQ(1, closed_) << "close()'s callback must run exactly once";
      if (closed_ == 1) {
        resolver_.reset();
      } else {
        // Its handles are still registered with the loop: destroying it would leave them dangling.
        static_cast<void>(resolver_.release());
      }
    }
    const int rc = uv_loop_close(&loop_);
    EXPECT_EQ(0, rc) << "the loop did not close cleanly: " << uv_err_name(rc);
  }

  HostResolver& make_resolver(milliseconds deadline) {
    resolver_ = std::make_unique<HostResolver>(&loop_, deadline);
    return *resolver_;
  }

  void close_resolver() {
    close_started_ = true;
    resolver_->close([this] { ++closed_; });
  }

  void run() { uv_run(&loop_, UV_RUN_DEFAULT); }
  std::uint64_t now_ms() { return uv_hrtime() / 1000000; }
  const sockaddr* loopback() const { return reinterpret_cast<const sockaddr*>(&loopback_); }

  uv_loop_t loop_{};
  sockaddr_in loopback_{};
  std::unique_ptr<HostResolver> resolver_;
  bool close_started_ = false;
  int closed_ = 0;
};

TEST_F(HostResolverTest, NamesLoopbackWithinTheDeadline) {
  HostResolver& resolver = make_resolver(milliseconds(2000));
  int calls = 0;
  std::string host;
  std::uint64_t answered_ms = 0;
  const std::uint64_t start_ms = now_ms();
  resolver.lookup(loopback(), [&](const std::string& answer) {
    ++calls;
    host = answer;
    answered_ms = now_ms();
    close_resolver();
  });
  EXPECT_EQ(0, calls) << "the callback ran inside lookup()";
  run();
  EXPECT_EQ(1, calls);
  EXPECT_FALSE(host.empty());
  EXPECT_LE(answered_ms - start_ms, 2000 + kMarginMs) << "answered after the deadline";
  EXPECT_EQ(1, closed_);
}

TEST_F(HostResolverTest, NamesIpv6Loopback) {
  HostResolver& resolver = make_resolver(milliseconds(2000));
  sockaddr_in6 addr{};
  ASSERT_EQ(0, uv_ip6_addr("::1", 0, &addr));
  int calls = 0;
  std::string host;
  resolver.lookup(reinterpret_cast<const sockaddr*>(&addr), [&](const std::string& answer) {
    ++calls;
    host = answer;
    close_resolver();
  });
  EXPECT_EQ(0, calls) << "the callback ran inside lookup()";
  run();
  EXPECT_EQ(1, calls);
  EXPECT_FALSE(host.empty());
}

TEST_F(HostResolverTest, AnswersConcurrentLookupsOfOneAddressAlike) {
  HostResolver& resolver = make_resolver(milliseconds(2000));
  int calls = 0;
  std::string first;
  std::string second;
  resolver.lookup(loopback(), [&](const std::string& answer) {
    ++calls;
    first = answer;
  });
  resolver.lookup(loopback(), [&](const std::string& answer) {
    ++calls;
    second = answer;
    close_resolver();
  });
  EXPECT_EQ(0, calls) << "a callback ran inside lookup()";
  run();
  EXPECT_EQ(2, calls);
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(first, second) << "both waited for the same lookup";
}

TEST_F(HostResolverTest, AnswersASecondLookupFromTheCacheOnALaterTurn) {
  HostResolver& resolver = make_resolver(milliseconds(2000));
  int first_calls = 0;
  int second_calls = 0;
  int second_calls_inside_lookup = -1;
  std::string first;
  std::string second;
  resolver.lookup(loopback(), [&](const std::string& answer) {
    ++first_calls;
    first = answer;
    resolver.lookup(loopback(), [&](const std::string& cached) {
      ++second_calls;
      second = cached;
      close_resolver();
    });
    second_calls_inside_lookup = second_calls;
  });
  run();
  EXPECT_EQ(1, first_calls);
  EXPECT_EQ(1, second_calls);
  EXPECT_EQ(0, second_calls_inside_lookup) << "a cached answer came inside lookup()";
  EXPECT_FALSE(second.empty());
  if (first != kLoopback) {
    EXPECT_EQ(first, second) << "a name, once known, is cached";
  }
}

TEST_F(HostResolverTest, CancelledWaiterIsNeverCalled) {
  HostResolver& resolver = make_resolver(milliseconds(2000));
  int cancelled_calls = 0;
  int kept_calls = 0;
  const std::uint64_t cancelled =
      resolver.lookup(loopback(), [&](const std::string&) { ++cancelled_calls; });
  resolver.lookup(loopback(), [&](const std::string&) {
    ++kept_calls;
    close_resolver();
  });
  resolver.cancel(cancelled);
  resolver.cancel(cancelled);       // Twice is harmless.
  resolver.cancel(cancelled + 99);  // So is a ticket that was never issued.
  run();
  EXPECT_EQ(0, cancelled_calls);
  EXPECT_EQ(1, kept_calls);
}

TEST_F(HostResolverTest, CancelledCachedAnswerIsNeverDelivered) {
  HostResolver& resolver = make_resolver(milliseconds(2000));
  int first_calls = 0;
  int cancelled_calls = 0;
  int kept_calls = 0;
  resolver.lookup(loopback(), [&](const std::string&) {
    ++first_calls;
    // Both answers are cached now: they are queued for the next turn together.
    const std::uint64_t ticket =
        resolver.lookup(loopback(), [&](const std::string&) { ++cancelled_calls; });
    resolver.lookup(loopback(), [&](const std::string&) {
      ++kept_calls;
      close_resolver();
    });
    resolver.cancel(ticket);
  });
  run();
  EXPECT_EQ(1, first_calls);
  EXPECT_EQ(0, cancelled_calls);
  EXPECT_EQ(1, kept_calls);
}

TEST_F(HostResolverTest, CallbackMayCancelALaterWaiterOfTheSameTurn) {
  HostResolver& resolver = make_resolver(milliseconds(2000));
  int first_calls = 0;
  int second_calls = 0;
  int third_calls = 0;
  std::uint64_t third = 0;
  resolver.lookup(loopback(), [&](const std::string&) {
    ++first_calls;
    resolver.cancel(third);  // E.g. the connection waiting for it closed meanwhile.
  });
  resolver.lookup(loopback(), [&](const std::string&) {
    ++second_calls;
    close_resolver();
  });
  third = resolver.lookup(loopback(), [&](const std::string&) { ++third_calls; });
  run();
  EXPECT_EQ(1, first_calls);
  EXPECT_EQ(1, second_calls);
  EXPECT_EQ(0, third_calls);
}

// With no time to wait, the answer is the address, unless the name was found first: both are
// correct, so the test only insists on one of them.
void expect_name_or_ip(const std::string& host) {
  EXPECT_FALSE(host.empty());
  EXPECT_TRUE(host == kLoopback || host.find_first_of(" []") == std::string::npos) << host;
}

TEST_F(HostResolverTest, ZeroDeadlineAnswersWithTheAddress) {
  HostResolver& resolver = make_resolver(milliseconds(0));
  int calls = 0;
  std::string host;
  resolver.lookup(loopback(), [&](const std::string& answer) {
    ++calls;
    host = answer;
    close_resolver();
  });
  EXPECT_EQ(0, calls) << "the callback ran inside lookup()";
  run();
  EXPECT_EQ(1, calls);
  expect_name_or_ip(host);
}

TEST_F(HostResolverTest, OneMillisecondDeadlineAnswersWithTheAddress) {
  HostResolver& resolver = make_resolver(milliseconds(1));
  int calls = 0;
  std::string host;
  const std::uint64_t start_ms = now_ms();
  std::uint64_t answered_ms = 0;
  resolver.lookup(loopback(), [&](const std::string& answer) {
    ++calls;
    host = answer;
    answered_ms = now_ms();
    close_resolver();
  });
  run();
  EXPECT_EQ(1, calls);
  expect_name_or_ip(host);
  EXPECT_LE(answered_ms - start_ms, 1 + kMarginMs) << "answered after the deadline";
}

TEST_F(HostResolverTest, CloseCancelsPendingWaiters) {
  HostResolver& resolver = make_resolver(milliseconds(2000));
  int calls = 0;
  resolver.lookup(loopback(), [&](const std::string&) { ++calls; });
  resolver.lookup(loopback(), [&](const std::string&) { ++calls; });
  close_resolver();
  EXPECT_EQ(0, closed_) << "close()'s callback ran inside close()";
  run();
  EXPECT_EQ(0, calls);
  EXPECT_EQ(1, closed_);
}

TEST_F(HostResolverTest, CloseCancelsQueuedCachedAnswers) {
  HostResolver& resolver = make_resolver(milliseconds(2000));
  int cached_calls = 0;
  resolver.lookup(loopback(), [&](const std::string&) {
    resolver.lookup(loopback(), [&](const std::string&) { ++cached_calls; });
    close_resolver();
  });
  run();
  EXPECT_EQ(0, cached_calls);
  EXPECT_EQ(1, closed_);
}

TEST_F(HostResolverTest, CloseInsideACallbackCancelsTheRestOfThatTurn) {
  HostResolver& resolver = make_resolver(milliseconds(2000));
  int closer_calls = 0;
  int later_calls = 0;
  resolver.lookup(loopback(), [&](const std::string&) {
    // Both answers are cached now and are delivered together on the next turn.
    resolver.lookup(loopback(), [&](const std::string&) {
      ++closer_calls;
      close_resolver();
    });
    resolver.lookup(loopback(), [&](const std::string&) { ++later_calls; });
  });
  run();
  EXPECT_EQ(1, closer_calls);
  EXPECT_EQ(0, later_calls) << "close() promises to cancel every waiter";
  EXPECT_EQ(1, closed_);
}

TEST_F(HostResolverTest, ClosesCleanlyWithoutAnyLookup) {
  make_resolver(milliseconds(2000));
  close_resolver();
  run();
  EXPECT_EQ(1, closed_);
}

}  // namespace
}  // namespace chatkit
