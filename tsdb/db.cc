#include "tsdb/db.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <utility>

#include "model/timestamp.h"
#include "tsdb/head/chunk_iterator.h"
#include "tsdb/merge.h"
#include "tsdb/partition/partition_writer.h"
#include "tsdb/wal/checkpoint.h"
#include "tsdb/wal/record.h"
#include "tsdb/wal/repair.h"
#include "tsdb/wal/replay.h"
#include "tsdb/wal/segment.h"
#include "util/log.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::tsdb {
namespace {

const util::Logger& Log() {
  static const util::Logger logger("tsdb");
  return logger;
}

// Floor division: the start of the range of width `range` that holds t.
int64_t RangeStart(int64_t t, int64_t range) {
  int64_t q = t / range;
  if (t % range != 0 && t < 0) --q;
  return q * range;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The head querier and the partitions' querier, answering as one.
class DbQuerier final : public Querier {
 public:
  DbQuerier(std::vector<std::unique_ptr<Querier>> parts, int64_t mint, int64_t maxt)
      : Querier(mint, maxt), parts_(std::move(parts)) {}

  std::unique_ptr<SeriesSet> Select(std::span<const model::Matcher> matchers,
                                    const SelectHints* hints) override {
    std::vector<std::unique_ptr<SeriesSet>> sets;
    for (const auto& q : parts_) sets.push_back(q->Select(matchers, hints));
    return MergeSeriesSets(std::move(sets));
  }

  absl::StatusOr<std::vector<std::string>> LabelNames(
      std::span<const model::Matcher> matchers) override {
    return Union([&](Querier& q) { return q.LabelNames(matchers); });
  }

  absl::StatusOr<std::vector<std::string>> LabelValues(
      std::string_view name, std::span<const model::Matcher> matchers) override {
    return Union([&](Querier& q) { return q.LabelValues(name, matchers); });
  }

 private:
  template <typename Fn>
  absl::StatusOr<std::vector<std::string>> Union(Fn fn) {
    std::vector<std::string> out;
    for (const auto& q : parts_) {
      ASSIGN_OR_RETURN(std::vector<std::string> part, fn(*q));
      std::vector<std::string> merged;
      std::set_union(out.begin(), out.end(), part.begin(), part.end(), std::back_inserter(merged));
      out = std::move(merged);
    }
    return out;
  }

  std::vector<std::unique_ptr<Querier>> parts_;
};

}  // namespace

struct DB::Metrics {
  explicit Metrics(util::Registry& r)
      : compactions(r.NewCounter("prometheus_tsdb_compactions_total",
                                 "Total number of compactions that were executed for the "
                                 "partition.")),
        compactions_failed(r.NewCounter("prometheus_tsdb_compactions_failed_total",
                                        "Total number of compactions that failed for the "
                                        "partition.")),
        compaction_duration(r.NewHistogram("prometheus_tsdb_compaction_duration_seconds",
                                           "Duration of compaction runs",
                                           {1, 2, 4, 8, 16, 32, 64, 128, 256, 512})),
        head_compactions_failed(r.NewCounter("prometheus_tsdb_head_truncations_failed_total",
                                             "Total number of head truncations that failed.")),
        wal_corruptions(r.NewCounter("prometheus_tsdb_wal_corruptions_total",
                                     "Total number of WAL corruptions.")),
        checkpoint_creations(r.NewCounter("prometheus_tsdb_checkpoint_creations_total",
                                          "Total number of checkpoint creations attempted.")),
        checkpoint_creations_failed(
            r.NewCounter("prometheus_tsdb_checkpoint_creations_failed_total",
                         "Total number of checkpoint creations that failed.")),
        checkpoint_deletions(r.NewCounter("prometheus_tsdb_checkpoint_deletions_total",
                                          "Total number of checkpoint deletions attempted.")),
        time_retentions(r.NewCounter("prometheus_tsdb_time_retentions_total",
                                     "The number of times that blocks were deleted because the "
                                     "maximum time limit was exceeded.")),
        size_retentions(r.NewCounter("prometheus_tsdb_size_retentions_total",
                                     "The number of times that blocks were deleted because the "
                                     "maximum number of bytes was exceeded.")),
        mmap_chunk_corruptions(r.NewCounter("prometheus_tsdb_mmap_chunk_corruptions_total",
                                            "Total number of memory-mapped chunk corruptions.")),
        data_replay_duration(r.NewGauge("prometheus_tsdb_data_replay_duration_seconds",
                                        "Time taken to replay the data on disk.")),
        replay_points(r.NewCounter("sextant_tsdb_replay_points_written_total",
                                   "Replay points written: where a restart after a crash starts "
                                   "its WAL replay.")),
        replay_points_failed(r.NewCounter("sextant_tsdb_replay_points_failed_total",
                                          "Replay points that could not be written.")) {}

  util::Counter* compactions;
  util::Counter* compactions_failed;
  util::Histogram* compaction_duration;
  util::Counter* head_compactions_failed;
  util::Counter* wal_corruptions;
  util::Counter* checkpoint_creations;
  util::Counter* checkpoint_creations_failed;
  util::Counter* checkpoint_deletions;
  util::Counter* time_retentions;
  util::Counter* size_retentions;
  util::Counter* mmap_chunk_corruptions;
  util::Gauge* data_replay_duration;
  util::Counter* replay_points;
  util::Counter* replay_points_failed;
};

namespace {
// "data/" and "data" name the same directory; paths below it are built as dir_ + "/name".
std::string WithoutTrailingSlashes(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}
}  // namespace

DB::DB(std::string dir, DbOptions options)
    : dir_(WithoutTrailingSlashes(std::move(dir))),
      options_(std::move(options)),
      env_(options_.env != nullptr ? options_.env : util::Env::Default()) {
  util::Registry* registry = options_.metrics;
  if (registry == nullptr) {
    own_registry_ = std::make_unique<util::Registry>();
    registry = own_registry_.get();
  }
  metrics_ = std::make_unique<Metrics>(*registry);
  head::HeadOptions head_options;
  head_options.chunk_range = options_.chunk_range;
  head_options.metrics = registry;
  head_ = std::make_unique<head::Head>(head_options);
  registry->NewGaugeFunc("prometheus_tsdb_blocks_loaded", "Number of currently loaded data blocks",
                         [this] {
                           if (partitions_ == nullptr) return 0.0;
                           auto parts = partitions_->List();
                           return parts.ok() ? static_cast<double>(parts->size()) : 0.0;
                         });
  registry->NewGaugeFunc(
      "prometheus_tsdb_partitions_damaged",
      "Number of partitions with data in missing or damaged table files; queries over their time "
      "ranges fail until `sextant-tool tsdb repair` removes them.",
      [this] {
        return partitions_ == nullptr ? 0.0 : static_cast<double>(partitions_->Damaged().size());
      });
  registry->NewGaugeFunc(
      "prometheus_tsdb_storage_blocks_bytes",
      "The number of bytes that are currently used for local storage by all "
      "blocks.",
      [this] {
        return partitions_ == nullptr ? 0.0 : static_cast<double>(partitions_->DiskBytes());
      });
  registry->NewGaugeFunc("prometheus_tsdb_retention_limit_bytes",
                         "Max number of bytes to be retained in the tsdb blocks, configured 0 "
                         "means disabled",
                         [this] { return static_cast<double>(options_.retention_bytes); });
  registry->NewGaugeFunc("prometheus_tsdb_retention_limit_seconds",
                         "How long to retain samples in storage.",
                         [this] { return static_cast<double>(options_.retention_ms) / 1000; });
  registry->NewGaugeFunc("prometheus_tsdb_lowest_timestamp",
                         "Lowest timestamp value stored in the database. The unit is decided by "
                         "the library consumer.",
                         [this] { return static_cast<double>(StartTime()); });
  registry->NewGaugeFunc("prometheus_tsdb_lowest_timestamp_seconds",
                         "Lowest timestamp value stored in the database.",
                         [this] { return static_cast<double>(StartTime()) / 1000; });
}

absl::StatusOr<std::unique_ptr<DB>> DB::Open(const std::string& dir, DbOptions options) {
  auto db = std::unique_ptr<DB>(new DB(dir, std::move(options)));
  RETURN_IF_ERROR(db->options_.read_only ? db->OpenReadOnly() : db->OpenParts());
  if (db->options_.compaction_interval_ms > 0 && !db->options_.read_only) {
    db->loop_ = std::thread([raw = db.get()] { raw->BackgroundLoop(); });
  }
  if (!db->options_.read_only) db->StartReplayPoints();
  return db;
}

absl::Status DB::OpenParts() {
  auto start = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(env_->CreateDir(dir_));
  ASSIGN_OR_RETURN(lock_, env_->LockFile(dir_ + "/lock"));
  ASSIGN_OR_RETURN(partitions_, partition::PartitionStore::Open(dir_ + "/partitions"));
  LogDamage();
  ASSIGN_OR_RETURN(std::vector<partition::PartitionMeta> parts, partitions_->List());
  // Samples up to the newest partition's end are in partitions already: replay must skip them
  // and appenders must refuse them.
  for (const auto& p : parts) head_->SetMinValidTime(p.end);
  RETURN_IF_ERROR(ReplayWal());
  wal::WalOptions wal_options;
  wal_options.compress = options_.wal_compression;
  wal_options.segment_size = options_.wal_segment_size;
  ASSIGN_OR_RETURN(
      wal_, wal::Wal::Open(env_, dir_ + "/wal", wal_options,
                           options_.metrics != nullptr ? options_.metrics : own_registry_.get()));
  // Samples replayed from earlier segments count as logged before every position indexed now.
  wal_->NoteLoggedTime(head_->max_time());
  wal_start_ = wal_->EndPosition();
  head_->SetWal(wal_.get());
  metrics_->data_replay_duration->Set(SecondsSince(start));
  Log().Info("TSDB started", {{"dir", dir_},
                              {"partitions", static_cast<int64_t>(parts.size())},
                              {"head_series", static_cast<int64_t>(head_->num_series())},
                              {"duration", SecondsSince(start)}});
  return absl::OkStatus();
}

absl::Status DB::OpenReadOnly() {
  if (!env_->IsDirectory(dir_))
    return absl::NotFoundError(util::StrCat(dir_, ": no such directory"));
  partition::PartitionStoreOptions store_options;
  store_options.read_only = true;
  if (env_->IsDirectory(dir_ + "/partitions")) {
    ASSIGN_OR_RETURN(partitions_,
                     partition::PartitionStore::Open(dir_ + "/partitions", store_options));
    LogDamage();
    ASSIGN_OR_RETURN(std::vector<partition::PartitionMeta> parts, partitions_->List());
    for (const auto& p : parts) head_->SetMinValidTime(p.end);
  }
  if (!env_->IsDirectory(dir_ + "/wal")) return absl::OkStatus();
  head::ReplayStats stats;
  wal::ReplayResult result;
  absl::Status status = wal::ReplayWal(
      env_, dir_ + "/wal",
      [&](std::string_view record) { return head_->ApplyWalRecord(record, &stats); }, &result);
  if (!status.ok()) {
    Log().Warn("WAL read stopped early; data after this point is not shown",
               {{"err", status.ToString()}});
  }
  head_->FinishReplay(&stats);
  return absl::OkStatus();
}

void DB::LogDamage() const {
  for (const partition::DamagedPartition& d : partitions_->Damaged()) {
    Log().Error(
        "Damaged partition: queries over its time range fail until it is repaired "
        "(sextant-tool tsdb repair)",
        {{"partition", d.Name()}, {"file", d.file}, {"problem", d.problem}});
  }
}

void DB::OpenChunkFiles() {
  // The mapper maps files itself (POSIX): only on the real file system.
  if (env_ != util::Env::Default()) return;
  auto start = std::chrono::steady_clock::now();
  head::ChunkScanReport report;
  auto mapper = head::ChunkDiskMapper::Open(dir_ + "/chunks_head", head_->min_valid_time(), &report,
                                            options_.head_chunk_file_size);
  if (!mapper.ok()) {
    Log().Warn("Head chunk files unusable; closed chunks stay in memory",
               {{"err", mapper.status().ToString()}});
    return;
  }
  if (report.corruptions > 0) {
    metrics_->mmap_chunk_corruptions->Inc(static_cast<double>(report.corruptions));
  }
  chunk_mapper_ = *std::move(mapper);
  chunk_file_ends_ = std::move(report.file_ends);
  Log().Info("Head chunk files scanned",
             {{"chunks", static_cast<int64_t>(report.chunks.size())},
              {"files", static_cast<int64_t>(chunk_mapper_->num_files())},
              {"deleted_files", static_cast<int64_t>(report.deleted_files.size())},
              {"corruptions", static_cast<int64_t>(report.corruptions)},
              {"duration", SecondsSince(start)}});
  head_->SetChunkDiskMapper(chunk_mapper_.get(), std::move(report.chunks));
}

absl::Status DB::ReplayWal() {
  std::string wal_dir = dir_ + "/wal";
  RETURN_IF_ERROR(env_->CreateDir(wal_dir));
  auto start = std::chrono::steady_clock::now();
  head::ReplayStats stats;
  int64_t records = 0;
  auto last_progress = start;
  auto apply = [&](std::string_view record) -> absl::Status {
    RETURN_IF_ERROR(head_->ApplyWalRecord(record, &stats));
    // A long replay says how far it got every few seconds (the clock is read every 1024 records).
    if (++records % 1024 == 0) {
      auto now = std::chrono::steady_clock::now();
      if (now - last_progress >= std::chrono::seconds(5)) {
        last_progress = now;
        Log().Info("WAL replay progress", {{"records", records},
                                           {"series", static_cast<int64_t>(stats.series)},
                                           {"elapsed", SecondsSince(start)}});
      }
    }
    return absl::OkStatus();
  };
  // After a crash (no chunk snapshot) the replay point is needed once the chunk files are
  // scanned: read it meanwhile.
  std::optional<absl::StatusOr<head::ReplayPoint>> point_file;
  auto read_point = [&] { point_file = head::ReadReplayPoint(env_, dir_ + "/chunks_head"); };
  std::thread point_reader;
  if (env_ == util::Env::Default() && !HasChunkSnapshot()) point_reader = std::thread(read_point);
  OpenChunkFiles();
  if (point_reader.joinable()) point_reader.join();
  // After a clean shutdown a chunk snapshot holds the head: load it and replay only the
  // segments written after it.
  ASSIGN_OR_RETURN(std::optional<int> snapshot, LoadChunkSnapshot());
  if (!snapshot.has_value() && !point_file.has_value()) read_point();  // the snapshot was unusable
  absl::Status status;
  std::optional<wal::Corruption> corruption;
  std::string replayed;
  if (snapshot.has_value()) {
    ASSIGN_OR_RETURN(std::vector<int> segments, wal::ListSegments(env_, wal_dir));
    int last = segments.empty() ? -1 : segments.back();
    ASSIGN_OR_RETURN(auto reader, wal::Reader::Open(env_, wal_dir, *snapshot + 1, last));
    while (status.ok() && reader->Next()) status = apply(reader->record());
    if (status.ok()) status = reader->status();
    corruption = reader->corruption();
    replayed = util::StrCat("chunk snapshot ", *snapshot, ", segments ", *snapshot + 1, "-", last);
  } else if (std::optional<head::ReplayPoint> point =
                 UsableReplayPoint(wal_dir, *std::move(point_file))) {
    // After a crash, with a replay point: its series and tombstones, then the WAL from it on.
    Log().Info("Replaying WAL from a replay point",
               {{"dir", wal_dir},
                {"segment", static_cast<int64_t>(point->wal.segment)},
                {"offset", point->wal.offset}});
    stats.from_replay_point = true;
    head_->ReserveSeries(point->series);
    status = head_->ApplyOneHeadsRecords(point->records, &stats);
    Log().Info("Replay point loaded",
               {{"series", static_cast<int64_t>(stats.series)}, {"duration", SecondsSince(start)}});
    ASSIGN_OR_RETURN(std::vector<int> segments, wal::ListSegments(env_, wal_dir));
    const int last = segments.back();  // UsableReplayPoint() found the point's segment
    ASSIGN_OR_RETURN(auto reader, wal::Reader::OpenFrom(env_, wal_dir, point->wal.segment,
                                                        point->wal.offset, last));
    while (status.ok() && reader->Next()) status = apply(reader->record());
    if (status.ok()) status = reader->status();
    corruption = reader->corruption();
    replayed = util::StrCat("replay point at segment ", point->wal.segment, " offset ",
                            point->wal.offset, ", segments ", point->wal.segment, "-", last);
  } else {
    Log().Info("Replaying WAL, this may take a while", {{"dir", wal_dir}});
    wal::ReplayResult result;
    status = wal::ReplayWal(env_, wal_dir, apply, &result);
    corruption = result.corruption;
    if (result.checkpoint.has_value()) {
      replayed = util::StrCat("checkpoint ", *result.checkpoint);
    }
    if (result.first_segment >= 0) {
      util::StrAppend(&replayed, replayed.empty() ? "" : ", ", "segments ", result.first_segment,
                      "-", result.last_segment);
    }
    if (replayed.empty()) replayed = "nothing (empty WAL)";
  }
  if (!status.ok()) {
    if (!corruption.has_value() || corruption->dir != wal_dir) {
      // A record that does not decode (or a corrupt checkpoint): unrecoverable here.
      return status;
    }
    metrics_->wal_corruptions->Inc();
    Log().Warn("Encountered WAL read error, attempting repair",
               {{"err", status.ToString()},
                {"segment", static_cast<int64_t>(corruption->segment)},
                {"offset", corruption->offset}});
    head_->FinishReplay(&stats);  // the workers must be done before the files change
    ASSIGN_OR_RETURN(wal::RepairReport report, wal::Repair(env_, wal_dir, *corruption));
    Log().Warn("WAL repaired: cut back to the last good record",
               {{"segment", static_cast<int64_t>(report.segment)},
                {"dropped_bytes", report.dropped_bytes},
                {"deleted_segments", static_cast<int64_t>(report.deleted_segments.size())}});
  }
  head_->FinishReplay(&stats);
  replay_stats_ = stats;
  Log().Info("WAL replay completed",
             {{"replayed", replayed},
              {"series", static_cast<int64_t>(stats.series)},
              {"samples", static_cast<int64_t>(stats.samples)},
              {"unknown_refs", static_cast<int64_t>(stats.unknown_refs)},
              {"mapped_chunks", static_cast<int64_t>(stats.mapped_chunks)},
              {"mapped_samples_skipped", static_cast<int64_t>(stats.mapped_samples_skipped)},
              {"duration", SecondsSince(start)}});
  return absl::OkStatus();
}

DB::~DB() { Close().IgnoreError(); }  // nothing to report to from a destructor

absl::Status DB::Close() {
  if (closed_.exchange(true)) return absl::OkStatus();
  {
    std::lock_guard<std::mutex> lock(loop_mu_);
    stopping_ = true;
  }
  loop_cv_.notify_all();
  if (loop_.joinable()) loop_.join();
  StopReplayPoints();
  absl::Status status;
  if (wal_ != nullptr) {
    // A last replay point: should the snapshot below be lost, or the next run be killed before
    // it writes its own, a restart still skips what the chunk files hold.
    if (options_.replay_points) {
      if (absl::Status s = WriteReplayPoint(); !s.ok()) {
        Log().Warn("Writing a replay point failed", {{"err", s.ToString()}});
      }
    }
    // Nothing appends any more (the owner stopped its writers before Close): the head as it is
    // equals the WAL so far, and a chunk snapshot of it spares the next start the replay.
    if (absl::Status s = WriteChunkSnapshot(); !s.ok()) {
      Log().Warn("Writing the chunk snapshot failed; the next start replays the WAL",
                 {{"err", s.ToString()}});
    }
    status = wal_->Close();
    if (chunk_mapper_ != nullptr) {
      if (absl::Status s = chunk_mapper_->Finish(); !s.ok() && status.ok()) status = s;
    }
  }
  head_->SetWal(nullptr);
  partitions_.reset();
  lock_.reset();
  return status;
}

namespace {
class ReadOnlyAppender final : public Appender {
 public:
  absl::StatusOr<SeriesRef> Append(SeriesRef, const model::Labels&, int64_t, double) override {
    return absl::FailedPreconditionError("the database is open read-only");
  }
  absl::Status Commit() override { return absl::OkStatus(); }
  void Rollback() override {}
};
}  // namespace

std::unique_ptr<Appender> DB::NewAppender() {
  if (options_.read_only) return std::make_unique<ReadOnlyAppender>();
  return head_->NewAppender();
}

absl::StatusOr<std::unique_ptr<Querier>> DB::NewQuerier(int64_t mint, int64_t maxt) {
  if (mint > maxt) return absl::InvalidArgumentError("querier: mint after maxt");
  std::vector<std::unique_ptr<Querier>> parts;
  // The head first: where the head and a partition briefly overlap, the head's sample wins.
  ASSIGN_OR_RETURN(auto head_querier, head_->NewQuerier(mint, maxt));
  parts.push_back(std::move(head_querier));
  if (partitions_ != nullptr) {
    ASSIGN_OR_RETURN(auto partition_querier, partitions_->NewQuerier(mint, maxt));
    parts.push_back(std::move(partition_querier));
  }
  return std::unique_ptr<Querier>(std::make_unique<DbQuerier>(std::move(parts), mint, maxt));
}

int64_t DB::StartTime() {
  int64_t start = head_->min_time();
  if (partitions_ != nullptr) {
    auto parts = partitions_->List();
    if (parts.ok() && !parts->empty()) start = std::min(start, parts->front().min_time);
  }
  return start;
}

absl::Status DB::Compact() {
  if (options_.read_only) return absl::FailedPreconditionError("the database is open read-only");
  util::MutexLock lock(&compact_mu_);
  auto start = std::chrono::steady_clock::now();
  absl::Status status = CompactHead();
  if (status.ok()) status = MergePartitions();
  if (status.ok()) status = ApplyRetention();
  if (!status.ok()) {
    metrics_->compactions_failed->Inc();
    Log().Error("compaction failed", {{"err", status.ToString()}});
  }
  metrics_->compaction_duration->Observe(SecondsSince(start));
  return status;
}

absl::Status DB::WritePartitionFromHead(partition::PartitionStore& store, int64_t start,
                                        int64_t end) {
  std::vector<head::SeriesData> series = head_->SeriesInRange(start, end - 1);
  ASSIGN_OR_RETURN(auto writer,
                   partition::PartitionWriter::Begin(store.db(), store.catalog(), start, end, 1));
  std::vector<model::Sample> samples;
  for (head::SeriesData& s : series) {
    samples.clear();
    head::ChunkSeriesIterator it(s.chunks, s.deleted, start, end - 1);
    RETURN_IF_ERROR(ReadAll(it, &samples));
    RETURN_IF_ERROR(writer->Add(s.labels, samples));
    s.chunks.reset();  // free the snapshot early
  }
  return writer->Finish().status();
}

absl::Status DB::CompactHead() {
  const int64_t range = options_.chunk_range;
  while (true) {
    int64_t mint = head_->min_time();
    int64_t maxt = head_->max_time();
    if (maxt == INT64_MIN || maxt - mint <= range * 3 / 2) return absl::OkStatus();
    int64_t start = RangeStart(mint, range);
    int64_t end = start + range;
    auto begin = std::chrono::steady_clock::now();
    // Close the range first: from here on no commit adds to it (a commit re-checks the bound),
    // and the barrier lets commits already under way finish, so the partition written below
    // holds every sample the head will ever have in it.
    head_->SetMinValidTime(end);
    head_->WaitForAppenders();
    absl::Status written = WritePartitionFromHead(*partitions_, start, end);
    metrics_->compactions->Inc();
    if (!written.ok()) {
      metrics_->head_compactions_failed->Inc();
      return written;
    }
    size_t removed = head_->Truncate(end);
    Log().Info("write partition", {{"mint", start},
                                   {"maxt", end},
                                   {"duration", SecondsSince(begin)},
                                   {"series_removed", static_cast<int64_t>(removed)}});
    RETURN_IF_ERROR(TruncateWal(end));
  }
}

absl::Status DB::TruncateWal(int64_t mint) {
  ASSIGN_OR_RETURN(auto segments, wal_->Segments());
  int first = segments.first;
  // A fresh segment, so that a quiet server does not keep more WAL than needed: every segment
  // before it can be checkpointed. As Prometheus, only the older two thirds are: the newest
  // segments hold mostly samples the head still needs, which a checkpoint would merely copy.
  ASSIGN_OR_RETURN(int current, wal_->NextSegment());
  int last = current - 1;
  if (last < first) return absl::OkStatus();
  int to = first + (last - first) * 2 / 3;
  if (options_.wal_truncation_hold) {
    // Segments a remote-write queue has not sent yet stay.
    to = std::min(to, options_.wal_truncation_hold() - 1);
    if (to < first) return absl::OkStatus();
  }
  metrics_->checkpoint_creations->Inc();
  auto stats = wal::Checkpoint(
      env_, dir_ + "/wal", first, to, [this](uint64_t ref) { return head_->HasSeries(ref); }, mint,
      wal::WalOptions{.segment_size = options_.wal_segment_size,
                      .compress = options_.wal_compression});
  if (!stats.ok()) {
    metrics_->checkpoint_creations_failed->Inc();
    return stats.status();
  }
  RETURN_IF_ERROR(wal_->Truncate(to + 1));
  // The head changed under any chunk snapshot; the WAL alone describes it now.
  RETURN_IF_ERROR(DeleteChunkSnapshots(INT32_MAX));
  metrics_->checkpoint_deletions->Inc();
  return wal::DeleteCheckpoints(env_, dir_ + "/wal", to);
}

absl::Status DB::MergePartitions() {
  const int64_t width = options_.merge_range;
  if (width <= options_.chunk_range) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<partition::PartitionMeta> parts, partitions_->List());
  // Only ranges that the head can no longer add to are merged.
  int64_t sealed = head_->min_valid_time();
  size_t i = 0;
  while (i < parts.size()) {
    int64_t start = RangeStart(parts[i].start, width);
    int64_t end = start + width;
    size_t j = i;
    while (j < parts.size() && parts[j].end <= end && parts[j].start >= start) ++j;
    // A day with a damaged partition stays as it is until it is repaired: merging would read
    // the damaged file and fail on every round.
    bool damaged =
        std::any_of(parts.begin() + static_cast<long>(i), parts.begin() + static_cast<long>(j),
                    [&](const auto& p) { return partitions_->IsDamaged(p.start, p.end); });
    if (j - i >= 2 && end <= sealed && !damaged) {
      auto begin = std::chrono::steady_clock::now();
      std::vector<partition::PartitionMeta> inputs(parts.begin() + static_cast<long>(i),
                                                   parts.begin() + static_cast<long>(j));
      ASSIGN_OR_RETURN(partition::PartitionMeta merged, partitions_->Merge(inputs, start, end));
      metrics_->compactions->Inc();
      Log().Info("merged partitions", {{"mint", start},
                                       {"maxt", end},
                                       {"inputs", static_cast<int64_t>(inputs.size())},
                                       {"series", static_cast<int64_t>(merged.num_series)},
                                       {"duration", SecondsSince(begin)}});
    }
    i = std::max(j, i + 1);
  }
  return absl::OkStatus();
}

absl::Status DB::ApplyRetention() {
  ASSIGN_OR_RETURN(std::vector<partition::PartitionMeta> parts, partitions_->List());
  if (options_.retention_ms > 0 && !parts.empty()) {
    int64_t newest = std::max(head_->max_time(), parts.back().max_time);
    int64_t cutoff = newest - options_.retention_ms;
    while (!parts.empty() && parts.front().max_time < cutoff) {
      Log().Info("Deleting obsolete partition: retention time exceeded",
                 {{"partition", parts.front().Name()}, {"retention_ms", options_.retention_ms}});
      RETURN_IF_ERROR(partitions_->Drop(parts.front()));
      metrics_->time_retentions->Inc();
      parts.erase(parts.begin());
    }
  }
  if (options_.retention_bytes > 0) {
    auto wal_bytes = env_->DiskUsage(dir_ + "/wal");
    uint64_t used = partitions_->DiskBytes() + (wal_bytes.ok() ? *wal_bytes : 0);
    while (!parts.empty() && used > options_.retention_bytes) {
      Log().Info("Deleting obsolete partition: retention size exceeded",
                 {{"partition", parts.front().Name()},
                  {"used_bytes", static_cast<int64_t>(used)},
                  {"limit_bytes", static_cast<int64_t>(options_.retention_bytes)}});
      RETURN_IF_ERROR(partitions_->Drop(parts.front()));
      metrics_->size_retentions->Inc();
      parts.erase(parts.begin());
      used = partitions_->DiskBytes() + (wal_bytes.ok() ? *wal_bytes : 0);
    }
  }
  return absl::OkStatus();
}

void DB::CountReplayPoint(bool ok) {
  (ok ? metrics_->replay_points : metrics_->replay_points_failed)->Inc();
}

void DB::BackgroundLoop() {
  std::unique_lock<std::mutex> lock(loop_mu_);
  while (!stopping_) {
    loop_cv_.wait_for(lock, std::chrono::milliseconds(options_.compaction_interval_ms),
                      [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    Compact().IgnoreError();  // logged and counted inside; retried next round
    lock.lock();
  }
}

absl::Status DB::Delete(int64_t mint, int64_t maxt, std::span<const model::Matcher> matchers) {
  RETURN_IF_ERROR(head_->Delete(mint, maxt, matchers).status());
  return partitions_->Delete(mint, maxt, matchers).status();
}

absl::Status DB::CleanTombstones() {
  util::MutexLock lock(&compact_mu_);
  return partitions_->CleanTombstones();
}

absl::StatusOr<std::string> DB::Snapshot(bool with_head) {
  util::MutexLock lock(&compact_mu_);
  // Prometheus's naming: UTC time then random hex.
  std::mt19937_64 rng(std::random_device{}());
  char rand_hex[17];
  std::snprintf(rand_hex, sizeof(rand_hex), "%016llx", static_cast<unsigned long long>(rng()));
  std::string stamp = model::FormatRfc3339(absl::Now());
  // 2026-11-21T07:45:24.123Z → 20261121T074524Z
  std::string compact;
  for (char c : stamp.substr(0, 19)) {
    if (c != '-' && c != ':') compact.push_back(c);
  }
  std::string name = util::StrCat(compact, "Z-", rand_hex);
  std::string snapshots = dir_ + "/snapshots";
  RETURN_IF_ERROR(env_->CreateDir(snapshots));
  std::string target = snapshots + "/" + name;
  RETURN_IF_ERROR(env_->CreateDir(target));
  RETURN_IF_ERROR(partitions_->Checkpoint(target + "/partitions"));
  if (with_head && head_->max_time() != INT64_MIN) {
    ASSIGN_OR_RETURN(auto copy, partition::PartitionStore::Open(target + "/partitions"));
    const int64_t range = options_.chunk_range;
    for (int64_t start = RangeStart(head_->min_time(), range); start <= head_->max_time();
         start += range) {
      absl::Status s = WritePartitionFromHead(*copy, start, start + range);
      if (!s.ok() && !absl::IsAlreadyExists(s)) return s;
    }
  }
  Log().Info("snapshot created", {{"dir", target}});
  return name;
}

DbStats DB::Stats() const {
  DbStats stats;
  stats.head_series = head_->num_series();
  stats.head_chunks = head_->num_chunks();
  stats.head_min_time = head_->min_time();
  stats.head_max_time = head_->max_time();
  if (partitions_ != nullptr) {
    auto parts = partitions_->List();
    if (parts.ok()) stats.partitions = *std::move(parts);
    stats.partition_bytes = partitions_->DiskBytes();
  }
  auto wal_bytes = env_->DiskUsage(dir_ + "/wal");
  stats.wal_bytes = wal_bytes.ok() ? static_cast<uint64_t>(*wal_bytes) : 0;
  return stats;
}

}  // namespace sextant::tsdb
