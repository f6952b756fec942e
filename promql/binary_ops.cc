// Binary operators: scalar-scalar, vector-scalar and vector-vector with Prometheus's matching
// (engine.go: VectorBinop, VectorscalarBinop, VectorAnd/Or/Unless, resultMetric).

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "promql/evaluator.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::promql::internal {

namespace {

bool IsArithmetic(BinaryOp op) { return !IsComparisonOp(op) && !IsSetOp(op); }

// The value of `lhs op rhs` and whether a comparison keeps the element.
std::pair<double, bool> ElemBinop(BinaryOp op, double lhs, double rhs) {
  switch (op) {
    case BinaryOp::kAdd:
      return {lhs + rhs, true};
    case BinaryOp::kSub:
      return {lhs - rhs, true};
    case BinaryOp::kMul:
      return {lhs * rhs, true};
    case BinaryOp::kDiv:
      return {lhs / rhs, true};
    case BinaryOp::kPow:
      return {std::pow(lhs, rhs), true};
    case BinaryOp::kMod:
      return {std::fmod(lhs, rhs), true};
    case BinaryOp::kAtan2:
      return {std::atan2(lhs, rhs), true};
    case BinaryOp::kEql:
      return {lhs, lhs == rhs};
    case BinaryOp::kNeq:
      return {lhs, lhs != rhs};
    case BinaryOp::kGtr:
      return {lhs, lhs > rhs};
    case BinaryOp::kLss:
      return {lhs, lhs < rhs};
    case BinaryOp::kGte:
      return {lhs, lhs >= rhs};
    case BinaryOp::kLte:
      return {lhs, lhs <= rhs};
    default:
      return {0, false};
  }
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// The labels a series is matched on: `on` labels only, or all but the `ignoring` ones and
// __name__.
model::Labels MatchLabels(const model::Labels& l, bool on, const std::vector<std::string>& names) {
  model::LabelsBuilder b(l);
  if (on) {
    for (const model::Label& lbl : l) {
      if (!std::binary_search(names.begin(), names.end(), lbl.name)) b.Del(lbl.name);
    }
  } else {
    b.Del(model::kMetricNameLabel);
    for (const std::string& n : names) b.Del(n);
  }
  return b.Build();
}

model::Labels ResultMetric(const model::Labels& lhs, const model::Labels& rhs, BinaryOp op,
                           const VectorMatching& m, const std::vector<std::string>& names) {
  model::LabelsBuilder b(lhs);
  if (IsArithmetic(op)) b.Del(model::kMetricNameLabel);
  if (m.card == VectorMatchCardinality::kOneToOne) {
    if (m.on) {
      for (const model::Label& l : lhs) {
        if (!std::binary_search(names.begin(), names.end(), l.name)) b.Del(l.name);
      }
    } else {
      for (const std::string& n : names) b.Del(n);
    }
  }
  for (const std::string& n : m.include) {
    std::string_view v = rhs.Get(n);
    if (!v.empty()) {
      b.Set(n, v);
    } else {
      b.Del(n);
    }
  }
  return b.Build();
}

// What a vector-vector operation works out once for all its steps: each series' matching key (a
// dense index of its match labels, exact rather than a hash) and the result's labels; and the
// per-key tables a step fills, reset by stamping them with the step instead of clearing.
class Matcher {
 public:
  Matcher(QueryContext* ctx, BinaryOp op, const VectorMatching& m, bool return_bool)
      : ctx_(ctx), op_(op), m_(m), return_bool_(return_bool), names_(Sorted(m.matching_labels)) {}

  uint32_t Key(SeriesId id) {
    return keys_.Get(id, [&](SeriesId in) {
      const SeriesId match = ctx_->series.Intern(MatchLabels(ctx_->labels(in), m_.on, names_));
      auto [it, added] = key_index_.try_emplace(match, num_keys_);
      if (added) {
        ++num_keys_;
        right_stamp_.push_back(0);
        right_pos_.push_back(0);
        left_stamp_.push_back(0);
      }
      return it->second;
    });
  }

  absl::StatusOr<Samples> Binop(const Samples& lhs_in, const Samples& rhs_in, uint32_t stamp);
  Samples SetOp(Samples lhs, Samples rhs, uint32_t stamp);

 private:
  SeriesId Result(SeriesId lhs, SeriesId rhs) {
    auto compute = [&](SeriesId) {
      model::Labels metric = ResultMetric(ctx_->labels(lhs), ctx_->labels(rhs), op_, m_, names_);
      if (return_bool_) metric = DropMetricName(metric);
      return ctx_->series.Intern(std::move(metric));
    };
    // Only group_x(labels) takes labels from the other side.
    if (m_.include.empty()) return result_by_left_.Get(lhs, compute);
    auto [it, added] = result_by_pair_.try_emplace((uint64_t{lhs} << 32) | rhs);
    if (added) it->second = compute(lhs);
    return it->second;
  }

  QueryContext* ctx_;
  BinaryOp op_;
  const VectorMatching& m_;
  bool return_bool_;
  std::vector<std::string> names_;
  PerSeries<uint32_t> keys_;
  absl::flat_hash_map<SeriesId, uint32_t> key_index_;  // by the interned match labels
  uint32_t num_keys_ = 0;
  std::vector<uint32_t> right_stamp_;  // the step that last put a right sample at the key
  std::vector<uint32_t> right_pos_;    // that sample's index
  std::vector<uint32_t> left_stamp_;   // the step that last matched a left sample at the key
  PerSeries<SeriesId> result_by_left_;
  absl::flat_hash_map<uint64_t, SeriesId> result_by_pair_;
  absl::flat_hash_set<uint64_t> matched_;  // many-to-one: (key, result) pairs of this step
};

absl::StatusOr<Samples> Matcher::Binop(const Samples& lhs_in, const Samples& rhs_in,
                                       uint32_t stamp) {
  const bool swap = m_.card == VectorMatchCardinality::kOneToMany;
  const Samples& lhs = swap ? rhs_in : lhs_in;
  const Samples& rhs = swap ? lhs_in : rhs_in;
  for (size_t j = 0; j < rhs.size(); ++j) {
    const uint32_t key = Key(rhs[j].id);
    if (right_stamp_[key] == stamp) {
      const model::Labels& l = ctx_->labels(rhs[j].id);
      return absl::InvalidArgumentError(util::StrCat(
          "found duplicate series for the match group ", MatchLabels(l, m_.on, names_).ToString(),
          " on the ", swap ? "left" : "right", " hand-side of the operation: [", l.ToString(), ", ",
          ctx_->labels(rhs[right_pos_[key]].id).ToString(),
          "];many-to-many matching not allowed: matching labels must be unique on one side"));
    }
    right_stamp_[key] = stamp;
    right_pos_[key] = static_cast<uint32_t>(j);
  }
  Samples out;
  out.reserve(lhs.size());
  matched_.clear();
  for (const Sample& ls : lhs) {
    const uint32_t key = Key(ls.id);
    if (right_stamp_[key] != stamp) continue;
    const Sample& rs = rhs[right_pos_[key]];
    // One-to-one: a second left series for the same key is an error even when the
    // comparison below would filter either away (Prometheus 3.x checks before filtering).
    if (m_.card == VectorMatchCardinality::kOneToOne) {
      if (left_stamp_[key] == stamp) {
        return absl::InvalidArgumentError(
            "multiple matches for labels: many-to-one matching must be explicit "
            "(group_left/group_right)");
      }
      left_stamp_[key] = stamp;
    }
    double fl = ls.v;
    double fr = rs.v;
    if (swap) std::swap(fl, fr);
    auto [value, keep] = ElemBinop(op_, fl, fr);
    if (return_bool_) {
      value = keep ? 1 : 0;
    } else if (!keep) {
      continue;
    }
    const SeriesId metric = Result(ls.id, rs.id);
    if (m_.card != VectorMatchCardinality::kOneToOne &&
        !matched_.insert((uint64_t{key} << 32) | metric).second) {
      return absl::InvalidArgumentError(
          "multiple matches for labels: grouping labels must ensure unique matches");
    }
    out.push_back(Sample{metric, value});
  }
  return out;
}

Samples Matcher::SetOp(Samples lhs, Samples rhs, uint32_t stamp) {
  // right_stamp_ marks the keys of the side looked up.
  if (op_ == BinaryOp::kOr) {
    for (const Sample& s : lhs) right_stamp_[Key(s.id)] = stamp;
    Samples out = std::move(lhs);
    for (const Sample& s : rhs) {
      if (right_stamp_[Key(s.id)] != stamp) out.push_back(s);
    }
    return out;
  }
  for (const Sample& s : rhs) right_stamp_[Key(s.id)] = stamp;
  Samples out;
  for (const Sample& s : lhs) {
    if ((right_stamp_[Key(s.id)] == stamp) == (op_ == BinaryOp::kAnd)) out.push_back(s);
  }
  return out;
}

}  // namespace

absl::Status Evaluator::BinarySeriesWise(const BinaryExpr& b, SeriesSink sink) {
  const bool scalar_left = b.lhs->Type() == ValueType::kScalar;
  ASSIGN_OR_RETURN(StepValue scalar, Eval(scalar_left ? *b.lhs : *b.rhs));
  const bool drop_name = IsArithmetic(b.op) || b.return_bool;
  OutputSteps output_steps(num_steps_);
  SeriesSteps out;
  out.values.resize(num_steps_);
  out.present.resize(num_steps_);
  return EvalSeriesWise(scalar_left ? *b.rhs : *b.lhs, [&](const SeriesSteps& s) {
    bool any = false;
    for (size_t i = 0; i < num_steps_; ++i) {
      out.present[i] = 0;
      if (!s.present[i]) continue;
      double l = s.values[i];
      double r = scalar.scalars[i];
      if (scalar_left) std::swap(l, r);
      auto [v, keep] = ElemBinop(b.op, l, r);
      // A comparison keeps the vector element's value even when the scalar is
      // on the left.
      if (IsComparisonOp(b.op)) v = s.values[i];
      if (b.return_bool) {
        v = keep ? 1 : 0;
        keep = true;
      }
      if (!keep) continue;
      out.present[i] = 1;
      out.values[i] = v;
      any = true;
    }
    if (!any) return absl::OkStatus();
    out.id = drop_name ? ctx_->WithoutName(s.id) : s.id;
    if (drop_name && !output_steps.Add(out.id, out.present)) {
      return absl::InvalidArgumentError("vector cannot contain metrics with the same labelset");
    }
    return sink(out);
  });
}

absl::StatusOr<StepValue> Evaluator::EvalBinary(const BinaryExpr& b) {
  ASSIGN_OR_RETURN(StepValue lhs, Eval(*b.lhs));
  ASSIGN_OR_RETURN(StepValue rhs, Eval(*b.rhs));
  StepValue out;
  if (lhs.type == ValueType::kScalar && rhs.type == ValueType::kScalar) {
    out.type = ValueType::kScalar;
    out.scalars.resize(num_steps_);
    for (size_t i = 0; i < num_steps_; ++i) {
      auto [v, keep] = ElemBinop(b.op, lhs.scalars[i], rhs.scalars[i]);
      out.scalars[i] = IsComparisonOp(b.op) ? (keep ? 1 : 0) : v;
    }
    return out;
  }
  out.type = ValueType::kVector;
  out.vectors.resize(num_steps_);
  if (lhs.type == ValueType::kVector && rhs.type == ValueType::kVector) {
    const VectorMatching m = b.matching.value_or(VectorMatching{});
    Matcher matcher(ctx_, b.op, m, b.return_bool);
    for (size_t i = 0; i < num_steps_; ++i) {
      RETURN_IF_ERROR(CheckInterrupt());
      const auto stamp = static_cast<uint32_t>(i + 1);
      if (IsSetOp(b.op)) {
        out.vectors[i] = matcher.SetOp(std::move(lhs.vectors[i]), std::move(rhs.vectors[i]), stamp);
        continue;
      }
      ASSIGN_OR_RETURN(out.vectors[i], matcher.Binop(lhs.vectors[i], rhs.vectors[i], stamp));
      RETURN_IF_ERROR(ctx_->CheckDuplicates(out.vectors[i]));
    }
    return out;
  }
  const bool swap = lhs.type == ValueType::kScalar;
  StepValue& vec = swap ? rhs : lhs;
  const std::vector<double>& scalars = swap ? lhs.scalars : rhs.scalars;
  const bool drop_name = IsArithmetic(b.op) || b.return_bool;
  for (size_t i = 0; i < num_steps_; ++i) {
    out.vectors[i].reserve(vec.vectors[i].size());
    for (const Sample& s : vec.vectors[i]) {
      double l = s.v;
      double r = scalars[i];
      if (swap) std::swap(l, r);
      auto [v, keep] = ElemBinop(b.op, l, r);
      // A comparison keeps the vector element's value even when the scalar is on the left.
      if (IsComparisonOp(b.op)) v = s.v;
      if (b.return_bool) {
        v = keep ? 1 : 0;
        keep = true;
      }
      if (!keep) continue;
      out.vectors[i].push_back(Sample{drop_name ? ctx_->WithoutName(s.id) : s.id, v});
    }
    if (drop_name) RETURN_IF_ERROR(ctx_->CheckDuplicates(out.vectors[i]));
  }
  return out;
}

}  // namespace sextant::promql::internal
