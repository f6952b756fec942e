#pragma once

// WriteQueue: one remote_write entry at work. A WalWatcher (wal_watcher.h) tails the WAL; the
// queue turns its series records into the labels to send (external labels added, then the
// entry's write_relabel_configs applied) and hands each sample of a kept series to a
// QueueManager (queue_manager.h), which batches, shards and sends it.
//
// Resuming (beyond Prometheus, whose queues restart at the end of the WAL): the WAL position up
// to which every sample has been sent — delivered, refused for good, or dropped on purpose — is
// written to a position file (docs/format/remote-write-position.md) after every batch. A new
// WriteQueue whose position file exists resumes there, so a restart, clean or after SIGKILL,
// skips nothing the WAL still holds and repeats at most the batches that were in flight. Without
// a position file it starts at the end of the WAL, as Prometheus does.
//
// Series: the queue keeps each series' labels to send, from the WAL's series records, and forgets
// a series with no sample in the 6 hours before the newest sample read (by then the head has
// dropped it; a series that comes back gets a new ref and series record).
//
// Metadata (metadata_config.send, remote write 1.0): every send_interval the queue sends the
// metadata of every metric family the scrape targets expose, in requests of at most
// metadata_config.max_samples_per_send entries. With remote write 2.0 each series carries its
// family's metadata instead.
//
// Thread-safety: the public methods may be called from any thread; Stop is called once, by the
// owner (WriteStorage).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "config/config.h"
#include "remote/codec.h"
#include "remote/queue_manager.h"
#include "remote/wal_watcher.h"
#include "remote/write_client.h"
#include "util/env.h"
#include "util/mutex.h"

namespace sextant::remote {

// The metric families' metadata, keyed by family name (what the scrape targets expose).
using MetadataSource = std::function<std::vector<MetricMetadata>()>;

struct WriteQueueOptions {
  util::Env* env = nullptr;
  std::string wal_dir;        // the WAL to tail
  std::string position_file;  // "" keeps no position (always starts at the end of the WAL)
  model::Labels external_labels;
  MetadataSource metadata;  // may be null: no metadata is sent
  // How long Stop waits for queued samples to be sent (--storage.remote.flush-deadline).
  absl::Duration flush_deadline = absl::Minutes(1);
  absl::Duration watcher_poll_interval = absl::Milliseconds(50);
};

// Counters of the queue's own work (those of sending are in QueueManagerStats).
struct WriteQueueStats {
  QueueManagerStats queue;
  WalWatcherStats watcher;
  // Samples read from the WAL but not queued, by Prometheus's reason: "dropped_series"
  // (write_relabel_configs dropped the series) and "unintentionally_dropped_series" (no series
  // record was read for the sample's reference).
  int64_t dropped_series_samples = 0;
  int64_t unknown_series_samples = 0;
  // Series whose labels the queue holds (those with a sample in the last 6 h of the data read).
  int64_t series = 0;
  // prometheus_remote_storage_queue_highest_timestamp_seconds, in ms: the highest timestamp queued.
  int64_t highest_queued_timestamp_ms = 0;
  // Metadata (remote write 1.0 only).
  int64_t metadata_total = 0;
  int64_t metadata_failed_total = 0;
  int64_t metadata_retried_total = 0;
  int64_t metadata_bytes_total = 0;
  // Where the queue has sent up to (the persisted position), and whether it resumed from one.
  WalPosition sent_position;
  bool resumed = false;
  std::string position_error;  // the last error writing the position file, "" when none
  // The last failed send's error (samples or metadata) and when it happened; "" when none yet.
  std::string last_error;
  absl::Time last_error_time = absl::InfinitePast();
};

class WriteQueue {
 public:
  // Creates the client (errors: the config's url or HTTP settings are unusable) and starts
  // watching: from the saved position when `options.position_file` holds one, else from now.
  static absl::StatusOr<std::unique_ptr<WriteQueue>> Start(std::string name,
                                                           const config::RemoteWriteConfig& cfg,
                                                           WriteQueueOptions options);
  // As Start, with a client of the caller's (tests).
  static absl::StatusOr<std::unique_ptr<WriteQueue>> StartWithClient(
      std::string name, const config::RemoteWriteConfig& cfg, WriteQueueOptions options,
      std::shared_ptr<WriteClient> client);
  ~WriteQueue();
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Stops reading the WAL, sends what is queued (up to the flush deadline) and saves the
  // position. Idempotent.
  void Stop();

  // Wakes the watcher to read what was just committed.
  void Notify() { watcher_->Notify(); }

  const std::string& name() const { return name_; }
  const std::string& url() const { return cfg_.url; }
  // The lowest WAL segment this queue still needs (its sent position's segment).
  int LowestSegmentNeeded() const;
  WriteQueueStats stats() const;

 private:
  class Consumer;
  class RecordingClient;

  WriteQueue(std::string name, const config::RemoteWriteConfig& cfg, WriteQueueOptions options,
             std::shared_ptr<WriteClient> client);
  absl::Status Begin();
  // After a batch finished: saves the furthest position every sample before which is done.
  void OnProgress();
  void MetadataLoop();
  void SendMetadata(const std::vector<MetricMetadata>& metadata);

  const std::string name_;
  const config::RemoteWriteConfig cfg_;
  const WriteQueueOptions options_;
  // The configured client, wrapped to remember the last error; shared by the queue manager's
  // shards and the metadata sender.
  std::shared_ptr<RecordingClient> client_;
  std::unique_ptr<QueueManager> queue_;
  std::unique_ptr<Consumer> consumer_;
  std::unique_ptr<WalWatcher> watcher_;

  // Samples records handed to the queue: the sequence number after the record's last sample and
  // the position after the record. Popped once QueueManager::DoneBefore passes them.
  struct Pending {
    uint64_t end_seq;
    WalPosition after;
  };
  mutable util::Mutex progress_mu_;
  std::deque<Pending> pending_ ABSL_GUARDED_BY(progress_mu_);
  WalPosition sent_ ABSL_GUARDED_BY(progress_mu_);
  bool resumed_ ABSL_GUARDED_BY(progress_mu_) = false;
  std::string position_error_ ABSL_GUARDED_BY(progress_mu_);
  WalPosition saved_ ABSL_GUARDED_BY(progress_mu_);

  std::atomic<int64_t> metadata_total_{0};
  std::atomic<int64_t> metadata_failed_{0};
  std::atomic<int64_t> metadata_retried_{0};
  std::atomic<int64_t> metadata_bytes_{0};
  std::mutex metadata_mu_;
  std::condition_variable metadata_cv_;
  bool stopping_ = false;  // guarded by metadata_mu_
  std::thread metadata_thread_;
  bool stopped_ = false;
};

}  // namespace sextant::remote
