// Aggregation operators (engine.go: aggregation, aggregationK, aggregationCountValues).

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "promql/evaluator.h"
#include "util/go_format.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::promql::internal {

namespace {

// The running value of a group at one step for the operators that need no more than a few
// numbers: sum, avg, count, group, min, max, stddev, stdvar.
struct Acc {
  double value = 0;
  double kahan_c = 0;
  double mean = 0;
  double count = 0;
  bool incremental_mean = false;
  bool in_use = false;  // series-wise aggregation: the group has a value at this step
};

struct Group : Acc {
  SeriesId id = 0;             // the group's output labels
  std::vector<double> values;  // quantile
  std::vector<Sample> heap;    // topk, bottomk
};

// Go's container/heap over `less`, so that ties resolve exactly as in Prometheus.
template <typename Less>
void HeapUp(std::vector<Sample>& h, size_t j, Less less) {
  while (j > 0) {
    const size_t i = (j - 1) / 2;
    if (!less(h[j], h[i])) break;
    std::swap(h[i], h[j]);
    j = i;
  }
}

template <typename Less>
bool HeapDown(std::vector<Sample>& h, size_t i0, Less less) {
  size_t i = i0;
  const size_t n = h.size();
  while (true) {
    const size_t j1 = 2 * i + 1;
    if (j1 >= n) break;
    size_t j = j1;
    if (j1 + 1 < n && less(h[j1 + 1], h[j1])) j = j1 + 1;
    if (!less(h[j], h[i])) break;
    std::swap(h[i], h[j]);
    i = j;
  }
  return i > i0;
}

model::Labels GroupLabels(const model::Labels& l, const AggregateExpr& a,
                          const std::vector<std::string>& grouping) {
  model::LabelsBuilder b(l);
  if (a.without) {
    b.Del(model::kMetricNameLabel);
    for (const std::string& n : grouping) b.Del(n);
  } else {
    for (const model::Label& lbl : l) {
      if (!std::binary_search(grouping.begin(), grouping.end(), lbl.name)) b.Del(lbl.name);
    }
  }
  return b.Build();
}

bool IsValidLabelName(std::string_view n) {
  if (n.empty()) return false;
  for (size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                    (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool IsAccOp(AggregateOp op) {
  switch (op) {
    case AggregateOp::kSum:
    case AggregateOp::kAvg:
    case AggregateOp::kCount:
    case AggregateOp::kGroup:
    case AggregateOp::kMin:
    case AggregateOp::kMax:
    case AggregateOp::kStddev:
    case AggregateOp::kStdvar:
      return true;
    default:
      return false;
  }
}

// Adds `v` to `g` for an operator of IsAccOp; `first` starts the group.
void Accumulate(AggregateOp op, Acc& g, double v, bool first) {
  if (first) {
    g.count = 1;
    g.value = v;
    g.mean = v;
    g.kahan_c = 0;
    g.incremental_mean = false;
    switch (op) {
      case AggregateOp::kCount:
      case AggregateOp::kGroup:
        g.value = 1;
        break;
      case AggregateOp::kStddev:
      case AggregateOp::kStdvar:
        // As Prometheus 3.x: a NaN or infinite sample makes the group's deviation NaN.
        g.value = std::isfinite(v) ? 0 : std::numeric_limits<double>::quiet_NaN();
        break;
      default:
        break;
    }
    return;
  }
  switch (op) {
    case AggregateOp::kSum:
      KahanSumInc(v, &g.value, &g.kahan_c);
      break;
    case AggregateOp::kAvg: {
      g.count++;
      if (!g.incremental_mean) {
        double sum = g.value, c = g.kahan_c;
        KahanSumInc(v, &sum, &c);
        if (!std::isinf(sum)) {
          g.value = sum;
          g.kahan_c = c;
          break;
        }
        g.incremental_mean = true;
        g.mean = g.value / (g.count - 1);
        g.kahan_c /= g.count - 1;
      }
      if (std::isinf(g.mean)) {
        if (std::isinf(v) && (g.mean > 0) == (v > 0)) break;
        if (!std::isinf(v) && !std::isnan(v)) break;
      }
      const double current = g.mean + g.kahan_c;
      KahanSumInc(v / g.count - current / g.count, &g.mean, &g.kahan_c);
      break;
    }
    case AggregateOp::kCount:
      g.value++;
      break;
    case AggregateOp::kMin:
      if (g.value > v || std::isnan(g.value)) g.value = v;
      break;
    case AggregateOp::kMax:
      if (g.value < v || std::isnan(g.value)) g.value = v;
      break;
    case AggregateOp::kStddev:
    case AggregateOp::kStdvar: {
      g.count++;
      if (!std::isfinite(v)) {
        g.value = std::numeric_limits<double>::quiet_NaN();
        break;
      }
      const double delta = v - g.mean;
      g.mean += delta / g.count;
      g.value += delta * (v - g.mean);
      break;
    }
    default:
      break;
  }
}

double AccResult(AggregateOp op, const Acc& g) {
  switch (op) {
    case AggregateOp::kSum:
      return g.value + g.kahan_c;
    case AggregateOp::kAvg:
      return g.incremental_mean ? g.mean + g.kahan_c : (g.value + g.kahan_c) / g.count;
    case AggregateOp::kStddev:
      return std::sqrt(g.value / g.count);
    case AggregateOp::kStdvar:
      return g.value / g.count;
    default:
      return g.value;
  }
}

void AddToGroup(AggregateOp op, Group& g, const Sample& s, bool first, int64_t k) {
  if (IsAccOp(op)) {
    Accumulate(op, g, s.v, first);
    return;
  }
  if (op == AggregateOp::kQuantile) {
    g.values.push_back(s.v);
    return;
  }
  if (op != AggregateOp::kTopK && op != AggregateOp::kBottomK) return;
  if (first) {
    if (k > 0) g.heap.push_back(s);
    return;
  }
  const bool top = op == AggregateOp::kTopK;
  auto less = [top](const Sample& a, const Sample& b) {
    if (std::isnan(a.v)) return true;
    return top ? a.v < b.v : a.v > b.v;
  };
  if (static_cast<int64_t>(g.heap.size()) < k) {
    g.heap.push_back(s);
    HeapUp(g.heap, g.heap.size() - 1, less);
  } else if (!g.heap.empty() && ((top ? g.heap[0].v < s.v : g.heap[0].v > s.v) ||
                                 (std::isnan(g.heap[0].v) && !std::isnan(s.v)))) {
    g.heap[0] = s;
    if (k > 1 && !HeapDown(g.heap, 0, less)) HeapUp(g.heap, 0, less);
  }
}

double GroupResult(AggregateOp op, Group& g, double param) {
  if (op == AggregateOp::kQuantile) return Quantile(param, &g.values);
  return AccResult(op, g);
}

// Each input series' group (a dense index), worked out once per series; each group's output
// labels are interned once.
class GroupIndex {
 public:
  GroupIndex(QueryContext* ctx, const AggregateExpr& a, const std::vector<std::string>& grouping)
      : ctx_(ctx), a_(a), grouping_(grouping) {}

  uint32_t Of(SeriesId id) {
    return group_of_.Get(id, [&](SeriesId in) {
      const SeriesId out = ctx_->series.Intern(GroupLabels(ctx_->labels(in), a_, grouping_));
      auto [it, added] = by_labels_.try_emplace(out, static_cast<uint32_t>(labels_.size()));
      if (added) labels_.push_back(out);
      return it->second;
    });
  }
  SeriesId labels(uint32_t group) const { return labels_[group]; }
  size_t size() const { return labels_.size(); }

 private:
  QueryContext* ctx_;
  const AggregateExpr& a_;
  const std::vector<std::string>& grouping_;
  PerSeries<uint32_t> group_of_;
  absl::flat_hash_map<SeriesId, uint32_t> by_labels_;
  std::vector<SeriesId> labels_;
};

}  // namespace

absl::StatusOr<bool> Evaluator::AggregateSeriesWise(const AggregateExpr& a,
                                                    const std::vector<std::string>& grouping,
                                                    StepValue* out) {
  if (!IsSeriesWise(*a.expr)) return false;
  GroupIndex index(ctx_, a, grouping);
  // Past max_series_wise_cells accumulators, give up and let the step-wise path evaluate the
  // argument again, as if nothing was read: the sample counts are rolled back. What is not:
  // peak_samples (it only ever overstates), the series interned so far (harmless) and
  // annotations (sets, which the second pass fills the same way).
  const int64_t samples_before = ctx_->samples;
  const int64_t total_before = ctx_->total_samples;
  bool too_many_cells = false;
  std::vector<std::vector<Acc>> cells;                     // per group, per step
  std::vector<std::vector<uint32_t>> touched(num_steps_);  // per step: groups in order of start
  const absl::Status status = EvalSeriesWise(*a.expr, [&](const SeriesSteps& s) {
    RETURN_IF_ERROR(CheckInterrupt());
    const uint32_t g = index.Of(s.id);
    if (g >= cells.size()) {
      if (static_cast<int64_t>((cells.size() + 1) * num_steps_) >
          ctx_->options.max_series_wise_cells) {
        too_many_cells = true;
        return absl::ResourceExhaustedError("too many accumulators");
      }
      cells.emplace_back(num_steps_);
    }
    std::vector<Acc>& row = cells[g];
    for (size_t i = 0; i < num_steps_; ++i) {
      if (!s.present[i]) continue;
      Acc& acc = row[i];
      const bool first = !acc.in_use;
      if (first) {
        acc.in_use = true;
        touched[i].push_back(g);
      }
      Accumulate(a.op, acc, s.values[i], first);
    }
    return absl::OkStatus();
  });
  if (too_many_cells) {
    ctx_->samples = samples_before;
    ctx_->total_samples = total_before;
    return false;
  }
  RETURN_IF_ERROR(status);
  out->type = ValueType::kVector;
  out->vectors.resize(num_steps_);
  for (size_t i = 0; i < num_steps_; ++i) {
    Samples& result = out->vectors[i];
    result.reserve(touched[i].size());
    for (uint32_t g : touched[i])
      result.push_back(Sample{index.labels(g), AccResult(a.op, cells[g][i])});
  }
  return true;
}

absl::StatusOr<StepValue> Evaluator::EvalAggregate(const AggregateExpr& a) {
  std::vector<std::string> grouping = a.grouping;
  std::sort(grouping.begin(), grouping.end());
  grouping.erase(std::unique(grouping.begin(), grouping.end()), grouping.end());
  StepValue out;
  if (IsAccOp(a.op)) {
    ASSIGN_OR_RETURN(bool done, AggregateSeriesWise(a, grouping, &out));
    if (done) return out;
  }
  StepValue param;
  if (a.param != nullptr) {
    ASSIGN_OR_RETURN(param, Eval(*a.param));
  }
  ASSIGN_OR_RETURN(StepValue in, Eval(*a.expr));
  if (a.op == AggregateOp::kCountValues && !IsValidLabelName(param.str)) {
    return absl::InvalidArgumentError(util::StrCat("invalid label name \"", param.str, "\""));
  }
  out.type = ValueType::kVector;
  out.vectors.resize(num_steps_);
  const bool by_value = a.op == AggregateOp::kCountValues;
  const bool keeps_series = a.op == AggregateOp::kTopK || a.op == AggregateOp::kBottomK;
  GroupIndex index(ctx_, a, grouping);
  std::vector<Group> groups;
  std::vector<uint32_t> group_step;  // 1 + the step a group was last started in
  std::vector<uint32_t> touched;     // groups started at this step, in order of first appearance
  for (size_t i = 0; i < num_steps_; ++i) {
    RETURN_IF_ERROR(CheckInterrupt());
    const Samples& vec = in.vectors[i];
    if (by_value) {
      std::vector<std::pair<SeriesId, double>> counts;
      absl::flat_hash_map<SeriesId, size_t> position;  // in counts, by output series
      for (const Sample& s : vec) {
        // The value label makes the output series, so count_values builds labels per sample.
        model::LabelsBuilder b(ctx_->labels(index.labels(index.Of(s.id))));
        b.Set(param.str, FormatFloatShortest(s.v));
        const SeriesId id = ctx_->series.Intern(b.Build());
        auto [it, inserted] = position.emplace(id, counts.size());
        if (inserted) {
          counts.emplace_back(id, 1);
        } else {
          counts[it->second].second++;
        }
      }
      for (auto& [id, c] : counts) out.vectors[i].push_back(Sample{id, c});
      continue;
    }
    double p = param.type == ValueType::kScalar ? param.scalars[i] : 0;
    if (a.op == AggregateOp::kQuantile) WarnIfInvalidQuantile(ctx_, p);
    int64_t k = 0;
    if (keeps_series) {
      // Prometheus's messages (aggregators.test checks the NaN one).
      if (std::isnan(p)) return absl::InvalidArgumentError("Parameter value is NaN");
      if (std::fabs(p) > 9.2e18) {
        return absl::InvalidArgumentError(
            util::StrCat("Scalar value ", util::FormatFloatGo(p), " overflows int64"));
      }
      k = static_cast<int64_t>(p);
      if (k < 1) continue;
    }
    const auto stamp = static_cast<uint32_t>(i + 1);
    for (const Sample& s : vec) {
      const uint32_t gi = index.Of(s.id);
      if (gi >= groups.size()) {
        groups.emplace_back();
        groups.back().id = index.labels(gi);
        group_step.push_back(0);
      }
      const bool first = group_step[gi] != stamp;
      if (first) {
        group_step[gi] = stamp;
        touched.push_back(gi);
        groups[gi].values.clear();
        groups[gi].heap.clear();
      }
      AddToGroup(a.op, groups[gi], s, first, k);
    }
    Samples& result = out.vectors[i];
    result.reserve(touched.size());
    for (uint32_t gi : touched) {
      Group& g = groups[gi];
      if (keeps_series) {
        const bool top = a.op == AggregateOp::kTopK;
        std::stable_sort(g.heap.begin(), g.heap.end(), [top](const Sample& x, const Sample& y) {
          // Reverse of the heap order: the largest (topk) first.
          if (std::isnan(y.v)) return !std::isnan(x.v);
          return top ? y.v < x.v : y.v > x.v;
        });
        result.insert(result.end(), g.heap.begin(), g.heap.end());
        continue;
      }
      result.push_back(Sample{g.id, GroupResult(a.op, g, p)});
    }
    touched.clear();
  }
  return out;
}

}  // namespace sextant::promql::internal
