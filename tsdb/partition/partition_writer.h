#pragma once

// PartitionWriter: streams one partition into the store, series by series in label order, in
// bounded-size RocksDB batches. Used by head compaction, merges and backfill.
//
//   ASSIGN_OR_RETURN(auto w, PartitionWriter::Begin(db, catalog, start, end, level));
//   for (...) RETURN_IF_ERROR(w->Add(labels, samples));
//   ASSIGN_OR_RETURN(PartitionMeta meta, w->Finish());
//
// A writer that is destroyed without Finish() (or whose Finish() fails) removes what it wrote.
// Not thread-safe; the store serializes writers.

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/labels.h"
#include "model/sample.h"
#include "tsdb/partition/partition_store.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class WriteBatch;
}  // namespace rocksdb

namespace sextant::tsdb::partition {

class PartitionWriter {
 public:
  // Registers partition [start, end) as being written. Errors: AlreadyExists when a partition
  // with that range exists; RocksDB errors.
  // `catalog` is the store's catalog column family (PartitionStore::catalog()).
  static absl::StatusOr<std::unique_ptr<PartitionWriter>> Begin(
      rocksdb::DB* db, rocksdb::ColumnFamilyHandle* catalog, int64_t start, int64_t end,
      uint32_t level);
  ~PartitionWriter();

  // Adds a series. Preconditions: labels greater than the previous series' labels; samples sorted
  // by time, within [start, end). Series without samples are skipped.
  absl::Status Add(const model::Labels& labels, std::span<const model::Sample> samples);
  // Writes the postings and marks the partition complete (synced).
  absl::StatusOr<PartitionMeta> Finish();

 private:
  PartitionWriter(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* catalog, PartitionMeta meta);
  absl::Status FlushBatch();
  void Abandon();

  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* catalog_;
  PartitionMeta meta_;
  std::unique_ptr<rocksdb::WriteBatch> batch_;
  // name \0 value → ids, in key order.
  std::map<std::string, std::vector<uint32_t>> postings_;
  uint32_t next_id_ = 0;
  bool finished_ = false;
};

}  // namespace sextant::tsdb::partition
