#pragma once

// Summary: quantiles of the observations of a sliding time window, plus the sum and count of
// every observation ever made, as client_golang's prometheus.Summary. Exposed as
//
//   name{quantile="0.5"} 0.012
//   name_sum 10.5
//   name_count 301
//
// Register one through util::Registry (NewSummary, NewSummaryFamily in util/metrics.h).
//
// The window. As client_golang (MaxAge, AgeBuckets), time since the summary's creation is cut
// into slices of max_age / age_buckets; quantiles cover the current slice and the age_buckets - 1
// before it, so an observation counts for between max_age - max_age / age_buckets and max_age.
// A clock that goes backwards counts observations into the newest slice.
//
// The computation. Where client_golang keeps a CKMS stream per age bucket that answers each
// objective within its allowed error, this summary keeps the observations themselves, at most
// max_samples_per_age_bucket per slice, and computes quantiles exactly: the quantile q of n
// observations is the smallest observation v with at least q * n observations <= v (the
// "nearest rank"; q = 0 gives the minimum, q = 1 the maximum). The allowed errors are therefore
// met exactly as long as no slice receives more than max_samples_per_age_bucket observations. A
// slice that does keeps a uniform random sample of them (reservoir sampling), each kept sample
// standing for seen / kept observations, and the quantile is the same rank over those weights:
// an estimate, no longer exact. A quantile with no observation in the window is NaN.
//
// Memory: at most age_buckets * max_samples_per_age_bucket doubles per summary (40 KiB by
// default), none without objectives.
//
// Thread-safety: all methods are safe to call concurrently; Observe takes a mutex for O(1)
// amortised work, Snapshot sorts the window's samples under it.

#include <cstdint>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "util/mutex.h"

namespace sextant::util {

// Quantile (in [0, 1]) -> allowed absolute error of its rank (in [0, 1]), as client_golang's
// Objectives. Empty: the summary exposes only _sum and _count.
using Objectives = std::map<double, double>;

struct SummaryOptions {
  absl::Duration max_age = absl::Minutes(10);  // client_golang's DefMaxAge; must be > 0
  int age_buckets = 5;                         // client_golang's DefAgeBuckets; must be >= 1
  size_t max_samples_per_age_bucket = 1024;    // must be >= 1
  std::function<absl::Time()> clock;           // empty: absl::Now (tests pass a fake one)
};

class Summary {
 public:
  // Aborts on invalid objectives or options (a programming error, as client_golang panics).
  explicit Summary(Objectives objectives, SummaryOptions options = {});
  Summary(const Summary&) = delete;
  Summary& operator=(const Summary&) = delete;

  void Observe(double v);

  struct Values {
    std::vector<std::pair<double, double>> quantiles;  // (quantile, value), ascending quantile
    double sum = 0;
    uint64_t count = 0;
  };
  // The objectives' quantiles over the current window, and the sum and count of every
  // observation.
  Values Snapshot() const;

  const Objectives& objectives() const { return objectives_; }

 private:
  struct Slice {
    int64_t epoch = -1;  // which slice of time since creation this holds
    uint64_t seen = 0;
    std::vector<double> kept;
  };

  // The slice index of `now`, never decreasing.
  int64_t EpochAt(absl::Time now) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Objectives objectives_;
  const SummaryOptions options_;
  const absl::Duration slice_width_;
  const absl::Time start_;

  mutable Mutex mu_;
  mutable int64_t latest_epoch_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<Slice> slices_ ABSL_GUARDED_BY(mu_);          // ring, by epoch % age_buckets
  uint64_t rng_ ABSL_GUARDED_BY(mu_) = 0x9e3779b97f4a7c15;  // xorshift64 state for reservoirs
  double sum_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t count_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace sextant::util
