#pragma once

// PartitionStore: the persistent partitions, all in one RocksDB database (zstd-compressed).
//
// A partition covers a time range [start, end) (2h when cut from the head, 1d after merging) and
// holds, per series, its labels and its samples as two column streams, plus its postings. Key
// layout: tsdb/partition/keys.h and docs/format/partitions.md.
//
// Crash safety: a partition is written with its catalog entry first in state "writing", then its
// data in batches, then the entry flipped to "complete" in a synced write. Open() deletes every
// partition left "writing" and every partition wholly covered by a complete wider one (a merge
// that crashed before removing its inputs), so a crash at any point leaves either the old or the
// new partitions, never a mix that double counts.
//
// Damage: when the MANIFEST names a table file that is missing, truncated or has an unreadable
// footer, Open() still opens the store (leniently: RocksDB's paranoid checks and automatic
// compactions off) and reports the partitions whose keys lie in the damaged files' key ranges
// through Damaged(). Queriers over their time ranges fail with DataLoss naming partition and file;
// every other partition is served. Compactions cut table files at partition boundaries, so a
// damaged file rarely holds more than one partition. Repair() (sextant-tool tsdb repair) removes
// the damaged files and partitions. A read that finds a corrupt block later fails the query with
// DataLoss naming the partition. See docs/format/partitions.md, "Damage".
//
// Thread-safety: all methods are thread-safe. Queriers read through a RocksDB snapshot, so a
// partition deleted meanwhile stays readable to them.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "model/labels.h"
#include "model/matcher.h"
#include "model/sample.h"
#include "tsdb/partition/damage.h"
#include "tsdb/storage.h"
#include "tsdb/tombstones.h"
#include "util/mutex.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class Snapshot;
}  // namespace rocksdb

namespace sextant::tsdb::partition {

struct PartitionMeta {
  int64_t start = 0;  // inclusive, ms
  int64_t end = 0;    // exclusive, ms
  bool complete = false;
  uint64_t num_series = 0;
  uint64_t num_samples = 0;
  int64_t min_time = 0;  // of the samples actually stored
  int64_t max_time = 0;
  uint32_t level = 1;  // 1 when cut from the head, +1 per merge generation
  bool has_tombstones = false;
  // A stable name for listings: "<start>-<end>" in ms.
  std::string Name() const;
};

// A partition whose keys lie (at least in part) in a damaged table file.
struct DamagedPartition {
  int64_t start = 0;  // the partition's [start, end), as its keys name it
  int64_t end = 0;
  int64_t min_time = 0;  // of its samples, from the catalog; start/end - 1 when the entry is lost
  int64_t max_time = 0;
  std::string file;  // the damaged table file
  std::string problem;
  std::string Name() const;  // "<start>-<end>", as PartitionMeta::Name()
};

// What Repair() did.
struct RepairReport {
  std::vector<DamagedFile> files;         // damaged files found (moved to <dir>/lost/)
  std::vector<DamagedPartition> dropped;  // partitions removed because of them
};

// One series to write: labels and its samples sorted by time.
struct SeriesSamples {
  model::Labels labels;
  std::vector<model::Sample> samples;
};

struct PartitionStoreOptions {
  size_t block_cache_bytes = 32 << 20;
  size_t write_buffer_bytes = 16 << 20;
  // Opens an existing store without writing to it (no recovery); for tools that read a data
  // directory a running server holds. Writes then fail with RocksDB's NotSupported.
  bool read_only = false;
};

class PartitionStore {
 public:
  // Opens (creating if missing) the store in `dir` and cleans up after interrupted writes.
  // Errors: the RocksDB error (IOError → Internal/Unavailable, Corruption → DataLoss) naming dir.
  static absl::StatusOr<std::unique_ptr<PartitionStore>> Open(const std::string& dir,
                                                              PartitionStoreOptions options = {});
  ~PartitionStore();
  PartitionStore(const PartitionStore&) = delete;
  PartitionStore& operator=(const PartitionStore&) = delete;

  // Opens the store in `dir` (which no process may hold open), moves damaged table files to
  // <dir>/lost/ with RocksDB's RepairDB, drops every partition that had keys in them, and compacts
  // the store so that every table file holds one partition. Afterwards Open() finds no damage.
  // Errors: NotFound when `dir` holds no store; RocksDB errors naming the file.
  static absl::StatusOr<RepairReport> Repair(const std::string& dir);

  // The damaged partitions found by Open() (and still there after drops), oldest first.
  std::vector<DamagedPartition> Damaged() const;
  // Whether partition [start, end) is among them.
  bool IsDamaged(int64_t start, int64_t end) const;

  // Complete partitions, oldest first. Errors: DataLoss for a corrupt catalog; RocksDB errors.
  absl::StatusOr<std::vector<PartitionMeta>> List() const;

  // Writes partition [start, end) from `series`, which must be sorted by labels, unique, and hold
  // only samples in [start, end). Series without samples are skipped. Errors:
  // AlreadyExists if the range is taken; I/O errors (the partition is then removed).
  absl::StatusOr<PartitionMeta> Write(int64_t start, int64_t end,
                                      std::span<const SeriesSamples> series, uint32_t level = 1);

  // Reads a whole partition back in label order, tombstoned samples dropped, calling fn for each
  // series (for merges, dumps and tests).
  absl::Status ForEachSeries(const PartitionMeta& meta,
                             const std::function<absl::Status(SeriesSamples&&)>& fn) const;

  // Merges `inputs` (complete, within [start, end)) into one partition [start, end), then deletes
  // them. Tombstoned samples are dropped on the way.
  absl::StatusOr<PartitionMeta> Merge(std::span<const PartitionMeta> inputs, int64_t start,
                                      int64_t end);

  // Deletes a partition and asks RocksDB to give its disk space back.
  absl::Status Drop(const PartitionMeta& meta);

  // Records [mint, maxt] as deleted for every series matching `matchers` in every overlapping
  // partition. Returns the number of series touched.
  absl::StatusOr<size_t> Delete(int64_t mint, int64_t maxt,
                                std::span<const model::Matcher> matchers);
  // Rewrites partitions with tombstones without the deleted samples.
  absl::Status CleanTombstones();

  // A querier over the partitions overlapping [mint, maxt], as of now. Errors: DataLoss naming
  // the partition and file when a damaged partition overlaps the range.
  absl::StatusOr<std::unique_ptr<Querier>> NewQuerier(int64_t mint, int64_t maxt) const;

  // Writes a consistent copy of the store (hard links where possible) into `dir`, which must not
  // exist.
  absl::Status Checkpoint(const std::string& dir) const;

  // Bytes of the store's data files on disk (SST files, RocksDB's write-ahead log and manifest;
  // not its info logs).
  uint64_t DiskBytes() const;
  // Flushes memtables so data sits in SST files (for size measurements and before snapshots).
  absl::Status Flush();
  // Flushes, then compacts every table file into the bottom level: the store's final, smallest
  // form (backfill ends with it).
  absl::Status CompactAll();

  rocksdb::DB* db() const { return db_.get(); }
  // The column family of the catalog entries (docs/format/partitions.md).
  rocksdb::ColumnFamilyHandle* catalog() const { return catalog_; }

 private:
  PartitionStore(std::unique_ptr<rocksdb::DB> db, rocksdb::ColumnFamilyHandle* catalog,
                 bool owns_catalog, std::string dir);
  absl::Status PutMeta(const PartitionMeta& meta, bool sync);
  absl::Status Recover();
  // Recomputes damaged_ from the live table files and the catalog.
  absl::Status RefreshDamage();
  absl::Status DropLocked(const PartitionMeta& meta);
  absl::StatusOr<std::vector<PartitionMeta>> ListAt(const rocksdb::Snapshot* snapshot) const;

  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* catalog_;
  bool owns_catalog_;  // false: a read-only open of a store from before the catalog family
  std::string dir_;
  // Serializes writers of the catalog (Write, Merge, Drop, Delete, CleanTombstones).
  util::Mutex write_mu_;
  mutable util::Mutex damage_mu_;
  std::vector<DamagedPartition> damaged_ ABSL_GUARDED_BY(damage_mu_);
  // Opened past damage: RocksDB's automatic compactions are off, and queriers look series up one
  // by one (a RocksDB iterator opens every level-0 file, damaged ones too).
  std::atomic<bool> lenient_ = false;
};

}  // namespace sextant::tsdb::partition
