// histogram_quantile and histogram_fraction over classic `le` buckets (quantile.go:
// BucketQuantile, coalesceBuckets, ensureMonotonicAndIgnoreSmallDeltas, BucketFraction).

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "promql/evaluator.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::promql::internal {

namespace {

struct Bucket {
  double upper = 0;
  double count = 0;
};

constexpr double kSmallDeltaTolerance = 1e-12;

bool AlmostEqual(double a, double b, double epsilon) {
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  constexpr double kMinNormal = 2.2250738585072014e-308;
  const double abs_sum = std::fabs(a) + std::fabs(b);
  const double diff = std::fabs(a - b);
  if (a == 0 || b == 0 || abs_sum < kMinNormal) return diff < epsilon * kMinNormal;
  return diff / std::min(abs_sum, 1.7976931348623157e308) < epsilon;
}

// Sorts, merges equal bounds and forces monotonic counts; false when there is no +Inf bucket.
// *forced tells whether a count had to be raised (not merely a tiny delta smoothed).
bool PrepareBuckets(std::vector<Bucket>* buckets, bool* forced) {
  std::vector<Bucket>& b = *buckets;
  std::stable_sort(b.begin(), b.end(),
                   [](const Bucket& x, const Bucket& y) { return x.upper < y.upper; });
  if (b.empty() || !std::isinf(b.back().upper) || b.back().upper < 0) return false;
  size_t i = 0;
  Bucket last = b[0];
  for (size_t j = 1; j < b.size(); ++j) {
    if (b[j].upper == last.upper) {
      last.count += b[j].count;
    } else {
      b[i++] = last;
      last = b[j];
    }
  }
  b[i] = last;
  b.resize(i + 1);
  double prev = b[0].count;
  for (size_t k = 1; k < b.size(); ++k) {
    const double curr = b[k].count;
    if (curr == prev) continue;
    if (AlmostEqual(prev, curr, kSmallDeltaTolerance)) {
      b[k].count = prev;
      continue;
    }
    if (curr < prev) {
      *forced = true;
      b[k].count = prev;
      continue;
    }
    prev = curr;
  }
  return true;
}

// Sorts and merges `b` in place (the caller reuses it).
double BucketQuantile(double q, std::vector<Bucket>& b, bool* forced) {
  if (std::isnan(q)) return std::nan("");
  if (q < 0) return -INFINITY;
  if (q > 1) return INFINITY;
  if (!PrepareBuckets(&b, forced) || b.size() < 2) return std::nan("");
  const double observations = b.back().count;
  if (observations == 0) return std::nan("");
  double rank = q * observations;
  size_t idx = 0;
  while (idx < b.size() - 1 && b[idx].count < rank) ++idx;
  if (idx == b.size() - 1) return b[b.size() - 2].upper;
  if (idx == 0 && b[0].upper <= 0) return b[0].upper;
  double start = 0;
  const double end = b[idx].upper;
  double count = b[idx].count;
  if (idx > 0) {
    start = b[idx - 1].upper;
    count -= b[idx - 1].count;
    rank -= b[idx - 1].count;
  }
  return start + (end - start) * (rank / count);
}

// Sorts and merges `b` in place (the caller reuses it).
double BucketFraction(double lower, double upper, std::vector<Bucket>& b) {
  std::stable_sort(b.begin(), b.end(),
                   [](const Bucket& x, const Bucket& y) { return x.upper < y.upper; });
  if (b.empty() || !std::isinf(b.back().upper) || b.back().upper < 0) return std::nan("");
  size_t n = 0;
  Bucket last = b[0];
  for (size_t j = 1; j < b.size(); ++j) {
    if (b[j].upper == last.upper) {
      last.count += b[j].count;
    } else {
      b[n++] = last;
      last = b[j];
    }
  }
  b[n] = last;
  b.resize(n + 1);
  const double count = b.back().count;
  if (count == 0 || std::isnan(lower) || std::isnan(upper)) return std::nan("");
  if (lower >= upper) return 0;
  double rank = 0, lower_rank = 0, upper_rank = 0;
  bool lower_set = false, upper_set = false;
  // Positive-only buckets start at 0; otherwise the first bucket reaches down to -Inf.
  double lower_bound = b[0].upper <= 0 ? -INFINITY : 0;
  for (size_t i = 0; i < b.size(); ++i) {
    if (i > 0) lower_bound = b[i - 1].upper;
    const double upper_bound = b[i].upper;
    auto interpolate = [&](double v) {
      return rank + (b[i].count - rank) * (v - lower_bound) / (upper_bound - lower_bound);
    };
    if (!lower_set && lower_bound >= lower) {
      lower_rank = rank;
      lower_set = true;
    }
    if (!upper_set && lower_bound >= upper) {
      upper_rank = rank;
      upper_set = true;
    }
    if (lower_set && upper_set) break;
    // A bucket reaching down to -Inf has no width to interpolate in: a cut inside it counts
    // none of its observations as between the cuts (histograms.test, negative buckets).
    const bool infinite_width = std::isinf(lower_bound);
    if (!lower_set && lower_bound < lower && upper_bound > lower) {
      lower_rank = infinite_width ? b[i].count : interpolate(lower);
      lower_set = true;
    }
    if (!upper_set && lower_bound < upper && upper_bound > upper) {
      upper_rank = infinite_width ? rank : interpolate(upper);
      upper_set = true;
    }
    if (lower_set && upper_set) break;
    rank = b[i].count;  // classic bucket counts are cumulative
  }
  if (!lower_set || lower_rank > count) lower_rank = count;
  if (!upper_set || upper_rank > count) upper_rank = count;
  return std::max(0.0, upper_rank - lower_rank) / count;
}

// Go's strconv.ParseFloat for bucket bounds (accepts +Inf, Inf, NaN, decimal and exponent).
bool ParseBound(std::string_view s, double* out) {
  if (s.empty()) return false;
  const std::string str(s);
  char* end = nullptr;
  *out = std::strtod(str.c_str(), &end);
  return end == str.c_str() + str.size();
}

}  // namespace

absl::StatusOr<StepValue> Evaluator::EvalHistogramQuantile(const Call& c) {
  const bool fraction = c.func->name == "histogram_fraction";
  ASSIGN_OR_RETURN(StepValue q, Eval(*c.args[0]));
  StepValue upper;
  if (fraction) {
    ASSIGN_OR_RETURN(upper, Eval(*c.args[1]));
  }
  ASSIGN_OR_RETURN(StepValue in, Eval(*c.args[fraction ? 2 : 1]));
  StepValue out;
  out.type = ValueType::kVector;
  out.vectors.resize(num_steps_);
  // What each input series contributes, worked out once per series rather than per step.
  struct SeriesInfo {
    bool ok = false;  // has a valid `le`
    double upper = 0;
    uint32_t group = 0;
  };
  struct Group {
    SeriesId id = 0;          // labels without `le` and the metric name
    std::string metric_name;  // of the buckets, for annotations
    std::vector<Bucket> buckets;
  };
  PerSeries<SeriesInfo> infos;
  absl::flat_hash_map<SeriesId, uint32_t> group_index;
  std::vector<Group> groups;
  auto info_of = [&](SeriesId id) {
    const model::Labels& labels = ctx_->labels(id);
    SeriesInfo info;
    info.ok = ParseBound(labels.Get("le"), &info.upper);
    if (info.ok) {
      model::LabelsBuilder b(labels);
      b.Del("le");
      b.Del(model::kMetricNameLabel);
      const SeriesId group_id = ctx_->series.Intern(b.Build());
      auto [g, added] = group_index.try_emplace(group_id, static_cast<uint32_t>(groups.size()));
      if (added) {
        groups.push_back(Group{group_id, std::string(ctx_->labels(id).MetricName()), {}});
      }
      info.group = g->second;
    }
    return info;
  };
  std::vector<uint32_t> touched;  // groups with buckets at this step, in order of appearance
  for (size_t i = 0; i < num_steps_; ++i) {
    for (const Sample& s : in.vectors[i]) {
      const SeriesInfo& info = infos.Get(s.id, info_of);
      if (!info.ok) {
        const model::Labels& labels = ctx_->labels(s.id);
        ctx_->warnings.insert(util::StrCat(
            "PromQL warning: bucket label \"le\" is missing or has a malformed value of \"",
            labels.Get("le"), "\" for metric name \"", labels.MetricName(), "\""));
        continue;
      }
      Group& g = groups[info.group];
      if (g.buckets.empty()) touched.push_back(info.group);
      g.buckets.push_back(Bucket{info.upper, s.v});
    }
    if (!fraction) WarnIfInvalidQuantile(ctx_, q.scalars[i]);
    out.vectors[i].reserve(touched.size());
    for (uint32_t gi : touched) {
      Group& g = groups[gi];
      bool forced = false;
      const double v = fraction ? BucketFraction(q.scalars[i], upper.scalars[i], g.buckets)
                                : BucketQuantile(q.scalars[i], g.buckets, &forced);
      if (forced) {
        ctx_->infos.insert(util::StrCat(
            "PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see "
            "https://prometheus.io/docs/prometheus/latest/querying/functions/"
            "#histogram_quantile) for metric name \"",
            g.metric_name, "\"", AnnotationPosition(*ctx_, c.args[1]->pos_range)));
      }
      out.vectors[i].push_back(Sample{g.id, v});
      g.buckets.clear();
    }
    touched.clear();
  }
  return out;
}

}  // namespace sextant::promql::internal
