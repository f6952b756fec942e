// The partitions' Querier: each overlapping partition answers from its own postings, through one
// RocksDB snapshot taken when the querier is made; samples are decoded lazily per series.

#include <algorithm>
#include <set>
#include <utility>

#include "rocksdb/db.h"
#include "tsdb/list_series.h"
#include "tsdb/merge.h"
#include "tsdb/partition/keys.h"
#include "tsdb/partition/partition_reader.h"
#include "tsdb/partition/partition_store.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::tsdb::partition {
namespace {

// Keeps a RocksDB snapshot (and so every key it sees) alive while readers hold it.
class SnapshotHolder {
 public:
  explicit SnapshotHolder(rocksdb::DB* db) : db_(db), snapshot_(db->GetSnapshot()) {}
  ~SnapshotHolder() { db_->ReleaseSnapshot(snapshot_); }
  SnapshotHolder(const SnapshotHolder&) = delete;
  SnapshotHolder& operator=(const SnapshotHolder&) = delete;
  rocksdb::DB* db() const { return db_; }
  const rocksdb::Snapshot* snapshot() const { return snapshot_; }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
};

// Read errors name the partition: a corrupt block found at read time is damage to that partition.
absl::Status InPartition(const absl::Status& status, const PartitionMeta& meta) {
  if (status.ok() || absl::IsNotFound(status)) return status;
  return absl::Status(status.code(),
                      util::StrCat("partition ", meta.Name(), ": ", status.message()));
}

class ErrorIterator final : public SeriesIterator {
 public:
  explicit ErrorIterator(absl::Status status) : status_(std::move(status)) {}
  bool Next() override { return false; }
  bool Seek(int64_t) override { return false; }
  int64_t t() const override { return 0; }
  double v() const override { return 0; }
  absl::Status status() const override { return status_; }

 private:
  absl::Status status_;
};

class PartitionSeries final : public Series {
 public:
  // `samples` reads the partition's sample values for the series of one Select, in id order.
  PartitionSeries(std::shared_ptr<const SnapshotHolder> snap, PartitionMeta meta,
                  std::shared_ptr<SeriesValueScanner> samples, uint32_t id, model::Labels labels,
                  int64_t mint, int64_t maxt)
      : snap_(std::move(snap)),
        meta_(std::move(meta)),
        samples_(std::move(samples)),
        id_(id),
        labels_(std::move(labels)),
        mint_(mint),
        maxt_(maxt) {}

  const model::Labels& labels() const override { return labels_; }

  std::unique_ptr<SeriesIterator> Iterator() const override {
    PartitionReader reader(snap_->db(), snap_->snapshot(), meta_);
    auto samples = std::make_shared<std::vector<model::Sample>>();
    if (absl::Status s = reader.Samples(id_, samples.get()); !s.ok()) {
      return std::make_unique<ErrorIterator>(InPartition(s, meta_));
    }
    auto by_t = [](const model::Sample& s, int64_t t) { return s.t < t; };
    size_t begin =
        std::lower_bound(samples->begin(), samples->end(), mint_, by_t) - samples->begin();
    size_t end = maxt_ == INT64_MAX
                     ? samples->size()
                     : std::lower_bound(samples->begin(), samples->end(), maxt_ + 1, by_t) -
                           samples->begin();
    return std::make_unique<ListSeriesIterator>(std::move(samples), begin, end);
  }
  absl::Status AppendSamples(int64_t mint, int64_t maxt,
                             std::vector<model::Sample>* out) const override {
    const size_t start = out->size();
    absl::StatusOr<std::string_view> value = samples_->Find(id_);
    if (!value.ok()) return InPartition(value.status(), meta_);
    if (absl::Status s = AppendDecodedSamples(*value, out); !s.ok()) return InPartition(s, meta_);
    if (meta_.has_tombstones) {
      PartitionReader reader(snap_->db(), snap_->snapshot(), meta_);
      absl::StatusOr<Intervals> deleted = reader.Tombstones(id_);
      if (!deleted.ok()) return InPartition(deleted.status(), meta_);
      out->erase(std::remove_if(out->begin() + static_cast<std::ptrdiff_t>(start), out->end(),
                                [&](const model::Sample& s) { return deleted->Contains(s.t); }),
                 out->end());
    }
    // Keep [max(mint, mint_), min(maxt, maxt_)] of what was appended.
    const int64_t lo = std::max(mint, mint_);
    const int64_t hi = std::min(maxt, maxt_);
    auto by_t = [](const model::Sample& s, int64_t t) { return s.t < t; };
    const auto first = out->begin() + static_cast<std::ptrdiff_t>(start);
    const auto from = std::lower_bound(first, out->end(), lo, by_t);
    const auto to = hi == INT64_MAX ? out->end() : std::lower_bound(from, out->end(), hi + 1, by_t);
    out->erase(to, out->end());
    out->erase(first, from);
    return absl::OkStatus();
  }

 private:
  std::shared_ptr<const SnapshotHolder> snap_;
  PartitionMeta meta_;
  std::shared_ptr<SeriesValueScanner> samples_;
  uint32_t id_;
  model::Labels labels_;
  int64_t mint_;
  int64_t maxt_;
};

class PartitionQuerier final : public Querier {
 public:
  // `point_lookups`: see SeriesValueScanner.
  PartitionQuerier(std::shared_ptr<const SnapshotHolder> snap,
                   std::vector<PartitionMeta> partitions, int64_t mint, int64_t maxt,
                   bool point_lookups)
      : Querier(mint, maxt),
        snap_(std::move(snap)),
        partitions_(std::move(partitions)),
        point_lookups_(point_lookups) {}

  std::unique_ptr<SeriesSet> Select(std::span<const model::Matcher> matchers,
                                    const SelectHints*) override {
    std::vector<std::unique_ptr<SeriesSet>> sets;
    for (const PartitionMeta& meta : partitions_) {
      PartitionReader reader(snap_->db(), snap_->snapshot(), meta);
      index::PostingsList ids = index::PostingsForMatchers(reader, matchers);
      if (!reader.status().ok()) return ErrorSeriesSet(InPartition(reader.status(), meta));
      std::vector<std::unique_ptr<Series>> series;
      SeriesValueScanner headers(snap_->db(), snap_->snapshot(), meta, kLabelsTag, point_lookups_);
      auto samples = std::make_shared<SeriesValueScanner>(snap_->db(), snap_->snapshot(), meta,
                                                          kSamplesTag, point_lookups_);
      for (uint64_t id : ids) {
        absl::StatusOr<std::string_view> raw = headers.Find(static_cast<uint32_t>(id));
        if (!raw.ok()) {
          if (absl::IsNotFound(raw.status())) continue;  // emptied by CleanTombstones
          return ErrorSeriesSet(InPartition(raw.status(), meta));
        }
        SeriesHeader header;
        if (absl::Status s = DecodeSeriesHeader(*raw, &header); !s.ok()) {
          return ErrorSeriesSet(InPartition(s, meta));
        }
        if (header.max_time < mint() || header.min_time > maxt()) continue;
        if (meta.has_tombstones) {
          auto deleted = reader.Tombstones(static_cast<uint32_t>(id));
          if (!deleted.ok()) return ErrorSeriesSet(InPartition(deleted.status(), meta));
          if (deleted->Covers(std::max(mint(), header.min_time),
                              std::min(maxt(), header.max_time))) {
            continue;
          }
        }
        // Ids follow label order, so the partition's series come out sorted.
        series.push_back(
            std::make_unique<PartitionSeries>(snap_, meta, samples, static_cast<uint32_t>(id),
                                              std::move(header.labels), mint(), maxt()));
      }
      sets.push_back(std::make_unique<ListSeriesSet>(std::move(series)));
    }
    return MergeSeriesSets(std::move(sets));
  }

  absl::StatusOr<std::vector<std::string>> LabelNames(
      std::span<const model::Matcher> matchers) override {
    return Collect(
        matchers, [](const PartitionReader& r) { return r.LabelNames(); },
        [](const model::Labels& labels, std::set<std::string>* out) {
          for (const model::Label& l : labels) out->emplace(l.name);
        });
  }

  absl::StatusOr<std::vector<std::string>> LabelValues(
      std::string_view name, std::span<const model::Matcher> matchers) override {
    return Collect(
        matchers, [&](const PartitionReader& r) { return r.LabelValues(name); },
        [&](const model::Labels& labels, std::set<std::string>* out) {
          if (std::string_view v = labels.Get(name); !v.empty()) out->emplace(v);
        });
  }

 private:
  template <typename All, typename FromLabels>
  absl::StatusOr<std::vector<std::string>> Collect(std::span<const model::Matcher> matchers,
                                                   All all, FromLabels from_labels) {
    std::set<std::string> out;
    for (const PartitionMeta& meta : partitions_) {
      PartitionReader reader(snap_->db(), snap_->snapshot(), meta);
      if (matchers.empty()) {
        auto names = all(reader);
        if (!names.ok()) return InPartition(names.status(), meta);
        out.insert(names->begin(), names->end());
        continue;
      }
      for (uint64_t id : index::PostingsForMatchers(reader, matchers)) {
        auto header = reader.Header(static_cast<uint32_t>(id));
        if (!header.ok()) {
          if (absl::IsNotFound(header.status())) continue;
          return InPartition(header.status(), meta);
        }
        if (header->max_time < mint() || header->min_time > maxt()) continue;
        from_labels(header->labels, &out);
      }
      if (!reader.status().ok()) return InPartition(reader.status(), meta);
    }
    return std::vector<std::string>(out.begin(), out.end());
  }

  std::shared_ptr<const SnapshotHolder> snap_;
  std::vector<PartitionMeta> partitions_;
  bool point_lookups_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Querier>> PartitionStore::NewQuerier(int64_t mint,
                                                                    int64_t maxt) const {
  for (const DamagedPartition& d : Damaged()) {
    if (d.max_time >= mint && d.min_time <= maxt) {
      return absl::DataLossError(util::StrCat(
          "partition ", d.Name(), " is damaged (", d.file, ": ", d.problem,
          "); queries over its time range fail until `sextant-tool tsdb repair` removes it"));
    }
  }
  // The snapshot comes first so the catalog and the data are read as of the same moment (a
  // merge finishing in between must not hide its inputs' data from this querier).
  auto snap = std::make_shared<const SnapshotHolder>(db_.get());
  ASSIGN_OR_RETURN(std::vector<PartitionMeta> all, ListAt(snap->snapshot()));
  std::vector<PartitionMeta> overlapping;
  for (PartitionMeta& p : all) {
    if (p.num_series > 0 && p.max_time >= mint && p.min_time <= maxt) {
      overlapping.push_back(std::move(p));
    }
  }
  return std::unique_ptr<Querier>(
      std::make_unique<PartitionQuerier>(std::move(snap), std::move(overlapping), mint, maxt,
                                         /*point_lookups=*/lenient_.load()));
}

}  // namespace sextant::tsdb::partition
