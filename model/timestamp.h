#pragma once

// Sample timestamps: milliseconds since the Unix epoch, as in Prometheus's TSDB.

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace sextant::model {

using Timestamp = int64_t;

// The extremes Prometheus's API uses for "no bound": the earliest and latest times Go can
// represent in seconds, in milliseconds.
inline constexpr Timestamp kMinTimestamp =
    (std::numeric_limits<int64_t>::min() / 1000 + 62135596801) * 1000;
inline constexpr Timestamp kMaxTimestamp =
    (std::numeric_limits<int64_t>::max() / 1000 - 62135596801) * 1000 + 999;

// Rounds down to the millisecond, as Prometheus's timestamp.FromTime does.
Timestamp FromTime(absl::Time t);
absl::Time ToTime(Timestamp ts);
Timestamp NowTimestamp();

// RFC3339 in UTC with as many fractional digits as needed (Go's time.RFC3339Nano, which the API
// uses for lastScrape and friends): "2026-11-21T10:00:00Z", "2026-11-21T10:00:00.123Z".
std::string FormatRfc3339(absl::Time t);

// Parses RFC3339 with an optional fraction and a `Z` or `±hh:mm` offset.
// Errors: InvalidArgument naming the text.
absl::StatusOr<absl::Time> ParseRfc3339(std::string_view text);

// A time as the HTTP API takes it: Unix seconds with an optional fraction ("1700000000.123"),
// or RFC3339. Rounded to the millisecond. Errors: InvalidArgument
// `cannot parse "x" to a valid timestamp`.
absl::StatusOr<Timestamp> ParseApiTime(std::string_view text);

}  // namespace sextant::model
