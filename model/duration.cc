#include "model/duration.h"

#include <cstdint>
#include <limits>

#include "util/strings.h"

namespace sextant::model {
namespace {

struct Unit {
  std::string_view suffix;
  int64_t ms;
};

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
// Largest to smallest: the order units must appear in.
constexpr Unit kUnits[] = {
    {"y", 365 * kDayMs}, {"w", 7 * kDayMs}, {"d", kDayMs}, {"h", 3600 * 1000},
    {"m", 60 * 1000},    {"s", 1000},       {"ms", 1}};

absl::Status Invalid(std::string_view text) {
  return absl::InvalidArgumentError(util::StrCat("not a valid duration string: \"", text, "\""));
}

}  // namespace

absl::StatusOr<absl::Duration> ParseDuration(std::string_view text) {
  if (text == "0") return absl::ZeroDuration();
  if (text.empty()) return Invalid(text);
  std::string_view rest = text;
  size_t next_unit = 0;  // index into kUnits of the smallest unit already used, plus one
  int64_t total_ms = 0;
  while (!rest.empty()) {
    size_t digits = 0;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
    if (digits == 0) return Invalid(text);
    int64_t n = 0;
    for (size_t i = 0; i < digits; ++i) {
      if (n > (std::numeric_limits<int64_t>::max() - 9) / 10) return Invalid(text);
      n = n * 10 + (rest[i] - '0');
    }
    rest.remove_prefix(digits);
    size_t letters = 0;
    while (letters < rest.size() && (rest[letters] < '0' || rest[letters] > '9')) ++letters;
    const std::string_view suffix = rest.substr(0, letters);
    rest.remove_prefix(letters);
    size_t u = next_unit;
    while (u < std::size(kUnits) && kUnits[u].suffix != suffix) ++u;
    if (u == std::size(kUnits)) return Invalid(text);  // unknown, repeated or out of order
    next_unit = u + 1;
    if (n > (std::numeric_limits<int64_t>::max() - total_ms) / kUnits[u].ms) return Invalid(text);
    total_ms += n * kUnits[u].ms;
  }
  // Go's time.Duration counts nanoseconds in an int64, which caps durations at ~292 years.
  if (total_ms > std::numeric_limits<int64_t>::max() / 1'000'000) return Invalid(text);
  return absl::Milliseconds(total_ms);
}

std::string DurationToString(absl::Duration d) {
  int64_t ms = absl::ToInt64Milliseconds(d);
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  for (const Unit& unit : kUnits) {
    const bool exact_only = unit.suffix == "y" || unit.suffix == "w";
    if (exact_only && ms % unit.ms != 0) continue;
    if (const int64_t n = ms / unit.ms; n > 0) {
      util::StrAppend(&out, n, unit.suffix);
      ms -= n * unit.ms;
    }
  }
  return out;
}

}  // namespace sextant::model
