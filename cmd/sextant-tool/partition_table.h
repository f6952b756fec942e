#pragma once

// The table `tsdb list` and `tsdb create-blocks-from openmetrics` print, in promtool's layout,
// one row per partition where promtool has one per block:
//
//   BLOCK ULID                     MIN TIME       MAX TIME       DURATION     NUM SAMPLES  ...
//   1700000000000-1700007200000    1700000000000  1700000420001  7m0.001s     18           ...
//
// The BLOCK ULID column holds the partition's name (PartitionMeta::Name(), "<start>-<end>").
// MIN TIME is the first sample's timestamp and MAX TIME the last one's + 1, as in a block's
// meta.json, so DURATION reads the same as promtool's for the same data.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tsdb/partition/partition_store.h"

namespace sextant::tool {

struct PartitionRow {
  std::string name;
  int64_t min_time = 0;  // first sample, ms
  int64_t max_time = 0;  // last sample + 1, ms
  uint64_t num_samples = 0;
  // Not stored by partitions (they keep columns, not chunks): the number of ~120-sample chunks
  // the samples would fill, sum over series of ceil(samples / 120), for comparison with promtool.
  uint64_t num_chunks = 0;
  uint64_t num_series = 0;
  uint64_t size_bytes = 0;  // see DescribePartition
};

// Chunks of 120 samples that `samples` samples of one series fill.
inline uint64_t ChunksFor(uint64_t samples) { return (samples + 119) / 120; }

// The table in Go text/tabwriter's layout (min width 13, padding 2, the last column unpadded).
// Column widths are fitted to a set of rows first, so that rows printed one at a time, as each
// partition is written, still line up. (promtool flushes a fresh tabwriter per block; its
// fixed-width ULIDs hide that, partition names would not.) Human-readable: times as
// "2023-11-14 22:13:20 +0000 UTC" (seconds, truncated) and sizes as "472KiB41B".
class PartitionTable {
 public:
  explicit PartitionTable(bool human_readable) : human_readable_(human_readable) {}
  // Widens the columns to fit `rows` (their sizes do not matter: SIZE is the unpadded column).
  void Fit(std::span<const PartitionRow> rows);
  std::string Header() const;
  std::string Row(const PartitionRow& row) const;

 private:
  std::vector<std::string> Cells(const PartitionRow& row) const;
  std::string Line(const std::vector<std::string>& cells) const;

  bool human_readable_;
  std::vector<size_t> widths_;
};

// The header and `rows`, fitted to them: what `tsdb list` prints.
std::string FormatPartitionTable(std::span<const PartitionRow> rows, bool human_readable);

// alecthomas/units Base2Bytes: 1019 -> "1019B", 483369 -> "472KiB41B", 1048576 -> "1MiB", 0 ->
// "0B".
std::string FormatBase2Bytes(uint64_t bytes);

// A partition's row: counts from its catalog entry, chunks from its series headers, and as size
// the bytes of its keys and values as Sextant encodes them (columns, postings, labels), before
// RocksDB's own block compression: the counterpart of a block's chunk and index bytes, which
// promtool's SIZE counts. (Partitions share RocksDB's files, so there is no per-partition file
// size; the partitions' directory on disk is smaller by RocksDB's zstd.) Reads the whole
// partition.
absl::StatusOr<PartitionRow> DescribePartition(const tsdb::partition::PartitionStore& store,
                                               const tsdb::partition::PartitionMeta& meta);

}  // namespace sextant::tool
