#pragma once

// Deleted time ranges of a series (tombstones): queries skip samples inside them, compaction drops
// those samples for good.

#include <cstdint>
#include <vector>

namespace sextant::tsdb {

struct Interval {
  int64_t mint = 0;  // inclusive
  int64_t maxt = 0;  // inclusive
  bool operator==(const Interval&) const = default;
};

// Sorted, non-overlapping, non-adjacent intervals.
class Intervals {
 public:
  Intervals() = default;
  // Adds [mint, maxt], merging with overlapping or adjacent intervals.
  void Add(Interval iv);
  bool Contains(int64_t t) const;
  // Whether every timestamp of [mint, maxt] is deleted.
  bool Covers(int64_t mint, int64_t maxt) const;
  bool empty() const { return list_.empty(); }
  const std::vector<Interval>& list() const { return list_; }

 private:
  std::vector<Interval> list_;
};

}  // namespace sextant::tsdb
