#pragma once

// The request parameters of Prometheus's HTTP API: URL query and form body merged (httplib does
// the merging), and their parsing with Prometheus's rules and error messages.
//
// Thread-safety: the functions are pure.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace sextant::api {

using Params = std::multimap<std::string, std::string, std::less<>>;

// The first value of `name`, or nullopt when absent.
std::optional<std::string_view> Param(const Params& params, std::string_view name);
// Every value of `name` in request order (for match[]).
std::vector<std::string> ParamAll(const Params& params, std::string_view name);

// A time: Unix seconds with decimals or RFC3339, rounded to the millisecond; Prometheus's
// formatted minimum and maximum times are accepted too. Absent or empty: `fallback`.
// Errors: InvalidArgument `invalid parameter "<name>": cannot parse "<v>" to a valid timestamp`.
absl::StatusOr<int64_t> TimeParam(const Params& params, std::string_view name, int64_t fallback);

// A duration: float seconds or a PromQL duration ("5m", "1m30s").
// Errors: InvalidArgument `cannot parse "<v>" to a valid duration`.
absl::StatusOr<absl::Duration> ParseApiDuration(std::string_view text);

// A limit parameter (`limit`, `limit_per_metric`): absent or empty is 0 (no limit).
// Errors: InvalidArgument `invalid parameter "<name>": ...`.
absl::StatusOr<int64_t> LimitParam(const Params& params, std::string_view name = "limit");

// Go's strconv.ParseBool: 1 t T TRUE true True, 0 f F FALSE false False; nullopt otherwise.
std::optional<bool> ParseGoBool(std::string_view s);

// Wraps a parameter error as Prometheus's invalidParamError does.
absl::Status InvalidParam(std::string_view name, std::string_view message);

// Prometheus's default times when a request leaves them out (MinTime / MaxTime).
inline constexpr int64_t kApiMinTime = -9223309901257974;
inline constexpr int64_t kApiMaxTime = 9223309901257974;

}  // namespace sextant::api
