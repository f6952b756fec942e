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

// The matching signature of a series: `on` labels only, or all but `ignoring` ones and __name__.
struct Signer {
  bool on;
  std::vector<std::string> names;
  uint64_t operator()(const model::Labels& l) const {
    return on ? l.HashForLabels(names) : l.HashWithoutLabels(names);
  }
  model::Labels MatchLabels(const model::Labels& l) const {
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
};

model::Labels ResultMetric(const model::Labels& lhs, const model::Labels& rhs, BinaryOp op,
                           const VectorMatching& m, const Signer& signer) {
  model::LabelsBuilder b(lhs);
  if (IsArithmetic(op)) b.Del(model::kMetricNameLabel);
  if (m.card == VectorMatchCardinality::kOneToOne) {
    if (m.on) {
      for (const model::Label& l : lhs) {
        if (!std::binary_search(signer.names.begin(), signer.names.end(), l.name)) b.Del(l.name);
      }
    } else {
      for (const std::string& n : signer.names) b.Del(n);
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

absl::StatusOr<Vector> VectorBinop(BinaryOp op, Vector lhs, Vector rhs, const VectorMatching& m,
                                   bool return_bool) {
  Signer signer{m.on, Sorted(m.matching_labels)};
  if (m.card == VectorMatchCardinality::kOneToMany) std::swap(lhs, rhs);
  absl::flat_hash_map<uint64_t, const VectorSample*> right;
  for (const VectorSample& rs : rhs) {
    const uint64_t sig = signer(rs.labels);
    auto [it, inserted] = right.emplace(sig, &rs);
    if (!inserted) {
      const char* side = m.card == VectorMatchCardinality::kOneToMany ? "left" : "right";
      return absl::InvalidArgumentError(util::StrCat(
          "found duplicate series for the match group ", signer.MatchLabels(rs.labels).ToString(),
          " on the ", side, " hand-side of the operation: [", rs.labels.ToString(), ", ",
          it->second->labels.ToString(),
          "];many-to-many matching not allowed: matching labels must be unique on one side"));
    }
  }
  Vector out;
  absl::flat_hash_map<uint64_t, absl::flat_hash_set<uint64_t>> matched;
  for (const VectorSample& ls : lhs) {
    const uint64_t sig = signer(ls.labels);
    auto it = right.find(sig);
    if (it == right.end()) continue;
    const VectorSample& rs = *it->second;
    auto [mit, first] = matched.try_emplace(sig);
    // One-to-one: a second left series for the same signature is an error even when the
    // comparison below would filter either away (Prometheus 3.x checks before filtering).
    if (m.card == VectorMatchCardinality::kOneToOne && !first) {
      return absl::InvalidArgumentError(
          "multiple matches for labels: many-to-one matching must be explicit "
          "(group_left/group_right)");
    }
    double fl = ls.v;
    double fr = rs.v;
    if (m.card == VectorMatchCardinality::kOneToMany) std::swap(fl, fr);
    auto [value, keep] = ElemBinop(op, fl, fr);
    if (return_bool) {
      value = keep ? 1 : 0;
    } else if (!keep) {
      continue;
    }
    model::Labels metric = ResultMetric(ls.labels, rs.labels, op, m, signer);
    if (return_bool) metric = DropMetricName(metric);
    if (m.card != VectorMatchCardinality::kOneToOne && !mit->second.insert(metric.Hash()).second) {
      return absl::InvalidArgumentError(
          "multiple matches for labels: grouping labels must ensure unique matches");
    }
    out.push_back(VectorSample{std::move(metric), ls.t, value});
  }
  return out;
}

Vector SetOp(BinaryOp op, Vector lhs, Vector rhs, const VectorMatching& m) {
  Signer signer{m.on, Sorted(m.matching_labels)};
  Vector out;
  if (op == BinaryOp::kOr) {
    absl::flat_hash_set<uint64_t> left;
    for (const VectorSample& s : lhs) left.insert(signer(s.labels));
    out = std::move(lhs);
    for (VectorSample& s : rhs) {
      if (!left.contains(signer(s.labels))) out.push_back(std::move(s));
    }
    return out;
  }
  absl::flat_hash_set<uint64_t> right;
  for (const VectorSample& s : rhs) right.insert(signer(s.labels));
  for (VectorSample& s : lhs) {
    if (right.contains(signer(s.labels)) == (op == BinaryOp::kAnd)) out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

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
    for (size_t i = 0; i < num_steps_; ++i) {
      RETURN_IF_ERROR(CheckInterrupt());
      if (IsSetOp(b.op)) {
        out.vectors[i] = SetOp(b.op, std::move(lhs.vectors[i]), std::move(rhs.vectors[i]), m);
        continue;
      }
      ASSIGN_OR_RETURN(out.vectors[i], VectorBinop(b.op, std::move(lhs.vectors[i]),
                                                   std::move(rhs.vectors[i]), m, b.return_bool));
      RETURN_IF_ERROR(CheckDuplicateLabelsets(out.vectors[i]));
    }
    return out;
  }
  const bool swap = lhs.type == ValueType::kScalar;
  StepValue& vec = swap ? rhs : lhs;
  const std::vector<double>& scalars = swap ? lhs.scalars : rhs.scalars;
  const bool drop_name = IsArithmetic(b.op) || b.return_bool;
  for (size_t i = 0; i < num_steps_; ++i) {
    for (VectorSample& s : vec.vectors[i]) {
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
      out.vectors[i].push_back(
          VectorSample{drop_name ? DropMetricName(s.labels) : std::move(s.labels), s.t, v});
    }
    if (drop_name) RETURN_IF_ERROR(CheckDuplicateLabelsets(out.vectors[i]));
  }
  return out;
}

}  // namespace sextant::promql::internal
