// WAL replay into the head: series records recreate series under their logged refs, sample
// records append directly (no WAL write), tombstone records restore deletions.
//
// Samples are applied in parallel: the replaying thread decodes records and hands each sample to
// the worker that owns its series (by ref), in log order, so every series still sees its samples
// in order while decoding, lookups and chunk appends of different series run on different cores.

#include <algorithm>
#include <bit>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <pthread.h>

#include "tsdb/head/head.h"
#include "tsdb/wal/record.h"
#include "util/status_macros.h"

namespace sextant::tsdb::head {
namespace {
constexpr size_t kReplayBatch = 4096;  // samples a shard is handed at once
}  // namespace

// One replay worker: a queue of batches of samples, each already resolved to its series.
class Head::ReplayShard {
 public:
  using Sample = ReplaySample;
  using Batch = std::vector<Sample>;

  ReplayShard(Head* head, int64_t min_valid)
      : head_(head), min_valid_(min_valid), mapper_(head->chunk_mapper()) {
    thread_ = std::thread([this] { Run(); });
    pthread_setname_np(thread_.native_handle(), "wal-replay");  // for top and perf
  }
  ~ReplayShard() { Finish(); }

  void Push(Batch batch) {
    std::unique_lock<std::mutex> lock(mu_);
    // Bounded: the decoder waits rather than buffering a whole WAL in memory.
    space_.wait(lock, [this] { return queue_.size() < kMaxQueued; });
    queue_.push_back(std::move(batch));
    // Waking a thread is a system call: only a worker that may be waiting gets one.
    if (queue_.size() == 1) ready_.notify_one();
  }

  // Waits for the queue to drain and the worker to stop; adds its counts to *stats.
  void Finish(ReplayStats* stats = nullptr) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    ready_.notify_one();
    if (thread_.joinable()) thread_.join();
    if (stats != nullptr) {
      stats->samples += samples_;
      stats->out_of_order += out_of_order_;
      stats->mapped_samples_skipped += mapped_skipped_;
    }
    if (maxt_ != INT64_MIN) head_->NoteTimes(mint_, maxt_);
    maxt_ = INT64_MIN;
  }

 private:
  static constexpr size_t kMaxQueued = 16;
  static constexpr size_t kPrefetch = 8;

  void Run() {
    while (true) {
      Batch batch;
      {
        std::unique_lock<std::mutex> lock(mu_);
        ready_.wait(lock, [this] { return done_ || !queue_.empty(); });
        if (queue_.empty()) return;
        batch = std::move(queue_.front());
        queue_.pop_front();
        if (queue_.size() == kMaxQueued - 1) space_.notify_one();
      }
      Apply(batch);
    }
  }

  void Apply(const Batch& batch) {
    const int64_t chunk_range = head_->options_.chunk_range;
    const int samples_per_chunk = head_->options_.samples_per_chunk;
    for (size_t i = 0; i < batch.size(); ++i) {
      // Each sample is for another series, so the series' memory is a cache miss; fetch a few
      // ahead while appending this one.
      if (i + kPrefetch < batch.size()) batch[i + kPrefetch].series->Prefetch();
      const Sample& rs = batch[i];
      if (rs.t < min_valid_) continue;  // already in a partition
      if (rs.series->SkipOnReplay(rs.t)) {
        ++mapped_skipped_;  // in a chunk mapped from the head chunk files
        continue;
      }
      if (rs.series->Append(rs.t, rs.v, chunk_range, samples_per_chunk, mapper_) !=
          AppendError::kNone) {
        ++out_of_order_;
        continue;
      }
      ++samples_;
      mint_ = std::min(mint_, rs.t);
      maxt_ = std::max(maxt_, rs.t);
    }
  }

  Head* const head_;
  const int64_t min_valid_;
  ChunkDiskMapper* const mapper_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::condition_variable space_;
  std::deque<Batch> queue_;  // guarded by mu_
  bool done_ = false;        // guarded by mu_
  std::thread thread_;
  // Worker-only state.
  uint64_t samples_ = 0;
  uint64_t out_of_order_ = 0;
  uint64_t mapped_skipped_ = 0;
  int64_t mint_ = INT64_MAX;
  int64_t maxt_ = INT64_MIN;
};

void Head::ReplayRegister(SeriesRef logged_ref, MemSeries* series, int64_t skip_until) {
  if (logged_ref < kDenseReplayRefs) {
    if (replay_dense_.size() <= logged_ref) replay_dense_.resize(logged_ref + 1);
    replay_dense_[logged_ref] = {series, series->ref(), skip_until};
  } else {
    replay_series_[logged_ref] = {series, series->ref(), skip_until};
  }
}

void Head::FlushReplayBatches() {
  for (size_t i = 0; i < replay_batches_.size(); ++i) {
    if (replay_batches_[i].empty()) continue;
    replay_shards_[i]->Push(std::move(replay_batches_[i]));
    replay_batches_[i] = {};
  }
}

Head::ReplayTarget Head::ReplayLookup(SeriesRef ref) const {
  if (ref < kDenseReplayRefs)
    return ref < replay_dense_.size() ? replay_dense_[ref] : ReplayTarget{};
  auto it = replay_series_.find(ref);
  return it == replay_series_.end() ? ReplayTarget{} : it->second;
}

void Head::StartReplay() {
  if (!replay_shards_.empty()) return;
  int n = static_cast<int>(std::thread::hardware_concurrency());
  n = std::clamp(n, 1, 8);
  n = std::bit_floor(static_cast<unsigned>(n));  // a power of two: shards are picked by mask
  for (int i = 0; i < n; ++i) {
    replay_shards_.push_back(std::make_shared<ReplayShard>(this, min_valid_time()));
  }
  replay_batches_.assign(n, {});
}

void Head::ReplaySeries(const wal::RefSeries& rs, ReplayStats* stats,
                        std::vector<std::pair<SeriesRef, const model::Labels*>>* postings_out) {
  bool created;
  // The same labels may come again under another ref (the series was collected and came back):
  // both refs then lead to the one series, whose shard keeps its samples in order.
  auto s = GetOrCreate(rs.labels, rs.ref, &created, /*add_postings=*/postings_out == nullptr);
  if (created && postings_out != nullptr) postings_out->emplace_back(s->ref(), &rs.labels);
  s->logged.store(true);
  int64_t skip_until = INT64_MIN;
  if (created && !scanned_.empty()) {
    // Its closed chunks from the head chunk files: replay skips the samples they hold.
    std::span<const ScannedChunk> chunks = ScannedOf(s->ref());
    if (!chunks.empty()) {
      s->AttachMapped(chunks);
      NoteTimes(chunks.front().mint, chunks.back().maxt);
      stats->mapped_chunks += chunks.size();
      skip_until = chunks.back().maxt;
    }
  }
  ReplayRegister(rs.ref, s.get(), skip_until);
  ++stats->series;
}

absl::Status Head::ApplyOneHeadsRecords(std::span<const std::string_view> records,
                                        ReplayStats* stats) {
  StartReplay();
  std::vector<std::vector<wal::RefSeries>> decoded;
  std::vector<std::string_view> others;
  SeriesRef max_ref = replay_max_ref_;
  for (std::string_view rec : records) {
    ASSIGN_OR_RETURN(wal::RecordType type, wal::PeekType(rec));
    if (type != wal::RecordType::kSeries) {
      others.push_back(rec);
      continue;
    }
    RETURN_IF_ERROR(wal::DecodeSeries(rec, &decoded.emplace_back()));
    for (const wal::RefSeries& rs : decoded.back()) max_ref = std::max(max_ref, rs.ref);
  }
  CreateReplayedSeries(decoded, max_ref, stats);
  for (std::string_view rec : others) RETURN_IF_ERROR(ApplyWalRecord(rec, stats));
  return absl::OkStatus();
}

void Head::CreateReplayedSeries(const std::vector<std::vector<wal::RefSeries>>& decoded,
                                SeriesRef max_ref, ReplayStats* stats) {
  replay_max_ref_ = max_ref;
  const unsigned threads = std::min<unsigned>(std::max(1u, std::thread::hardware_concurrency()), 8);
  if (max_ref >= kDenseReplayRefs || threads == 1 || decoded.size() < 2) {
    for (const auto& series : decoded) {
      for (const wal::RefSeries& rs : series) {
        if (ReplayLookup(rs.ref).series == nullptr) ReplaySeries(rs, stats);
      }
    }
    return;
  }
  // Sized first, so that threads registering distinct refs write distinct slots of it and never
  // move it. The records come from one head: distinct refs, distinct label sets.
  if (replay_dense_.size() <= max_ref) replay_dense_.resize(max_ref + 1);
  // Postings are added afterwards in one pass in ref order: their lists take appends cheaply,
  // inserts in the middle (threads' refs interleaved) dearly.
  std::vector<ReplayStats> part(threads);
  std::vector<std::vector<std::pair<SeriesRef, const model::Labels*>>> postings(threads);
  std::atomic<size_t> next{0};
  auto work = [&](unsigned t) {
    for (size_t i; (i = next.fetch_add(1)) < decoded.size();) {
      for (const wal::RefSeries& rs : decoded[i]) {
        if (replay_dense_[rs.ref].series == nullptr) ReplaySeries(rs, &part[t], &postings[t]);
      }
    }
  };
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < threads; ++t) helpers.emplace_back(work, t);
  work(0);
  for (std::thread& t : helpers) t.join();
  std::vector<std::pair<SeriesRef, const model::Labels*>> all;
  for (unsigned t = 0; t < threads; ++t) {
    stats->series += part[t].series;
    stats->mapped_chunks += part[t].mapped_chunks;
    all.insert(all.end(), postings[t].begin(), postings[t].end());
  }
  std::sort(all.begin(), all.end());
  postings_.AddBatch(all);
}

absl::Status Head::ApplyWalRecord(std::string_view record, ReplayStats* stats) {
  StartReplay();
  const size_t shards = replay_shards_.size();
  ASSIGN_OR_RETURN(wal::RecordType type, wal::PeekType(record));
  switch (type) {
    case wal::RecordType::kSeries: {
      std::vector<wal::RefSeries>& series = replay_series_scratch_;  // reused: fewer reallocations
      RETURN_IF_ERROR(wal::DecodeSeries(record, &series));
      for (const wal::RefSeries& rs : series) {
        replay_max_ref_ = std::max(replay_max_ref_, rs.ref);
        if (ReplayLookup(rs.ref).series != nullptr) continue;
        ReplaySeries(rs, stats);
      }
      return absl::OkStatus();
    }
    case wal::RecordType::kSamples: {
      // Decoded straight into the shards' batches (no intermediate vector): replay is bound by
      // this thread. Batches span records, so that the workers are woken rarely.
      std::vector<ReplayShard::Batch>& batches = replay_batches_;
      uint64_t skipped = 0;
      RETURN_IF_ERROR(wal::ForEachSample(record, [&](const wal::RefSample& rs) {
        const ReplayTarget target = ReplayLookup(rs.ref);
        if (target.series == nullptr) {
          ++stats->unknown_refs;
          return;
        }
        if (rs.t <= target.skip_until) {
          ++skipped;  // in a mapped chunk: the series' memory is not even touched
          return;
        }
        // The shard count is a power of two: a mask, not a division, on this hot path.
        auto& batch = batches[target.ref & (shards - 1)];
        if (batch.capacity() == 0) batch.reserve(kReplayBatch);
        batch.push_back({target.series, rs.t, rs.v});
      }));
      stats->mapped_samples_skipped += skipped;
      for (size_t i = 0; i < shards; ++i) {
        if (batches[i].size() >= kReplayBatch) {
          replay_shards_[i]->Push(std::move(batches[i]));
          batches[i] = {};
        }
      }
      return absl::OkStatus();
    }
    case wal::RecordType::kTombstones: {
      std::vector<wal::Tombstone> stones;
      RETURN_IF_ERROR(wal::DecodeTombstones(record, &stones));
      util::MutexLock lock(&tombstones_mu_);
      for (const wal::Tombstone& t : stones) {
        ReplayTarget target = ReplayLookup(t.ref);
        if (target.series == nullptr) {
          ++stats->unknown_refs;
          continue;
        }
        auto& slot = tombstones_[target.ref];
        auto updated =
            slot == nullptr ? std::make_shared<Intervals>() : std::make_shared<Intervals>(*slot);
        updated->Add({t.mint, t.maxt});
        slot = std::move(updated);
        ++stats->tombstones;
      }
      return absl::OkStatus();
    }
  }
  return absl::DataLossError("unknown WAL record type");
}

void Head::FinishReplay(ReplayStats* stats) {
  if (!replay_shards_.empty()) FlushReplayBatches();
  for (auto& shard : replay_shards_) shard->Finish(stats);
  replay_batches_.clear();
  replay_shards_.clear();
  SeriesRef next = std::max<SeriesRef>(next_ref_.load(), replay_max_ref_ + 1);
  next_ref_.store(next);
  replay_series_.clear();
  replay_series_.rehash(0);
  replay_dense_.clear();
  replay_dense_.shrink_to_fit();
  replay_series_scratch_.clear();
  replay_series_scratch_.shrink_to_fit();
  scanned_.clear();
  scanned_.shrink_to_fit();
  // Series declared in the WAL but without samples left (all compacted away) go at the next GC.
}

}  // namespace sextant::tsdb::head
