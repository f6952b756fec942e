#pragma once

// MemSeries: one series in the head: its labels (as interned symbol ids), its closed chunks and
// the open chunk being appended to. Chunks hold about 120 samples and never straddle a chunk-range
// boundary (2h by default), so head compaction turns whole chunks into a partition.
//
// Closed chunks live in the head chunk files (ChunkDiskMapper) when the head has a mapper, the
// series keeping only where each is (24 bytes); otherwise, and when a write fails, on the heap as
// ClosedChunk.
//
// Thread-safety: the chunk state is guarded by the series' own spin lock; ref and label ids are
// immutable. Closed chunks are immutable and shared (or mapped), so readers keep them alive after
// the series drops them.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/chunkenc/xor_chunk.h"
#include "tsdb/head/chunk_disk_mapper.h"
#include "tsdb/head/closed_chunk.h"
#include "tsdb/head/symbols.h"
#include "tsdb/storage.h"
#include "util/spin_lock.h"

namespace sextant::tsdb::head {

// One encoded chunk and what keeps its bytes alive.
struct ChunkRef {
  std::shared_ptr<const void> owner;
  std::string_view bytes;  // an encoded XorChunk
  int64_t mint = 0;
  int64_t maxt = 0;
};

// A read-only view of a series' data, taken under its lock: the shared closed chunks plus a
// private copy of the open chunk's bytes, in time order.
struct ChunkSnapshot {
  std::vector<ChunkRef> chunks;
  bool empty() const { return chunks.empty(); }
};

// A closed chunk: in memory (`heap` set) or in the head chunk files at `disk`.
struct StoredChunk {
  int64_t mint = 0;
  int64_t maxt = 0;
  DiskChunkRef disk;
  ClosedChunk::Ref heap;
  bool on_disk() const { return !heap; }
};

class MemSeries {
 public:
  // Takes over one reference on each of `label_ids` in `symbols`, released on destruction.
  MemSeries(SeriesRef ref, std::vector<SymbolId> label_ids, SymbolTable* symbols)
      : ref_(ref), label_ids_(std::move(label_ids)), symbols_(symbols) {}
  // For appenders: starts loading the series' hot fields into the cache.
  void Prefetch() const {
    __builtin_prefetch(this);
    __builtin_prefetch(reinterpret_cast<const char*>(this) + 64);
    __builtin_prefetch(reinterpret_cast<const char*>(this) + 128);
  }
  ~MemSeries() { symbols_->Release(label_ids_); }
  MemSeries(const MemSeries&) = delete;
  MemSeries& operator=(const MemSeries&) = delete;

  SeriesRef ref() const { return ref_; }
  const std::vector<SymbolId>& label_ids() const { return label_ids_; }

  // Checks a sample against the newest stored one without adding it: kNone (append it),
  // kOutOfOrder, kDuplicate; *same is set when it equals the newest sample (accept, do nothing).
  AppendError Check(int64_t t, double v, bool* same) const;
  // Adds a sample. Returns kNone or, when it lost a race, kOutOfOrder/kDuplicate. A sample equal
  // to the newest one is ignored (kNone). `chunk_range` is the partition width in ms; a chunk is
  // cut at `samples_per_chunk` samples or when t crosses a multiple of chunk_range. A cut chunk
  // goes to `mapper` when not null (borrowed for the call), else to the heap.
  AppendError Append(int64_t t, double v, int64_t chunk_range, int samples_per_chunk,
                     ChunkDiskMapper* mapper = nullptr);

  // WAL replay after a crash: installs the series' chunks found in the head chunk files (in time
  // order) into a series that has no data yet. The newest sample's value stays unknown until an
  // append needs it; SkipOnReplay() tells the replayed samples those chunks hold already.
  void AttachMapped(std::span<const ScannedChunk> chunks);
  // On the replay worker that owns the series: whether a logged sample at t is in a mapped chunk.
  bool SkipOnReplay(int64_t t) const ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return last_v_unknown_ && t <= last_t_.load(std::memory_order_relaxed);
  }

  // Everything a chunk snapshot keeps of a series' data, enough to resume it without decoding.
  struct Exported {
    std::vector<StoredChunk> closed;
    std::string open;  // the open chunk's bytes; empty when there is none
    chunkenc::XorChunk::AppendState open_state;
    int64_t last_t = INT64_MIN;  // the newest sample
    double last_v = 0;
  };
  void Export(Exported* out) const;
  // Installs exported data into a series that has none. Errors: DataLoss when the open chunk's
  // bytes and state do not fit together.
  absl::Status Restore(Exported in, int64_t chunk_range);

  // The chunks that overlap [mint, maxt]; `mapper` (null when the head has none) reads those on
  // disk.
  ChunkSnapshot Snapshot(int64_t mint, int64_t maxt, const ChunkDiskMapper* mapper) const;
  // Drops the chunks that end before `mint`; true when the series holds no data any more.
  bool TruncateBefore(int64_t mint);
  // Timestamps of the oldest and newest stored sample; INT64_MAX/INT64_MIN when empty.
  int64_t min_time() const;
  int64_t max_time() const;
  // The oldest sample not in a chunk in the head chunk files (INT64_MAX when there is none):
  // every older sample the series holds is in those files.
  int64_t UnmappedFrom() const;
  size_t num_chunks() const;

  // Whether the series record has reached the WAL.
  std::atomic<bool> logged{false};

 private:
  void CutChunk(ChunkDiskMapper* mapper) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Decodes the newest closed chunk for last_v_ (after AttachMapped).
  void ResolveLastValue(const ChunkDiskMapper* mapper) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // What an append touches comes first, in the first two cache lines (appenders prefetch those);
  // the open chunk lives inline rather than behind a pointer for the same reason.
  mutable util::SpinLock mu_;
  // In the padding after the lock: whether last_v_ is unknown (the newest sample is in a mapped
  // chunk not decoded yet), and the byte size of the newest closed chunk (sizes the next one).
  bool last_v_unknown_ ABSL_GUARDED_BY(mu_) = false;
  uint16_t last_closed_size_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t open_end_ ABSL_GUARDED_BY(mu_) = 0;  // the chunk-range boundary the open chunk stops at
  // Written under mu_; Check() reads it without the lock for the common case t > last_t_.
  std::atomic<int64_t> last_t_{INT64_MIN};
  double last_v_ ABSL_GUARDED_BY(mu_) = 0;
  std::optional<chunkenc::XorChunk> open_ ABSL_GUARDED_BY(mu_);
  std::vector<StoredChunk> closed_ ABSL_GUARDED_BY(mu_);
  const SeriesRef ref_;
  const std::vector<SymbolId> label_ids_;
  SymbolTable* const symbols_;
};

}  // namespace sextant::tsdb::head
