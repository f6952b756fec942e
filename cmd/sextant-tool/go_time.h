#pragma once

// Go's time formatting and parsing, byte for byte, for the outputs and flags promtool shares with
// sextant-tool: time.Duration's String() and time.ParseDuration, and time.Time's String() in UTC.

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace sextant::tool {

// time.Duration(nanos).String(): "0s", "1ms", "341.818µs", "7m0.001s", "2h0m0s", "-1.5s".
std::string FormatGoDuration(int64_t nanos);

// time.ParseDuration: "1h30m", "1.5h", "300ms", "2us", "-1m"; units ns, us, µs, ms, s, m, h (no
// days). Returns nanoseconds. Errors (InvalidArgument) with Go's text:
// `time: invalid duration "abc"`, `time: missing unit in duration "1"`,
// `time: unknown unit "d" in duration "7d"`.
absl::StatusOr<int64_t> ParseGoDuration(std::string_view text);

// time.Unix(seconds, 0).UTC().String(): "2023-11-14 22:13:20 +0000 UTC".
std::string FormatGoUnixUtc(int64_t seconds);

}  // namespace sextant::tool
