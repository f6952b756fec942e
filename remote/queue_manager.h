#pragma once

// QueueManager: the sending side of one remote_write entry, as Prometheus's
// storage/remote/queue_manager.go. The caller (the WAL watcher, later) appends samples whose
// labels are already relabelled; the manager spreads them over shards by series reference, and
// each shard batches, encodes (codec.h) and sends (write_client.h) on its own thread.
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
//     non-recoverable failure drops the batch (samples_failed_total).
//   - Shard count: min_shards at the start; Reshard(n) changes it. Dynamic resharding from the
//     send rate, as Prometheus's calculateDesiredShards, is not implemented yet, nor
//     sample_age_limit, exemplars, native histograms or metadata.
//
// Thread-safety: Append and stats() may be called from any number of threads. Reshard and Stop
// are control calls: from one thread at a time (the owner's), never concurrently with each other.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "config/config.h"
#include "model/labels.h"
#include "remote/write_client.h"
#include "util/mutex.h"

namespace sextant::remote {

// The counters Prometheus exports as prometheus_remote_storage_* for one queue.
struct QueueManagerStats {
  // samples_total: samples in each send attempt (a batch sent three times counts three times).
  int64_t samples_total = 0;
  // samples_failed_total: samples of batches the endpoint refused for good (non-recoverable).
  int64_t samples_failed_total = 0;
  // samples_retried_total: samples of attempts that failed recoverably and were tried again.
  int64_t samples_retried_total = 0;
  // samples_dropped_total: samples discarded without being delivered or refused: those still
  // queued or being retried when Stop's deadline passed, and those appended after Stop.
  int64_t samples_dropped_total = 0;
  // samples_pending: samples queued or being sent.
  int64_t samples_pending = 0;
  // shards: the current shard count.
  int64_t shards = 0;
  // queue_highest_sent_timestamp_seconds, in milliseconds: the highest sample timestamp of the
  // batches delivered so far; 0 before the first.
  int64_t highest_sent_timestamp_ms = 0;
};

class QueueManager {
 public:
  // Starts `cfg.min_shards` shards (at least one). `client` is used by every shard at once.
  // `name` identifies the queue in logs (Prometheus's remote_name).
  QueueManager(std::string name, const config::QueueConfig& cfg,
               std::unique_ptr<WriteClient> client);
  // Stops with a zero deadline if Stop was not called: whatever is still queued is dropped.
  ~QueueManager();
  QueueManager(const QueueManager&) = delete;
  QueueManager& operator=(const QueueManager&) = delete;

  // Queues one sample of the series `ref` (the caller's stable reference for `labels`). Blocks
  // while the shard's queue is full. Returns false, and counts the sample dropped, when the
  // manager is stopping or stopped.
  bool Append(uint64_t ref, const model::Labels& labels, int64_t timestamp_ms, double value);

  // Changes the shard count to `n` (clamped to at least 1). Appends wait meanwhile. Each shard
  // finishes the batch it is sending (a batch that fails recoverably is not retried there but
  // taken along), and its queue moves, in order, to the new shards, so per-series order holds
  // and nothing is dropped. Takes about as long as the slowest send in flight.
  void Reshard(int n);

  // Stops accepting samples and sends what is queued. Returns OK when everything was delivered
  // or refused by `deadline` from now; otherwise stops retrying, drops the rest (counted in
  // samples_dropped_total) and returns DeadlineExceeded. A send in flight at the deadline is
  // waited for (at most the client's remote_timeout). Calling Stop again returns OK.
  absl::Status Stop(absl::Duration deadline);

  QueueManagerStats stats() const;

  // Counters and settings the shards share; public only for the implementation's Shard class.
  struct Shared;

 private:
  class Shard;

  std::unique_ptr<Shared> shared_;
  // Append holds it shared; Reshard and Stop exclusively.
  mutable util::Mutex shards_mu_;
  std::vector<std::unique_ptr<Shard>> shards_ ABSL_GUARDED_BY(shards_mu_);
  bool stopped_ ABSL_GUARDED_BY(shards_mu_) = false;
  std::atomic<bool> stopping_{false};
};

}  // namespace sextant::remote
