// The head's side of a replay point (replay_point.h): the WAL position its memory state
// corresponds to, how far the head chunk files cover every series, and its series and tombstones.

#include <algorithm>

#include "tsdb/head/head.h"
#include "tsdb/wal/record.h"

namespace sextant::tsdb::head {
namespace {
constexpr size_t kSeriesPerRecord = 4096;
}  // namespace

Head::ReplayPointCapture Head::CaptureReplayPoint(
    const std::function<bool(wal::Position, int64_t)>& want) {
  ReplayPointCapture out;
  {
    // No appender is between logging and applying while the gate is held exclusively, so every
    // record before this position is in memory: its samples in their series' chunks, its
    // tombstones in the map (Delete() holds the gate shared too).
    util::SharedGateExclusiveHolder gate(&gc_gate_);
    out.wal_end = wal()->EndPosition();
  }
  // Read after that position was taken, the series cover at least the records before it: a
  // sample in memory older than every series' oldest unmapped one is in a mapped chunk. Appends
  // meanwhile only map more. This pass copies nothing: most looks end here.
  for (int i = 0; i < options_.stripes; ++i) {
    util::SpinLockHolder lock(&ref_stripes_[i].mu);
    for (const auto& [ref, s] : ref_stripes_[i].by_ref) {
      out.unmapped_from = std::min(out.unmapped_from, s->UnmappedFrom());
    }
  }
  if (!want(out.wal_end, out.unmapped_from)) return out;
  std::vector<std::shared_ptr<MemSeries>> all = AllSeries();
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a->ref() < b->ref(); });
  std::vector<wal::RefSeries> batch;
  batch.reserve(std::min(all.size(), kSeriesPerRecord));
  for (const auto& s : all) {
    batch.push_back({s->ref(), symbols_.Resolve(s->label_ids())});
    if (batch.size() == kSeriesPerRecord) {
      wal::EncodeSeries(batch, &out.records.emplace_back());
      batch.clear();
    }
  }
  if (!batch.empty()) wal::EncodeSeries(batch, &out.records.emplace_back());
  out.series = all.size();
  std::vector<wal::Tombstone> stones;
  {
    util::ReaderMutexLock lock(&tombstones_mu_);
    for (const auto& [ref, intervals] : tombstones_) {
      for (const Interval& iv : intervals->list()) stones.push_back({ref, iv.mint, iv.maxt});
    }
  }
  if (!stones.empty()) wal::EncodeTombstones(stones, &out.records.emplace_back());
  return out;
}

}  // namespace sextant::tsdb::head
