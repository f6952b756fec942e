#pragma once

// Reading one partition: PartitionReader answers postings and per-series lookups by id;
// PartitionCursor walks its series in id (= label) order. Both read through an optional RocksDB
// snapshot, which must outlive them.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tsdb/index/postings.h"
#include "tsdb/partition/partition_store.h"
#include "tsdb/partition/values.h"

namespace rocksdb {
class DB;
class Iterator;
class PinnableSlice;
class Slice;
class Snapshot;
}  // namespace rocksdb

namespace sextant::tsdb::partition {

class PartitionReader final : public index::PostingsReader {
 public:
  PartitionReader(rocksdb::DB* db, const rocksdb::Snapshot* snapshot, PartitionMeta meta);

  const PartitionMeta& meta() const { return meta_; }

  // PostingsReader. Read errors surface as empty lists plus status().
  index::PostingsList All() const override;
  index::PostingsList Get(std::string_view name, std::string_view value) const override;
  index::PostingsList Matching(std::string_view name, std::string_view prefix,
                               const std::function<bool(std::string_view)>& pred) const override;

  // Errors: NotFound for an id without a series (a series removed by CleanTombstones); DataLoss.
  absl::StatusOr<SeriesHeader> Header(uint32_t id) const;
  absl::StatusOr<Intervals> Tombstones(uint32_t id) const;
  // The series' samples with tombstoned ones removed.
  absl::Status Samples(uint32_t id, std::vector<model::Sample>* out) const;

  // Sorted label names / values of one name, over all series of the partition.
  absl::StatusOr<std::vector<std::string>> LabelNames() const;
  absl::StatusOr<std::vector<std::string>> LabelValues(std::string_view name) const;

  // The first error a PostingsReader method ran into.
  absl::Status status() const { return status_; }

 private:
  absl::StatusOr<std::string> GetValue(const std::string& key) const;  // NotFound when absent

  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
  PartitionMeta meta_;
  mutable absl::Status status_;
};

class PartitionCursor {
 public:
  PartitionCursor(rocksdb::DB* db, const rocksdb::Snapshot* snapshot, PartitionMeta meta);
  ~PartitionCursor();

  bool Next();
  uint32_t id() const { return id_; }
  const SeriesHeader& header() const { return header_; }
  const Intervals& deleted() const { return deleted_; }
  // The current series' samples, tombstoned ones removed.
  absl::Status ReadSamples(std::vector<model::Sample>* out) const;
  absl::Status status() const { return status_; }

 private:
  PartitionReader reader_;
  std::unique_ptr<rocksdb::Iterator> it_;
  std::string limit_;
  bool started_ = false;
  uint32_t id_ = 0;
  SeriesHeader header_;
  Intervals deleted_;
  absl::Status status_;
};

// Reads the values of one kind of series key (labels or samples) of a partition in ascending id
// order through one RocksDB iterator: a key a few places ahead is reached by stepping rather than
// by a fresh lookup, so a selector reading its series in id order reads the partition almost
// sequentially. Not thread-safe; the snapshot must outlive it.
class SeriesValueScanner {
 public:
  // With `point_lookups`, each Find is a lookup of its own: for a store opened past damaged
  // files, since an iterator opens every level-0 file, damaged ones included.
  SeriesValueScanner(rocksdb::DB* db, const rocksdb::Snapshot* snapshot, const PartitionMeta& meta,
                     char tag, bool point_lookups = false);
  ~SeriesValueScanner();
  SeriesValueScanner(const SeriesValueScanner&) = delete;
  SeriesValueScanner& operator=(const SeriesValueScanner&) = delete;

  // The value stored for series `id`, valid until the next call. NotFound when there is none.
  absl::StatusOr<std::string_view> Find(uint32_t id);

 private:
  std::string upper_;  // the iterator's upper bound (the next tag's first key)
  std::unique_ptr<rocksdb::Slice> upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;  // null with point lookups
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
  std::unique_ptr<rocksdb::PinnableSlice> value_;  // a point lookup's value
  int64_t start_;
  int64_t end_;
  char tag_;
  std::string name_;  // the partition's, for errors
};

// Drops the samples inside `deleted`.
void RemoveDeleted(const Intervals& deleted, std::vector<model::Sample>* samples);

}  // namespace sextant::tsdb::partition
