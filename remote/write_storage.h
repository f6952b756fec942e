#pragma once

// WriteStorage: the remote-write sender, as Prometheus's storage/remote WriteStorage. One
// WriteQueue (write_queue.h) per remote_write entry of the current config, each tailing the WAL
// on its own, and the prometheus_remote_storage_* metrics of them all.
//
//   WriteStorage remote({.wal_dir = data + "/wal", .state_dir = data + "/remote-write", ...});
//   reloader.Subscribe("remote_write", [&](const Config& c) { return remote.ApplyConfig(c); });
//   DbOptions.wal_truncation_hold = [&] { return remote.TruncationHold(); };
//   ...
//   remote.Stop();
//
// Reloads: an entry whose settings (and the external labels) are unchanged keeps its running
// queue; a changed entry's queue is stopped (sending what it holds) and a new one started. A
// queue's position file is named for its remote name and URL, so a changed entry with the same
// name and URL resumes where the old one stopped.
//
// WAL retention: TruncationHold() is the lowest WAL segment a queue has not sent yet. The
// storage does not truncate the WAL from there on, except that no queue holds more than
// max_wal_hold_bytes of segments: a receiver down for long lets the oldest segments go (logged),
// and the samples in them are not sent.
//
// Thread-safety: every method may be called from any thread.

#include <climits>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "config/config.h"
#include "remote/write_queue.h"
#include "util/env.h"
#include "util/metrics.h"
#include "util/mutex.h"

namespace sextant::remote {

struct WriteStorageOptions {
  util::Env* env = nullptr;            // null: util::Env::Default()
  std::string wal_dir;                 // the WAL the queues tail
  std::string state_dir;               // the queues' position files; created when needed
  util::Registry* registry = nullptr;  // null: no metrics
  MetadataSource metadata;             // null: no metadata is sent
  // --storage.remote.flush-deadline: how long stopping a queue waits for it to send what it holds.
  absl::Duration flush_deadline = absl::Minutes(1);
  // The most WAL, in bytes of segments from the newest back, that a lagging queue keeps from
  // truncation.
  int64_t max_wal_hold_bytes = int64_t{1} << 30;
  absl::Duration watcher_poll_interval = absl::Milliseconds(50);
};

// One queue as /api/v1/status/remote_write and the UI show it.
struct RemoteWriteQueueStatus {
  std::string name;  // remote_name: the entry's name, or 6 hex digits of its settings' hash
  std::string url;
  std::string protobuf_message;
  WriteQueueStats stats;
};

class WriteStorage {
 public:
  explicit WriteStorage(WriteStorageOptions options);
  ~WriteStorage();
  WriteStorage(const WriteStorage&) = delete;
  WriteStorage& operator=(const WriteStorage&) = delete;

  // Makes the queues match `config.remote_write`. Every new entry's client is created first; if
  // one cannot be (an unusable URL or TLS file), nothing changes and the error is returned.
  absl::Status ApplyConfig(const config::Config& config);

  // Wakes every queue's watcher (after a commit); cheap.
  void Notify();
  // The lowest WAL segment some queue still needs, bounded as described above; INT_MAX when no
  // queue needs any.
  int TruncationHold() const;
  // The oldest of the queues' highest sent timestamps (ms): every queue has sent up to at least
  // there (0 when one has sent nothing yet); INT64_MAX without queues. Agent mode's truncation
  // keeps the series of samples newer than it (Prometheus's LowestSentTimestamp).
  int64_t LowestSentTimestamp() const;
  std::vector<RemoteWriteQueueStatus> Queues() const;
  // Stops every queue (each sends what it holds, up to the flush deadline). Idempotent.
  void Stop();

 private:
  struct Running {
    std::string key;  // the settings' hash: unchanged settings keep the queue
    std::string protobuf_message;
    std::unique_ptr<WriteQueue> queue;
  };
  void RegisterMetrics(util::Registry* registry);

  const WriteStorageOptions options_;
  util::Env* const env_;
  util::Mutex apply_mu_;  // one ApplyConfig at a time
  mutable util::Mutex mu_;
  std::optional<int> hold_while_applying_ ABSL_GUARDED_BY(mu_);
  std::vector<Running> queues_ ABSL_GUARDED_BY(mu_);
  mutable int warned_hold_segment_ ABSL_GUARDED_BY(mu_) = -1;
};

// The remote name Prometheus gives an entry: its name, or the first 6 hex digits of a hash of its
// settings.
std::string RemoteName(const config::RemoteWriteConfig& cfg);

}  // namespace sextant::remote
