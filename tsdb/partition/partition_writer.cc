#include "tsdb/partition/partition_writer.h"

#include <algorithm>
#include <utility>

#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "tsdb/partition/keys.h"
#include "tsdb/partition/rocks_status.h"
#include "tsdb/partition/values.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::tsdb::partition {
namespace {
constexpr size_t kBatchBytes = 4 << 20;
}  // namespace

PartitionWriter::PartitionWriter(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* catalog,
                                 PartitionMeta meta)
    : db_(db),
      catalog_(catalog),
      meta_(std::move(meta)),
      batch_(std::make_unique<rocksdb::WriteBatch>()) {}

PartitionWriter::~PartitionWriter() {
  if (!finished_) Abandon();
}

absl::StatusOr<std::unique_ptr<PartitionWriter>> PartitionWriter::Begin(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* catalog, int64_t start, int64_t end,
    uint32_t level) {
  if (start >= end) return absl::InvalidArgumentError("partition: start must be before end");
  std::string key = CatalogKey(start, end);
  std::string existing;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), catalog, key, &existing);
  if (s.ok()) {
    return absl::AlreadyExistsError(util::StrCat("partition ", start, "-", end, " already exists"));
  }
  if (!s.IsNotFound()) return FromRocks(s, "partition catalog");
  PartitionMeta meta;
  meta.start = start;
  meta.end = end;
  meta.level = level;
  meta.min_time = INT64_MAX;
  meta.max_time = INT64_MIN;
  // The "writing" entry goes first: RocksDB's log keeps write order, so after a crash any data
  // of this partition is found together with it and removed.
  RETURN_IF_ERROR(FromRocks(db->Put(rocksdb::WriteOptions(), catalog, key, EncodeMeta(meta)), key));
  return std::unique_ptr<PartitionWriter>(new PartitionWriter(db, catalog, std::move(meta)));
}

absl::Status PartitionWriter::Add(const model::Labels& labels,
                                  std::span<const model::Sample> samples) {
  if (samples.empty()) return absl::OkStatus();
  uint32_t id = next_id_++;
  batch_->Put(SeriesKey(meta_.start, meta_.end, kLabelsTag, id),
              EncodeSeriesHeader(labels, samples));
  batch_->Put(SeriesKey(meta_.start, meta_.end, kSamplesTag, id), EncodeSamples(samples));
  for (const model::Label& l : labels) {
    std::string key(l.name);
    key.push_back('\0');
    key.append(l.value);
    postings_[std::move(key)].push_back(id);
  }
  ++meta_.num_series;
  meta_.num_samples += samples.size();
  meta_.min_time = std::min(meta_.min_time, samples.front().t);
  meta_.max_time = std::max(meta_.max_time, samples.back().t);
  if (batch_->GetDataSize() >= kBatchBytes) return FlushBatch();
  return absl::OkStatus();
}

absl::Status PartitionWriter::FlushBatch() {
  if (batch_->Count() == 0) return absl::OkStatus();
  rocksdb::Status s = db_->Write(rocksdb::WriteOptions(), batch_.get());
  batch_->Clear();
  return FromRocks(s, util::StrCat("writing partition ", meta_.Name()));
}

absl::StatusOr<PartitionMeta> PartitionWriter::Finish() {
  std::string prefix = PostingsPrefix(meta_.start, meta_.end);
  for (const auto& [pair, ids] : postings_) {
    batch_->Put(prefix + pair, EncodePostings(ids));
    if (batch_->GetDataSize() >= kBatchBytes) RETURN_IF_ERROR(FlushBatch());
  }
  RETURN_IF_ERROR(FlushBatch());
  if (meta_.num_series == 0) meta_.min_time = meta_.max_time = meta_.start;
  meta_.complete = true;
  rocksdb::WriteOptions sync;
  sync.sync = true;
  RETURN_IF_ERROR(
      FromRocks(db_->Put(sync, catalog_, CatalogKey(meta_.start, meta_.end), EncodeMeta(meta_)),
                "completing partition"));
  finished_ = true;
  // Partitions are written rarely and in bulk: flush them into compressed table files now rather
  // than leaving them in RocksDB's log and memtable, so disk and memory use reflect the data.
  // Both families: RocksDB keeps a log file until every family with data in it is flushed.
  RETURN_IF_ERROR(
      FromRocks(db_->Flush(rocksdb::FlushOptions(), {db_->DefaultColumnFamily(), catalog_}),
                "flushing partition"));
  return meta_;
}

void PartitionWriter::Abandon() {
  rocksdb::WriteBatch batch;
  batch.DeleteRange(PartitionPrefix(meta_.start, meta_.end),
                    PartitionLimit(meta_.start, meta_.end));
  batch.Delete(catalog_, CatalogKey(meta_.start, meta_.end));
  // Best effort: if this fails too, Open() removes the "writing" partition next time.
  db_->Write(rocksdb::WriteOptions(), &batch).PermitUncheckedError();
}

}  // namespace sextant::tsdb::partition
