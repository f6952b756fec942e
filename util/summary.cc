#include "util/summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "absl/time/clock.h"

namespace sextant::util {
namespace {

[[noreturn]] void Invalid(const char* what) {
  std::fprintf(stderr, "invalid summary: %s\n", what);
  std::abort();
}

absl::Duration SliceWidth(const SummaryOptions& o) {
  if (o.max_age <= absl::ZeroDuration()) Invalid("max_age must be > 0");
  if (o.age_buckets < 1) Invalid("age_buckets must be >= 1");
  if (o.max_samples_per_age_bucket < 1) Invalid("max_samples_per_age_bucket must be >= 1");
  return o.max_age / o.age_buckets;
}

absl::Time Now(const SummaryOptions& o) { return o.clock ? o.clock() : absl::Now(); }

// The nearest-rank quantile of samples sorted by value, each standing for `weight` observations.
double WeightedQuantile(const std::vector<std::pair<double, double>>& sorted, double total,
                        double q) {
  // q * total is a rank; the tolerance keeps 0.07 * 100 = 7.000000000000001 at rank 7.
  const double target = q * total * (1 - 1e-12);
  double cumulative = 0;
  for (const auto& [v, weight] : sorted) {
    cumulative += weight;
    if (cumulative >= target) return v;
  }
  return sorted.back().first;
}

}  // namespace

Summary::Summary(Objectives objectives, SummaryOptions options)
    : objectives_(std::move(objectives)),
      options_(std::move(options)),
      slice_width_(SliceWidth(options_)),
      start_(Now(options_)) {
  for (const auto& [q, err] : objectives_) {
    if (!(q >= 0 && q <= 1)) Invalid("quantile outside [0, 1]");
    if (!(err >= 0 && err <= 1)) Invalid("allowed error outside [0, 1]");
  }
  if (!objectives_.empty()) slices_.resize(options_.age_buckets);
}

int64_t Summary::EpochAt(absl::Time now) const {
  absl::Duration remainder;  // IDivDuration needs somewhere to write it
  const int64_t epoch = absl::IDivDuration(now - start_, slice_width_, &remainder);
  latest_epoch_ = std::max(latest_epoch_, epoch);
  return latest_epoch_;
}

void Summary::Observe(double v) {
  const absl::Time now = objectives_.empty() ? absl::InfinitePast() : Now(options_);
  MutexLock lock(&mu_);
  sum_ += v;
  ++count_;
  if (objectives_.empty()) return;
  const int64_t epoch = EpochAt(now);
  Slice& s = slices_[static_cast<size_t>(epoch) % slices_.size()];
  if (s.epoch != epoch) {
    s.epoch = epoch;
    s.seen = 0;
    s.kept.clear();
  }
  ++s.seen;
  if (s.kept.size() < options_.max_samples_per_age_bucket) {
    s.kept.push_back(v);
    return;
  }
  // Reservoir sampling (Algorithm R): the v-th observation replaces a kept one with probability
  // kept / seen, which leaves every observation of the slice equally likely to be kept.
  rng_ ^= rng_ << 13;
  rng_ ^= rng_ >> 7;
  rng_ ^= rng_ << 17;
  const uint64_t j = rng_ % s.seen;
  if (j < s.kept.size()) s.kept[j] = v;
}

Summary::Values Summary::Snapshot() const {
  const absl::Time now = objectives_.empty() ? absl::InfinitePast() : Now(options_);
  Values out;
  std::vector<std::pair<double, double>> window;  // (value, weight)
  double total = 0;
  {
    MutexLock lock(&mu_);
    out.sum = sum_;
    out.count = count_;
    if (objectives_.empty()) return out;
    const int64_t epoch = EpochAt(now);
    const int64_t oldest = epoch - static_cast<int64_t>(slices_.size()) + 1;
    for (const Slice& s : slices_) {
      if (s.epoch < oldest || s.epoch > epoch || s.kept.empty()) continue;
      const double weight = static_cast<double>(s.seen) / static_cast<double>(s.kept.size());
      for (const double v : s.kept) window.emplace_back(v, weight);
      total += static_cast<double>(s.seen);
    }
  }
  // NaN observations sort after every number, so the order stays strict and weak.
  std::sort(window.begin(), window.end(), [](const auto& a, const auto& b) {
    if (std::isnan(a.first)) return false;
    return std::isnan(b.first) || a.first < b.first;
  });
  for (const auto& [q, err] : objectives_) {
    out.quantiles.emplace_back(q, window.empty() ? std::numeric_limits<double>::quiet_NaN()
                                                 : WeightedQuantile(window, total, q));
  }
  return out;
}

}  // namespace sextant::util
