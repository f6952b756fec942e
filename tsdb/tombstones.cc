#include "tsdb/tombstones.h"

#include <algorithm>

namespace sextant::tsdb {

void Intervals::Add(Interval iv) {
  if (iv.mint > iv.maxt) return;
  std::vector<Interval> out;
  out.reserve(list_.size() + 1);
  bool placed = false;
  for (const Interval& cur : list_) {
    // Adjacent counts as overlapping: [1,2] + [3,4] = [1,4] (timestamps are integers).
    bool before = iv.mint != INT64_MIN && cur.maxt < iv.mint - 1;
    bool after = iv.maxt != INT64_MAX && cur.mint > iv.maxt + 1;
    if (before) {
      out.push_back(cur);
    } else if (after) {
      if (!placed) {
        out.push_back(iv);
        placed = true;
      }
      out.push_back(cur);
    } else {
      iv.mint = std::min(iv.mint, cur.mint);
      iv.maxt = std::max(iv.maxt, cur.maxt);
    }
  }
  if (!placed) out.push_back(iv);
  list_ = std::move(out);
}

bool Intervals::Contains(int64_t t) const {
  auto it = std::lower_bound(list_.begin(), list_.end(), t,
                             [](const Interval& iv, int64_t ts) { return iv.maxt < ts; });
  return it != list_.end() && it->mint <= t;
}

bool Intervals::Covers(int64_t mint, int64_t maxt) const {
  auto it = std::lower_bound(list_.begin(), list_.end(), mint,
                             [](const Interval& iv, int64_t ts) { return iv.maxt < ts; });
  return it != list_.end() && it->mint <= mint && it->maxt >= maxt;
}

}  // namespace sextant::tsdb
