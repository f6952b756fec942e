#include "remote/write_storage.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <utility>

#include <xxhash.h>

#include "config/marshal.h"
#include "tsdb/wal/segment.h"
#include "util/go_format.h"
#include "util/log.h"
#include "util/strings.h"

namespace sextant::remote {
namespace {

const util::Logger& Log() {
  static const util::Logger logger("remote");
  return logger;
}

std::string Hex(uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

// What decides whether a running queue can stay on reload: its settings and the external labels
// (which it adds to every series).
std::string QueueKey(const config::RemoteWriteConfig& cfg, const model::Labels& external) {
  std::string text = config::RemoteWriteConfigFingerprint(cfg);
  for (const model::Label& l : external) util::StrAppend(&text, "\n", l.name, "=", l.value);
  return Hex(XXH3_64bits(text.data(), text.size()));
}

// The position file of a queue: named for what it sends to, so that changing other settings
// resumes where the previous queue stopped.
std::string PositionFileName(const config::RemoteWriteConfig& cfg) {
  const std::string id = util::StrCat(cfg.name, "\n", cfg.url);
  return util::StrCat("queue-", Hex(XXH3_64bits(id.data(), id.size())), ".position");
}

}  // namespace

std::string RemoteName(const config::RemoteWriteConfig& cfg) {
  if (!cfg.name.empty()) return cfg.name;
  std::string text = config::RemoteWriteConfigFingerprint(cfg);
  return Hex(XXH3_64bits(text.data(), text.size())).substr(0, 6);
}

WriteStorage::WriteStorage(WriteStorageOptions options)
    : options_(std::move(options)),
      env_(options_.env != nullptr ? options_.env : util::Env::Default()) {
  if (options_.registry != nullptr) RegisterMetrics(options_.registry);
}

WriteStorage::~WriteStorage() { Stop(); }

absl::Status WriteStorage::ApplyConfig(const config::Config& config) {
  const model::Labels& external = config.global.external_labels;
  std::vector<std::string> keys;
  for (const config::RemoteWriteConfig& rw : config.remote_write) {
    keys.push_back(QueueKey(rw, external));
  }
  util::MutexLock apply_lock(&apply_mu_);
  std::vector<Running> old;
  {
    // While the queues are out of queues_, the WAL keeps what they needed before.
    const int hold = TruncationHold();
    util::MutexLock lock(&mu_);
    hold_while_applying_ = hold;
    old = std::move(queues_);
    queues_.clear();
  }
  // Unchanged entries keep their queue; new ones are started before the old ones stop, so a
  // failed start leaves everything as it was.
  std::vector<Running> next(config.remote_write.size());
  std::vector<bool> reused(old.size(), false);
  absl::Status error;
  for (size_t i = 0; i < config.remote_write.size() && error.ok(); ++i) {
    const config::RemoteWriteConfig& rw = config.remote_write[i];
    for (size_t j = 0; j < old.size(); ++j) {
      if (!reused[j] && old[j].key == keys[i]) {
        next[i] = std::move(old[j]);
        reused[j] = true;
        break;
      }
    }
    if (next[i].queue != nullptr) continue;
    // A changed entry sending to the same place: its old queue must stop (and save its position)
    // before the new one reads that position.
    for (size_t j = 0; j < old.size(); ++j) {
      if (!reused[j] && old[j].queue != nullptr && old[j].queue->url() == rw.url &&
          old[j].queue->name() == RemoteName(rw)) {
        old[j].queue->Stop();
      }
    }
    WriteQueueOptions qo;
    qo.env = env_;
    qo.wal_dir = options_.wal_dir;
    if (!options_.state_dir.empty()) {
      if (absl::Status s = env_->CreateDir(options_.state_dir); !s.ok()) {
        error = s;
        break;
      }
      qo.position_file = util::JoinPath(options_.state_dir, PositionFileName(rw));
    }
    qo.external_labels = external;
    qo.metadata = options_.metadata;
    qo.flush_deadline = options_.flush_deadline;
    qo.watcher_poll_interval = options_.watcher_poll_interval;
    absl::StatusOr<std::unique_ptr<WriteQueue>> q = WriteQueue::Start(RemoteName(rw), rw, qo);
    if (!q.ok()) {
      error = q.status();
      break;
    }
    next[i] = Running{keys[i], rw.protobuf_message, *std::move(q)};
  }
  if (!error.ok()) {
    // Put back what ran before (queues stopped above for a changed entry stay stopped: their
    // replacement failed, and the error is reported).
    for (Running& r : next) {
      if (r.queue == nullptr) continue;
      bool was_old = false;
      for (size_t j = 0; j < old.size(); ++j) {
        if (reused[j] && old[j].queue == nullptr && old[j].key == r.key) {
          old[j] = std::move(r);
          was_old = true;
          break;
        }
      }
      if (!was_old) r.queue->Stop();
    }
    util::MutexLock lock(&mu_);
    for (Running& r : old) {
      if (r.queue != nullptr) queues_.push_back(std::move(r));
    }
    hold_while_applying_.reset();
    return error;
  }
  for (size_t j = 0; j < old.size(); ++j) {
    if (!reused[j] && old[j].queue != nullptr) old[j].queue->Stop();
  }
  util::MutexLock lock(&mu_);
  queues_ = std::move(next);
  hold_while_applying_.reset();
  return absl::OkStatus();
}

void WriteStorage::Notify() {
  util::MutexLock lock(&mu_);
  for (Running& r : queues_) r.queue->Notify();
}

int WriteStorage::TruncationHold() const {
  util::MutexLock lock(&mu_);
  if (hold_while_applying_) return *hold_while_applying_;
  if (queues_.empty()) return INT_MAX;
  int needed = INT_MAX;
  for (const Running& r : queues_) needed = std::min(needed, r.queue->LowestSegmentNeeded());
  // The bound: the segments from the newest back that fit in max_wal_hold_bytes.
  absl::StatusOr<std::vector<int>> segments = tsdb::wal::ListSegments(env_, options_.wal_dir);
  if (!segments.ok() || segments->empty()) return needed;
  int64_t bytes = 0;
  int bound = segments->back();
  for (auto it = segments->rbegin(); it != segments->rend(); ++it) {
    absl::StatusOr<int64_t> size = env_->GetFileSize(tsdb::wal::SegmentPath(options_.wal_dir, *it));
    bytes += size.ok() ? *size : 0;
    if (bytes > options_.max_wal_hold_bytes) break;
    bound = *it;
  }
  if (needed < bound) {
    if (warned_hold_segment_ != bound) {
      warned_hold_segment_ = bound;
      Log().Warn(
          "A remote write queue is further behind than the WAL it may hold; older segments are "
          "released for truncation and their samples will not be sent",
          {{"needed_segment", needed},
           {"released_before", bound},
           {"max_hold_bytes", options_.max_wal_hold_bytes}});
    }
    return bound;
  }
  return needed;
}

int64_t WriteStorage::LowestSentTimestamp() const {
  util::MutexLock lock(&mu_);
  int64_t lowest = INT64_MAX;
  for (const Running& r : queues_) {
    lowest = std::min(lowest, r.queue->stats().queue.highest_sent_timestamp_ms);
  }
  return lowest;
}

std::vector<RemoteWriteQueueStatus> WriteStorage::Queues() const {
  util::MutexLock lock(&mu_);
  std::vector<RemoteWriteQueueStatus> out;
  out.reserve(queues_.size());
  for (const Running& r : queues_) {
    out.push_back({r.queue->name(), r.queue->url(), r.protobuf_message, r.queue->stats()});
  }
  return out;
}

void WriteStorage::RegisterMetrics(util::Registry* registry) {
  using Status = RemoteWriteQueueStatus;
  const std::vector<std::string> names = {"remote_name", "url"};
  // One sample per queue: `value` of its status.
  auto per_queue = [this, registry, names](const std::string& name, const std::string& help,
                                           util::MetricType type,
                                           std::function<double(const Status&)> value) {
    registry->NewCallbackFamily(
        name, help, type, [this, name, names, value = std::move(value)](util::MetricWriter& w) {
          for (const Status& q : Queues()) w.Sample(name, names, {q.name, q.url}, value(q));
        });
  };
  const std::string p = "prometheus_remote_storage_";
  constexpr util::MetricType kCounter = util::MetricType::kCounter;
  constexpr util::MetricType kGauge = util::MetricType::kGauge;
  per_queue(p + "samples_total", "Total number of samples sent to remote storage.", kCounter,
            [](const Status& q) { return q.stats.queue.samples_total; });
  per_queue(p + "samples_failed_total",
            "Total number of samples which failed on send to remote storage, non-recoverable "
            "errors.",
            kCounter, [](const Status& q) { return q.stats.queue.samples_failed_total; });
  per_queue(p + "samples_retried_total",
            "Total number of samples which failed on send to remote storage but were retried "
            "because the send error was recoverable.",
            kCounter, [](const Status& q) { return q.stats.queue.samples_retried_total; });
  registry->NewCallbackFamily(
      p + "samples_dropped_total",
      "Total number of samples which were dropped after being read from the WAL before being "
      "sent via remote write, either via relabelling, due to being too old or unintentionally "
      "because of an unknown reference ID.",
      kCounter, [this, p](util::MetricWriter& w) {
        const std::vector<std::string> labels = {"remote_name", "url", "reason"};
        for (const Status& q : Queues()) {
          auto sample = [&](const char* reason, int64_t n) {
            w.Sample(p + "samples_dropped_total", labels, {q.name, q.url, reason},
                     static_cast<double>(n));
          };
          sample("dropped_series", q.stats.dropped_series_samples);
          sample("too_old", q.stats.queue.samples_dropped_too_old);
          sample("unintentionally_dropped_series", q.stats.unknown_series_samples);
        }
      });
  per_queue(p + "samples_pending",
            "The number of samples pending in the queues shards to be sent to the remote "
            "storage.",
            kGauge, [](const Status& q) { return q.stats.queue.samples_pending; });
  per_queue(p + "enqueue_retries_total",
            "Total number of times enqueue has failed because a shards queue was full.", kCounter,
            [](const Status& q) { return q.stats.queue.enqueue_retries_total; });
  per_queue(p + "bytes_total",
            "The total number of bytes of data (not metadata) sent by the queue after "
            "compression. Note that when exemplars over remote write is enabled the exemplars "
            "included in a remote write request count towards this metric.",
            kCounter, [](const Status& q) { return q.stats.queue.bytes_total; });
  per_queue(p + "metadata_total", "Total number of metadata entries sent to remote storage.",
            kCounter, [](const Status& q) { return q.stats.metadata_total; });
  per_queue(p + "metadata_failed_total",
            "Total number of metadata entries which failed on send to remote storage, "
            "non-recoverable errors.",
            kCounter, [](const Status& q) { return q.stats.metadata_failed_total; });
  per_queue(p + "metadata_retried_total",
            "Total number of metadata entries which failed on send to remote storage but were "
            "retried because the send error was recoverable.",
            kCounter, [](const Status& q) { return q.stats.metadata_retried_total; });
  per_queue(p + "metadata_bytes_total",
            "The total number of bytes of metadata sent by the queue after compression.", kCounter,
            [](const Status& q) { return q.stats.metadata_bytes_total; });
  per_queue(p + "queue_highest_timestamp_seconds",
            "Highest timestamp that was enqueued, in seconds since epoch. Initialized to 0 when "
            "no data has been received yet.",
            kGauge, [](const Status& q) { return q.stats.highest_queued_timestamp_ms / 1000.0; });
  per_queue(p + "queue_highest_sent_timestamp_seconds",
            "Highest timestamp successfully sent by this queue, in seconds since epoch. "
            "Initialized to 0 when no data has been sent yet.",
            kGauge,
            [](const Status& q) { return q.stats.queue.highest_sent_timestamp_ms / 1000.0; });
  per_queue(p + "shard_capacity",
            "The capacity of each shard of the queue used for parallel sending to the remote "
            "storage.",
            kGauge, [](const Status& q) { return q.stats.queue.shard_capacity; });
  per_queue(p + "shards", "The number of shards used for parallel sending to the remote storage.",
            kGauge, [](const Status& q) { return q.stats.queue.shards; });
  per_queue(p + "shards_max", "The maximum number of shards that the queue is allowed to run.",
            kGauge, [](const Status& q) { return q.stats.queue.shards_max; });
  per_queue(p + "shards_min", "The minimum number of shards that the queue is allowed to run.",
            kGauge, [](const Status& q) { return q.stats.queue.shards_min; });
  per_queue(p + "shards_desired",
            "The number of shards that the queues shard calculation wants to run based on the "
            "rate of samples in vs. samples out.",
            kGauge, [](const Status& q) { return q.stats.queue.shards_desired; });
  per_queue(p + "max_samples_per_send",
            "The maximum number of samples to be sent, in a single request, to the remote "
            "storage. Note that, when sending of exemplars over remote write is enabled, "
            "exemplars count towards this limit.",
            kGauge, [](const Status& q) { return q.stats.queue.max_samples_per_send; });
  registry->NewCallbackFamily(
      p + "sent_batch_duration_seconds", "Duration of send calls to the remote storage.",
      util::MetricType::kHistogram, [this, p](util::MetricWriter& w) {
        const std::string name = p + "sent_batch_duration_seconds";
        const std::vector<std::string> labels = {"remote_name", "url", "le"};
        for (const Status& q : Queues()) {
          const HistogramSnapshot& h = q.stats.queue.sent_batch_duration_seconds;
          for (size_t i = 0; i < h.upper_bounds.size() && i < h.cumulative_counts.size(); ++i) {
            w.Sample(name + "_bucket", labels,
                     {q.name, q.url, util::FormatFloatGo(h.upper_bounds[i])},
                     static_cast<double>(h.cumulative_counts[i]));
          }
          w.Sample(name + "_bucket", labels, {q.name, q.url, "+Inf"}, static_cast<double>(h.count));
          w.Sample(name + "_sum", {"remote_name", "url"}, {q.name, q.url}, h.sum);
          w.Sample(name + "_count", {"remote_name", "url"}, {q.name, q.url},
                   static_cast<double>(h.count));
        }
      });
  // Storage-wide, as Prometheus's WriteStorage.
  registry->NewGaugeFunc(p + "highest_timestamp_in_seconds",
                         "Highest timestamp that has come into the remote storage via the "
                         "Appender interface, in seconds since epoch. Initialized to 0 when no "
                         "data has been received yet.",
                         [this] {
                           int64_t ms = 0;
                           for (const Status& q : Queues()) {
                             ms = std::max(ms, q.stats.highest_queued_timestamp_ms);
                           }
                           return ms / 1000.0;
                         });
  registry->NewCallbackFamily("prometheus_wal_watcher_current_segment",
                              "Current segment the WAL watcher is reading records from.", kGauge,
                              [this](util::MetricWriter& w) {
                                for (const Status& q : Queues()) {
                                  w.Sample("prometheus_wal_watcher_current_segment", {"consumer"},
                                           {q.name}, q.stats.watcher.current_segment);
                                }
                              });
  registry->NewCallbackFamily(
      "prometheus_wal_watcher_records_read_total",
      "Number of records read by the WAL watcher from the WAL.", kCounter,
      [this](util::MetricWriter& w) {
        const std::string name = "prometheus_wal_watcher_records_read_total";
        for (const Status& q : Queues()) {
          w.Sample(name, {"consumer", "type"}, {q.name, "series"},
                   static_cast<double>(q.stats.watcher.series_records));
          w.Sample(name, {"consumer", "type"}, {q.name, "samples"},
                   static_cast<double>(q.stats.watcher.samples_records +
                                       q.stats.watcher.skipped_samples_records));
          w.Sample(name, {"consumer", "type"}, {q.name, "tombstones"},
                   static_cast<double>(q.stats.watcher.tombstones_records));
        }
      });
  registry->NewCallbackFamily(
      "prometheus_wal_watcher_record_decode_failures_total",
      "Number of records read by the WAL watcher that resulted in an error when decoding.",
      kCounter, [this](util::MetricWriter& w) {
        for (const Status& q : Queues()) {
          w.Sample("prometheus_wal_watcher_record_decode_failures_total", {"consumer"}, {q.name},
                   static_cast<double>(q.stats.watcher.bad_records));
        }
      });
}

void WriteStorage::Stop() {
  std::vector<Running> queues;
  {
    util::MutexLock lock(&mu_);
    queues = std::move(queues_);
    queues_.clear();
  }
  for (Running& r : queues) r.queue->Stop();
}

}  // namespace sextant::remote
