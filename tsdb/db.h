#pragma once

// DB: the time-series database in a data directory, the Storage that the rest of Sextant uses.
//
//   <dir>/lock          held while open: a second server on the same directory fails to start
//   <dir>/wal/          write-ahead log segments and checkpoints (docs/format/wal.md)
//   <dir>/chunks_head/  the head's closed chunks, memory-mapped (docs/format/head-chunks.md)
//   <dir>/partitions/   the RocksDB database of persistent partitions (docs/format/partitions.md)
//   <dir>/snapshots/    snapshots made by Snapshot(), each itself usable as a data directory
//
// Appends go to the head (RAM) and its WAL. A background thread (and Compact(), for tests and
// tools) turns the oldest full chunk range of the head into a partition once the head spans 1.5
// ranges, truncates the head and checkpoints the WAL, merges finished days of partitions into one,
// and applies retention by time and size, dropping whole partitions oldest first.
//
// Crash safety: a partition is complete before the head and WAL let go of its data; on restart,
// WAL samples older than the newest partition's end are skipped, so nothing is lost or doubled.
//
// Thread-safety: all methods are thread-safe.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "model/matcher.h"
#include "tsdb/head/chunk_disk_mapper.h"
#include "tsdb/head/head.h"
#include "tsdb/head/replay_point.h"
#include "tsdb/partition/partition_store.h"
#include "tsdb/storage.h"
#include "tsdb/wal/wal.h"
#include "util/env.h"
#include "util/metrics.h"
#include "util/mutex.h"

namespace sextant::tsdb {

struct DbOptions {
  int64_t retention_ms = 90LL * 24 * 3600 * 1000;  // 0: no time limit
  uint64_t retention_bytes = 0;                    // 0: no size limit; counts WAL + partitions
  bool wal_compression = true;
  int64_t wal_segment_size = 128 << 20;
  // Size limit of a head chunk file (<dir>/chunks_head/); a smaller one lets truncation free
  // disk sooner, at more files.
  int64_t head_chunk_file_size = head::ChunkDiskMapper::kDefaultFileSize;
  int64_t chunk_range = head::kDefaultChunkRange;  // partition width when cut from the head
  int64_t merge_range = 24 * 3600 * 1000;          // partitions are merged up to this width
  // How often the background thread looks for work; 0 disables the thread (call Compact()).
  int64_t compaction_interval_ms = 60 * 1000;
  util::Registry* metrics = nullptr;  // null: a private registry
  util::Env* env = nullptr;           // null: util::Env::Default()
  // Read-only: for tools reading a directory that a running server may hold. No lock, no WAL
  // repair (replay stops at corruption), no writes: appends fail, no background work.
  bool read_only = false;
  // The lowest WAL segment that something besides the head still needs (the remote-write
  // queues, remote/write_storage.h); WAL truncation keeps it and every later segment. Null, or
  // INT_MAX, holds nothing back.
  std::function<int()> wal_truncation_hold;
  // Replay points (docs/format/replay-point.md): a background thread records, after head chunks
  // were cut, where a restart after a crash can start its WAL replay. Needs the head chunk files.
  bool replay_points = true;
};

// What DB::Stats() reports, for /api/v1/status/tsdb and sextant-tool.
struct DbStats {
  size_t head_series = 0;
  size_t head_chunks = 0;
  int64_t head_min_time = 0;
  int64_t head_max_time = 0;
  std::vector<partition::PartitionMeta> partitions;
  uint64_t wal_bytes = 0;
  uint64_t partition_bytes = 0;
};

class DB final : public Storage {
 public:
  // Opens (creating if needed) the database in `dir`: takes the lock, opens the partitions,
  // replays the WAL into the head (a corrupt tail is cut back and logged, never fatal) and starts
  // the background thread. Damaged partition files do not stop it: the partitions in them are
  // logged, counted in prometheus_tsdb_partitions_damaged, and queries over their time ranges fail
  // with DataLoss naming them (partition::PartitionStore, "Damage"). Errors: FailedPrecondition
  // when another process holds the lock; I/O and DataLoss errors the directory cannot be opened
  // past (such as a damaged partition catalog).
  static absl::StatusOr<std::unique_ptr<DB>> Open(const std::string& dir, DbOptions options = {});
  ~DB() override;

  std::unique_ptr<Appender> NewAppender() override;
  absl::StatusOr<std::unique_ptr<Querier>> NewQuerier(int64_t mint, int64_t maxt) override;
  int64_t StartTime() override;

  // One round of the background work: head compaction, merges, retention.
  absl::Status Compact();

  // Admin operations (the admin API's delete_series, clean_tombstones and snapshot).
  absl::Status Delete(int64_t mint, int64_t maxt, std::span<const model::Matcher> matchers);
  absl::Status CleanTombstones();
  // Writes a consistent copy into <dir>/snapshots/<name> and returns <name>. With `with_head`,
  // the head's data is included (as partitions of the copy).
  absl::StatusOr<std::string> Snapshot(bool with_head);

  DbStats Stats() const;
  head::Head& head() { return *head_; }
  partition::PartitionStore& partitions() { return *partitions_; }
  const std::string& dir() const { return dir_; }
  // What the WAL replay on opening did (series, samples, chunks attached from the head chunk
  // files and the samples they spared), for logs and tests.
  const head::ReplayStats& replay_stats() const { return replay_stats_; }
  // Writes a replay point now if one would move (tests; the background thread does it on its
  // own). A no-op without head chunk files.
  absl::Status WriteReplayPoint();

  // Syncs the WAL, stops the background thread and closes everything. Idempotent; the destructor
  // calls it.
  absl::Status Close();

 private:
  struct Metrics;
  DB(std::string dir, DbOptions options);
  absl::Status OpenParts();
  absl::Status OpenReadOnly();
  absl::Status ReplayWal();
  // Opens <dir>/chunks_head and hands the head the mapper and the chunks found (logging repairs);
  // on an I/O error the head keeps its chunks in memory.
  void OpenChunkFiles();
  // Logs each damaged partition the store found on opening.
  void LogDamage() const;
  // Chunk snapshots (db_snapshot.cc): <dir>/wal/chunk_snapshot.NNNNNNNN, the head as of the end
  // of segment NNNNNNNN, written by Close(). Load returns the segment it covers, or nullopt when
  // there is none usable (stale, corrupt: then the WAL is replayed in full).
  absl::Status WriteChunkSnapshot();
  absl::StatusOr<std::optional<int>> LoadChunkSnapshot();
  // Whether the WAL directory has a chunk snapshot at all (usable or not).
  bool HasChunkSnapshot();
  absl::Status DeleteChunkSnapshots(int before);
  absl::Status CompactHead();
  absl::Status WritePartitionFromHead(partition::PartitionStore& store, int64_t start, int64_t end);
  absl::Status TruncateWal(int64_t mint);
  absl::Status MergePartitions();
  absl::Status ApplyRetention();
  void BackgroundLoop();
  // Replay points (db_replay_point.cc): the thread that writes them, woken every minute of
  // sample time; one write when chunks were cut and the point moves; whether the point read
  // (ReadReplayPoint) fits the files for a replay after a crash (nullopt, logged, when not).
  void StartReplayPoints();
  void StopReplayPoints();
  void ReplayPointLoop();
  absl::Status MaybeWriteReplayPoint(int64_t min_advance, bool even_without_cuts)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(point_write_mu_);
  std::optional<head::ReplayPoint> UsableReplayPoint(const std::string& wal_dir,
                                                     absl::StatusOr<head::ReplayPoint> point);
  // Counts a replay point written, or one that failed, in the metrics (which db.cc defines).
  void CountReplayPoint(bool ok);

  const std::string dir_;
  const DbOptions options_;
  util::Env* env_;
  std::unique_ptr<util::Registry> own_registry_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<util::FileLock> lock_;
  std::unique_ptr<partition::PartitionStore> partitions_;
  std::unique_ptr<wal::Wal> wal_;
  // Before head_, so that the head (which borrows it) goes first. Null on a non-default Env and
  // when opened read-only.
  std::unique_ptr<head::ChunkDiskMapper> chunk_mapper_;
  std::unique_ptr<head::Head> head_;

  util::Mutex compact_mu_;  // one Compact/CleanTombstones/Snapshot at a time
  std::mutex loop_mu_;
  std::condition_variable loop_cv_;
  bool stopping_ = false;  // guarded by loop_mu_
  std::thread loop_;
  std::atomic<bool> closed_{false};
  head::ReplayStats replay_stats_;  // written once, while opening
  // What the head chunk files held when opened (ChunkScanReport::file_ends).
  std::vector<head::ChunkFilesEnd> chunk_file_ends_;
  std::mutex point_mu_;
  std::condition_variable point_cv_;
  bool point_wanted_ = false;    // guarded by point_mu_
  bool point_stopping_ = false;  // guarded by point_mu_
  std::thread point_thread_;
  util::Mutex point_write_mu_;  // one point written at a time
  // Chunks written and the WAL position at the last point.
  uint64_t point_chunks_ ABSL_GUARDED_BY(point_write_mu_) = 0;
  wal::Position wal_start_;  // where this run's WAL began (set when opened)
  std::optional<wal::Position> point_wal_ ABSL_GUARDED_BY(point_write_mu_);
};

}  // namespace sextant::tsdb
