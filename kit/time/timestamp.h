// Timestamps for stage-3 posts and log lines.
//
// The format is ISO 8601 local time with microseconds and the UTC offset:
//   2026-11-24T09:15:02.123456+01:00
// Local time, because the class reads the history in its own time zone; the offset, because
// the text must still say exactly when the post arrived.
#ifndef CHATKIT_KIT_TIME_TIMESTAMP_H_
#define CHATKIT_KIT_TIME_TIMESTAMP_H_

#include <chrono>
#include <string>
#include <string_view>

namespace chatkit {

// Formats `when` in the process's local time zone.
std::string format_local_timestamp(std::chrono::system_clock::time_point when);
// format_local_timestamp(std::chrono::system_clock::now()), for log lines: it reuses the time
// zone lookup of the same second, so a change of the process's time zone (TZ and tzset) shows
// only from the next second on.
std::string local_timestamp_now();
// Appends local_timestamp_now()'s text to *out, without a temporary string (the log's hot path).
void append_local_timestamp_now(std::string* out);

// True when `text` has exactly the shape above: YYYY-MM-DDTHH:MM:SS.ffffff+HH:MM (or -HH:MM),
// with each field in range (month 01-12, day 01-31, hour 00-23, minute 00-59, second 00-60,
// offset hours 00-23, offset minutes 00-59).
bool is_local_timestamp(std::string_view text);

}  // namespace chatkit

#endif  // CHATKIT_KIT_TIME_TIMESTAMP_H_
