// WAL replay into the head: series records recreate series under their logged refs, sample
// records append directly (no WAL write), tombstone records restore deletions.

#include <algorithm>

#include "tsdb/head/head.h"
#include "tsdb/wal/record.h"
#include "util/status_macros.h"

namespace sextant::tsdb::head {

absl::Status Head::ApplyWalRecord(std::string_view record, ReplayStats* stats) {
  ASSIGN_OR_RETURN(wal::RecordType type, wal::PeekType(record));
  switch (type) {
    case wal::RecordType::kSeries: {
      std::vector<wal::RefSeries> series;
      RETURN_IF_ERROR(wal::DecodeSeries(record, &series));
      for (const wal::RefSeries& rs : series) {
        replay_max_ref_ = std::max(replay_max_ref_, rs.ref);
        if (HasSeries(rs.ref)) continue;
        bool created;
        auto s = GetOrCreate(rs.labels, rs.ref, /*pin=*/false, &created);
        s->logged.store(true);
        // The same labels logged again under another ref (after the series was collected and
        // came back): samples of either ref go to the one series.
        if (!created && s->ref() != rs.ref) replay_aliases_[rs.ref] = s->ref();
        ++stats->series;
      }
      return absl::OkStatus();
    }
    case wal::RecordType::kSamples: {
      std::vector<wal::RefSample> samples;
      RETURN_IF_ERROR(wal::DecodeSamples(record, &samples));
      std::shared_ptr<MemSeries> series;
      int64_t mint = INT64_MAX, maxt = INT64_MIN;
      for (const wal::RefSample& rs : samples) {
        SeriesRef ref = rs.ref;
        if (auto alias = replay_aliases_.find(ref); alias != replay_aliases_.end()) {
          ref = alias->second;
        }
        if (series == nullptr || series->ref() != ref) series = GetByRef(ref, false);
        if (series == nullptr) {
          ++stats->unknown_refs;
          continue;
        }
        if (rs.t < min_valid_time()) continue;  // already in a partition
        if (series->Append(rs.t, rs.v, options_.chunk_range, options_.samples_per_chunk) !=
            AppendError::kNone) {
          ++stats->out_of_order;
          continue;
        }
        ++stats->samples;
        mint = std::min(mint, rs.t);
        maxt = std::max(maxt, rs.t);
      }
      if (maxt != INT64_MIN) NoteTimes(mint, maxt);
      return absl::OkStatus();
    }
    case wal::RecordType::kTombstones: {
      std::vector<wal::Tombstone> stones;
      RETURN_IF_ERROR(wal::DecodeTombstones(record, &stones));
      util::MutexLock lock(&tombstones_mu_);
      for (const wal::Tombstone& t : stones) {
        SeriesRef ref = t.ref;
        if (auto alias = replay_aliases_.find(ref); alias != replay_aliases_.end()) {
          ref = alias->second;
        }
        auto& slot = tombstones_[ref];
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

void Head::FinishReplay() {
  SeriesRef next = std::max<SeriesRef>(next_ref_.load(), replay_max_ref_ + 1);
  next_ref_.store(next);
  replay_aliases_.clear();
  // Series declared in the WAL but without samples left (all compacted away) go at the next GC.
}

}  // namespace sextant::tsdb::head
