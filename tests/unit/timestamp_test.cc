// Tests for the stage-3 timestamps: exact text in fixed time zones (set through TZ, restored after
// each test), zero-padded microseconds, and is_local_timestamp's idea of the shape.
#include "kit/time/timestamp.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

namespace chatkit {
namespace {

using std::chrono::microseconds;
using std::chrono::seconds;
using std::chrono::system_clock;

// 2026-11-24T08:15:02Z, the header's example instant in UTC.
constexpr std::int64_t kExampleSeconds = 1795508102;
// 2026-07-01T12:00:00Z, in summer time in Europe.
constexpr std::int64_t kSummerSeconds = 1782907200;
// 2026-01-01T02:00:00Z, still 2025 west of Greenwich.
constexpr std::int64_t kNewYearSeconds = 1767232800;

system_clock::time_point at(std::int64_t unix_seconds, std::int64_t micros = 0) {
  return system_clock::time_point(std::chrono::duration_cast<system_clock::duration>(
      seconds(unix_seconds) + microseconds(micros)));
}

// The C library reads TZ into its own state only in tzset(). kit_unit_tests does not link libuv,
// so TZ is set with the C runtime's own call on each platform.
void set_tz(const char* value) {
#if defined(_WIN32)
  _putenv_s("TZ", value == nullptr ? "" : value);
  _tzset();
#else
  if (value == nullptr) {
    unsetenv("TZ");
  } else {
    setenv("TZ", value, 1);
  }
  tzset();
#endif
}

// Runs each test in a zone of its choosing and puts the process's TZ back afterwards, so that
// the other tests in the binary see the machine's own zone.
class LocalTimestamp : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    if (tz != nullptr) saved_tz_ = tz;
  }
  void TearDown() override { set_tz(saved_tz_ ? saved_tz_->c_str() : nullptr); }

 private:
  std::optional<std::string> saved_tz_;
};

TEST_F(LocalTimestamp, FormatsUtcWithAZeroOffset) {
  set_tz("UTC0");
  EXPECT_EQ("2026-11-24T08:15:02.123456+00:00",
            format_local_timestamp(at(kExampleSeconds, 123456)));
  EXPECT_EQ("1970-01-01T00:00:00.000000+00:00", format_local_timestamp(at(0)));
}

TEST_F(LocalTimestamp, FormatsTheHeaderExampleInCentralEurope) {
  set_tz("CET-1");  // UTC+1, no summer time.
  EXPECT_EQ("2026-11-24T09:15:02.123456+01:00",
            format_local_timestamp(at(kExampleSeconds, 123456)));
}

TEST_F(LocalTimestamp, FormatsAHalfHourOffset) {
  set_tz("IST-5:30");  // India, UTC+5:30.
  EXPECT_EQ("2026-11-24T13:45:02.123456+05:30",
            format_local_timestamp(at(kExampleSeconds, 123456)));
}

TEST_F(LocalTimestamp, FormatsANegativeOffset) {
  set_tz("EST5");  // UTC-5, no summer time.
  EXPECT_EQ("2026-11-24T03:15:02.123456-05:00",
            format_local_timestamp(at(kExampleSeconds, 123456)));
}

TEST_F(LocalTimestamp, FormatsTheLocalDateWhenItDiffersFromUtc) {
  set_tz("EST5");
  EXPECT_EQ("2025-12-31T21:00:00.000000-05:00", format_local_timestamp(at(kNewYearSeconds)));
  set_tz("IST-5:30");
  EXPECT_EQ("2026-01-01T07:30:00.000000+05:30", format_local_timestamp(at(kNewYearSeconds)));
}

TEST_F(LocalTimestamp, FollowsSummerTime) {
#if defined(_WIN32)
  // Windows-only skip: the Microsoft C runtime reads no POSIX summer-time rules from TZ (the
  // ",M3.5.0,M10.5.0/3" part): it applies US rules to any zone with a summer-time name, and
  // Wine's takes them from the host's zone instead. Summer time on Windows comes from the
  // system's zone settings, which a test cannot switch for one process.
  GTEST_SKIP() << "TZ has no POSIX summer-time rules in Windows' C runtime (docs/windows.md)";
#endif
  set_tz("CET-1CEST,M3.5.0,M10.5.0/3");
  EXPECT_EQ("2026-07-01T14:00:00.000000+02:00", format_local_timestamp(at(kSummerSeconds)));
  EXPECT_EQ("2026-11-24T09:15:02.000000+01:00", format_local_timestamp(at(kExampleSeconds)));
}

TEST_F(LocalTimestamp, PadsMicrosecondsToSixDigits) {
  set_tz("UTC0");
  EXPECT_EQ("2026-11-24T08:15:02.000005+00:00", format_local_timestamp(at(kExampleSeconds, 5)));
  EXPECT_EQ("2026-11-24T08:15:02.010000+00:00", format_local_timestamp(at(kExampleSeconds, 10000)));
  EXPECT_EQ("2026-11-24T08:15:02.999999+00:00",
            format_local_timestamp(at(kExampleSeconds, 999999)));
}

TEST_F(LocalTimestamp, FormatsTimesBefore1970) {
  set_tz("UTC0");
  EXPECT_EQ("1969-12-31T23:59:59.999999+00:00", format_local_timestamp(at(0, -1)));
}

// Windows' C runtime converts no time before 1970, so there the kit breaks such times down
// itself; the zone's offset must still apply.
TEST_F(LocalTimestamp, FormatsTimesBefore1970InTheLocalZone) {
  set_tz("EST5");
  EXPECT_EQ("1969-12-31T18:00:00.000000-05:00", format_local_timestamp(at(-3600)));
  set_tz("IST-5:30");
  EXPECT_EQ("1969-12-31T05:30:00.500000+05:30", format_local_timestamp(at(-86400, 500000)));
  EXPECT_EQ("1900-03-01T05:30:00.000000+05:30", format_local_timestamp(at(-2203891200)));
}

TEST_F(LocalTimestamp, ProducesTextThatIsLocalTimestampAccepts) {
  for (const char* tz : {"UTC0", "CET-1", "IST-5:30", "EST5", "NZST-12NZDT,M9.5.0,M4.1.0/3"}) {
    set_tz(tz);
    const std::string now = local_timestamp_now();
    EXPECT_TRUE(is_local_timestamp(now)) << "TZ=" << tz << ": " << now;
    const std::string example = format_local_timestamp(at(kExampleSeconds, 42));
    EXPECT_TRUE(is_local_timestamp(example)) << "TZ=" << tz << ": " << example;
  }
}

TEST(IsLocalTimestamp, AcceptsWellFormedTimestamps) {
  for (const char* text : {
           "2026-11-24T09:15:02.123456+01:00",
           "2026-11-24T09:15:02.123456-05:00",
           "1970-01-01T00:00:00.000000+00:00",
           "2026-12-31T23:59:59.999999+23:59",
           "2016-12-31T23:59:60.000000+00:00",  // A leap second.
           "0000-01-01T00:00:00.000000+05:30",
       }) {
    EXPECT_TRUE(is_local_timestamp(text)) << text;
  }
}

TEST(IsLocalTimestamp, RejectsMalformedVariants) {
  const std::vector<std::string> malformed = {
      "",
      "2026-11-24",
      "2026-11-24T09:15:02+01:00",           // No microseconds.
      "2026-11-24T09:15:02.123+01:00",       // Milliseconds only.
      "2026-11-24T09:15:02.1234567+01:00",   // Seven fraction digits.
      "2026-11-24T09:15:02.123456Z",         // Zulu instead of an offset.
      "2026-11-24T09:15:02.123456",          // No offset (Python's isoformat()).
      "2026-11-24T09:15:02.123456+0100",     // Offset without a colon.
      "2026-11-24 09:15:02.123456+01:00",    // Space instead of 'T'.
      "2026-11-24t09:15:02.123456+01:00",    // Lower-case 't'.
      "2026/11/24T09:15:02.123456+01:00",    // Slashes.
      "2026-11-24T09:15:02,123456+01:00",    // Comma before the fraction.
      "2026-11-24T09:15:02.123456 01:00",    // Space instead of the sign.
      "2026-00-24T09:15:02.123456+01:00",    // Month 00.
      "2026-13-24T09:15:02.123456+01:00",    // Month 13.
      "2026-11-00T09:15:02.123456+01:00",    // Day 00.
      "2026-11-32T09:15:02.123456+01:00",    // Day 32.
      "2026-11-24T24:15:02.123456+01:00",    // Hour 24.
      "2026-11-24T09:60:02.123456+01:00",    // Minute 60.
      "2026-11-24T09:15:61.123456+01:00",    // Second 61.
      "2026-11-24T09:15:02.123456+24:00",    // Offset hour 24.
      "2026-11-24T09:15:02.123456+01:60",    // Offset minute 60.
      "2026-11-24T09:15:02.12345a+01:00",    // A letter in the fraction.
      "20x6-11-24T09:15:02.123456+01:00",    // A letter in the year.
      "2026-11-24T09:15:02.123456+01:00\n",  // Trailing newline.
      " 2026-11-24T09:15:02.123456+01:00",   // Leading space.
      "2026-11-24T09:15:02.123456+01:0",     // Short offset.
      "+2026-11-24T09:15:02.123456+01:00",   // Signed year.
      "2026-1-24T09:15:02.123456+01:00 ",    // One-digit month, padded to length.
      "2026-11-24T09:15:02.-12345+01:00",    // A sign inside the fraction.
      "\xEF\xBC\x92"
      "026-11-24T09:15:02.123456+01:00",  // A full-width digit.
  };
  for (const std::string& text : malformed) {
    EXPECT_FALSE(is_local_timestamp(text)) << "accepted '" << text << "'";
  }
}

}  // namespace
}  // namespace chatkit
