#pragma once

// Head: the in-memory part of the database, holding the most recent hours of every series.
//
// - Series live in a striped hash map keyed by the hash of their labels (collisions kept in a side
//   map and told apart by comparing labels) and in a striped map keyed by ref. Refs are assigned
//   in increasing order and never reused.
// - Labels are interned (SymbolTable); postings (MemPostings) answer label matchers.
// - Samples go into Gorilla XOR chunks per series (MemSeries), ~120 samples each, cut at
//   chunk-range boundaries.
// - An appender's samples are logged to the WAL (when there is one) before they become visible.
// - Truncate() drops the chunks before a time and garbage-collects series left without data.
//
// Thread-safety: every public method is thread-safe.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "model/labels.h"
#include "tsdb/head/mem_series.h"
#include "tsdb/head/ref_table.h"
#include "tsdb/head/symbols.h"
#include "tsdb/index/postings.h"
#include "tsdb/storage.h"
#include "tsdb/tombstones.h"
#include "tsdb/wal/record.h"
#include "tsdb/wal/wal.h"
#include "util/env.h"
#include "util/metrics.h"
#include "util/mutex.h"
#include "util/shared_gate.h"
#include "util/spin_lock.h"

namespace sextant::tsdb::head {

inline constexpr int64_t kDefaultChunkRange = 2 * 3600 * 1000;  // 2h in ms

struct HeadOptions {
  int64_t chunk_range = kDefaultChunkRange;
  int samples_per_chunk = 120;
  int stripes = 512;                  // a power of two
  wal::Wal* wal = nullptr;            // not owned; null for a head without durability (see SetWal)
  util::Registry* metrics = nullptr;  // where the head's metrics go; null: a private registry
};

// What a WAL replay found, for the log line and the counters.
struct ReplayStats {
  uint64_t series = 0;
  uint64_t samples = 0;
  uint64_t tombstones = 0;
  uint64_t unknown_refs = 0;   // samples or tombstones for series never declared
  uint64_t out_of_order = 0;   // samples the head refused (e.g. logged after losing a race)
  uint64_t mapped_chunks = 0;  // chunks attached from the head chunk files
  uint64_t mapped_samples_skipped = 0;  // logged samples those chunks held already
  bool from_replay_point = false;       // the WAL was read from a replay point on (set by the DB)
};

// One series as the compactor sees it: labels, the chunks of a time range, deleted intervals.
struct SeriesData {
  SeriesRef ref = 0;
  model::Labels labels;
  std::shared_ptr<const ChunkSnapshot> chunks;
  std::shared_ptr<const Intervals> deleted;  // may be null
};

class Head final : public Storage {
 public:
  explicit Head(HeadOptions options);
  ~Head() override;
  Head(const Head&) = delete;
  Head& operator=(const Head&) = delete;

  std::unique_ptr<Appender> NewAppender() override;
  absl::StatusOr<std::unique_ptr<Querier>> NewQuerier(int64_t mint, int64_t maxt) override;
  int64_t StartTime() override { return min_time(); }

  // The oldest and newest sample timestamps in the head; INT64_MAX / INT64_MIN when empty.
  int64_t min_time() const { return min_time_.load(std::memory_order_acquire); }
  int64_t max_time() const { return max_time_.load(std::memory_order_acquire); }
  // Samples older than this are refused as out of bounds (set after head compaction).
  int64_t min_valid_time() const { return min_valid_time_.load(std::memory_order_acquire); }
  void SetMinValidTime(int64_t t);
  int64_t chunk_range() const { return options_.chunk_range; }
  // Returns once every appender that had started appending has committed or rolled back (new
  // ones may start meanwhile). With SetMinValidTime() it closes a time range for good.
  void WaitForAppenders() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    gc_gate_.EnterExclusive();
    gc_gate_.ExitExclusive();
  }
  // Sets the WAL that commits and deletions are logged to (after replay, before appends).
  void SetWal(wal::Wal* wal) { wal_.store(wal, std::memory_order_release); }
  wal::Wal* wal() const { return wal_.load(std::memory_order_acquire); }

  // Head chunk files (borrowed; must outlive the head's use of it, i.e. the head): cut chunks go
  // there from now on. `scanned` is what ChunkDiskMapper::Open found: replay attaches each
  // series' chunks when its series record creates it, and skips the logged samples they hold.
  // Call before replay (and before a chunk snapshot is loaded, which refers to these chunks).
  void SetChunkDiskMapper(ChunkDiskMapper* mapper, std::vector<ScannedChunk> scanned);
  ChunkDiskMapper* chunk_mapper() const { return mapper_.load(std::memory_order_acquire); }

  size_t num_series() const { return num_series_.load(std::memory_order_relaxed); }
  const index::MemPostings& postings() const { return postings_; }
  const SymbolTable& symbols() const { return symbols_; }

  // Sizes the series tables for about `n` series (before a replay that knows its count).
  void ReserveSeries(size_t n);
  // WAL replay: applies one record (series, samples or tombstones) in log order, before any
  // appender or querier is made. Errors: DataLoss when the record does not decode.
  absl::Status ApplyWalRecord(std::string_view record, ReplayStats* stats);
  // As ApplyWalRecord for each of `records`, which describe one head (a replay point's: series of
  // distinct refs and label sets, then tombstones): the series are created on every core first,
  // then the other records applied in order.
  absl::Status ApplyOneHeadsRecords(std::span<const std::string_view> records, ReplayStats* stats);
  // After the last record: waits until every sample is applied (adding the appliers' counts to
  // *stats, which may be null) and lets new refs continue after the highest one seen.
  void FinishReplay(ReplayStats* stats);

  // Chunk snapshots (head_snapshot.cc): writes every series with its chunks and tombstones into
  // `dir` (which must not exist) in the WAL's format, synced; and loads such a directory into an
  // empty head (before replay), setting *series to the number of series it holds. With `apply`
  // false it only validates (every record decodes), so a caller can check a snapshot before it
  // changes the head. No appends may run meanwhile. Errors: DataLoss for a corrupt snapshot; the
  // Env's errors.
  absl::Status WriteChunkSnapshot(util::Env* env, const std::string& dir) const;
  absl::Status LoadChunkSnapshot(util::Env* env, const std::string& dir, bool apply,
                                 size_t* series);

  // Replay points (head_replay_point.cc, replay_point.h): the head's side of one, captured while
  // appends go on. Every record logged before `wal_end` is applied to the head; `unmapped_from` is
  // the oldest sample, over all series, not in a chunk in the head chunk files; `records` holds
  // every series (in ref order) and every tombstone as WAL records. Requires a WAL.
  struct ReplayPointCapture {
    wal::Position wal_end;
    int64_t unmapped_from = INT64_MAX;
    std::vector<std::string> records;
    size_t series = 0;  // how many series `records` holds
  };
  // Calls `want(wal_end, unmapped_from)` once those are known, and fills `records` only when it
  // returns true (encoding every series costs more than finding the bounds).
  ReplayPointCapture CaptureReplayPoint(
      const std::function<bool(wal::Position wal_end, int64_t unmapped_from)>& want);
  // Calls `hook` (cheap, non-blocking: it runs on a committing appender's thread) each time the
  // newest sample time passes the previous call's newest time plus `step` ms. Set before appends.
  void SetTimeAdvanceHook(int64_t step, std::function<void()> hook);

  // Marks [mint, maxt] deleted for every head series matching `matchers`, logging tombstone
  // records first. Returns the number of series affected.
  absl::StatusOr<size_t> Delete(int64_t mint, int64_t maxt,
                                std::span<const model::Matcher> matchers);

  // The series with data in [mint, maxt], sorted by labels, for compaction.
  std::vector<SeriesData> SeriesInRange(int64_t mint, int64_t maxt) const;
  // Drops chunks that end before `mint` and the tombstones before it, garbage-collects series
  // left without data and raises min_valid_time to `mint`. Returns the number of series removed.
  // Waits for open appenders to commit or roll back (and keeps new ones waiting meanwhile): it
  // must not be called by a thread that holds an uncommitted appender.
  size_t Truncate(int64_t mint);
  // Whether the series `ref` is still in the head (for WAL checkpoints).
  bool HasSeries(SeriesRef ref) const;

  // Chunks (open and closed) of all series, for prometheus_tsdb_head_chunks.
  size_t num_chunks() const;

 private:
  friend class HeadAppender;
  friend class HeadQuerier;

  struct alignas(64) HashStripe {
    util::Mutex mu;
    absl::flat_hash_map<uint64_t, std::shared_ptr<MemSeries>> unique ABSL_GUARDED_BY(mu);
    // Label sets whose hash collides with another's: all of them, told apart by labels.
    absl::flat_hash_map<uint64_t, std::vector<std::shared_ptr<MemSeries>>> conflicts
        ABSL_GUARDED_BY(mu);
  };
  // Each stripe on its own cache line: neighbouring stripes are used by different threads.
  struct alignas(64) RefStripe {
    // Held only for a hash lookup or insert: the lookup by ref is on every append's path, where a
    // reader-writer mutex costs more than the lookup.
    mutable util::SpinLock mu;
    absl::flat_hash_map<SeriesRef, std::shared_ptr<MemSeries>> by_ref ABSL_GUARDED_BY(mu);
  };
  struct Metrics;

  // Looks up (or creates, with `ref` when non-zero, else a new ref) the series with `labels`.
  // *created tells whether it is new. Without `add_postings` the caller adds a new series to the
  // postings itself (before anything queries it).
  std::shared_ptr<MemSeries> GetOrCreate(const model::Labels& labels, SeriesRef ref, bool* created,
                                         bool add_postings = true);
  // For appenders, which hold gc_gate_ shared: the series (null when `ref` is unknown), and the
  // series with `labels`, created when it does not exist. The pointers stay valid while the
  // gate is held.
  MemSeries* FindForAppend(SeriesRef ref);
  MemSeries* FindOrCreateForAppend(const model::Labels& labels);
  // The series with `ref`; null when unknown.
  std::shared_ptr<MemSeries> GetByRef(SeriesRef ref) const;
  std::shared_ptr<MemSeries> FindInStripe(HashStripe& stripe, uint64_t hash,
                                          const model::Labels& labels)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(stripe.mu);
  void NoteTimes(int64_t mint, int64_t maxt);
  void RecomputeMinTime();
  std::shared_ptr<const Intervals> DeletedOf(SeriesRef ref) const;
  std::vector<std::shared_ptr<MemSeries>> AllSeries() const;

  HashStripe& hash_stripe(uint64_t hash) { return hash_stripes_[hash & (options_.stripes - 1)]; }
  // Runs of 16 consecutive refs share a stripe: a writer's series were mostly created together,
  // so writers with disjoint series mostly use disjoint stripes.
  RefStripe& ref_stripe(SeriesRef ref) const {
    return ref_stripes_[(ref >> 4) & (options_.stripes - 1)];
  }

  const HeadOptions options_;
  std::atomic<wal::Wal*> wal_;
  std::atomic<ChunkDiskMapper*> mapper_{nullptr};
  // Appenders hold it shared from their first Append to Commit/Rollback; garbage collection
  // (Truncate) holds it exclusively, so no appender ever holds a pointer to a removed series.
  util::SharedGate gc_gate_;
  std::unique_ptr<util::Registry> own_registry_;
  std::unique_ptr<Metrics> metrics_;
  SymbolTable symbols_;  // before the stripes: series release their symbols when destroyed
  std::unique_ptr<HashStripe[]> hash_stripes_;
  std::unique_ptr<RefStripe[]> ref_stripes_;
  RefTable ref_table_;  // by_ref's fast twin for appenders, guarded by the same stripe locks
  index::MemPostings postings_;
  std::atomic<SeriesRef> next_ref_{1};
  std::atomic<size_t> num_series_{0};
  std::atomic<int64_t> min_time_{INT64_MAX};
  std::atomic<int64_t> max_time_{INT64_MIN};
  int64_t hook_step_ = 0;
  std::function<void()> hook_;
  std::atomic<int64_t> hook_at_{INT64_MAX};  // the newest time that calls hook_ next
  std::atomic<int64_t> min_valid_time_{INT64_MIN};

  mutable util::Mutex tombstones_mu_;
  absl::flat_hash_map<SeriesRef, std::shared_ptr<const Intervals>> tombstones_
      ABSL_GUARDED_BY(tombstones_mu_);

  // Replay only, on the replaying thread: every ref the WAL declared, to its series; refs that
  // name a series first declared under another ref (it was collected and came back); and the
  // workers that apply samples (head_replay.cc).
  // Refs are small and dense (assigned from 1 up), so most resolve through a vector.
  class ReplayShard;
  struct ReplaySample {
    MemSeries* series;
    int64_t t;
    double v;
  };
  static constexpr SeriesRef kDenseReplayRefs = SeriesRef{1} << 24;
  struct ReplayTarget {
    MemSeries* series = nullptr;
    SeriesRef ref = 0;  // the series' own ref (differs from the logged one for a comeback)
    // Samples at or before this are in the series' mapped chunks: skipped while decoding.
    int64_t skip_until = INT64_MIN;
  };
  void StartReplay();
  ReplayTarget ReplayLookup(SeriesRef ref) const;
  // ApplyOneHeadsRecords' series, created on every core (in order when refs are not dense).
  void CreateReplayedSeries(const std::vector<std::vector<wal::RefSeries>>& decoded,
                            SeriesRef max_ref, ReplayStats* stats);
  // Creates (or finds) the series of one replayed series record and registers its logged ref.
  // With `postings_out`, a new series is not added to the postings but listed there.
  void ReplaySeries(
      const wal::RefSeries& rs, ReplayStats* stats,
      std::vector<std::pair<SeriesRef, const model::Labels*>>* postings_out = nullptr);
  void ReplayRegister(SeriesRef logged_ref, MemSeries* series, int64_t skip_until = INT64_MIN);
  // Hands the samples decoded so far to the shards.
  void FlushReplayBatches();
  std::vector<ReplayTarget> replay_dense_;
  std::vector<wal::RefSeries> replay_series_scratch_;  // ApplyWalRecord's decoded series records
  absl::flat_hash_map<SeriesRef, ReplayTarget> replay_series_;
  std::vector<std::shared_ptr<ReplayShard>> replay_shards_;  // shared_ptr: incomplete type here
  std::vector<std::vector<ReplaySample>> replay_batches_;    // per shard, not yet pushed
  uint64_t replay_skipped_ = 0;  // samples in mapped chunks, skipped by the decoder
  SeriesRef replay_max_ref_ = 0;
  // The scanned head chunk files, sorted by (ref, file, offset); and the chunks of one series.
  std::vector<ScannedChunk> scanned_;
  std::span<const ScannedChunk> ScannedOf(SeriesRef ref) const;
};

}  // namespace sextant::tsdb::head
