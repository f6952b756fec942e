#include "tsdb/agent/agent_storage.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "model/timestamp.h"
#include "tsdb/agent/series_map.h"
#include "tsdb/wal/checkpoint.h"
#include "tsdb/wal/reader.h"
#include "tsdb/wal/record.h"
#include "tsdb/wal/repair.h"
#include "tsdb/wal/segment.h"
#include "util/log.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::tsdb::agent {
namespace {

const util::Logger& Log() {
  static const util::Logger logger("agent");
  return logger;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string WithoutTrailingSlashes(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

}  // namespace

struct AgentStorage::Metrics {
  explicit Metrics(util::Registry& r)
      : active_series(r.NewGauge("prometheus_agent_active_series",
                                 "Number of active series being tracked by the WAL storage")),
        deleted_series(r.NewGauge("prometheus_agent_deleted_series",
                                  "Number of series pending deletion from the WAL")),
        samples_appended(r.NewCounterFamily("prometheus_agent_samples_appended_total",
                                            "Total number of samples appended to the storage",
                                            {"type"})
                             ->With({"float"})),
        out_of_order(r.NewCounter("prometheus_agent_out_of_order_samples_total",
                                  "Total number of out of order samples ingestion failed "
                                  "attempts.")),
        truncate_duration(r.NewSummary("prometheus_agent_truncate_duration_seconds",
                                       "Duration of WAL truncation.", {})),
        corruptions(
            r.NewCounter("prometheus_agent_corruptions_total", "Total number of WAL corruptions.")),
        replay_duration(r.NewGauge("prometheus_agent_data_replay_duration_seconds",
                                   "Time taken to replay the data on disk.")),
        checkpoint_deletions_failed(
            r.NewCounter("prometheus_agent_checkpoint_deletions_failed_total",
                         "Total number of checkpoint deletions that failed.")),
        checkpoint_deletions(r.NewCounter("prometheus_agent_checkpoint_deletions_total",
                                          "Total number of checkpoint deletions attempted.")),
        checkpoint_creations_failed(
            r.NewCounter("prometheus_agent_checkpoint_creations_failed_total",
                         "Total number of checkpoint creations that failed.")),
        checkpoint_creations(r.NewCounter("prometheus_agent_checkpoint_creations_total",
                                          "Total number of checkpoint creations attempted.")) {}

  util::Gauge* active_series;
  util::Gauge* deleted_series;
  util::Counter* samples_appended;
  util::Counter* out_of_order;
  util::Summary* truncate_duration;
  util::Counter* corruptions;
  util::Gauge* replay_duration;
  util::Counter* checkpoint_deletions_failed;
  util::Counter* checkpoint_deletions;
  util::Counter* checkpoint_creations_failed;
  util::Counter* checkpoint_creations;
};

// Series records of series GC dropped are kept in checkpoints until every segment that may name
// them is gone: the WAL watcher must still be able to resolve the refs of their samples.
class AgentStorage::DeletedSeries {
 public:
  void Add(std::span<const uint64_t> refs, int last_segment) {
    util::MutexLock lock(&mu_);
    for (uint64_t ref : refs) deleted_[ref] = last_segment;
  }
  // Whether a checkpoint up to segment `last` keeps the series record of deleted `ref`.
  bool Keep(uint64_t ref, int last) {
    util::MutexLock lock(&mu_);
    auto it = deleted_.find(ref);
    return it != deleted_.end() && it->second > last;
  }
  // Forgets the series whose segments up to `last` are checkpointed.
  void Forget(int last) {
    util::MutexLock lock(&mu_);
    absl::erase_if(deleted_, [&](const auto& entry) { return entry.second <= last; });
  }
  size_t size() {
    util::MutexLock lock(&mu_);
    return deleted_.size();
  }

 private:
  util::Mutex mu_;
  absl::flat_hash_map<uint64_t, int> deleted_ ABSL_GUARDED_BY(mu_);
};

class AgentStorage::AgentAppender final : public Appender {
 public:
  explicit AgentAppender(AgentStorage* storage) : storage_(storage) {}
  // An appender dropped without Commit() or Rollback() still logs the series it created.
  ~AgentAppender() override {
    if (!pending_series_.empty()) Rollback();
  }

  absl::StatusOr<SeriesRef> Append(SeriesRef ref, const model::Labels& labels, int64_t t,
                                   double v) override {
    if (labels.empty()) return absl::InvalidArgumentError("empty labelset");
    SeriesMap::Lookup series = storage_->series_->GetOrCreate(ref, labels);
    if (series.created) {
      pending_series_.push_back({series.ref, labels});
      storage_->metrics_->active_series->Inc();
    }
    // Prometheus's minValidTime, without underflow.
    const int64_t window = storage_->options_.out_of_order_time_window_ms;
    const int64_t min_valid = series.last_ts < std::numeric_limits<int64_t>::min() + window
                                  ? std::numeric_limits<int64_t>::min()
                                  : series.last_ts - window;
    if (t <= min_valid) {
      storage_->metrics_->out_of_order->Inc();
      return MakeAppendError(AppendError::kOutOfOrder);
    }
    pending_samples_.push_back({series.ref, t, v});
    max_t_ = std::max(max_t_, t);
    storage_->metrics_->samples_appended->Inc();
    return series.ref;
  }

  absl::Status Commit() override {
    std::vector<std::string> records;
    storage_->TakeUnloggedSeries(&pending_series_);
    if (!pending_series_.empty()) wal::EncodeSeries(pending_series_, &records.emplace_back());
    if (!pending_samples_.empty()) wal::EncodeSamples(pending_samples_, &records.emplace_back());
    absl::Status status = storage_->LogRecords(records, max_t_);
    if (!status.ok()) {
      storage_->KeepUnloggedSeries(std::move(pending_series_));
      pending_series_.clear();
      pending_samples_.clear();
      return status;
    }
    for (const wal::RefSample& s : pending_samples_) {
      if (!storage_->series_->UpdateLastTimestamp(s.ref, s.t)) {
        storage_->metrics_->out_of_order->Inc();
      }
    }
    pending_series_.clear();
    pending_samples_.clear();
    return absl::OkStatus();
  }

  void Rollback() override {
    pending_samples_.clear();
    if (pending_series_.empty()) return;
    // The new series are in the map and their refs may be in use: their records must reach the
    // WAL before any sample naming them.
    std::vector<std::string> records(1);
    wal::EncodeSeries(pending_series_, &records[0]);
    if (!storage_->LogRecords(records, SeriesMap::kNoSample).ok()) {
      storage_->KeepUnloggedSeries(std::move(pending_series_));
    }
    pending_series_.clear();
  }

 private:
  AgentStorage* const storage_;
  std::vector<wal::RefSeries> pending_series_;
  std::vector<wal::RefSample> pending_samples_;
  int64_t max_t_ = SeriesMap::kNoSample;
};

AgentStorage::AgentStorage(std::string dir, AgentOptions options)
    : dir_(WithoutTrailingSlashes(std::move(dir))),
      options_(std::move(options)),
      env_(options_.env != nullptr ? options_.env : util::Env::Default()),
      series_(std::make_unique<SeriesMap>()),
      deleted_(std::make_unique<DeletedSeries>()) {
  // Prometheus's option fix-ups (tsdb/agent/db.go, validateOptions).
  if (options_.out_of_order_time_window_ms < 0) options_.out_of_order_time_window_ms = 0;
  if (options_.truncate_frequency_ms <= 0)
    options_.truncate_frequency_ms = kDefaultTruncateFrequencyMs;
  if (options_.min_wal_time_ms <= 0) options_.min_wal_time_ms = kDefaultMinWalTimeMs;
  if (options_.max_wal_time_ms <= 0) options_.max_wal_time_ms = kDefaultMaxWalTimeMs;
  if (options_.min_wal_time_ms > options_.max_wal_time_ms) {
    options_.max_wal_time_ms = options_.min_wal_time_ms;
  }
  if (options_.max_wal_time_ms < options_.truncate_frequency_ms) {
    options_.max_wal_time_ms = options_.truncate_frequency_ms;
  }
  util::Registry* registry = options_.metrics;
  if (registry == nullptr) {
    own_registry_ = std::make_unique<util::Registry>();
    registry = own_registry_.get();
  }
  options_.metrics = registry;
  metrics_ = std::make_unique<Metrics>(*registry);
}

AgentStorage::~AgentStorage() { Close().IgnoreError(); }  // nothing to report to

absl::StatusOr<std::unique_ptr<AgentStorage>> AgentStorage::Open(const std::string& dir,
                                                                 AgentOptions options) {
  auto storage = std::unique_ptr<AgentStorage>(new AgentStorage(dir, std::move(options)));
  RETURN_IF_ERROR(storage->OpenParts());
  if (storage->options_.run_background) {
    storage->loop_ = std::thread([raw = storage.get()] { raw->BackgroundLoop(); });
  }
  return storage;
}

absl::Status AgentStorage::OpenParts() {
  RETURN_IF_ERROR(env_->CreateDir(dir_));
  if (!options_.no_lockfile) {
    ASSIGN_OR_RETURN(lock_, env_->LockFile(dir_ + "/lock"));
  }
  RETURN_IF_ERROR(env_->CreateDir(wal_dir()));
  auto start = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(Replay());
  metrics_->replay_duration->Set(SecondsSince(start));
  metrics_->active_series->Set(static_cast<double>(series_->size()));
  ASSIGN_OR_RETURN(wal_, wal::Wal::Open(env_, wal_dir(),
                                        wal::WalOptions{.segment_size = options_.wal_segment_size,
                                                        .compress = options_.wal_compression},
                                        options_.metrics));
  return absl::OkStatus();
}

absl::Status AgentStorage::Replay() {
  const std::string dir = wal_dir();
  Log().Info("Replaying WAL, this may take a while", {{"dir", dir}});
  auto start = std::chrono::steady_clock::now();
  // Refs named by a later series record of labels already known map to the first ref.
  absl::flat_hash_map<uint64_t, uint64_t> aliases;
  std::vector<wal::RefSeries> series;
  int64_t samples = 0;
  auto apply = [&](std::string_view rec, int segment) -> absl::Status {
    ASSIGN_OR_RETURN(wal::RecordType type, wal::PeekType(rec));
    if (type == wal::RecordType::kSeries) {
      RETURN_IF_ERROR(wal::DecodeSeries(rec, &series));
      for (const wal::RefSeries& s : series) {
        uint64_t ref = series_->AddForReplay(s.ref, s.labels);
        if (ref != s.ref) aliases[s.ref] = ref;
      }
    } else if (type == wal::RecordType::kSamples) {
      int64_t max_t = SeriesMap::kNoSample;
      RETURN_IF_ERROR(wal::ForEachSample(rec, [&](const wal::RefSample& s) {
        auto alias = aliases.find(s.ref);
        series_->UpdateLastTimestamp(alias == aliases.end() ? s.ref : alias->second, s.t);
        max_t = std::max(max_t, s.t);
        ++samples;
      }));
      if (segment >= 0) NoteSegmentMaxTime(segment, segment, max_t);
    }
    return absl::OkStatus();  // tombstones: nothing to do without samples
  };

  ASSIGN_OR_RETURN(std::optional<wal::CheckpointRef> checkpoint, wal::LastCheckpoint(env_, dir));
  if (checkpoint.has_value()) {
    ASSIGN_OR_RETURN(auto reader, wal::Reader::OpenAll(env_, checkpoint->dir));
    while (reader->Next()) RETURN_IF_ERROR(apply(reader->record(), -1));
    RETURN_IF_ERROR(reader->status());  // a corrupt checkpoint cannot be repaired
  }
  ASSIGN_OR_RETURN(std::vector<int> segments, wal::ListSegments(env_, dir));
  if (checkpoint.has_value()) {
    std::erase_if(segments, [&](int s) { return s <= checkpoint->index; });
    if (!segments.empty() && segments.front() > checkpoint->index + 1) {
      return absl::DataLossError(util::StrCat("wal ", dir, ": segments ", checkpoint->index + 1,
                                              " to ", segments.front() - 1, " after checkpoint ",
                                              checkpoint->index, " are missing"));
    }
  }
  if (!segments.empty()) {
    ASSIGN_OR_RETURN(auto reader, wal::Reader::Open(env_, dir, segments.front(), segments.back()));
    absl::Status status;
    while (status.ok() && reader->Next()) status = apply(reader->record(), reader->segment());
    if (status.ok()) status = reader->status();
    if (!status.ok()) {
      std::optional<wal::Corruption> corruption = reader->corruption();
      if (!corruption.has_value()) return status;  // a record that does not decode
      metrics_->corruptions->Inc();
      Log().Warn("Encountered WAL read error, attempting repair",
                 {{"err", status.ToString()},
                  {"segment", static_cast<int64_t>(corruption->segment)},
                  {"offset", corruption->offset}});
      ASSIGN_OR_RETURN(wal::RepairReport report, wal::Repair(env_, dir, *corruption));
      Log().Warn("WAL repaired: cut back to the last good record",
                 {{"segment", static_cast<int64_t>(report.segment)},
                  {"dropped_bytes", report.dropped_bytes},
                  {"deleted_segments", static_cast<int64_t>(report.deleted_segments.size())}});
    }
  }
  Log().Info("WAL replay completed", {{"series", static_cast<int64_t>(series_->size())},
                                      {"samples", samples},
                                      {"duration", SecondsSince(start)}});
  return absl::OkStatus();
}

std::unique_ptr<Appender> AgentStorage::NewAppender() {
  return std::make_unique<AgentAppender>(this);
}

absl::StatusOr<std::unique_ptr<Querier>> AgentStorage::NewQuerier(int64_t, int64_t) {
  return absl::UnimplementedError("unsupported operation with WAL-only storage");
}

int64_t AgentStorage::StartTime() { return model::kMaxTimestamp; }

size_t AgentStorage::num_series() const { return series_->size(); }

void AgentStorage::SetTruncationHold(std::function<int()> hold) {
  util::MutexLock lock(&hooks_mu_);
  hold_ = std::move(hold);
}

void AgentStorage::SetCommitNotifier(std::function<void()> notify) {
  util::MutexLock lock(&hooks_mu_);
  notify_ = std::move(notify);
}

void AgentStorage::SetLowestSentTimestamp(std::function<int64_t()> lowest_sent) {
  util::MutexLock lock(&hooks_mu_);
  lowest_sent_ = std::move(lowest_sent);
}

int64_t AgentStorage::Now() const {
  if (options_.now_ms) return options_.now_ms();
  return model::FromTime(absl::Now());
}

void AgentStorage::TakeUnloggedSeries(std::vector<wal::RefSeries>* series) {
  util::MutexLock lock(&unlogged_mu_);
  if (unlogged_.empty()) return;
  series->insert(series->begin(), std::make_move_iterator(unlogged_.begin()),
                 std::make_move_iterator(unlogged_.end()));
  unlogged_.clear();
}

void AgentStorage::KeepUnloggedSeries(std::vector<wal::RefSeries> series) {
  util::MutexLock lock(&unlogged_mu_);
  for (wal::RefSeries& s : series) unlogged_.push_back(std::move(s));
}

absl::Status AgentStorage::LogRecords(std::span<const std::string> records, int64_t max_t) {
  if (records.empty()) return absl::OkStatus();
  if (closed_.load()) return absl::FailedPreconditionError("agent storage is closed");
  // The records land in one segment between these two (a concurrent commit may cut).
  const int before = wal_->current_segment();
  RETURN_IF_ERROR(wal_->Log(records));
  const int after = wal_->current_segment();
  if (max_t != SeriesMap::kNoSample) NoteSegmentMaxTime(std::max(before, 0), after, max_t);
  std::function<void()> notify;
  {
    util::MutexLock lock(&hooks_mu_);
    notify = notify_;
  }
  if (notify) notify();
  return absl::OkStatus();
}

void AgentStorage::NoteSegmentMaxTime(int first_segment, int last_segment, int64_t max_t) {
  util::MutexLock lock(&segments_mu_);
  for (int s = first_segment; s <= last_segment; ++s) {
    auto [it, inserted] = segment_max_t_.try_emplace(s, max_t);
    if (!inserted) it->second = std::max(it->second, max_t);
  }
}

absl::Status AgentStorage::Truncate() {
  if (closed_.load()) return absl::FailedPreconditionError("agent storage is closed");
  util::MutexLock truncating(&truncate_mu_);
  auto start = std::chrono::steady_clock::now();
  const int64_t now = Now();
  std::function<int()> hold;
  std::function<int64_t()> lowest_sent;
  {
    util::MutexLock lock(&hooks_mu_);
    hold = hold_;
    lowest_sent = lowest_sent_;
  }
  const int64_t max_cutoff = now - options_.max_wal_time_ms;
  int64_t mint = now - options_.min_wal_time_ms;
  if (lowest_sent) mint = std::max(lowest_sent() - options_.min_wal_time_ms, max_cutoff);

  Log().Info("series GC started");
  std::vector<uint64_t> removed = series_->GC(mint);
  metrics_->active_series->Add(-static_cast<double>(removed.size()));
  ASSIGN_OR_RETURN(auto segments, wal_->Segments());
  // Samples naming the removed series may still be in segments up to the current one.
  deleted_->Add(removed, segments.second);
  metrics_->deleted_series->Set(static_cast<double>(deleted_->size()));
  Log().Info("series GC completed", {{"removed", static_cast<int64_t>(removed.size())},
                                     {"duration", SecondsSince(start)}});

  const int first = segments.first;
  // A fresh segment, so that a quiet agent does not keep more WAL than needed.
  ASSIGN_OR_RETURN(int current, wal_->NextSegment());
  const int last = current - 1;  // never checkpoint the segment being written
  if (last < first) return absl::OkStatus();
  // As Prometheus, the older two thirds: the newest segments hold mostly live samples.
  int to = first + (last - first) * 2 / 3;
  if (hold) {
    const int needed = hold();
    to = needed <= first ? first - 1 : std::min(to, needed - 1);
  }
  // Segments whose samples are all older than max_wal_time go even when remote write still
  // needs them: a receiver that is down must not fill the disk.
  {
    util::MutexLock lock(&segments_mu_);
    for (int s = std::max(first, to + 1); s <= last; ++s) {
      auto it = segment_max_t_.find(s);
      if (it != segment_max_t_.end() && it->second >= max_cutoff) break;
      to = s;
    }
  }
  // Fewer than two segments to fold: as Prometheus, not worth a checkpoint yet.
  if (to <= first) return absl::OkStatus();
  metrics_->checkpoint_creations->Inc();
  auto stats = wal::Checkpoint(
      env_, wal_dir(), first, to,
      [this, to](uint64_t ref) { return series_->Has(ref) || deleted_->Keep(ref, to); }, mint,
      wal::WalOptions{.segment_size = options_.wal_segment_size,
                      .compress = options_.wal_compression});
  if (!stats.ok()) {
    metrics_->checkpoint_creations_failed->Inc();
    if (absl::IsDataLoss(stats.status())) metrics_->corruptions->Inc();
    return stats.status();
  }
  if (absl::Status s = wal_->Truncate(to + 1); !s.ok()) {
    // Retried at the next truncation; the checkpoint supersedes the leftovers meanwhile.
    Log().Error("truncating segments failed", {{"err", s.ToString()}});
  }
  {
    util::MutexLock lock(&segments_mu_);
    segment_max_t_.erase(segment_max_t_.begin(), segment_max_t_.upper_bound(to));
  }
  deleted_->Forget(to);
  metrics_->deleted_series->Set(static_cast<double>(deleted_->size()));
  metrics_->checkpoint_deletions->Inc();
  if (absl::Status s = wal::DeleteCheckpoints(env_, wal_dir(), to); !s.ok()) {
    metrics_->checkpoint_deletions_failed->Inc();
    Log().Error("delete old checkpoints", {{"err", s.ToString()}});
  }
  metrics_->truncate_duration->Observe(SecondsSince(start));
  Log().Info("WAL checkpoint complete", {{"first", static_cast<int64_t>(first)},
                                         {"last", static_cast<int64_t>(to)},
                                         {"mint", mint},
                                         {"duration", SecondsSince(start)}});
  return absl::OkStatus();
}

void AgentStorage::BackgroundLoop() {
  std::unique_lock<std::mutex> lock(loop_mu_);
  while (!stopping_) {
    loop_cv_.wait_for(lock, std::chrono::milliseconds(options_.truncate_frequency_ms),
                      [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    if (absl::Status s = Truncate(); !s.ok()) {
      Log().Warn("failed to truncate WAL", {{"err", s.ToString()}});
    }
    lock.lock();
  }
}

absl::Status AgentStorage::Close() {
  if (closed_.exchange(true)) return absl::OkStatus();
  {
    std::lock_guard<std::mutex> lock(loop_mu_);
    stopping_ = true;
  }
  loop_cv_.notify_all();
  if (loop_.joinable()) loop_.join();
  absl::Status status;
  if (wal_ != nullptr) status = wal_->Close();
  lock_.reset();
  return status;
}

}  // namespace sextant::tsdb::agent
