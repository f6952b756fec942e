#include "remote/write_queue.h"

#include <algorithm>
#include <array>
#include <utility>

#include "remote/position_file.h"
#include "scrape/relabel.h"
#include "util/log.h"
#include "util/strings.h"

namespace sextant::remote {
namespace {

const util::Logger& Log() {
  static const util::Logger logger("remote");
  return logger;
}

// How long a series may go without samples before the queue forgets its labels. The head drops
// a series within about 3 h of its last sample (agent mode: within retention.max-time, 4 h).
constexpr int64_t kSeriesIdleLimitMs = 6 * 3600 * 1000;

// The family a series' metric name belongs to: the name itself, or the name without the suffix
// its family's samples add (histograms, summaries, counters in OpenMetrics).
const MetricMetadata* FindFamily(
    const std::unordered_map<std::string, std::shared_ptr<const MetricMetadata>>& families,
    std::string_view name, std::shared_ptr<const MetricMetadata>* found) {
  auto it = families.find(std::string(name));
  if (it == families.end()) {
    static constexpr std::array<std::string_view, 5> kSuffixes = {"_bucket", "_count", "_sum",
                                                                  "_total", "_created"};
    for (std::string_view suffix : kSuffixes) {
      if (name.size() > suffix.size() && name.ends_with(suffix)) {
        it = families.find(std::string(name.substr(0, name.size() - suffix.size())));
        if (it != families.end()) break;
      }
    }
  }
  if (it == families.end()) return nullptr;
  *found = it->second;
  return it->second.get();
}

}  // namespace

// The configured client, remembering the last failure for the status page.
class WriteQueue::RecordingClient : public WriteClient {
 public:
  explicit RecordingClient(std::shared_ptr<WriteClient> client) : client_(std::move(client)) {}
  WriteResult Store(std::string_view body, int attempt) override {
    WriteResult r = client_->Store(body, attempt);
    if (!r.ok()) {
      util::MutexLock lock(&mu_);
      last_error_ = r.message;
      last_error_time_ = absl::Now();
    }
    return r;
  }
  std::string_view endpoint() const override { return client_->endpoint(); }
  void LastError(std::string* message, absl::Time* when) const {
    util::MutexLock lock(&mu_);
    *message = last_error_;
    *when = last_error_time_;
  }

 private:
  const std::shared_ptr<WriteClient> client_;
  mutable util::Mutex mu_;
  std::string last_error_ ABSL_GUARDED_BY(mu_);
  absl::Time last_error_time_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

namespace {

// A non-owning view of the shared client, for the queue manager (which owns its client).
class SharedClientView : public WriteClient {
 public:
  explicit SharedClientView(std::shared_ptr<WriteClient> client) : client_(std::move(client)) {}
  WriteResult Store(std::string_view body, int attempt) override {
    return client_->Store(body, attempt);
  }
  std::string_view endpoint() const override { return client_->endpoint(); }

 private:
  const std::shared_ptr<WriteClient> client_;
};

}  // namespace

// Turns the watcher's records into queued samples. Runs on the watcher's thread only, except for
// the metadata table, which the metadata thread replaces.
class WriteQueue::Consumer : public WalWatcherConsumer {
 public:
  Consumer(WriteQueue* owner, const config::RemoteWriteConfig& cfg, model::Labels external)
      : owner_(owner), cfg_(cfg), external_(std::move(external)) {}

  void OnSeries(std::span<const tsdb::wal::RefSeries> series) override {
    for (const tsdb::wal::RefSeries& s : series) {
      Entry& e = series_[s.ref];
      e.last_t = std::max(e.last_t, highest_.load(std::memory_order_relaxed));
      builder_.Reset(s.labels);
      for (const model::Label& l : external_) {
        if (builder_.Get(l.name).empty()) builder_.Set(l.name, l.value);
      }
      e.kept = scrape::RelabelInPlace(&builder_, cfg_.write_relabel_configs);
      model::Labels labels = e.kept ? builder_.Build() : model::Labels();
      if (labels.empty()) e.kept = false;
      // A new object rather than an update: queued samples may still share the old one.
      e.labels = SharedLabels(std::move(labels));
      e.metadata.reset();
      e.metadata_generation = 0;
    }
    tracked_.store(static_cast<int64_t>(series_.size()), std::memory_order_relaxed);
  }

  void OnSamples(std::span<const tsdb::wal::RefSample> samples, WalPosition after) override {
    if (stopped_) return;
    batch_.clear();
    int64_t highest = highest_.load(std::memory_order_relaxed);
    for (const tsdb::wal::RefSample& s : samples) {
      auto it = series_.find(s.ref);
      if (it == series_.end()) {
        unknown_series_.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      Entry& e = it->second;
      e.last_t = std::max(e.last_t, s.t);
      if (!e.kept) {
        dropped_series_.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      if (want_metadata_) ResolveMetadata(e);
      batch_.push_back({s.ref, e.labels, s.t, s.v, e.metadata});
      highest = std::max(highest, s.t);
    }
    uint64_t first = 0;
    const size_t n = batch_.size();
    const size_t queued = owner_->queue_->AppendBatch(std::span<SeriesSample>(batch_), &first);
    batch_.clear();
    if (queued < n) {
      // Stopping: this record is not sent, so the position must never pass it.
      stopped_ = true;
      return;
    }
    if (queued > 0) seq_end_ = std::max(seq_end_, first + queued);
    highest_.store(highest, std::memory_order_relaxed);
    {
      util::MutexLock lock(&owner_->progress_mu_);
      owner_->pending_.push_back({seq_end_, after});
    }
    owner_->OnProgress();
  }

  // Forgets the series with no sample in kSeriesIdleLimit before the newest one read: the head
  // has collected them by then (a series that comes back gets a new ref and series record), so
  // series churn does not grow the map for ever. Checked once per finished segment.
  void OnSegmentDone(int segment) override {
    const int64_t highest = highest_.load(std::memory_order_relaxed);
    const int64_t cutoff = highest - kSeriesIdleLimitMs;
    if (cutoff <= 0) return;
    for (auto it = series_.begin(); it != series_.end();) {
      // Added before any sample was read (a resume reading series records first): the idle
      // time counts from now.
      if (it->second.last_t == 0) it->second.last_t = highest;
      it = it->second.last_t < cutoff ? series_.erase(it) : std::next(it);
    }
    tracked_.store(static_cast<int64_t>(series_.size()), std::memory_order_relaxed);
  }

  // Replaces the metadata table (the metadata thread).
  void SetMetadata(std::vector<MetricMetadata> metadata) {
    auto table =
        std::make_shared<std::unordered_map<std::string, std::shared_ptr<const MetricMetadata>>>();
    for (MetricMetadata& m : metadata) {
      std::string family = m.metric_family_name;
      (*table)[family] = std::make_shared<const MetricMetadata>(std::move(m));
    }
    util::MutexLock lock(&metadata_mu_);
    metadata_ = std::move(table);
    ++generation_;
  }

  void set_want_metadata(bool want) { want_metadata_ = want; }
  int64_t dropped_series() const { return dropped_series_.load(std::memory_order_relaxed); }
  int64_t unknown_series() const { return unknown_series_.load(std::memory_order_relaxed); }
  int64_t highest() const { return highest_.load(std::memory_order_relaxed); }
  int64_t tracked() const { return tracked_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    SharedLabels labels;  // to send: external labels added, write relabelling applied
    // Its newest sample read, or the newest of any series when it was added (0: none read yet).
    int64_t last_t = 0;
    bool kept = false;
    std::shared_ptr<const MetricMetadata> metadata;
    uint64_t metadata_generation = 0;  // the table generation `metadata` was looked up in
  };

  // Looks the series' family up again when the table changed since it was last looked up.
  void ResolveMetadata(Entry& e) {
    util::MutexLock lock(&metadata_mu_);
    if (e.metadata_generation == generation_ || metadata_ == nullptr) return;
    e.metadata_generation = generation_;
    std::shared_ptr<const MetricMetadata> found;
    if (FindFamily(*metadata_, e.labels.get().MetricName(), &found) != nullptr) e.metadata = found;
  }

  WriteQueue* const owner_;
  const config::RemoteWriteConfig& cfg_;
  const model::Labels external_;
  bool want_metadata_ = false;
  model::LabelsBuilder builder_;
  std::unordered_map<uint64_t, Entry> series_;
  std::vector<SeriesSample> batch_;  // one samples record's samples to queue
  uint64_t seq_end_ = 0;             // after the highest sequence number the queue gave out
  bool stopped_ = false;             // the queue refused a sample: nothing more is handed over
  std::atomic<int64_t> dropped_series_{0};
  std::atomic<int64_t> unknown_series_{0};
  std::atomic<int64_t> highest_{0};
  std::atomic<int64_t> tracked_{0};  // series_.size(), for stats()

  util::Mutex metadata_mu_;
  std::shared_ptr<std::unordered_map<std::string, std::shared_ptr<const MetricMetadata>>> metadata_
      ABSL_GUARDED_BY(metadata_mu_);
  uint64_t generation_ ABSL_GUARDED_BY(metadata_mu_) = 1;
};

absl::StatusOr<std::unique_ptr<WriteQueue>> WriteQueue::Start(std::string name,
                                                              const config::RemoteWriteConfig& cfg,
                                                              WriteQueueOptions options) {
  absl::StatusOr<std::unique_ptr<HttpWriteClient>> client = HttpWriteClient::Create(cfg);
  if (!client.ok()) return client.status();
  return StartWithClient(std::move(name), cfg, std::move(options),
                         std::shared_ptr<WriteClient>(*std::move(client)));
}

absl::StatusOr<std::unique_ptr<WriteQueue>> WriteQueue::StartWithClient(
    std::string name, const config::RemoteWriteConfig& cfg, WriteQueueOptions options,
    std::shared_ptr<WriteClient> client) {
  std::unique_ptr<WriteQueue> q(
      new WriteQueue(std::move(name), cfg, std::move(options), std::move(client)));
  if (absl::Status s = q->Begin(); !s.ok()) {
    q->Stop();
    return s;
  }
  return q;
}

WriteQueue::WriteQueue(std::string name, const config::RemoteWriteConfig& cfg,
                       WriteQueueOptions options, std::shared_ptr<WriteClient> client)
    : name_(std::move(name)),
      cfg_(cfg),
      options_(std::move(options)),
      client_(std::make_shared<RecordingClient>(std::move(client))) {}

WriteQueue::~WriteQueue() { Stop(); }

absl::Status WriteQueue::Begin() {
  const bool v2 =
      ParseWriteMessage(cfg_.protobuf_message).value_or(WriteMessage::kV1) == WriteMessage::kV2;
  QueueManagerOptions qopts;
  qopts.on_progress = [this] { OnProgress(); };
  if (v2) qopts.encode = EncodeSnappyWriteRequestV2;
  // The client is shared with the metadata sender; the queue manager gets a non-owning view.
  queue_ = std::make_unique<QueueManager>(
      name_, cfg_.queue_config, std::make_unique<SharedClientView>(client_), std::move(qopts));
  consumer_ = std::make_unique<Consumer>(this, cfg_, options_.external_labels);
  consumer_->set_want_metadata(v2 && options_.metadata != nullptr);

  std::optional<WalPosition> start;
  if (!options_.position_file.empty()) {
    absl::StatusOr<std::optional<WalPosition>> saved =
        ReadPositionFile(options_.env, options_.position_file);
    if (!saved.ok()) {
      // A damaged position file must not stop sending: start at the end, as without one.
      Log().Warn("Unreadable remote write position; sending from the end of the WAL",
                 {{"remote_name", name_}, {"url", cfg_.url}, {"err", saved.status()}});
    } else {
      start = *saved;
    }
  }
  {
    util::MutexLock lock(&progress_mu_);
    resumed_ = start.has_value();
    if (start) sent_ = saved_ = *start;
  }
  WalWatcherOptions wopts;
  wopts.name = name_;
  wopts.poll_interval = options_.watcher_poll_interval;
  watcher_ = std::make_unique<WalWatcher>(options_.env, options_.wal_dir, consumer_.get(), wopts);
  if (start) {
    Log().Info("Resuming remote write from its saved WAL position", {{"remote_name", name_},
                                                                     {"url", cfg_.url},
                                                                     {"segment", start->segment},
                                                                     {"offset", start->offset}});
  }
  absl::Status s = start ? watcher_->StartAt(*start) : watcher_->StartFromNow();
  if (!s.ok()) return s;
  if (options_.metadata != nullptr && (v2 || cfg_.metadata_config.send)) {
    metadata_thread_ = std::thread([this] { MetadataLoop(); });
  }
  return absl::OkStatus();
}

void WriteQueue::Stop() {
  if (stopped_) return;
  stopped_ = true;
  {
    std::lock_guard<std::mutex> lock(metadata_mu_);
    stopping_ = true;
  }
  metadata_cv_.notify_all();
  if (metadata_thread_.joinable()) metadata_thread_.join();
  // The queue first: a watcher blocked on a full queue returns from Append once it stops.
  if (queue_ != nullptr) {
    if (absl::Status s = queue_->Stop(options_.flush_deadline); !s.ok()) {
      Log().Warn(
          "Remote write queue stopped before sending everything; the rest is sent after "
          "the next start from the saved WAL position",
          {{"remote_name", name_}, {"url", cfg_.url}, {"err", s}});
    }
  }
  if (watcher_ != nullptr) watcher_->Stop();
  if (queue_ != nullptr) OnProgress();
}

void WriteQueue::OnProgress() {
  if (queue_ == nullptr) return;
  util::MutexLock lock(&progress_mu_);
  const uint64_t done = queue_->DoneBefore();
  bool advanced = false;
  while (!pending_.empty() && pending_.front().end_seq <= done) {
    sent_ = pending_.front().after;
    pending_.pop_front();
    advanced = true;
  }
  if (!advanced || options_.position_file.empty() || sent_ == saved_) return;
  if (absl::Status s = WritePositionFile(options_.env, options_.position_file, sent_, cfg_.url);
      !s.ok()) {
    if (position_error_.empty()) {
      Log().Error("Cannot save the remote write position",
                  {{"remote_name", name_}, {"file", options_.position_file}, {"err", s}});
    }
    position_error_ = std::string(s.message());
    return;
  }
  position_error_.clear();
  saved_ = sent_;
}

int WriteQueue::LowestSegmentNeeded() const {
  util::MutexLock lock(&progress_mu_);
  if (!pending_.empty() || resumed_ || sent_.segment > 0) return sent_.segment;
  // Nothing sent yet from a fresh start: the watcher started at the end of the WAL.
  WalWatcherStats w = watcher_->stats();
  return std::max(0, w.current_segment);
}

WriteQueueStats WriteQueue::stats() const {
  WriteQueueStats s;
  s.queue = queue_->stats();
  s.watcher = watcher_->stats();
  s.dropped_series_samples = consumer_->dropped_series();
  s.unknown_series_samples = consumer_->unknown_series();
  s.highest_queued_timestamp_ms = consumer_->highest();
  s.series = consumer_->tracked();
  s.metadata_total = metadata_total_.load();
  s.metadata_failed_total = metadata_failed_.load();
  s.metadata_retried_total = metadata_retried_.load();
  s.metadata_bytes_total = metadata_bytes_.load();
  client_->LastError(&s.last_error, &s.last_error_time);
  util::MutexLock lock(&progress_mu_);
  s.sent_position = sent_;
  s.resumed = resumed_;
  s.position_error = position_error_;
  return s;
}

void WriteQueue::MetadataLoop() {
  for (;;) {
    std::vector<MetricMetadata> metadata = options_.metadata();
    const bool v2 =
        ParseWriteMessage(cfg_.protobuf_message).value_or(WriteMessage::kV1) == WriteMessage::kV2;
    if (v2) {
      consumer_->SetMetadata(std::move(metadata));
    } else {
      SendMetadata(metadata);
    }
    std::unique_lock<std::mutex> lock(metadata_mu_);
    // 2.0 only needs the table for new series; refresh it as often as 1.0 sends.
    if (metadata_cv_.wait_for(lock, absl::ToChronoSeconds(cfg_.metadata_config.send_interval),
                              [this] { return stopping_; })) {
      return;
    }
  }
}

void WriteQueue::SendMetadata(const std::vector<MetricMetadata>& metadata) {
  const size_t per_send =
      static_cast<size_t>(std::max<int64_t>(1, cfg_.metadata_config.max_samples_per_send));
  std::string scratch, body;
  for (size_t i = 0; i < metadata.size(); i += per_send) {
    std::span<const MetricMetadata> batch(metadata.data() + i,
                                          std::min(per_send, metadata.size() - i));
    EncodeSnappyMetadataRequest(batch, &scratch, &body);
    absl::Duration backoff = cfg_.queue_config.min_backoff;
    for (int attempt = 0;; ++attempt) {
      WriteResult r = client_->Store(body, attempt);
      metadata_total_ += static_cast<int64_t>(batch.size());
      metadata_bytes_ += static_cast<int64_t>(body.size());
      if (r.ok()) break;
      if (r.kind == WriteResult::Kind::kNonRecoverable) {
        metadata_failed_ += static_cast<int64_t>(batch.size());
        Log().Error("non-recoverable error while sending metadata", {{"remote_name", name_},
                                                                     {"url", cfg_.url},
                                                                     {"count", batch.size()},
                                                                     {"err", r.message}});
        break;
      }
      metadata_retried_ += static_cast<int64_t>(batch.size());
      absl::Duration wait = r.retry_after > absl::ZeroDuration() ? r.retry_after : backoff;
      backoff = std::min(backoff * 2, cfg_.queue_config.max_backoff);
      std::unique_lock<std::mutex> lock(metadata_mu_);
      if (metadata_cv_.wait_for(lock, absl::ToChronoMilliseconds(wait),
                                [this] { return stopping_; })) {
        return;
      }
    }
  }
}

}  // namespace sextant::remote
