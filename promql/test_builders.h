#pragma once

// Small helpers that build ASTs by hand for the AST and printer tests.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/matcher.h"
#include "promql/ast.h"

namespace sextant::promql::testing {

inline std::unique_ptr<NumberLiteral> Num(double v) {
  auto n = std::make_unique<NumberLiteral>();
  n->value = v;
  return n;
}

inline std::unique_ptr<StringLiteral> Str(std::string v) {
  auto s = std::make_unique<StringLiteral>();
  s->value = std::move(v);
  return s;
}

inline model::Matcher M(model::MatchType type, std::string name, std::string value) {
  return model::Matcher::Create(type, name, value).value();
}

inline model::Matcher Eq(std::string name, std::string value) {
  return M(model::MatchType::kEqual, std::move(name), std::move(value));
}

// `name{extra...}`, with the implied __name__ matcher first, as the parser builds it.
inline std::unique_ptr<VectorSelector> Sel(std::string name,
                                           std::vector<model::Matcher> extra = {}) {
  auto vs = std::make_unique<VectorSelector>();
  if (!name.empty()) vs->matchers.push_back(Eq("__name__", name));
  for (model::Matcher& m : extra) vs->matchers.push_back(std::move(m));
  vs->name = std::move(name);
  return vs;
}

inline std::unique_ptr<MatrixSelector> Range(std::unique_ptr<VectorSelector> vs, int64_t ms) {
  auto m = std::make_unique<MatrixSelector>();
  m->vector_selector = std::move(vs);
  m->range_ms = ms;
  return m;
}

inline std::unique_ptr<SubqueryExpr> Subquery(ExprPtr e, int64_t range_ms, int64_t step_ms) {
  auto s = std::make_unique<SubqueryExpr>();
  s->expr = std::move(e);
  s->range_ms = range_ms;
  s->step_ms = step_ms;
  return s;
}

inline std::unique_ptr<ParenExpr> Paren(ExprPtr e) {
  auto p = std::make_unique<ParenExpr>();
  p->expr = std::move(e);
  return p;
}

inline std::unique_ptr<UnaryExpr> Neg(ExprPtr e) {
  auto u = std::make_unique<UnaryExpr>();
  u->op = UnaryOp::kSub;
  u->expr = std::move(e);
  return u;
}

// A binary expression; vector matching is set (one-to-one, or many-to-many for set operators)
// unless both sides are scalars, as Prometheus's parser does.
inline std::unique_ptr<BinaryExpr> Bin(BinaryOp op, ExprPtr lhs, ExprPtr rhs) {
  auto b = std::make_unique<BinaryExpr>();
  b->op = op;
  // As the parser (and Prometheus's checkAST): vector matching only between two instant vectors.
  const bool both_vectors = lhs->Type() == ValueType::kVector && rhs->Type() == ValueType::kVector;
  b->lhs = std::move(lhs);
  b->rhs = std::move(rhs);
  if (both_vectors) {
    VectorMatching vm;
    if (IsSetOp(op)) vm.card = VectorMatchCardinality::kManyToMany;
    b->matching = vm;
  }
  return b;
}

inline std::unique_ptr<AggregateExpr> Agg(AggregateOp op, ExprPtr e,
                                          std::vector<std::string> grouping = {},
                                          bool without = false, ExprPtr param = nullptr) {
  auto a = std::make_unique<AggregateExpr>();
  a->op = op;
  a->expr = std::move(e);
  a->grouping = std::move(grouping);
  a->without = without;
  a->param = std::move(param);
  return a;
}

// A call of a known function; `name` must be in the function table.
inline std::unique_ptr<Call> Fn(std::string_view name, std::vector<ExprPtr> args = {}) {
  auto c = std::make_unique<Call>();
  c->func = LookupFunction(name);
  c->args = std::move(args);
  return c;
}

// Builds a vector of ExprPtr from move-only arguments (an initializer list cannot hold them).
template <typename... Es>
std::vector<ExprPtr> Args(Es&&... es) {
  std::vector<ExprPtr> v;
  (v.push_back(std::forward<Es>(es)), ...);
  return v;
}

}  // namespace sextant::promql::testing
