#pragma once

// WalWatcher: tails a live WAL directory (docs/format/wal.md) for one remote-write queue, as
// Prometheus's tsdb/wlog/watcher.go does, and hands the series and samples records it reads to a
// WalWatcherConsumer. It reads the WAL through tsdb/wal/'s Reader and nothing else of tsdb/.
//
//   WalWatcher watcher(env, data_dir + "/wal", &queue, WalWatcherOptions{});
//   RETURN_IF_ERROR(saved.has_value() ? watcher.StartAt(*saved) : watcher.StartFromNow());
//   ...  // the queue persists the `after` position of the samples it has sent
//   watcher.Stop();
//
// Reading order. On start the watcher first reads series records only (samples skipped) from the
// newest checkpoint and from the segments before the start position, so that the consumer knows
// every series the samples to come may name; then it reads from the start position on, handing
// over series and samples records in WAL order. Tombstones are ignored. Each series record is
// handed over before any samples record that follows it in the WAL, so a sample's series has been
// seen unless its series record was lost to truncation or corruption.
//
// Tailing. The segment the Wal is writing is re-read from the end of its last complete record
// every poll_interval or on Notify(); a record still being written (a torn tail) is waited for,
// never reported. A segment is complete once a newer segment exists; the watcher then reads it to
// its end and moves on. Damage in a complete segment (anything but a clean end) is reported
// (stats().corruptions, a log line) and the watcher skips to the next segment, losing the rest of
// that segment, as Prometheus does. When WAL truncation deletes the segment the watcher is at, it
// reads the newest checkpoint's series and skips to the lowest segment left (stats().skips); the
// samples in the deleted part are lost.
//
// Positions. A WalPosition is a record boundary: StartAt(p) hands over the samples of exactly the
// records that start at or after p, so restarting at the `after` of the last samples handed
// over repeats and skips nothing (unless p's segment has been deleted meanwhile).
//
// Thread-safety: StartAt/StartFromNow, Notify, Stop and stats() may be called from any thread.
// The consumer is called on the watcher's own thread, one call at a time, and must not call Stop()
// (it waits for that thread).

#include <atomic>
#include <compare>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "tsdb/wal/record.h"
#include "util/env.h"
#include "util/mutex.h"

namespace sextant::remote {

// A record boundary in the WAL: byte `offset` of segment `segment`.
struct WalPosition {
  int segment = 0;
  int64_t offset = 0;
  auto operator<=>(const WalPosition&) const = default;
};

// Receives what a WalWatcher reads. Spans are valid only during the call.
class WalWatcherConsumer {
 public:
  virtual ~WalWatcherConsumer() = default;
  // A series record's series (refs may repeat across calls, e.g. from a checkpoint and a segment).
  virtual void OnSeries(std::span<const tsdb::wal::RefSeries> series) = 0;
  // A samples record's samples; `after` is the position after the record, from which StartAt
  // resumes once these samples are sent.
  virtual void OnSamples(std::span<const tsdb::wal::RefSample> samples, WalPosition after) = 0;
  // The watcher has finished segment `segment` and moves on to a later one.
  virtual void OnSegmentDone(int segment) {}
};

struct WalWatcherOptions {
  // How often the segment being written is re-read when Notify() is not called.
  absl::Duration poll_interval = absl::Milliseconds(50);
  // For log lines: which queue this watcher feeds.
  std::string name;
};

// Counters since Start; a snapshot.
struct WalWatcherStats {
  int64_t series_records = 0;           // series records read (checkpoints included)
  int64_t samples_records = 0;          // samples records handed over
  int64_t skipped_samples_records = 0;  // samples records before the start position
  int64_t tombstones_records = 0;       // read and ignored
  int64_t bad_records = 0;    // records that did not decode, or of an unknown type; skipped
  int64_t samples = 0;        // samples handed over
  int64_t segments_read = 0;  // segments read to their end (checkpoint segments not counted)
  int64_t checkpoints_read = 0;
  int current_segment = -1;      // the segment being read (-1 before the first)
  int64_t skips = 0;             // times truncation deleted segments before they were read
  int64_t skipped_segments = 0;  // segments lost that way
  int64_t corruptions = 0;       // damaged segments or checkpoints given up on
  std::string last_error;        // the last corruption or I/O error, empty when none
};

class WalWatcher {
 public:
  // `env` and `consumer` must outlive the watcher. `wal_dir` need not exist yet: the watcher
  // waits for it.
  WalWatcher(util::Env* env, std::string wal_dir, WalWatcherConsumer* consumer,
             WalWatcherOptions options);
  // Stops the watcher (as Stop()).
  ~WalWatcher();
  WalWatcher(const WalWatcher&) = delete;
  WalWatcher& operator=(const WalWatcher&) = delete;

  // Starts watching on a new thread, handing over samples from `position` on (a position saved
  // from OnSamples, or {first segment, 0}). InvalidArgument for a negative position;
  // FailedPrecondition when already started.
  absl::Status StartAt(WalPosition position);
  // Starts watching, handing over only the samples of records committed after the call: the
  // current end of the WAL (the end of the newest segment's last complete record) is found
  // before it returns (a fresh queue that only sends new data). With no WAL yet, everything it
  // will hold is handed over. FailedPrecondition when already started.
  absl::Status StartFromNow();

  // Wakes the watcher to read new records now rather than at the next poll. Cheap; any thread.
  void Notify();
  // Stops the watcher and waits for its thread; returns within about one record's processing
  // time. Idempotent; the watcher cannot be started again.
  void Stop();

  WalWatcherStats stats() const;

 private:
  // The outcome of reading one segment from a position.
  enum class ReadEnd { kClean, kTorn, kDamaged, kMissing, kStopped };

  absl::Status Start(std::optional<WalPosition> position);
  void Run();
  // Reads the newest checkpoint's series if it is newer than the last one read.
  void ReadCheckpoint();
  // Reads segment `segment` from `*offset`, advancing `*offset` past each record handed over.
  ReadEnd ReadSegment(int segment, int64_t* offset);
  // Decodes and hands over one record (`after` is the position after it); `deliver` false hands
  // over series only.
  void HandleRecord(std::string_view record, bool deliver, WalPosition after);
  // Waits for Notify(), Stop() or the poll interval; false when stopping.
  bool Wait();
  // Logs an error and records it in stats_ (counted as a corruption when `corruption`).
  void ReportError(const std::string& message, bool corruption);

  util::Env* const env_;
  const std::string dir_;
  WalWatcherConsumer* const consumer_;
  const WalWatcherOptions options_;

  // Thread state (only the watcher's thread touches these after Start).
  std::optional<WalPosition> deliver_from_;  // nullopt: "from now", until the end is first reached
  int last_checkpoint_ = -1;                 // index of the last checkpoint read
  std::string last_read_error_;              // why the last ReadSegment() did not end cleanly
  std::vector<tsdb::wal::RefSeries> series_buf_;
  std::vector<tsdb::wal::RefSample> samples_buf_;

  std::atomic<bool> stopping_{false};
  // std::mutex rather than util::Mutex: Wait() sleeps on a std::condition_variable.
  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  bool woken_ = false;  // guarded by wake_mu_

  util::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_ ABSL_GUARDED_BY(mu_);

  mutable util::Mutex stats_mu_;
  WalWatcherStats stats_ ABSL_GUARDED_BY(stats_mu_);
};

}  // namespace sextant::remote
