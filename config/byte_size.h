#pragma once

// Byte sizes as Prometheus writes them (github.com/alecthomas/units Base2Bytes): an amount and a
// unit, powers of two either way they are spelled: B, KB = KiB = 1024 B, MB = MiB, GB, TB, PB,
// EB. Used by body_size_limit and --storage.tsdb.retention.size.

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace sextant::config {

// "512MB", "10GiB", "1.5GB", "1GB512MB", "0". A unit is required except for "0".
// Errors: InvalidArgument with Prometheus's wording: `units: unknown unit XB in 10XB`.
absl::StatusOr<uint64_t> ParseByteSize(std::string_view text);

// Inverse of ParseByteSize in Prometheus's rendering: 10485760 -> "10MiB", 1536 -> "1KiB512B".
std::string ByteSizeToString(uint64_t bytes);

}  // namespace sextant::config
