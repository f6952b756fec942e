#include "tsdb/head/head.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "tsdb/head/head_metrics.h"
#include "tsdb/wal/record.h"
#include "tsdb/wal/wal.h"
#include "util/status_macros.h"

namespace sextant::tsdb::head {

Head::Head(HeadOptions options)
    : options_(std::move(options)),
      wal_(options_.wal),
      hash_stripes_(std::make_unique<HashStripe[]>(options_.stripes)),
      ref_stripes_(std::make_unique<RefStripe[]>(options_.stripes)) {
  util::Registry* registry = options_.metrics;
  if (registry == nullptr) {
    own_registry_ = std::make_unique<util::Registry>();
    registry = own_registry_.get();
  }
  metrics_ = std::make_unique<Metrics>(*registry);
  registry->NewGaugeFunc("prometheus_tsdb_head_series", "Total number of series in the head block.",
                         [this] { return static_cast<double>(num_series()); });
  registry->NewGaugeFunc("prometheus_tsdb_head_chunks", "Total number of chunks in the head block.",
                         [this] { return static_cast<double>(num_chunks()); });
  registry->NewGaugeFunc("prometheus_tsdb_head_min_time",
                         "Minimum time bound of the head block. The unit is decided by the library "
                         "consumer.",
                         [this] { return static_cast<double>(min_time()); });
  registry->NewGaugeFunc("prometheus_tsdb_head_max_time",
                         "Maximum timestamp of the head block. The unit is decided by the library "
                         "consumer.",
                         [this] { return static_cast<double>(max_time()); });
  registry->NewGaugeFunc("prometheus_tsdb_head_min_time_seconds",
                         "Minimum time bound of the head block.",
                         [this] { return static_cast<double>(min_time()) / 1000; });
  registry->NewGaugeFunc("prometheus_tsdb_head_max_time_seconds",
                         "Maximum timestamp of the head block.",
                         [this] { return static_cast<double>(max_time()) / 1000; });
  registry->NewGaugeFunc("prometheus_tsdb_symbol_table_size_bytes",
                         "Size of symbol table in memory for loaded blocks",
                         [this] { return static_cast<double>(symbols_.bytes()); });
}

Head::~Head() = default;

void Head::SetChunkDiskMapper(ChunkDiskMapper* mapper, std::vector<ScannedChunk> scanned) {
  std::sort(scanned.begin(), scanned.end(), [](const ScannedChunk& a, const ScannedChunk& b) {
    if (a.ref != b.ref) return a.ref < b.ref;
    if (a.where.file != b.where.file) return a.where.file < b.where.file;
    return a.where.offset < b.where.offset;
  });
  scanned_ = std::move(scanned);
  mapper_.store(mapper, std::memory_order_release);
}

std::span<const ScannedChunk> Head::ScannedOf(SeriesRef ref) const {
  auto lo = std::lower_bound(scanned_.begin(), scanned_.end(), ref,
                             [](const ScannedChunk& c, SeriesRef r) { return c.ref < r; });
  auto hi = lo;
  while (hi != scanned_.end() && hi->ref == ref) ++hi;
  return std::span<const ScannedChunk>(lo, hi);
}

void Head::ReserveSeries(size_t n) {
  // Refs (in runs of 16) and hashes spread evenly over the stripes; a quarter more for the spread.
  const size_t per_stripe = n / options_.stripes + n / options_.stripes / 4 + 1;
  for (int i = 0; i < options_.stripes; ++i) {
    {
      util::MutexLock lock(&hash_stripes_[i].mu);
      hash_stripes_[i].unique.reserve(per_stripe);
    }
    util::SpinLockHolder lock(&ref_stripes_[i].mu);
    ref_stripes_[i].by_ref.reserve(per_stripe);
  }
  // Replay's table of logged refs: refs are mostly dense from 1.
  replay_dense_.reserve(std::min<size_t>(n + n / 4 + 1, kDenseReplayRefs));
}

void Head::SetMinValidTime(int64_t t) {
  int64_t cur = min_valid_time_.load();
  while (t > cur && !min_valid_time_.compare_exchange_weak(cur, t)) {
  }
}

void Head::NoteTimes(int64_t mint, int64_t maxt) {
  int64_t cur = min_time_.load();
  while (mint < cur && !min_time_.compare_exchange_weak(cur, mint)) {
  }
  cur = max_time_.load();
  while (maxt > cur && !max_time_.compare_exchange_weak(cur, maxt)) {
  }
  int64_t at = hook_at_.load(std::memory_order_relaxed);
  if (maxt >= at && hook_at_.compare_exchange_strong(at, maxt + hook_step_)) hook_();
}

void Head::SetTimeAdvanceHook(int64_t step, std::function<void()> hook) {
  hook_step_ = step;
  hook_ = std::move(hook);
  const int64_t now = max_time();
  hook_at_.store(now == INT64_MIN ? INT64_MIN + 1 : now + step);
}

std::shared_ptr<MemSeries> Head::FindInStripe(HashStripe& stripe, uint64_t hash,
                                              const model::Labels& labels) {
  if (auto it = stripe.unique.find(hash); it != stripe.unique.end()) {
    if (symbols_.Equals(it->second->label_ids(), labels)) return it->second;
  }
  if (auto it = stripe.conflicts.find(hash); it != stripe.conflicts.end()) {
    for (const auto& s : it->second) {
      if (symbols_.Equals(s->label_ids(), labels)) return s;
    }
  }
  return nullptr;
}

std::shared_ptr<MemSeries> Head::GetOrCreate(const model::Labels& labels, SeriesRef ref,
                                             bool* created, bool add_postings) {
  uint64_t hash = labels.Hash();
  HashStripe& stripe = hash_stripe(hash);
  util::MutexLock lock(&stripe.mu);
  if (auto s = FindInStripe(stripe, hash, labels)) {
    *created = false;
    return s;
  }
  if (ref == 0) ref = next_ref_.fetch_add(1);
  auto series = std::make_shared<MemSeries>(ref, symbols_.Intern(labels), &symbols_);
  if (auto [it, inserted] = stripe.unique.try_emplace(hash, series); !inserted) {
    stripe.conflicts[hash].push_back(series);
  }
  {
    RefStripe& rs = ref_stripe(ref);
    util::SpinLockHolder ref_lock(&rs.mu);
    rs.by_ref[ref] = series;
    if (ref < RefTable::kLimit) ref_table_.Set(ref, series.get());
  }
  if (add_postings) postings_.Add(ref, labels);
  num_series_.fetch_add(1, std::memory_order_relaxed);
  metrics_->series_created->Inc();
  *created = true;
  return series;
}

std::shared_ptr<MemSeries> Head::GetByRef(SeriesRef ref) const {
  RefStripe& rs = ref_stripe(ref);
  util::SpinLockHolder lock(&rs.mu);
  auto it = rs.by_ref.find(ref);
  return it == rs.by_ref.end() ? nullptr : it->second;
}

MemSeries* Head::FindForAppend(SeriesRef ref) {
  if (ref < RefTable::kLimit) return ref_table_.Get(ref);
  RefStripe& rs = ref_stripe(ref);
  util::SpinLockHolder lock(&rs.mu);
  auto it = rs.by_ref.find(ref);
  return it == rs.by_ref.end() ? nullptr : it->second.get();
}

MemSeries* Head::FindOrCreateForAppend(const model::Labels& labels) {
  bool created;
  return GetOrCreate(labels, 0, &created).get();
}

bool Head::HasSeries(SeriesRef ref) const { return GetByRef(ref) != nullptr; }

std::vector<std::shared_ptr<MemSeries>> Head::AllSeries() const {
  std::vector<std::shared_ptr<MemSeries>> out;
  out.reserve(num_series());
  for (int i = 0; i < options_.stripes; ++i) {
    util::SpinLockHolder lock(&ref_stripes_[i].mu);
    for (const auto& [ref, s] : ref_stripes_[i].by_ref) out.push_back(s);
  }
  return out;
}

size_t Head::num_chunks() const {
  size_t n = 0;
  for (const auto& s : AllSeries()) n += s->num_chunks();
  return n;
}

std::shared_ptr<const Intervals> Head::DeletedOf(SeriesRef ref) const {
  util::ReaderMutexLock lock(&tombstones_mu_);
  auto it = tombstones_.find(ref);
  return it == tombstones_.end() ? nullptr : it->second;
}

absl::StatusOr<size_t> Head::Delete(int64_t mint, int64_t maxt,
                                    std::span<const model::Matcher> matchers) {
  index::PostingsList refs = index::PostingsForMatchers(postings_, matchers);
  std::vector<wal::Tombstone> stones;
  for (SeriesRef ref : refs) {
    auto s = GetByRef(ref);
    if (s == nullptr || s->max_time() < mint || s->min_time() > maxt) continue;
    stones.push_back({ref, mint, maxt});
  }
  if (stones.empty()) return 0;
  // Logged and applied inside the gate: a replay point's capture sees every logged tombstone.
  util::SharedGateHolder gate(&gc_gate_);
  if (wal::Wal* w = wal(); w != nullptr) {
    std::string rec;
    wal::EncodeTombstones(stones, &rec);
    RETURN_IF_ERROR(w->Log(std::span<const std::string>(&rec, 1)));
  }
  util::MutexLock lock(&tombstones_mu_);
  for (const wal::Tombstone& t : stones) {
    auto& slot = tombstones_[t.ref];
    auto updated =
        slot == nullptr ? std::make_shared<Intervals>() : std::make_shared<Intervals>(*slot);
    updated->Add({t.mint, t.maxt});
    slot = std::move(updated);
  }
  return stones.size();
}

std::vector<SeriesData> Head::SeriesInRange(int64_t mint, int64_t maxt) const {
  std::vector<SeriesData> out;
  for (const auto& s : AllSeries()) {
    auto snap = std::make_shared<ChunkSnapshot>(s->Snapshot(mint, maxt, chunk_mapper()));
    if (snap->empty()) continue;
    out.push_back(
        {s->ref(), symbols_.Resolve(s->label_ids()), std::move(snap), DeletedOf(s->ref())});
  }
  std::sort(out.begin(), out.end(),
            [](const SeriesData& a, const SeriesData& b) { return a.labels < b.labels; });
  return out;
}

void Head::RecomputeMinTime() {
  int64_t mint = INT64_MAX;
  for (const auto& s : AllSeries()) mint = std::min(mint, s->min_time());
  min_time_.store(mint, std::memory_order_release);
  if (mint == INT64_MAX) max_time_.store(INT64_MIN, std::memory_order_release);
}

size_t Head::Truncate(int64_t mint) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  auto start = std::chrono::steady_clock::now();
  // No appender holds a series pointer while this runs (see gc_gate_).
  gc_gate_.EnterExclusive();
  metrics_->truncations->Inc();
  SetMinValidTime(mint);
  std::vector<std::shared_ptr<MemSeries>> empty;
  for (const auto& s : AllSeries()) {
    if (s->TruncateBefore(mint)) empty.push_back(s);
  }
  std::vector<std::pair<SeriesRef, model::Labels>> removed;
  for (const auto& s : empty) {
    model::Labels labels = symbols_.Resolve(s->label_ids());
    uint64_t hash = labels.Hash();
    HashStripe& hs = hash_stripe(hash);
    util::MutexLock lock(&hs.mu);
    RefStripe& rs = ref_stripe(s->ref());
    util::SpinLockHolder ref_lock(&rs.mu);
    if (s->num_chunks() != 0) continue;  // a commit that came in before the gate closed
    rs.by_ref.erase(s->ref());
    if (s->ref() < RefTable::kLimit) ref_table_.Set(s->ref(), nullptr);
    if (auto it = hs.unique.find(hash); it != hs.unique.end() && it->second == s) {
      hs.unique.erase(it);
      // Promote a colliding series, if any, into the unique slot.
      if (auto c = hs.conflicts.find(hash); c != hs.conflicts.end() && !c->second.empty()) {
        hs.unique.emplace(hash, c->second.back());
        c->second.pop_back();
        if (c->second.empty()) hs.conflicts.erase(c);
      }
    } else if (auto c = hs.conflicts.find(hash); c != hs.conflicts.end()) {
      std::erase(c->second, s);
      if (c->second.empty()) hs.conflicts.erase(c);
    }
    removed.emplace_back(s->ref(), std::move(labels));
  }
  // A removed series gives its symbols back when the last reader lets go of it (~MemSeries).
  postings_.Delete(removed);
  {
    util::MutexLock lock(&tombstones_mu_);
    for (const auto& [ref, labels] : removed) tombstones_.erase(ref);
    for (auto it = tombstones_.begin(); it != tombstones_.end();) {
      Intervals kept;
      for (const Interval& iv : it->second->list()) {
        if (iv.maxt >= mint) kept.Add({std::max(iv.mint, mint), iv.maxt});
      }
      if (kept.empty()) {
        tombstones_.erase(it++);
      } else {
        it->second = std::make_shared<const Intervals>(std::move(kept));
        ++it;
      }
    }
  }
  num_series_.fetch_sub(removed.size(), std::memory_order_relaxed);
  metrics_->series_removed->Inc(static_cast<double>(removed.size()));
  gc_gate_.ExitExclusive();
  // No series refers to a chunk ending before mint any more (readers keep theirs mapped).
  if (ChunkDiskMapper* mapper = chunk_mapper(); mapper != nullptr) mapper->Truncate(mint);
  RecomputeMinTime();
  metrics_->gc_duration->Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return removed.size();
}

}  // namespace sextant::tsdb::head
