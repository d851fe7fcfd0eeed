#include "kit/time/timestamp.h"

#include <climits>
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

// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
// civil_from_days), the inverse of days_from_civil.
void civil_from_days(std::int64_t days, std::int64_t* year, unsigned* month, unsigned* day) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned month_from_march = (5 * day_of_year + 2) / 153;
  *day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
  *month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
  *year = static_cast<std::int64_t>(year_of_era) + era * 400 + (*month <= 2);
}

// The seconds since the epoch at which UTC reads what the broken-down time `tm` reads.
std::int64_t seconds_as_utc(const std::tm& tm) {
  return days_from_civil(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1),
                         static_cast<unsigned>(tm.tm_mday)) *
             86400 +
         tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

// What UTC reads at `seconds`, broken down without the C library (whose gmtime has the same
// limits as its localtime).
std::tm utc_fields(std::int64_t seconds) {
  std::int64_t days = seconds / 86400;
  std::int64_t second_of_day = seconds % 86400;
  if (second_of_day < 0) {  // Round toward minus infinity: 1969-12-31T23:59:59 is day -1.
    second_of_day += 86400;
    days -= 1;
  }
  std::int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  civil_from_days(days, &year, &month, &day);
  std::tm tm{};
  tm.tm_year = static_cast<int>(year - 1900);
  tm.tm_mon = static_cast<int>(month) - 1;
  tm.tm_mday = static_cast<int>(day);
  tm.tm_hour = static_cast<int>(second_of_day / 3600);
  tm.tm_min = static_cast<int>(second_of_day % 3600 / 60);
  tm.tm_sec = static_cast<int>(second_of_day % 60);
  return tm;
}

bool digits(std::string_view text, std::size_t at, std::size_t count, int low, int high) {
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  return value >= low && value <= high;
}

// One second of local time as text: "2026-11-24T09:15:02" and "+01:00".
struct SecondText {
  std::int64_t seconds = INT64_MIN;  // Which second; INT64_MIN for none yet.
  char date_time[80] = {};           // 19 characters; room for what %d could print in any field.
  char offset[8] = {};
};

void format_second(std::int64_t seconds, SecondText* out) {
  // The UTC offset is what the local wall clock reads minus what UTC reads. Computing it from
  // the broken-down local time works on every platform (tm_gmtoff is not standard C++, and
  // strftime's %z prints "+0100" without the colon, or a zone name on Windows).
  std::tm local{};
  std::int64_t offset_seconds = 0;
  if (to_local_tm(static_cast<std::time_t>(seconds), &local)) {
    offset_seconds = seconds_as_utc(local) - seconds;
  } else if (seconds < 0) {
    // Windows' C runtime converts no time before 1970 (localtime_s fails with EINVAL). Such a
    // time gets the zone's offset of 1970-01-02, the nearest day it converts whatever the zone,
    // and is broken down here.
    constexpr std::int64_t kFirstConvertibleDay = 86400;
    std::tm probe{};
    if (to_local_tm(static_cast<std::time_t>(kFirstConvertibleDay), &probe)) {
      offset_seconds = seconds_as_utc(probe) - kFirstConvertibleDay;
    }
    local = utc_fields(seconds + offset_seconds);
  }
  const std::int64_t offset_minutes = offset_seconds / 60;
  const char sign = offset_minutes < 0 ? '-' : '+';
  const std::int64_t offset = offset_minutes < 0 ? -offset_minutes : offset_minutes;

  std::snprintf(out->date_time, sizeof out->date_time, "%04d-%02d-%02dT%02d:%02d:%02d",
                local.tm_year + 1900, local.tm_mon + 1, local.tm_mday, local.tm_hour, local.tm_min,
                local.tm_sec);
  std::snprintf(out->offset, sizeof out->offset, "%c%02d:%02d", sign, static_cast<int>(offset / 60),
                static_cast<int>(offset % 60));
  out->seconds = seconds;
}

// Splits a time into whole seconds (rounded toward minus infinity) and microseconds.
void split_micros(std::chrono::system_clock::time_point when, std::int64_t* seconds,
                  std::int64_t* micros) {
  using std::chrono::duration_cast;
  const auto since_epoch = duration_cast<std::chrono::microseconds>(when.time_since_epoch());
  *seconds = since_epoch.count() / 1000000;
  *micros = since_epoch.count() % 1000000;
  if (*micros < 0) {  // Times before 1970 round toward minus infinity.
    *micros += 1000000;
    *seconds -= 1;
  }
}

// Appends "<date_time>.<micros><offset>" to `out`, with no temporary string.
void append_composed(const SecondText& second, std::int64_t micros, std::string* out) {
  // 0123456789012345678901234567890
  // 2026-11-24T09:15:02.123456+01:00
  char fraction[7];
  fraction[0] = '.';
  for (int i = 6; i >= 1; --i) {
    fraction[i] = static_cast<char>('0' + micros % 10);
    micros /= 10;
  }
  out->append(second.date_time);
  out->append(fraction, sizeof fraction);
  out->append(second.offset);
}

}  // namespace

std::string format_local_timestamp(std::chrono::system_clock::time_point when) {
  std::int64_t seconds = 0;
  std::int64_t micros = 0;
  split_micros(when, &seconds, &micros);
  SecondText second;
  format_second(seconds, &second);
  std::string text;
  append_composed(second, micros, &text);
  return text;
}

std::string local_timestamp_now() {
  std::string text;
  append_local_timestamp_now(&text);
  return text;
}

void append_local_timestamp_now(std::string* out) {
  std::int64_t seconds = 0;
  std::int64_t micros = 0;
  split_micros(std::chrono::system_clock::now(), &seconds, &micros);
  // The time zone lookup costs more than everything else here, and a busy server stamps many
  // log lines within one second: each thread keeps the text of its last second. The offset
  // changes only from one second to the next, so the text stays exact, except that a change of
  // the process's time zone (TZ and tzset) shows from the next second on.
  thread_local SecondText last;
  if (last.seconds != seconds) format_second(seconds, &last);
  append_composed(last, micros, out);
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
         digits(text, 20, 6, 0, 999999) && digits(text, 27, 2, 0, 23) && digits(text, 30, 2, 0, 59);
}

}  // namespace chatkit
