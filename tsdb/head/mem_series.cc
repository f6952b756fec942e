#include "tsdb/head/mem_series.h"

#include <algorithm>
#include <bit>

namespace sextant::tsdb::head {
namespace {

// The first multiple of `range` strictly after t (floor division, so negative t works too).
int64_t RangeEnd(int64_t t, int64_t range) {
  int64_t q = t / range;
  if (t % range != 0 && t < 0) --q;
  return (q + 1) * range;
}

bool SameBits(double a, double b) {
  return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
}

}  // namespace

AppendError MemSeries::Check(int64_t t, double v, bool* same) const {
  *same = false;
  // Lock-free for newer and older samples: a stale read can only be older than the truth, which
  // at worst lets a sample through that Append() then refuses, as for any race.
  const int64_t last_t = last_t_.load(std::memory_order_relaxed);
  if (last_t == INT64_MIN || t > last_t) return AppendError::kNone;
  if (t < last_t) return AppendError::kOutOfOrder;
  util::SpinLockHolder lock(&mu_);
  const int64_t locked_t = last_t_.load(std::memory_order_relaxed);
  if (t > locked_t) return AppendError::kNone;
  if (t < locked_t) return AppendError::kOutOfOrder;
  if (last_v_unknown_) return AppendError::kNone;  // Append() decodes it and decides
  if (!SameBits(v, last_v_)) return AppendError::kDuplicate;
  *same = true;
  return AppendError::kNone;
}

AppendError MemSeries::Append(int64_t t, double v, int64_t chunk_range, int samples_per_chunk,
                              ChunkDiskMapper* mapper) {
  util::SpinLockHolder lock(&mu_);
  const int64_t last_t = last_t_.load(std::memory_order_relaxed);
  if (last_t != INT64_MIN && t <= last_t) {
    if (t < last_t) return AppendError::kOutOfOrder;
    if (last_v_unknown_) ResolveLastValue(mapper);
    return SameBits(v, last_v_) ? AppendError::kNone : AppendError::kDuplicate;
  }
  if (open_.has_value() && (open_->num_samples() >= samples_per_chunk || t >= open_end_)) {
    CutChunk(mapper);
  }
  if (!open_.has_value()) {
    open_.emplace();
    // A series' chunks tend to be alike: sizing the buffer after the last one avoids the slack
    // of growth by doubling, which would otherwise be a third of the open chunk's memory.
    if (last_closed_size_ != 0) open_->Reserve(last_closed_size_ + 8);
    open_end_ = RangeEnd(t, chunk_range);
  }
  open_->Append(t, v);
  last_t_.store(t, std::memory_order_relaxed);
  last_v_ = v;
  last_v_unknown_ = false;
  return AppendError::kNone;
}

void MemSeries::CutChunk(ChunkDiskMapper* mapper) {
  const std::string_view bytes = open_->bytes();
  StoredChunk c{open_->min_time(), open_->max_time(), {}, {}};
  absl::StatusOr<DiskChunkRef> where = absl::UnavailableError("no mapper");
  if (mapper != nullptr) where = mapper->Write(ref_, c.mint, c.maxt, bytes);
  if (where.ok()) {
    c.disk = *where;
  } else {
    // No files, or writing failed (a full disk): the chunk stays in memory.
    c.heap = ClosedChunk::Make(c.mint, c.maxt, bytes);
  }
  last_closed_size_ = static_cast<uint16_t>(std::min<size_t>(bytes.size(), UINT16_MAX));
  // Two entries at a time rather than doubling: a series gains one chunk every few minutes,
  // and at 100k series doubling leaves hundreds of unused bytes per series (docs/memory.md).
  if (closed_.size() == closed_.capacity()) closed_.reserve(closed_.size() + 2);
  closed_.push_back(std::move(c));
  open_.reset();
}

void MemSeries::AttachMapped(std::span<const ScannedChunk> chunks) {
  if (chunks.empty()) return;
  util::SpinLockHolder lock(&mu_);
  closed_.reserve(chunks.size());
  for (const ScannedChunk& c : chunks) closed_.push_back({c.mint, c.maxt, c.where, {}});
  last_closed_size_ = static_cast<uint16_t>(std::min<uint32_t>(chunks.back().size, UINT16_MAX));
  last_t_.store(chunks.back().maxt, std::memory_order_relaxed);
  last_v_unknown_ = true;
}

void MemSeries::ResolveLastValue(const ChunkDiskMapper* mapper) {
  last_v_unknown_ = false;
  if (closed_.empty()) return;
  const StoredChunk& c = closed_.back();
  MappedBytes m;
  if (c.on_disk()) {
    if (mapper != nullptr) m = mapper->Read(c.disk);
  } else {
    m.bytes = c.heap->bytes();
  }
  chunkenc::XorIterator it(m.bytes);
  while (it.Next()) last_v_ = it.v();
}

void MemSeries::Export(Exported* out) const {
  util::SpinLockHolder lock(&mu_);
  out->closed = closed_;
  if (open_.has_value() && open_->num_samples() > 0) {
    out->open.assign(open_->bytes());
    out->open_state = open_->state();
  } else {
    out->open.clear();
  }
  out->last_t = last_t_.load(std::memory_order_relaxed);
  out->last_v = last_v_;
}

absl::Status MemSeries::Restore(Exported in, int64_t chunk_range) {
  std::optional<chunkenc::XorChunk> open_chunk;
  if (!in.open.empty()) {
    auto chunk = chunkenc::XorChunk::FromState(in.open, in.open_state);
    if (!chunk.ok()) return chunk.status();
    open_chunk.emplace(*std::move(chunk));
  }
  util::SpinLockHolder lock(&mu_);
  closed_ = std::move(in.closed);
  open_ = std::move(open_chunk);
  last_v_unknown_ = false;
  if (!closed_.empty()) {
    const StoredChunk& c = closed_.back();
    if (!c.on_disk()) {
      last_closed_size_ =
          static_cast<uint16_t>(std::min<size_t>(c.heap->bytes().size(), UINT16_MAX));
    }
  }
  if (open_.has_value()) open_end_ = RangeEnd(open_->min_time(), chunk_range);
  last_t_.store(in.last_t, std::memory_order_relaxed);
  last_v_ = in.last_v;
  return absl::OkStatus();
}

ChunkSnapshot MemSeries::Snapshot(int64_t mint, int64_t maxt, const ChunkDiskMapper* mapper) const {
  ChunkSnapshot snap;
  util::SpinLockHolder lock(&mu_);
  for (const auto& c : closed_) {
    if (c.maxt < mint || c.mint > maxt) continue;
    if (c.on_disk()) {
      MappedBytes m;
      if (mapper != nullptr) m = mapper->Read(c.disk);
      snap.chunks.push_back({std::move(m.owner), m.bytes, c.mint, c.maxt});
    } else {
      snap.chunks.push_back({c.heap.Share(), c.heap->bytes(), c.mint, c.maxt});
    }
  }
  if (open_.has_value() && open_->num_samples() > 0 && open_->max_time() >= mint &&
      open_->min_time() <= maxt) {
    // The open chunk keeps growing (and may reallocate), so readers get a copy of its bytes.
    auto copy = std::make_shared<const std::string>(open_->bytes());
    snap.chunks.push_back({copy, *copy, open_->min_time(), open_->max_time()});
  }
  return snap;
}

bool MemSeries::TruncateBefore(int64_t mint) {
  util::SpinLockHolder lock(&mu_);
  size_t drop = 0;
  while (drop < closed_.size() && closed_[drop].maxt < mint) ++drop;
  closed_.erase(closed_.begin(), closed_.begin() + static_cast<std::ptrdiff_t>(drop));
  // Give back what the dropped chunks' entries held (once per head truncation).
  if (drop > 0) closed_.shrink_to_fit();
  if (open_.has_value() && open_->max_time() < mint) open_.reset();
  return closed_.empty() && !open_.has_value();
}

int64_t MemSeries::min_time() const {
  util::SpinLockHolder lock(&mu_);
  if (!closed_.empty()) return closed_.front().mint;
  if (open_.has_value()) return open_->min_time();
  return INT64_MAX;
}

int64_t MemSeries::UnmappedFrom() const {
  util::SpinLockHolder lock(&mu_);
  for (const StoredChunk& c : closed_) {
    if (!c.on_disk()) return c.mint;
  }
  if (open_.has_value()) return open_->min_time();
  return INT64_MAX;
}

int64_t MemSeries::max_time() const {
  util::SpinLockHolder lock(&mu_);
  return (open_.has_value() || !closed_.empty()) ? last_t_.load(std::memory_order_relaxed)
                                                 : INT64_MIN;
}

size_t MemSeries::num_chunks() const {
  util::SpinLockHolder lock(&mu_);
  return closed_.size() + (open_.has_value() ? 1 : 0);
}

}  // namespace sextant::tsdb::head
