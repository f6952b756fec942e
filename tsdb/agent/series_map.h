#pragma once

// SeriesMap: agent mode's in-memory series: label set ↔ ref, and each series' last committed
// timestamp. Nothing else, so that a series costs little more than its packed labels (the head's
// MemSeries with chunks and postings costs about 2 KB).
//
// Layout: 16 stripes by ref (ref → labels, last timestamp) and 16 stripes by label hash (hash →
// ref, with a side table for the rare 64-bit hash collision), each with its own mutex; a lookup
// by labels takes its hash stripe, then the ref stripe (never the other order).
//
// Thread-safety: all methods are thread-safe.

#include <cstdint>
#include <limits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "model/labels.h"
#include "util/mutex.h"

namespace sextant::tsdb::agent {

class SeriesMap {
 public:
  // The last timestamp of a series with no committed sample yet that GC has not seen: GC turns
  // it into kNoSample, so a series created just before a GC survives it (its commit may be under
  // way), and a series that never gets a sample goes at the next one.
  static constexpr int64_t kFresh = std::numeric_limits<int64_t>::min() + 1;
  // The last timestamp of a series with no committed sample.
  static constexpr int64_t kNoSample = std::numeric_limits<int64_t>::min();

  struct Lookup {
    uint64_t ref = 0;
    bool created = false;  // the series is new: its series record must be logged
    int64_t last_ts = kNoSample;
  };

  SeriesMap();

  // The series with `labels` (non-empty), created with the next ref when absent. `hint` is
  // checked first: when it names a series with these labels, no hashing is needed.
  Lookup GetOrCreate(uint64_t hint, const model::Labels& labels);

  // For WAL replay: adds the series `ref` unless its labels are already known, and returns the
  // ref the labels have now (`ref`, or the earlier one). Refs issued later are above every ref
  // seen here.
  uint64_t AddForReplay(uint64_t ref, const model::Labels& labels);

  // Raises the series' last timestamp to t. False when t is not after it (the sample lost a race
  // with another commit: out of order) or the series is gone.
  bool UpdateLastTimestamp(uint64_t ref, int64_t t);

  // Removes the series whose last timestamp is older than mint (see kFresh), returning their
  // refs.
  std::vector<uint64_t> GC(int64_t mint);

  bool Has(uint64_t ref) const;
  size_t size() const;

 private:
  static constexpr int kStripes = 16;
  struct Entry {
    model::Labels labels;
    int64_t last_ts;
  };
  struct RefStripe {
    mutable util::Mutex mu;
    absl::flat_hash_map<uint64_t, Entry> series ABSL_GUARDED_BY(mu);
  };
  struct HashStripe {
    util::Mutex mu;
    absl::flat_hash_map<uint64_t, uint64_t> refs ABSL_GUARDED_BY(mu);
    absl::flat_hash_map<uint64_t, std::vector<uint64_t>> collisions ABSL_GUARDED_BY(mu);
  };

  RefStripe& ref_stripe(uint64_t ref) { return refs_[ref % kStripes]; }
  const RefStripe& ref_stripe(uint64_t ref) const { return refs_[ref % kStripes]; }
  HashStripe& hash_stripe(uint64_t hash) { return hashes_[(hash >> 32) % kStripes]; }
  // With hs.mu held: the ref of `labels` (hash `hash`), or 0; *last_ts gets its last timestamp.
  uint64_t FindLocked(HashStripe& hs, uint64_t hash, const model::Labels& labels, int64_t* last_ts)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(hs.mu);
  // With hs.mu held: adds the series.
  void InsertLocked(HashStripe& hs, uint64_t hash, uint64_t ref, const model::Labels& labels,
                    int64_t last_ts) ABSL_EXCLUSIVE_LOCKS_REQUIRED(hs.mu);

  RefStripe refs_[kStripes];
  HashStripe hashes_[kStripes];
  util::Mutex next_mu_;
  uint64_t next_ref_ ABSL_GUARDED_BY(next_mu_) = 1;
};

}  // namespace sextant::tsdb::agent
