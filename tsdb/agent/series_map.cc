#include "tsdb/agent/series_map.h"

#include <algorithm>

namespace sextant::tsdb::agent {

SeriesMap::SeriesMap() = default;

uint64_t SeriesMap::FindLocked(HashStripe& hs, uint64_t hash, const model::Labels& labels,
                               int64_t* last_ts) {
  auto matches = [&](uint64_t ref) {
    RefStripe& rs = ref_stripe(ref);
    util::MutexLock lock(&rs.mu);
    auto it = rs.series.find(ref);
    if (it == rs.series.end() || it->second.labels != labels) return false;
    *last_ts = it->second.last_ts;
    return true;
  };
  auto it = hs.refs.find(hash);
  if (it == hs.refs.end()) return 0;
  if (matches(it->second)) return it->second;
  auto col = hs.collisions.find(hash);
  if (col == hs.collisions.end()) return 0;
  for (uint64_t ref : col->second) {
    if (matches(ref)) return ref;
  }
  return 0;
}

void SeriesMap::InsertLocked(HashStripe& hs, uint64_t hash, uint64_t ref,
                             const model::Labels& labels, int64_t last_ts) {
  {
    RefStripe& rs = ref_stripe(ref);
    util::MutexLock lock(&rs.mu);
    rs.series.insert_or_assign(ref, Entry{labels, last_ts});
  }
  auto [it, inserted] = hs.refs.try_emplace(hash, ref);
  if (!inserted) hs.collisions[hash].push_back(ref);
}

SeriesMap::Lookup SeriesMap::GetOrCreate(uint64_t hint, const model::Labels& labels) {
  if (hint != 0) {
    RefStripe& rs = ref_stripe(hint);
    util::MutexLock lock(&rs.mu);
    auto it = rs.series.find(hint);
    if (it != rs.series.end() && it->second.labels == labels) {
      return {hint, false, it->second.last_ts};
    }
  }
  const uint64_t hash = labels.Hash();
  HashStripe& hs = hash_stripe(hash);
  util::MutexLock lock(&hs.mu);
  Lookup found;
  found.ref = FindLocked(hs, hash, labels, &found.last_ts);
  if (found.ref != 0) return found;
  {
    util::MutexLock next(&next_mu_);
    found.ref = next_ref_++;
  }
  found.created = true;
  found.last_ts = kFresh;
  InsertLocked(hs, hash, found.ref, labels, kFresh);
  return found;
}

uint64_t SeriesMap::AddForReplay(uint64_t ref, const model::Labels& labels) {
  const uint64_t hash = labels.Hash();
  HashStripe& hs = hash_stripe(hash);
  util::MutexLock lock(&hs.mu);
  {
    util::MutexLock next(&next_mu_);
    next_ref_ = std::max(next_ref_, ref + 1);
  }
  int64_t last_ts;
  if (uint64_t existing = FindLocked(hs, hash, labels, &last_ts); existing != 0) return existing;
  InsertLocked(hs, hash, ref, labels, kNoSample);
  return ref;
}

bool SeriesMap::UpdateLastTimestamp(uint64_t ref, int64_t t) {
  RefStripe& rs = ref_stripe(ref);
  util::MutexLock lock(&rs.mu);
  auto it = rs.series.find(ref);
  if (it == rs.series.end()) return false;
  if (t <= it->second.last_ts) return false;
  it->second.last_ts = t;
  return true;
}

std::vector<uint64_t> SeriesMap::GC(int64_t mint) {
  struct Candidate {
    uint64_t ref;
    uint64_t hash;
  };
  std::vector<Candidate> candidates;
  for (RefStripe& rs : refs_) {
    util::MutexLock lock(&rs.mu);
    for (auto& [ref, entry] : rs.series) {
      if (entry.last_ts == kFresh) {
        entry.last_ts = kNoSample;
      } else if (entry.last_ts < mint) {
        candidates.push_back({ref, entry.labels.Hash()});
      }
    }
  }
  std::vector<uint64_t> removed;
  for (const Candidate& c : candidates) {
    HashStripe& hs = hash_stripe(c.hash);
    util::MutexLock hash_lock(&hs.mu);
    RefStripe& rs = ref_stripe(c.ref);
    {
      util::MutexLock ref_lock(&rs.mu);
      auto it = rs.series.find(c.ref);
      // An append may have revived it since the scan.
      if (it == rs.series.end() || it->second.last_ts >= mint) continue;
      rs.series.erase(it);
    }
    removed.push_back(c.ref);
    auto col = hs.collisions.find(c.hash);
    auto it = hs.refs.find(c.hash);
    if (it != hs.refs.end() && it->second == c.ref) {
      if (col == hs.collisions.end()) {
        hs.refs.erase(it);
        continue;
      }
      it->second = col->second.back();
      col->second.pop_back();
    } else if (col != hs.collisions.end()) {
      std::erase(col->second, c.ref);
    }
    if (col != hs.collisions.end() && col->second.empty()) hs.collisions.erase(col);
  }
  return removed;
}

bool SeriesMap::Has(uint64_t ref) const {
  const RefStripe& rs = ref_stripe(ref);
  util::MutexLock lock(&rs.mu);
  return rs.series.contains(ref);
}

size_t SeriesMap::size() const {
  size_t n = 0;
  for (const RefStripe& rs : refs_) {
    util::MutexLock lock(&rs.mu);
    n += rs.series.size();
  }
  return n;
}

}  // namespace sextant::tsdb::agent
