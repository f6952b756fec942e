#pragma once

// A sample: a millisecond timestamp and a float value, and the staleness marker.
//
// Prometheus marks a series that stopped being scraped with one special NaN, the "stale marker",
// whose bits are 0x7ff0000000000002. It is stored like any sample and ends the series for the
// query engine. Compare bits, never values: every NaN is unequal to itself.

#include <bit>
#include <cstdint>

namespace sextant::model {

inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ull;
inline constexpr uint64_t kNormalNaNBits = 0x7ff8000000000001ull;  // what Prometheus writes for NaN

inline double StaleNaN() { return std::bit_cast<double>(kStaleNaNBits); }
inline bool IsStaleNaN(double v) { return std::bit_cast<uint64_t>(v) == kStaleNaNBits; }

struct Sample {
  int64_t t = 0;  // milliseconds since the Unix epoch
  double v = 0;
  // Bitwise: a stale marker equals only a stale marker, and NaN equals the same NaN.
  bool operator==(const Sample& o) const {
    return t == o.t && std::bit_cast<uint64_t>(v) == std::bit_cast<uint64_t>(o.v);
  }
};

}  // namespace sextant::model
