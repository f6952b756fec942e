#pragma once

// Column codecs of the persistent partitions: one series' timestamps and values are stored as two
// separate byte strings ("streams"), each encoded for size. Byte layouts: docs/format/columns.md.
//
//   timestamps  count, first timestamp, first delta, then delta-of-deltas as varint tokens in
//               which a run of zeros (a perfectly regular scrape) takes one byte per 64 samples.
//   values      a tag byte, then either Gorilla XOR bits (any doubles) or exact decimal deltas
//               (values that are m / 10^k for a shared k; counters and most gauges), whichever is
//               smaller for the stream at hand.
//
// Both round-trip bit for bit: every int64 sequence, and every double including NaNs of any
// payload (the stale marker among them), the infinities and -0.0.
//
// Thread-safety: the functions are pure; call them from any thread.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace sextant::tsdb::partition {

// The most samples one stream holds (a month of one sample a second is 2.6M). Decoders reject
// larger counts as corrupt, which bounds the memory a corrupt count can make them allocate.
inline constexpr uint64_t kMaxColumnLength = uint64_t{1} << 24;

// Encodes timestamps. They need not be sorted, but sorted, evenly spaced ones are what the
// format is good at. Precondition: ts.size() <= kMaxColumnLength.
std::string EncodeTimestamps(std::span<const int64_t> ts);

// Replaces *out with the timestamps encoded in `in`. Errors: DataLoss naming the byte offset when
// `in` is truncated, has bytes after the stream, or its counts are inconsistent; *out is then
// unspecified.
absl::Status DecodeTimestamps(std::string_view in, std::vector<int64_t>* out);

// Encodes values, choosing the smallest of the encodings the values allow.
// Precondition: vs.size() <= kMaxColumnLength.
std::string EncodeValues(std::span<const double> vs);

// Replaces *out with the values encoded in `in`, bitwise identical to those encoded. Errors:
// DataLoss naming the byte offset on an unknown tag, truncated input, bytes after the stream or
// out-of-range fields; *out is then unspecified.
absl::Status DecodeValues(std::string_view in, std::vector<double>* out);

}  // namespace sextant::tsdb::partition
