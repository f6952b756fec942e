#pragma once

// Encodings of the values stored under the partition keys (docs/format/partitions.md).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "model/labels.h"
#include "model/sample.h"
#include "tsdb/tombstones.h"

namespace sextant::tsdb::partition {

struct PartitionMeta;

// Catalog entry: version 1, state, counts, time bounds, level, flags.
std::string EncodeMeta(const PartitionMeta& meta);
absl::Status DecodeMeta(std::string_view in, PartitionMeta* meta);

// L value: the series' labels, the times of its first and last sample and its sample count.
struct SeriesHeader {
  model::Labels labels;
  int64_t min_time = 0;
  int64_t max_time = 0;
  uint64_t num_samples = 0;
};
std::string EncodeSeriesHeader(const model::Labels& labels, std::span<const model::Sample> samples);
absl::Status DecodeSeriesHeader(std::string_view in, SeriesHeader* out);

// D value: the timestamp column then the value column (tsdb/partition/columns.h).
std::string EncodeSamples(std::span<const model::Sample> samples);
absl::Status DecodeSamples(std::string_view in, std::vector<model::Sample>* out);
// The same, appended to *out (which keeps what it held before on error too). Decodes through
// per-thread scratch columns: not re-entrant on one thread (nothing it calls decodes again).
absl::Status AppendDecodedSamples(std::string_view in, std::vector<model::Sample>* out);

// X value: sorted series ids, delta-encoded.
std::string EncodePostings(std::span<const uint32_t> ids);
absl::Status DecodePostings(std::string_view in, std::vector<uint64_t>* out);

// T value: deleted intervals.
std::string EncodeIntervals(const Intervals& intervals);
absl::Status DecodeIntervals(std::string_view in, Intervals* out);

}  // namespace sextant::tsdb::partition
