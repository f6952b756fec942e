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

struct Group {
  model::Labels labels;
  double value = 0;
  double kahan_c = 0;
  double mean = 0;
  double count = 0;
  bool incremental_mean = false;
  std::vector<double> values;      // quantile
  std::vector<VectorSample> heap;  // topk, bottomk
};

// Go's container/heap over `less`, so that ties resolve exactly as in Prometheus.
template <typename Less>
void HeapUp(std::vector<VectorSample>& h, size_t j, Less less) {
  while (j > 0) {
    const size_t i = (j - 1) / 2;
    if (!less(h[j], h[i])) break;
    std::swap(h[i], h[j]);
    j = i;
  }
}

template <typename Less>
bool HeapDown(std::vector<VectorSample>& h, size_t i0, Less less) {
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

void AddToGroup(AggregateOp op, Group& g, const VectorSample& s, bool first, int64_t k) {
  if (first) {
    g.count = 1;
    g.value = s.v;
    g.mean = s.v;
    g.kahan_c = 0;
    switch (op) {
      case AggregateOp::kCount:
      case AggregateOp::kGroup:
        g.value = 1;
        break;
      case AggregateOp::kStddev:
      case AggregateOp::kStdvar:
        // As Prometheus 3.x: a NaN or infinite sample makes the group's deviation NaN.
        g.value = std::isfinite(s.v) ? 0 : std::numeric_limits<double>::quiet_NaN();
        break;
      case AggregateOp::kQuantile:
        g.values.push_back(s.v);
        break;
      case AggregateOp::kTopK:
      case AggregateOp::kBottomK:
        if (k > 0) g.heap.push_back(s);
        break;
      default:
        break;
    }
    return;
  }
  switch (op) {
    case AggregateOp::kSum:
      KahanSumInc(s.v, &g.value, &g.kahan_c);
      break;
    case AggregateOp::kAvg: {
      g.count++;
      if (!g.incremental_mean) {
        double v = g.value, c = g.kahan_c;
        KahanSumInc(s.v, &v, &c);
        if (!std::isinf(v)) {
          g.value = v;
          g.kahan_c = c;
          break;
        }
        g.incremental_mean = true;
        g.mean = g.value / (g.count - 1);
        g.kahan_c /= g.count - 1;
      }
      if (std::isinf(g.mean)) {
        if (std::isinf(s.v) && (g.mean > 0) == (s.v > 0)) break;
        if (!std::isinf(s.v) && !std::isnan(s.v)) break;
      }
      const double current = g.mean + g.kahan_c;
      KahanSumInc(s.v / g.count - current / g.count, &g.mean, &g.kahan_c);
      break;
    }
    case AggregateOp::kCount:
      g.value++;
      break;
    case AggregateOp::kGroup:
      break;
    case AggregateOp::kMin:
      if (g.value > s.v || std::isnan(g.value)) g.value = s.v;
      break;
    case AggregateOp::kMax:
      if (g.value < s.v || std::isnan(g.value)) g.value = s.v;
      break;
    case AggregateOp::kStddev:
    case AggregateOp::kStdvar: {
      g.count++;
      if (!std::isfinite(s.v)) {
        g.value = std::numeric_limits<double>::quiet_NaN();
        break;
      }
      const double delta = s.v - g.mean;
      g.mean += delta / g.count;
      g.value += delta * (s.v - g.mean);
      break;
    }
    case AggregateOp::kQuantile:
      g.values.push_back(s.v);
      break;
    case AggregateOp::kTopK:
    case AggregateOp::kBottomK: {
      const bool top = op == AggregateOp::kTopK;
      auto less = [top](const VectorSample& a, const VectorSample& b) {
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
      break;
    }
    case AggregateOp::kCountValues:
      break;
  }
}

double GroupResult(AggregateOp op, Group& g, double param) {
  switch (op) {
    case AggregateOp::kSum:
      return g.value + g.kahan_c;
    case AggregateOp::kAvg:
      return g.incremental_mean ? g.mean + g.kahan_c : (g.value + g.kahan_c) / g.count;
    case AggregateOp::kStddev:
      return std::sqrt(g.value / g.count);
    case AggregateOp::kStdvar:
      return g.value / g.count;
    case AggregateOp::kQuantile:
      return Quantile(param, &g.values);
    default:
      return g.value;
  }
}

}  // namespace

absl::StatusOr<StepValue> Evaluator::EvalAggregate(const AggregateExpr& a) {
  StepValue param;
  if (a.param != nullptr) {
    ASSIGN_OR_RETURN(param, Eval(*a.param));
  }
  ASSIGN_OR_RETURN(StepValue in, Eval(*a.expr));
  std::vector<std::string> grouping = a.grouping;
  std::sort(grouping.begin(), grouping.end());
  grouping.erase(std::unique(grouping.begin(), grouping.end()), grouping.end());
  if (a.op == AggregateOp::kCountValues && !IsValidLabelName(param.str)) {
    return absl::InvalidArgumentError(util::StrCat("invalid label name \"", param.str, "\""));
  }
  StepValue out;
  out.type = ValueType::kVector;
  out.vectors.resize(num_steps_);
  // A group's output labels by its signature, built once for all steps.
  absl::flat_hash_map<uint64_t, model::Labels> group_labels;
  for (size_t i = 0; i < num_steps_; ++i) {
    RETURN_IF_ERROR(CheckInterrupt());
    const Vector& vec = in.vectors[i];
    const int64_t t = StepTime(i);
    if (a.op == AggregateOp::kCountValues) {
      std::vector<std::pair<model::Labels, double>> counts;
      absl::flat_hash_map<std::string, size_t> index;
      for (const VectorSample& s : vec) {
        model::LabelsBuilder b(GroupLabels(s.labels, a, grouping));
        b.Set(param.str, FormatFloatShortest(s.v));
        model::Labels l = b.Build();
        auto [it, inserted] = index.emplace(std::string(l.bytes()), counts.size());
        if (inserted) {
          counts.emplace_back(std::move(l), 1);
        } else {
          counts[it->second].second++;
        }
      }
      for (auto& [l, c] : counts) out.vectors[i].push_back(VectorSample{std::move(l), t, c});
      continue;
    }
    double p = param.type == ValueType::kScalar ? param.scalars[i] : 0;
    if (a.op == AggregateOp::kQuantile) WarnIfInvalidQuantile(ctx_, p);
    int64_t k = 0;
    if (a.op == AggregateOp::kTopK || a.op == AggregateOp::kBottomK) {
      // Prometheus's messages (aggregators.test checks the NaN one).
      if (std::isnan(p)) return absl::InvalidArgumentError("Parameter value is NaN");
      if (std::fabs(p) > 9.2e18) {
        return absl::InvalidArgumentError(
            util::StrCat("Scalar value ", util::FormatFloatGo(p), " overflows int64"));
      }
      k = static_cast<int64_t>(p);
      if (k < 1) continue;
    }
    std::vector<Group> groups;
    absl::flat_hash_map<uint64_t, size_t> index;
    for (const VectorSample& s : vec) {
      const uint64_t sig =
          a.without ? s.labels.HashWithoutLabels(grouping) : s.labels.HashForLabels(grouping);
      auto [it, inserted] = index.emplace(sig, groups.size());
      if (inserted) {
        groups.emplace_back();
        if (a.op != AggregateOp::kTopK && a.op != AggregateOp::kBottomK) {
          auto [cached, added] = group_labels.try_emplace(sig);
          if (added) cached->second = GroupLabels(s.labels, a, grouping);
          groups.back().labels = cached->second;
        }
      }
      AddToGroup(a.op, groups[it->second], s, inserted, k);
    }
    for (Group& g : groups) {
      if (a.op == AggregateOp::kTopK || a.op == AggregateOp::kBottomK) {
        const bool top = a.op == AggregateOp::kTopK;
        std::stable_sort(g.heap.begin(), g.heap.end(),
                         [top](const VectorSample& x, const VectorSample& y) {
                           // Reverse of the heap order: the largest (topk) first.
                           if (std::isnan(y.v)) return !std::isnan(x.v);
                           return top ? y.v < x.v : y.v > x.v;
                         });
        for (VectorSample& s : g.heap) {
          s.t = t;
          out.vectors[i].push_back(std::move(s));
        }
        continue;
      }
      out.vectors[i].push_back(VectorSample{std::move(g.labels), t, GroupResult(a.op, g, p)});
    }
  }
  return out;
}

}  // namespace sextant::promql::internal
