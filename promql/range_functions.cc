// Functions over range vectors (functions.go: extrapolatedRate, instantValue, linearRegression,
// the *_over_time family, changes, resets, absent_over_time).

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include "promql/evaluator.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::promql::internal {

namespace {

struct RangeArgs {
  int64_t ts = 0;       // the window's end (after `@` and offset)
  int64_t step_ts = 0;  // the evaluation time itself (predict_linear's intercept time)
  int64_t range_ms = 0;
  double param = 0;  // quantile_over_time's q, predict_linear's duration
  // rate and increase: the value before each counter reset in the window, in order. Required:
  // their window function finds resets only here (RangeFunctionSeriesWise lists them).
  std::span<const double> resets;
};

using RangeFn = std::optional<double> (*)(std::span<const FPoint>, const RangeArgs&);

std::optional<double> ExtrapolatedRate(std::span<const FPoint> s, const RangeArgs& a,
                                       bool is_counter, bool is_rate) {
  if (s.size() < 2) return std::nullopt;
  const double range_start = static_cast<double>(a.ts - a.range_ms);
  const double range_end = static_cast<double>(a.ts);
  double result = s.back().v - s.front().v;
  if (is_counter) {
    // One addition per reset, in order, as Prometheus adds them.
    for (double before_reset : a.resets) result += before_reset;
  }
  double to_start = (static_cast<double>(s.front().t) - range_start) / 1000;
  double to_end = (range_end - static_cast<double>(s.back().t)) / 1000;
  const double sampled = static_cast<double>(s.back().t - s.front().t) / 1000;
  const double avg_between = sampled / static_cast<double>(s.size() - 1);
  const double threshold = avg_between * 1.1;
  double interval = sampled;
  if (to_start >= threshold) to_start = avg_between / 2;
  if (is_counter && result > 0 && s.front().v >= 0) {
    const double to_zero = sampled * (s.front().v / result);
    if (to_zero < to_start) to_start = to_zero;
  }
  interval += to_start;
  if (to_end >= threshold) to_end = avg_between / 2;
  interval += to_end;
  double factor = interval / sampled;
  if (is_rate) factor /= static_cast<double>(a.range_ms) / 1000;
  return result * factor;
}

std::optional<double> InstantValue(std::span<const FPoint> s, bool is_rate) {
  if (s.size() < 2) return std::nullopt;
  const FPoint& last = s[s.size() - 1];
  const FPoint& prev = s[s.size() - 2];
  double v = (is_rate && last.v < prev.v) ? last.v : last.v - prev.v;
  const int64_t interval = last.t - prev.t;
  if (interval == 0) return std::nullopt;
  if (is_rate) v /= static_cast<double>(interval) / 1000;
  return v;
}

// Least squares fit of the points, x in seconds relative to `intercept_time`.
std::pair<double, double> LinearRegression(std::span<const FPoint> s, int64_t intercept_time) {
  double n = 0, sum_x = 0, c_x = 0, sum_y = 0, c_y = 0, sum_xy = 0, c_xy = 0, sum_x2 = 0, c_x2 = 0;
  const double init_y = s[0].v;
  bool const_y = true;
  for (size_t i = 0; i < s.size(); ++i) {
    if (const_y && i > 0 && s[i].v != init_y) const_y = false;
    n += 1;
    const double x = static_cast<double>(s[i].t - intercept_time) / 1e3;
    KahanSumInc(x, &sum_x, &c_x);
    KahanSumInc(s[i].v, &sum_y, &c_y);
    KahanSumInc(x * s[i].v, &sum_xy, &c_xy);
    KahanSumInc(x * x, &sum_x2, &c_x2);
  }
  if (const_y) {
    if (std::isinf(init_y)) return {std::nan(""), std::nan("")};
    return {0, init_y};
  }
  sum_x += c_x;
  sum_y += c_y;
  sum_xy += c_xy;
  sum_x2 += c_x2;
  const double cov_xy = sum_xy - sum_x * sum_y / n;
  const double var_x = sum_x2 - sum_x * sum_x / n;
  const double slope = cov_xy / var_x;
  return {slope, sum_y / n - slope * sum_x / n};
}

std::optional<double> AvgOverTime(std::span<const FPoint> s, const RangeArgs&) {
  double sum = s[0].v, count = 1, mean = 0, c = 0;
  bool incremental = false;
  for (size_t i = 1; i < s.size(); ++i) {
    count = static_cast<double>(i + 1);
    if (!incremental) {
      double ns = sum, nc = c;
      KahanSumInc(s[i].v, &ns, &nc);
      if (!std::isinf(ns)) {
        sum = ns;
        c = nc;
        continue;
      }
      incremental = true;
      mean = sum / (count - 1);
      c /= count - 1;
    }
    const double q = (count - 1) / count;
    mean *= q;
    c *= q;
    KahanSumInc(s[i].v / count, &mean, &c);
  }
  if (incremental) return mean + c;
  return sum / count + c / count;
}

std::optional<double> StdvarOverTime(std::span<const FPoint> s) {
  double count = 0, mean = 0, c_mean = 0, aux = 0, c_aux = 0;
  for (const FPoint& p : s) {
    count++;
    const double delta = p.v - (mean + c_mean);
    KahanSumInc(delta / count, &mean, &c_mean);
    KahanSumInc(delta * (p.v - (mean + c_mean)), &aux, &c_aux);
  }
  return (aux + c_aux) / count;
}

RangeFn LookupRangeFn(std::string_view name) {
  struct Entry {
    std::string_view name;
    RangeFn fn;
  };
  static const Entry kTable[] = {
      {"rate", [](auto s, const auto& a) { return ExtrapolatedRate(s, a, true, true); }},
      {"increase", [](auto s, const auto& a) { return ExtrapolatedRate(s, a, true, false); }},
      {"delta", [](auto s, const auto& a) { return ExtrapolatedRate(s, a, false, false); }},
      {"irate", [](auto s, const auto&) { return InstantValue(s, true); }},
      {"idelta", [](auto s, const auto&) { return InstantValue(s, false); }},
      {"deriv",
       [](auto s, const auto&) -> std::optional<double> {
         if (s.size() < 2) return std::nullopt;
         return LinearRegression(s, s[0].t).first;
       }},
      {"predict_linear",
       [](auto s, const auto& a) -> std::optional<double> {
         if (s.size() < 2) return std::nullopt;
         // Prometheus regresses around the evaluation time, not the `@` time, so
         // `predict_linear(x[r] @ t0, d)` still predicts d seconds after each step.
         auto [slope, intercept] = LinearRegression(s, a.step_ts);
         return slope * a.param + intercept;
       }},
      {"avg_over_time", AvgOverTime},
      {"sum_over_time",
       [](auto s, const auto&) -> std::optional<double> {
         double sum = 0, c = 0;
         for (const FPoint& p : s) KahanSumInc(p.v, &sum, &c);
         return sum + c;
       }},
      {"count_over_time",
       [](auto s, const auto&) -> std::optional<double> { return static_cast<double>(s.size()); }},
      {"last_over_time", [](auto s, const auto&) -> std::optional<double> { return s.back().v; }},
      {"present_over_time", [](auto, const auto&) -> std::optional<double> { return 1; }},
      {"quantile_over_time",
       [](auto s, const auto& a) -> std::optional<double> {
         std::vector<double> values;
         for (const FPoint& p : s) values.push_back(p.v);
         return Quantile(a.param, &values);
       }},
      {"stdvar_over_time", [](auto s, const auto&) { return StdvarOverTime(s); }},
      {"stddev_over_time",
       [](auto s, const auto&) -> std::optional<double> { return std::sqrt(*StdvarOverTime(s)); }},
  };
  for (const Entry& e : kTable) {
    if (e.name == name) return e.fn;
  }
  return nullptr;
}

bool IsCounterName(std::string_view name) {
  for (std::string_view suffix : {"_total", "_sum", "_count", "_bucket"}) {
    if (name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix) {
      return true;
    }
  }
  return false;
}

}  // namespace

// absent()'s and absent_over_time()'s labels: the equality matchers of a plain selector.
model::Labels AbsentLabels(const Expr& arg);

absl::StatusOr<StepValue> Evaluator::EvalRangeFunction(const Call& c) {
  if (c.func->name != "absent_over_time") return CollectSeriesWise(c);
  ASSIGN_OR_RETURN(RangeInput in, EvalRangeInput(*c.args[0], c.func->name));
  StepValue out;
  out.type = ValueType::kVector;
  out.vectors.resize(num_steps_);
  std::vector<bool> present(num_steps_, false);
  while (true) {
    ASSIGN_OR_RETURN(const RangeSeries* next, in.series.Next());
    if (next == nullptr) break;
    WindowSlider slider(next->points);
    for (size_t i = 0; i < num_steps_; ++i) {
      if (!slider.Next(in.EvalTime(StepTime(i)), in.range_ms).empty()) present[i] = true;
    }
  }
  const SeriesId labels = ctx_->series.Intern(AbsentLabels(*c.args[0]));
  for (size_t i = 0; i < num_steps_; ++i) {
    if (!present[i]) out.vectors[i].push_back(Sample{labels, 1});
  }
  return out;
}

namespace {

// min_over_time / max_over_time over a sliding window: a queue of the candidate points, in
// time order with values strictly improving towards the front. NaNs are never candidates; a
// window of only NaNs gives its last NaN. Ties keep the earliest point, so the result is the
// very value (-0 and +0 included) that a scan of the window keeping strict improvements gives.
class SlidingExtreme {
 public:
  explicit SlidingExtreme(bool max) : max_(max) {}

  void Reset(std::span<const FPoint> points) {
    points_ = points;
    queue_.clear();
    head_ = 0;
    lo_ = 0;
    hi_ = 0;
  }

  // The extreme of points[lo, hi), lo < hi.
  double Value(size_t lo, size_t hi) {
    if (lo < lo_ || hi < hi_) {  // the window went back (`@`): start again
      queue_.clear();
      head_ = 0;
      hi_ = lo;
    }
    for (; hi_ < hi; ++hi_) {
      const double v = points_[hi_].v;
      if (std::isnan(v)) continue;
      while (queue_.size() > head_ && Worse(points_[queue_.back()].v, v)) queue_.pop_back();
      queue_.push_back(hi_);
    }
    lo_ = lo;
    while (head_ < queue_.size() && queue_[head_] < lo) ++head_;
    return head_ < queue_.size() ? points_[queue_[head_]].v : points_[hi - 1].v;
  }

 private:
  // Whether a candidate of value `old` loses to a later `v`.
  bool Worse(double old, double v) const { return max_ ? old < v : old > v; }

  bool max_;
  std::span<const FPoint> points_;
  std::vector<size_t> queue_;  // point indexes; the live part starts at head_
  size_t head_ = 0;
  size_t lo_ = 0;
  size_t hi_ = 0;
};

// changes / resets over a sliding window: the count of qualifying points up to each index.
class PrefixCounts {
 public:
  explicit PrefixCounts(bool resets) : resets_(resets) {}

  void Reset(std::span<const FPoint> points) {
    counts_.assign(points.size(), 0);
    for (size_t i = 1; i < points.size(); ++i) {
      const double prev = points[i - 1].v, cur = points[i].v;
      const bool counts =
          resets_ ? cur < prev : (cur != prev && !(std::isnan(cur) && std::isnan(prev)));
      counts_[i] = counts_[i - 1] + (counts ? 1 : 0);
    }
  }

  // The count over points[lo, hi): pairs (i - 1, i) with lo < i < hi.
  double Value(size_t lo, size_t hi) const {
    return static_cast<double>(counts_[hi - 1] - counts_[lo]);
  }

 private:
  bool resets_;
  std::vector<uint64_t> counts_;
};

}  // namespace

absl::Status Evaluator::RangeFunctionSeriesWise(const Call& c, SeriesSink sink) {
  const std::string_view name = c.func->name;
  // The range argument is the first, except for quantile_over_time and predict_linear's scalar.
  const bool quantile = name == "quantile_over_time";
  const size_t range_arg = quantile ? 1 : 0;
  StepValue param;
  if (c.args.size() > 1) {
    ASSIGN_OR_RETURN(param, Eval(*c.args[range_arg == 1 ? 0 : 1]));
  }
  ASSIGN_OR_RETURN(RangeInput in, EvalRangeInput(*c.args[range_arg], name));
  const bool keep_name = name == "last_over_time";
  const bool counter_fn = name == "rate" || name == "increase";
  OutputSteps output_steps(num_steps_);
  SeriesSteps out;
  out.values.resize(num_steps_);
  out.present.resize(num_steps_);
  // rate and increase: each counter reset of the series (the index of the point after it) and
  // the value before it, so that a window finds its resets without rescanning its points.
  std::vector<size_t> reset_at;
  std::vector<double> reset_before;
  // The functions that slide instead of scanning each window (Prometheus's values exactly).
  std::optional<SlidingExtreme> extreme;
  if (name == "min_over_time" || name == "max_over_time") extreme.emplace(name == "max_over_time");
  std::optional<PrefixCounts> counts;
  if (name == "changes" || name == "resets") counts.emplace(name == "resets");
  // Every other function computes each window from its points.
  const RangeFn fn = extreme || counts ? nullptr : LookupRangeFn(name);
  if (fn == nullptr && !extreme && !counts) {
    return absl::UnimplementedError(util::StrCat("function \"", name, "\" is not supported"));
  }
  while (true) {
    ASSIGN_OR_RETURN(const RangeSeries* next, in.series.Next());
    if (next == nullptr) break;
    const RangeSeries& rs = *next;
    const std::span<const FPoint> points = rs.points;
    if (counter_fn) {
      reset_at.clear();
      reset_before.clear();
      for (size_t k = 1; k < points.size(); ++k) {
        if (points[k].v < points[k - 1].v) {
          reset_at.push_back(k);
          reset_before.push_back(points[k - 1].v);
        }
      }
    }
    if (extreme) extreme->Reset(points);
    if (counts) counts->Reset(points);
    WindowSlider slider(points);
    size_t first_reset = 0;  // of the window: the first reset after the window's first point
    int64_t emitted = 0;
    for (size_t i = 0; i < num_steps_; ++i) {
      out.present[i] = 0;
      RangeArgs args;
      args.ts = in.EvalTime(StepTime(i));
      args.step_ts = StepTime(i);
      args.range_ms = in.range_ms;
      if (param.type == ValueType::kScalar) args.param = param.scalars[i];
      std::span<const FPoint> w = slider.Next(args.ts, in.range_ms);
      if (w.empty()) continue;
      if (quantile) WarnIfInvalidQuantile(ctx_, args.param);
      if (counter_fn && !reset_at.empty()) {
        const auto lo = static_cast<size_t>(w.data() - points.data());
        // Windows move forward, except under `@` where each step sees the same window.
        if (first_reset > 0 && reset_at[first_reset - 1] > lo) first_reset = 0;
        while (first_reset < reset_at.size() && reset_at[first_reset] <= lo) ++first_reset;
        size_t end = first_reset;
        while (end < reset_at.size() && reset_at[end] < lo + w.size()) ++end;
        args.resets = std::span<const double>(reset_before).subspan(first_reset, end - first_reset);
      }
      std::optional<double> v;
      if (extreme || counts) {
        const auto lo = static_cast<size_t>(w.data() - points.data());
        v = extreme ? extreme->Value(lo, lo + w.size()) : counts->Value(lo, lo + w.size());
      } else {
        v = fn(w, args);
      }
      if (!v) continue;
      out.present[i] = 1;
      out.values[i] = *v;
      ++emitted;
    }
    RETURN_IF_ERROR(AddSamples(emitted));
    if (emitted == 0) continue;
    out.id = keep_name ? rs.id : ctx_->WithoutName(rs.id);
    if (!output_steps.Add(out.id, out.present)) {
      return absl::InvalidArgumentError("vector cannot contain metrics with the same labelset");
    }
    std::string_view metric = ctx_->labels(rs.id).MetricName();
    if (counter_fn && !metric.empty() && !IsCounterName(metric)) {
      ctx_->infos.insert(
          util::StrCat("PromQL info: metric might not be a counter, name does not end in "
                       "_total/_sum/_count/_bucket: \"",
                       metric, "\"", AnnotationPosition(*ctx_, c.args[0]->pos_range)));
    }
    RETURN_IF_ERROR(sink(out));
  }
  return absl::OkStatus();
}

}  // namespace sextant::promql::internal
