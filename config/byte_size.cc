#include "config/byte_size.h"

#include <cmath>
#include <string>

#include "util/strings.h"

namespace sextant::config {
namespace {

constexpr std::string_view kPrefixes = "KMGTPE";

// Multiplier for a unit suffix, or 0 when the suffix is not a byte unit.
uint64_t UnitMultiplier(std::string_view unit) {
  if (unit == "B") return 1;
  if (unit.size() < 2) return 0;
  const size_t p = kPrefixes.find(unit[0]);
  if (p == std::string_view::npos) return 0;
  const std::string_view rest = unit.substr(1);
  if (rest != "B" && rest != "iB") return 0;
  return uint64_t{1} << (10 * (p + 1));
}

}  // namespace

absl::StatusOr<uint64_t> ParseByteSize(std::string_view text) {
  if (text == "0") return 0;
  if (text.empty()) return absl::InvalidArgumentError("units: invalid ");
  double total = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    size_t n = 0;
    while (n < rest.size() && ((rest[n] >= '0' && rest[n] <= '9') || rest[n] == '.')) ++n;
    if (n == 0) return absl::InvalidArgumentError(util::StrCat("units: invalid ", text));
    const double amount = std::stod(std::string(rest.substr(0, n)));
    rest.remove_prefix(n);
    size_t u = 0;
    while (u < rest.size() && !((rest[u] >= '0' && rest[u] <= '9') || rest[u] == '.')) ++u;
    const std::string_view unit = rest.substr(0, u);
    rest.remove_prefix(u);
    const uint64_t mult = UnitMultiplier(unit);
    if (mult == 0) {
      return absl::InvalidArgumentError(util::StrCat("units: unknown unit ", unit, " in ", text));
    }
    total += amount * static_cast<double>(mult);
  }
  if (total >= 9.2e18) return absl::InvalidArgumentError(util::StrCat("units: overflow in ", text));
  return static_cast<uint64_t>(total);
}

std::string ByteSizeToString(uint64_t bytes) {
  if (bytes == 0) return "0B";
  // Largest unit first, each with its remainder, as alecthomas/units renders sizes.
  std::string out;
  for (int i = static_cast<int>(kPrefixes.size()); i >= 0; --i) {
    uint64_t n = bytes >> (10 * i);
    if (i < static_cast<int>(kPrefixes.size())) n &= 1023;
    if (n == 0) continue;
    util::StrAppend(&out, n, i == 0 ? std::string("B") : std::string(1, kPrefixes[i - 1]) + "iB");
  }
  return out;
}

}  // namespace sextant::config
