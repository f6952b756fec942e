#include "model/timestamp.h"

#include <charconv>
#include <cmath>

#include "util/strings.h"

namespace sextant::model {

Timestamp FromTime(absl::Time t) { return absl::ToUnixMillis(t); }

absl::Time ToTime(Timestamp ts) { return absl::FromUnixMillis(ts); }

Timestamp NowTimestamp() { return FromTime(absl::Now()); }

std::string FormatRfc3339(absl::Time t) {
  // %E*S prints the seconds with exactly the fractional digits needed (none when whole).
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> ParseRfc3339(std::string_view text) {
  absl::Time t;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, util::ToAbsl(text), &t, &err)) return t;
  return absl::InvalidArgumentError(util::StrCat("cannot parse \"", text, "\" as RFC3339: ", err));
}

absl::StatusOr<Timestamp> ParseApiTime(std::string_view text) {
  double seconds = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(seconds)) {
    const double ms = std::round(seconds * 1000);
    if (ms >= static_cast<double>(kMinTimestamp) && ms <= static_cast<double>(kMaxTimestamp)) {
      return static_cast<Timestamp>(ms);
    }
  }
  if (auto t = ParseRfc3339(text); t.ok()) {
    // Prometheus rounds RFC3339 times with sub-millisecond digits to the nearest millisecond.
    return static_cast<Timestamp>(std::llround(absl::ToDoubleMilliseconds(*t - absl::UnixEpoch())));
  }
  return absl::InvalidArgumentError(
      util::StrCat("cannot parse \"", text, "\" to a valid timestamp"));
}

}  // namespace sextant::model
