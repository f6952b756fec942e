#pragma once

// The pure half of `tsdb create-blocks-from openmetrics`: from OpenMetrics text to the partitions
// to write, with promtool 2.42's rules, and nothing written. (backfill.h writes them.)
//
// 1. The whole input is parsed first; any error stops here, naming its line.
// 2. Partitions are the aligned windows [t, t + block) of the block duration that hold samples,
//    from t = block * (mint / block) (Go's truncating division, so samples below that start, i.e.
//    negative timestamps above -block, are skipped as promtool skips them) up to the newest sample.
// 3. Within a window, samples are appended in file order through what promtool's head appender
//    does, committing every 5000 appended samples:
//    - against the series' last committed sample: older is an error ("out of order sample"),
//      same timestamp with other value bits is an error ("duplicate sample for timestamp"), same
//      timestamp and value is accepted and dropped;
//    - at commit, a sample not newer than the series' previous one is dropped silently (so within
//      one batch of 5000 the first of two duplicates wins and older samples vanish).
//    Out of order across series and across windows is fine.
// 4. Labels: __name__ from the metric name; empty label values dropped (a{b=""} is series a);
//    duplicate label names are an error ("label name "b" is not unique: invalid sample").
//    Prometheus 3.x's rule is applied: `le` of a histogram's and `quantile` of a summary's
//    series are written in float form (le="1" -> le="1.0"); the family type comes from the last
//    TYPE line, so data without TYPE lines is left as it is.
//
// Errors (InvalidArgument) carry promtool's wording plus the line number, e.g.
//   getting min and max timestamp: next: line 3: expected value after metric, got "INVALID"
//   getting min and max timestamp: line 5: expected timestamp for series got none
//   block creation: process blocks: add sample: line 9: out of order sample

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "tsdb/partition/partition_store.h"

namespace sextant::tool {

inline constexpr int64_t kDefaultBlockDurationMs = 2 * 3600 * 1000;

// promtool's block duration for --max-block-duration (ms; 0 = not given): 2h, or the largest of
// 2h, 6h, 18h, 54h, ... (x3, ten ranges) not above the flag; values below 2h give 2h.
int64_t BlockDurationFor(int64_t max_block_duration_ms);

struct PlannedPartition {
  int64_t start = 0;  // inclusive
  int64_t end = 0;    // exclusive
  // Sorted by labels, each with at least one sample, samples sorted by time.
  std::vector<tsdb::partition::SeriesSamples> series;
};

struct BackfillPlan {
  std::vector<PlannedPartition> partitions;  // oldest first
  uint64_t skipped_samples = 0;  // before the first window (negative timestamps), see 2.
  uint64_t dropped_samples = 0;  // dropped at commit (duplicates, older within a batch), see 3.
};

absl::StatusOr<BackfillPlan> PlanBackfill(std::string_view input, int64_t block_duration_ms);

}  // namespace sextant::tool
