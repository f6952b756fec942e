#include "api/params.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "model/duration.h"
#include "model/timestamp.h"
#include "util/strings.h"

namespace sextant::api {

std::optional<std::string_view> Param(const Params& params, std::string_view name) {
  auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::vector<std::string> ParamAll(const Params& params, std::string_view name) {
  std::vector<std::string> out;
  auto [begin, end] = params.equal_range(name);
  for (auto it = begin; it != end; ++it) out.push_back(it->second);
  return out;
}

std::optional<bool> ParseGoBool(std::string_view s) {
  if (s == "1" || s == "t" || s == "T" || s == "true" || s == "TRUE" || s == "True") return true;
  if (s == "0" || s == "f" || s == "F" || s == "false" || s == "FALSE" || s == "False") {
    return false;
  }
  return std::nullopt;
}

absl::Status InvalidParam(std::string_view name, std::string_view message) {
  return absl::InvalidArgumentError(util::StrCat("invalid parameter \"", name, "\": ", message));
}

absl::StatusOr<int64_t> TimeParam(const Params& params, std::string_view name, int64_t fallback) {
  const std::optional<std::string_view> v = Param(params, name);
  if (!v || v->empty()) return fallback;
  // Prometheus's MinTime and MaxTime as Go formats them (clients send them back).
  if (*v == "-292273086-05-16T16:47:06Z") return kApiMinTime;
  if (*v == "292277025-08-18T07:12:54.999999999Z") return kApiMaxTime;
  absl::StatusOr<int64_t> t = model::ParseApiTime(*v);
  if (!t.ok()) return InvalidParam(name, util::FromAbsl(t.status().message()));
  return *t;
}

absl::StatusOr<absl::Duration> ParseApiDuration(std::string_view text) {
  double seconds = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec == std::errc() && ptr == text.data() + text.size()) {
    if (!std::isfinite(seconds) ||
        std::fabs(seconds) >= static_cast<double>(std::numeric_limits<int64_t>::max()) / 1e9) {
      return absl::InvalidArgumentError(
          util::StrCat("cannot parse \"", text, "\" to a valid duration. It overflows int64"));
    }
    return absl::Milliseconds(std::round(seconds * 1000));
  }
  absl::StatusOr<absl::Duration> d = model::ParseDuration(text);
  if (!d.ok()) {
    return absl::InvalidArgumentError(
        util::StrCat("cannot parse \"", text, "\" to a valid duration"));
  }
  return *d;
}

absl::StatusOr<int64_t> LimitParam(const Params& params, std::string_view name) {
  const std::optional<std::string_view> v = Param(params, name);
  if (!v || v->empty()) return 0;
  int64_t limit = 0;
  const auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), limit);
  if (ec != std::errc() || ptr != v->data() + v->size()) {
    return InvalidParam(name, util::StrCat("cannot parse \"", *v, "\" to a valid limit"));
  }
  if (limit < 0) return InvalidParam(name, "limit must be non-negative");
  return limit;
}

}  // namespace sextant::api
