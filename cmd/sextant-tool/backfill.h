#pragma once

// `sextant-tool tsdb create-blocks-from openmetrics <input file> [<output dir>]`: imports an
// OpenMetrics file whose samples all carry timestamps into a Sextant data directory, as promtool
// 2.42 imports one into blocks (rules: backfill_plan.h).
//
// The output directory (default data/) gets <dir>/partitions (the partition store, one partition
// per aligned window of the block duration) and an empty <dir>/wal, so that it can be served
// directly with --storage.tsdb.path. It may already hold data: the new partitions must not
// overlap existing ones (checked before anything is written). A running server keeps its store
// locked, so import into a stopped server's directory, or into a fresh one.
//
// Nothing is written when the input has an error, whatever the line; the message names the line.
// Each partition written is printed as a row of promtool's block table (partition_table.h),
// unless `quiet`.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "cmd/sextant-tool/backfill_plan.h"

namespace sextant::tool {

struct BackfillOptions {
  std::string input_path;
  std::string output_dir = "data/";
  bool human_readable = false;
  bool quiet = false;
  int64_t max_block_duration_ms = 0;  // 0: 2h (see BlockDurationFor)
};

// Errors (InvalidArgument for bad input, I/O errors otherwise) read as promtool's, e.g.
// "getting min and max timestamp: next: line 3: expected value after metric, got \"INVALID\"".
// `warnings` gets a line when samples were skipped as promtool skips them (negative timestamps).
absl::Status CreateBlocksFromOpenMetrics(const BackfillOptions& options, std::ostream& out,
                                         std::ostream& warnings);

// The writing half, shared with `create-blocks-from rules` (backfill_rules.h): writes
// `partitions` (oldest first, not overlapping each other; series sorted by labels, each with
// samples sorted by time and unique timestamps) into the data directory `dir` as described above:
// creates `dir`, `dir`/partitions and `dir`/wal, refuses (AlreadyExists, nothing written) when a
// partition overlaps an existing one, and prints each partition's row to `out` unless `quiet`.
absl::Status WritePartitions(const std::string& dir, std::vector<PlannedPartition> partitions,
                             bool human_readable, bool quiet, std::ostream& out);

}  // namespace sextant::tool
