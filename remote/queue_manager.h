#pragma once

// QueueManager: the sending side of one remote_write entry, as Prometheus's
// storage/remote/queue_manager.go. The caller (WriteQueue, fed by the WAL watcher) appends
// samples whose labels are already relabelled; the manager spreads them over shards by series
// reference, and each shard batches, encodes (options.encode, by default codec.h's remote write
// 1.0) and sends (write_client.h) on its own thread.
//
//   - Sharding: a series' samples always go to the same shard (a hash of the series reference
//     modulo the shard count), and a shard sends one batch at a time, retrying it until it is
//     delivered or refused, so the samples of one series reach the endpoint in append order.
//   - Batching: a shard sends when it holds max_samples_per_send samples, or batch_send_deadline
//     after the oldest of its queued samples arrived (or after its previous send, if later).
//   - Back-pressure: each shard's queue holds at most `capacity` samples; Append blocks while
//     the chosen shard's queue is full, so a slow endpoint slows down the reader of the WAL
//     rather than growing memory.
//   - Retries: a recoverable failure (write_client.h) is retried after min_backoff, doubling up
//     to max_backoff; a Retry-After from the server replaces the wait of that attempt. A
//     non-recoverable failure drops the batch (samples_failed_total). Sends go through
//     WriteClient::StoreBatch, so a 2.0 receiver's 2xx that reports nothing written is one, and
//     samples a receiver reports not written count as failed too.
//   - sample_age_limit (0: none): a sample older than the limit, measured against the wall clock
//     (options.clock), is not sent: checked when appended, before the first attempt of its batch
//     and before each retry. It counts in samples_dropped_too_old.
//   - Shard count: min_shards at the start. Every options.shard_update_interval (Prometheus: 10 s)
//     a timer computes the desired count as Prometheus's calculateDesiredShards does: EWMAs
//     (weight 0.2) of the samples appended, sent (delivered or refused) and dropped as too old per
//     second and of the time spent sending; desired = time per sample x (in rate x kept ratio +
//     5% of the backlog), where the backlog is the highest appended minus the highest delivered
//     timestamp times the in rate. It reshards to ceil(desired) clamped to [min_shards,
//     max_shards] unless that is within 30% of the current count, no batch finished during the
//     last interval, a recoverable failure happened less than twice its backoff ago, or it would
//     shard down while more than 10 s behind. Reshard(n) also changes it by hand.
//     Caveat: Prometheus counts samples in where they enter the TSDB; here it is Append, which a
//     full queue slows down, so a backlog shows mostly through the timestamp delay.
//   - Progress: each Append gets a sequence number (0, 1, 2, ... in call order); DoneBefore()
//     says up to where every sample is finished, so the owner can persist a resumable position.
//   - Not implemented: exemplars, native histograms, metadata.
//
// Thread-safety: Append, DoneBefore, appended and stats may be called from any number of threads.
// Reshard and Stop may be called from any thread; they are serialised with each other and with
// the internal resharding timer.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "config/config.h"
#include "model/labels.h"
#include "remote/codec.h"
#include "remote/write_client.h"
#include "util/mutex.h"

namespace sextant::remote {

// A histogram's state, as Prometheus exports it (the _bucket, _sum and _count series).
struct HistogramSnapshot {
  // The finite bucket upper bounds (le), ascending; the +Inf bucket is `count`.
  std::vector<double> upper_bounds;
  // cumulative_counts[i]: observations <= upper_bounds[i].
  std::vector<int64_t> cumulative_counts;
  double sum = 0;
  int64_t count = 0;
};

// What Prometheus exports as prometheus_remote_storage_<name>{remote_name, url} for one queue.
// A plain snapshot: the values of one stats() call.
struct QueueManagerStats {
  // samples_in_total: Append calls (Prometheus counts its samples_in where they enter the TSDB,
  // across all queues; the owner may sum these).
  int64_t samples_in_total = 0;
  // samples_total: samples in each send attempt (a batch sent three times counts three times).
  int64_t samples_total = 0;
  // samples_failed_total: samples of batches the endpoint refused for good (non-recoverable,
  // including a 2.0 receiver's 2xx that reports nothing written), and those of a delivered
  // batch that the receiver's written-count headers say it did not write (WriteResult::Accepted).
  int64_t samples_failed_total = 0;
  // samples_retried_total: samples of attempts that failed recoverably and were tried again.
  int64_t samples_retried_total = 0;
  // samples_dropped_total{reason}: samples discarded without being delivered or refused, the sum
  // of the reasons below. (The owner adds Prometheus's "dropped_series" and
  // "unintentionally_dropped_series", which happen before Append.)
  int64_t samples_dropped_total = 0;
  // reason="too_old": older than sample_age_limit when appended or about to be (re)sent.
  int64_t samples_dropped_too_old = 0;
  // reason="stopped" (Sextant's own): still queued or being retried when Stop's deadline passed,
  // or appended after Stop. Prometheus loses these without counting them.
  int64_t samples_dropped_stopped = 0;
  // samples_pending: samples queued or being sent.
  int64_t samples_pending = 0;
  // enqueue_retries_total: times an Append found its shard's queue full and had to wait.
  int64_t enqueue_retries_total = 0;
  // bytes_total: encoded (compressed) request bytes of the batches delivered or refused, each
  // batch counted once (its last attempt), as Prometheus.
  int64_t bytes_total = 0;
  // sent_batch_duration_seconds: the duration of each send attempt (WriteClient::Store), in
  // Prometheus's buckets: .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10 25 60 120 300.
  HistogramSnapshot sent_batch_duration_seconds;
  // shards: the current shard count (0 after Stop).
  int64_t shards = 0;
  // shards_min, shards_max: queue_config's min_shards and max_shards (max at least min).
  int64_t shards_min = 0;
  int64_t shards_max = 0;
  // shards_desired: the last unrounded result of the shard calculation; 0 before the first.
  double shards_desired = 0;
  // shard_capacity: queue_config's capacity (each shard's queue).
  int64_t shard_capacity = 0;
  // max_samples_per_send: queue_config's max_samples_per_send.
  int64_t max_samples_per_send = 0;
  // queue_highest_timestamp_seconds, in milliseconds: the highest timestamp appended (and not
  // dropped as too old); 0 before the first.
  int64_t highest_timestamp_ms = 0;
  // queue_highest_sent_timestamp_seconds, in milliseconds: the highest sample timestamp of the
  // batches delivered so far; 0 before the first.
  int64_t highest_sent_timestamp_ms = 0;
};

// Encodes `samples` into the request body *out (replacing it); `scratch` is the encoder's to
// reuse between calls. Must be safe to call from several threads at once (each shard passes its
// own buffers).
using RequestEncoder = std::function<void(std::span<const SeriesSample> samples,
                                          std::string* scratch, std::string* out)>;

struct QueueManagerOptions {
  // Called after each batch finishes (delivered, refused, or emptied by sample_age_limit) and,
  // when DoneBefore() advanced otherwise (samples dropped as too old at Append), from the
  // resharding timer. Runs on a QueueManager thread, possibly on several at once, with no
  // QueueManager lock held, and never after Stop returned; it may call DoneBefore() and stats(),
  // but not Stop or Reshard. Keep it short: the shard calling it sends nothing meanwhile. Empty:
  // none.
  std::function<void()> on_progress;
  // The request body of a batch. Default (empty): EncodeSnappyWriteRequest, remote write 1.0.
  RequestEncoder encode;
  // How often the shard count is recomputed (Prometheus: 10 s); at least 1 ms.
  absl::Duration shard_update_interval = absl::Seconds(10);
  // The wall clock for sample_age_limit. Default (empty): absl::Now.
  std::function<absl::Time()> clock;
};

// One tick of Prometheus's calculateDesiredShards and shouldReshard, which QueueManager's timer
// runs; exposed for tests. Rates are EWMAs per second.
struct ShardInputs {
  double in_rate = 0;            // samples appended
  double out_rate = 0;           // samples sent (delivered or refused)
  double dropped_rate = 0;       // samples dropped as too old
  double send_seconds_rate = 0;  // seconds spent sending batches (retries included)
  double delay_seconds = 0;      // highest appended minus highest delivered timestamp
  int current = 1;               // the current shard count
  int min_shards = 1;
  int max_shards = 1;
  bool sent_recently = true;       // a batch finished during the last interval
  bool retrying_recently = false;  // a recoverable failure less than twice its backoff ago
};
struct ShardDecision {
  // time per sample x (in rate x kept ratio + 5% of the backlog); nullopt when nothing was sent
  // (then nothing changes).
  std::optional<double> desired;
  // `current`, unless ceil(desired) is outside current +-30%: then that, clamped to
  // [min_shards, max_shards], but never lower than `current` while more than 10 s behind.
  int wanted = 1;
  // `wanted` when sent_recently and not retrying_recently, else `current`.
  int shards = 1;
};
ShardDecision ComputeDesiredShards(const ShardInputs& in);

class QueueManager {
 public:
  // Starts `cfg.min_shards` shards (at least one) and the resharding timer. `client` is used by
  // every shard at once. `name` identifies the queue in logs (Prometheus's remote_name).
  QueueManager(std::string name, const config::QueueConfig& cfg,
               std::unique_ptr<WriteClient> client, QueueManagerOptions options = {});
  // Stops with a zero deadline if Stop was not called: whatever is still queued is dropped.
  ~QueueManager();
  QueueManager(const QueueManager&) = delete;
  QueueManager& operator=(const QueueManager&) = delete;

  // Queues one sample of the series `ref` (the caller's stable reference for `labels`). The
  // call's sequence number is the number of Append calls that took one before it; it is stored
  // in *seq when `seq` is given (from a single appending thread it is also appended() - 1 after
  // the call). Blocks while the shard's queue is full. A sample older than sample_age_limit is
  // dropped at once (samples_dropped_too_old) and true returned. Returns false, and counts the
  // sample dropped (samples_dropped_stopped), when the manager is stopping or stopped.
  // `metadata` is the series' metric family metadata, which only a 2.0 encoder sends.
  bool Append(uint64_t ref, SharedLabels labels, int64_t timestamp_ms, double value,
              uint64_t* seq = nullptr, std::shared_ptr<const MetricMetadata> metadata = nullptr);

  // As Append for each of `samples` in order (their series_ref picks the shard), taking the
  // locks once per batch rather than once per sample; the samples are moved from. Their sequence
  // numbers are consecutive from the one stored in *first_seq (when given), if only one thread
  // appends. Returns how many were queued or dropped as too old before the manager started
  // stopping: samples.size() unless it is stopping, and the rest are dropped
  // (samples_dropped_stopped).
  size_t AppendBatch(std::span<SeriesSample> samples, uint64_t* first_seq = nullptr);

  // The number of sequence numbers given out so far: the next Append's, unless another thread's
  // Append takes it first.
  uint64_t appended() const;

  // Every Append whose sequence number is below the result is finished: delivered, refused for
  // good (non-recoverable), or dropped as too old. Never over-reports: a sample queued, in
  // flight, being retried, or moved by a Reshard is not finished. Samples dropped by Stop
  // (deadline passed, or appended after Stop) are never finished: the WAL still holds them, so
  // a position persisted from DoneBefore makes a restart send them again. Non-decreasing.
  uint64_t DoneBefore() const;

  // Changes the shard count to `n` (clamped to at least 1; not to max_shards). Appends wait
  // meanwhile. Each shard finishes the batch it is sending (a batch that fails recoverably is
  // not retried there but taken along), and its queue moves, in order, to the new shards, so
  // per-series order holds and nothing is dropped. Takes about as long as the slowest send in
  // flight. Does nothing once Stop was called. The timer may change the count again later.
  void Reshard(int n);

  // Stops the resharding timer and accepting samples, and sends what is queued. Returns OK
  // when everything was delivered, refused or dropped as too old by `deadline` from now;
  // otherwise stops retrying, drops the rest (samples_dropped_stopped) and returns
  // DeadlineExceeded. A send in flight at the deadline is waited for (at most the client's
  // remote_timeout). Calling Stop again returns OK. Must not be called from on_progress.
  absl::Status Stop(absl::Duration deadline);

  QueueManagerStats stats() const;

  // Counters and settings the shards share; public only for the implementation's Shard class.
  struct Shared;

 private:
  class Shard;

  void ReshardLocked(int n) ABSL_EXCLUSIVE_LOCKS_REQUIRED(control_mu_);
  void TimerLoop();
  // One tick of the shard calculation; returns the count to reshard to, or 0 to keep it.
  int UpdateDesiredShards();

  std::unique_ptr<Shared> shared_;
  // Reshard, the timer's resharding and Stop, one at a time.
  util::Mutex control_mu_;
  // Append holds it shared; Reshard and Stop exclusively.
  mutable util::Mutex shards_mu_;
  std::vector<std::unique_ptr<Shard>> shards_ ABSL_GUARDED_BY(shards_mu_);
  bool stopped_ ABSL_GUARDED_BY(shards_mu_) = false;
  std::atomic<bool> stopping_{false};
  std::thread timer_;  // last: it starts running in the constructor
};

}  // namespace sextant::remote
