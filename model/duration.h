#pragma once

// Durations in Prometheus's syntax (github.com/prometheus/common/model.Duration):
// units y (365d), w, d, h, m, s, ms, each at most once and in that order, integers only:
// "90d", "1h30m", "500ms", "1y", "0". Formatting is the inverse and picks the largest units
// ("5400s" reads back as "1h30m"; years and weeks only when exact, so 90 days stays "90d").

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace sextant::model {

// Errors: InvalidArgument `not a valid duration string: "banana"` (Prometheus's wording), also for
// an empty string and for values that overflow.
absl::StatusOr<absl::Duration> ParseDuration(std::string_view text);

// Millisecond precision; negative durations get a leading '-'; zero is "0s".
std::string DurationToString(absl::Duration d);

}  // namespace sextant::model
