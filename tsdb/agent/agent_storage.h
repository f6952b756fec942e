#pragma once

// AgentStorage: agent mode's storage (Prometheus's `--agent`, tsdb/agent/db.go): a Storage that
// keeps no samples, only a write-ahead log for remote write to send from.
//
//   <dir>/lock   held while open (unless no_lockfile): a second process on `dir` fails to start
//   <dir>/wal/   segments and checkpoints in the full database's WAL format (docs/format/wal.md),
//                so remote/wal_watcher.h tails it exactly as it tails the server's WAL
//
// Wiring in cmd/sextant/main.cc when `flags.agent` is set (config/flags.h):
//
//   tsdb::agent::AgentOptions opts;
//   opts.wal_compression = flags.storage_agent_wal_compression;
//   if (flags.storage_agent_wal_segment_size != 0) {
//     opts.wal_segment_size = static_cast<int64_t>(flags.storage_agent_wal_segment_size);
//   }
//   opts.min_wal_time_ms = absl::ToInt64Milliseconds(flags.storage_agent_retention_min_time);
//   opts.max_wal_time_ms = absl::ToInt64Milliseconds(flags.storage_agent_retention_max_time);
//   opts.truncate_frequency_ms =
//       absl::ToInt64Milliseconds(flags.storage_agent_wal_truncate_frequency);  // 0: 2h
//   opts.no_lockfile = flags.storage_agent_no_lockfile;
//   opts.out_of_order_time_window_ms =
//       absl::ToInt64Milliseconds(config.storage.out_of_order_time_window);  // at start
//   opts.metrics = &registry;
//   auto storage = tsdb::agent::AgentStorage::Open(flags.storage_agent_path, opts);
//   // Remote write (remote/write_storage.h) tails storage->wal_dir() and holds truncation:
//   (*storage)->SetTruncationHold([&] { return remote.TruncationHold(); });  // INT_MAX: none
//   (*storage)->SetCommitNotifier([&] { remote.Notify(); });
//   // Optional, when remote write can tell the oldest timestamp all queues have sent:
//   //   (*storage)->SetLowestSentTimestamp([&] { return ...; });
//
// and, also in agent mode: config::CheckAgentConfig() after every config load (no alerting,
// rule_files or remote_read); scrape manager and remote-write receiver append to the storage; no
// rule manager or notifier; ServerOptions::agent_mode (the UI) and QueryApiOptions::agent_mode
// (query endpoints answer "unavailable with Prometheus Agent"; QueryApi still wants an Engine,
// which is never reached); Close() after the scrapers have stopped.
//
// Series. Each label set gets a ref (the same counter and record as the head's), kept across
// restarts: Open() replays the WAL (last checkpoint, then the segments after it) into a map of
// labels → ref and ref → last timestamp. Nothing else is kept per series: 186 bytes a series with
// 75 bytes of packed labels (agent_storage_test's BytesPerSeries, bench/agent_bench.cc).
//
// Appends, as Prometheus's agent: a sample at or before its series' last committed timestamp
// (minus out_of_order_time_window_ms) is rejected as out of order (also one with the same timestamp
// and value, which the full database accepts) and counted in
// prometheus_agent_out_of_order_samples_total. Commit() logs the new series' record, then one
// samples record, then updates the last timestamps. Rollback() drops the samples but still logs the
// new series' record (the series exist in memory and their refs may be in use by then), as
// Prometheus does.
//
// Truncation (every truncate_frequency_ms in a background thread, or Truncate()): with
// now = the clock, mint = max(lowest_sent - min_wal_time, now - max_wal_time) when a lowest-sent
// timestamp is set, else now - min_wal_time. Series whose last sample is older than mint are
// dropped from memory ("garbage collected"; their series records stay in checkpoints until the
// segments that may still name them are gone). Then a new segment is started and the older two
// thirds of the segments are checkpointed (live series, samples >= mint) and deleted, but never
// a segment at or above the truncation hold (the lowest segment remote write still needs) unless
// all its samples are older than now - max_wal_time: a receiver that is down for longer than
// max_wal_time loses that data rather than filling the disk.
//
// Queries: NewQuerier() always fails (Unimplemented, "unsupported operation with WAL-only
// storage"); StartTime() is kMaxTimestamp, as in Prometheus.
//
// Metrics (when `metrics` is set): prometheus_agent_active_series, prometheus_agent_deleted_series,
// prometheus_agent_samples_appended_total, prometheus_agent_out_of_order_samples_total,
// prometheus_agent_truncate_duration_seconds, prometheus_agent_corruptions_total,
// prometheus_agent_data_replay_duration_seconds, prometheus_agent_checkpoint_{creations,
// deletions}{,_failed}_total, and the WAL's prometheus_tsdb_wal_* (tsdb/wal/wal.h).
//
// Thread-safety: all methods are thread-safe; each Appender is used by one thread (storage.h).

#include <atomic>
#include <climits>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "tsdb/storage.h"
#include "tsdb/wal/record.h"
#include "tsdb/wal/wal.h"
#include "util/env.h"
#include "util/metrics.h"
#include "util/mutex.h"

namespace sextant::tsdb::agent {

class SeriesMap;  // tsdb/agent/series_map.h

inline constexpr int64_t kDefaultTruncateFrequencyMs = 2 * 3600 * 1000;  // 2h
inline constexpr int64_t kDefaultMinWalTimeMs = 5 * 60 * 1000;           // 5m
inline constexpr int64_t kDefaultMaxWalTimeMs = 4 * 3600 * 1000;         // 4h

struct AgentOptions {
  bool wal_compression = true;
  int64_t wal_segment_size = 128 << 20;
  // Samples younger than min_wal_time are kept even when remote write has sent them; samples
  // older than max_wal_time are dropped even when it has not. As Prometheus, values <= 0 take the
  // defaults, max is raised to min when below it, and to truncate_frequency_ms when below that.
  int64_t min_wal_time_ms = kDefaultMinWalTimeMs;
  int64_t max_wal_time_ms = kDefaultMaxWalTimeMs;
  // How often the background thread truncates; <= 0 takes the default. Tests that call
  // Truncate() themselves set run_background = false.
  int64_t truncate_frequency_ms = kDefaultTruncateFrequencyMs;
  bool run_background = true;
  // The config's storage.tsdb.out_of_order_time_window, as Prometheus's agent takes it: a sample
  // up to this much older than its series' last one is accepted (and logged) too.
  int64_t out_of_order_time_window_ms = 0;
  bool no_lockfile = false;           // --storage.agent.no-lockfile
  util::Registry* metrics = nullptr;  // null: a private registry; must outlive the storage
  util::Env* env = nullptr;           // null: util::Env::Default(); must outlive the storage
  std::function<int64_t()> now_ms;    // the clock in Unix ms; null: the system clock
};

class AgentStorage final : public Storage {
 public:
  // Opens (creating if needed) the agent storage in `dir`: takes the lock, replays <dir>/wal
  // (a torn or corrupt tail is cut back with a log line and prometheus_agent_corruptions_total,
  // never fatal) and starts the truncation thread. Errors: FailedPrecondition when another
  // process holds the lock; DataLoss when a checkpoint is corrupt or segments after it are
  // missing; the Env's errors.
  static absl::StatusOr<std::unique_ptr<AgentStorage>> Open(const std::string& dir,
                                                            AgentOptions options = {});
  ~AgentStorage() override;  // Close(), errors ignored

  std::unique_ptr<Appender> NewAppender() override;
  // Always Unimplemented: agent storage is not queryable.
  absl::StatusOr<std::unique_ptr<Querier>> NewQuerier(int64_t mint, int64_t maxt) override;
  // kMaxTimestamp (Prometheus's agent answers model.Latest).
  int64_t StartTime() override;

  // `hold()` returns the lowest WAL segment index that some remote-write queue still has to
  // read, or INT_MAX when none needs any. Called at each truncation, on the truncating thread;
  // it must be cheap and thread-safe and outlive the storage (or be replaced by a null one).
  void SetTruncationHold(std::function<int()> hold);
  // `lowest_sent()` returns the oldest timestamp (Unix ms) that every queue has sent up to; when
  // set, truncation keeps series and samples newer than it minus min_wal_time.
  void SetLowestSentTimestamp(std::function<int64_t()> lowest_sent);

  // `notify()` is called after each commit that logged something (Prometheus's writeNotified):
  // remote::WriteStorage::Notify wakes the WAL watchers. Called on the committing thread; it
  // must be cheap and thread-safe.
  void SetCommitNotifier(std::function<void()> notify);

  // One truncation now (see above). Errors: the WAL's and checkpoint's; FailedPrecondition
  // after Close().
  absl::Status Truncate();

  // Syncs the WAL, stops the truncation thread and releases the lock. Appenders must be done.
  // Idempotent.
  absl::Status Close();

  const std::string& dir() const { return dir_; }
  // <dir>/wal: where remote write's WAL watchers read.
  std::string wal_dir() const { return dir_ + "/wal"; }
  // Series currently in memory.
  size_t num_series() const;

 private:
  class AgentAppender;
  class DeletedSeries;
  struct Metrics;

  AgentStorage(std::string dir, AgentOptions options);
  absl::Status OpenParts();
  absl::Status Replay();
  int64_t Now() const;
  void BackgroundLoop();
  // Logs `records` (in one segment) and notes that the segment holds samples up to max_t (for
  // the max_wal_time rule; kNoSample when the records hold none). FailedPrecondition after
  // Close().
  absl::Status LogRecords(std::span<const std::string> records, int64_t max_t);
  void NoteSegmentMaxTime(int first_segment, int last_segment, int64_t max_t);
  // Series records whose Log() failed: logged before the next commit's records, so that no
  // sample in the WAL names a series without a record.
  void TakeUnloggedSeries(std::vector<wal::RefSeries>* series);
  void KeepUnloggedSeries(std::vector<wal::RefSeries> series);

  const std::string dir_;
  AgentOptions options_;
  util::Env* env_;
  std::unique_ptr<util::Registry> own_registry_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<util::FileLock> lock_;
  std::unique_ptr<SeriesMap> series_;
  std::unique_ptr<DeletedSeries> deleted_;
  std::unique_ptr<wal::Wal> wal_;

  util::Mutex hooks_mu_;
  std::function<int()> hold_ ABSL_GUARDED_BY(hooks_mu_);
  std::function<int64_t()> lowest_sent_ ABSL_GUARDED_BY(hooks_mu_);
  std::function<void()> notify_ ABSL_GUARDED_BY(hooks_mu_);
  util::Mutex segments_mu_;
  // The newest sample timestamp logged in each segment not yet truncated.
  std::map<int, int64_t> segment_max_t_ ABSL_GUARDED_BY(segments_mu_);
  util::Mutex unlogged_mu_;
  std::vector<wal::RefSeries> unlogged_ ABSL_GUARDED_BY(unlogged_mu_);
  util::Mutex truncate_mu_;  // one truncation at a time

  std::mutex loop_mu_;
  std::condition_variable loop_cv_;
  bool stopping_ = false;  // guarded by loop_mu_
  std::thread loop_;
  std::atomic<bool> closed_{false};
};

}  // namespace sextant::tsdb::agent
