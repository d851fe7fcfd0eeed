#include "kit/time/timestamp.h"

#include <cstdint>
#include <cstdio>
#include <ctime>

namespace chatkit {
namespace {

// localtime_r is POSIX and localtime_s is Microsoft's; both are the thread-safe localtime.
bool to_local_tm(std::time_t seconds, std::tm* out) {
#if defined(_WIN32)
  return localtime_s(out, &seconds) == 0;
#else
  return localtime_r(&seconds, out) != nullptr;
#endif
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

bool digits(std::string_view text, std::size_t at, std::size_t count, int low, int high) {
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  return value >= low && value <= high;
}

}  // namespace

std::string format_local_timestamp(std::chrono::system_clock::time_point when) {
  using std::chrono::duration_cast;
  const auto since_epoch = duration_cast<std::chrono::microseconds>(when.time_since_epoch());
  std::int64_t seconds = since_epoch.count() / 1000000;
  std::int64_t micros = since_epoch.count() % 1000000;
  if (micros < 0) {  // Times before 1970 round toward minus infinity.
    micros += 1000000;
    seconds -= 1;
  }
  std::tm local{};
  if (!to_local_tm(static_cast<std::time_t>(seconds), &local)) local = std::tm{};

  // The UTC offset is what the local wall clock reads minus what UTC reads. Computing it from
  // the broken-down local time works on every platform (tm_gmtoff is not standard C++, and
  // strftime's %z prints "+0100" without the colon, or a zone name on Windows).
  const std::int64_t local_seconds =
      days_from_civil(local.tm_year + 1900, static_cast<unsigned>(local.tm_mon + 1),
                      static_cast<unsigned>(local.tm_mday)) * 86400 +
      local.tm_hour * 3600 + local.tm_min * 60 + local.tm_sec;
  const std::int64_t offset_minutes = (local_seconds - seconds) / 60;
  const char sign = offset_minutes < 0 ? '-' : '+';
  const std::int64_t offset = offset_minutes < 0 ? -offset_minutes : offset_minutes;

  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06d%c%02d:%02d",
                local.tm_year + 1900, local.tm_mon + 1, local.tm_mday, local.tm_hour, local.tm_min,
                local.tm_sec, static_cast<int>(micros), sign, static_cast<int>(offset / 60),
                static_cast<int>(offset % 60));
  return text;
}

std::string local_timestamp_now() {
  return format_local_timestamp(std::chrono::system_clock::now());
}

bool is_local_timestamp(std::string_view text) {
  // 0123456789012345678901234567890
  // 2026-11-24T09:15:02.123456+01:00
  if (text.size() != 32) return false;
  if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != '.' || (text[26] != '+' && text[26] != '-') || text[29] != ':') {
    return false;
  }
  return digits(text, 0, 4, 0, 9999) && digits(text, 5, 2, 1, 12) && digits(text, 8, 2, 1, 31) &&
         digits(text, 11, 2, 0, 23) && digits(text, 14, 2, 0, 59) && digits(text, 17, 2, 0, 60) &&
         digits(text, 20, 6, 0, 999999) && digits(text, 27, 2, 0, 23) &&
         digits(text, 30, 2, 0, 59);
}

}  // namespace chatkit
