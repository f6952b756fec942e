#pragma once

// Go's rendering of time.Time and time.Duration values, for toTime, toDuration and
// humanizeTimestamp. Times are always in UTC, as Prometheus's template functions return them.

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace sextant::rules::tmpl {

// time.Time.String() of a UTC time: "2006-01-02 15:04:05.999999999 +0000 UTC" with trailing
// zeros of the fraction (and the dot) dropped.
std::string FormatGoTime(int64_t unix_nanos);

// time.Time.Format(layout) for a UTC time, with Go's reference-time layout elements
// (2006 01 02 15 04 05 Jan January Mon Monday PM .000 .999 MST -0700 Z07:00 ...).
std::string FormatGoTimeLayout(int64_t unix_nanos, std::string_view layout);

// time.Duration.String(): "1h2m3.5s", "1.5ms", "0s".
std::string FormatGoDuration(int64_t nanos);

// The civil date of a UTC time, for the time.Time methods templates may call.
struct CivilTime {
  int64_t year;
  int month;  // 1..12
  int day;
  int hour;
  int minute;
  int second;
  int nanosecond;
  int weekday;   // 0 = Sunday
  int year_day;  // 1..366
};
CivilTime ToCivil(int64_t unix_nanos);

}  // namespace sextant::rules::tmpl
