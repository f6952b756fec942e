#include "promql/ast.h"

#include <algorithm>
#include <array>

namespace sextant::promql {

std::string_view DocumentedType(ValueType t) {
  switch (t) {
    case ValueType::kNone:
      return "none";
    case ValueType::kScalar:
      return "scalar";
    case ValueType::kVector:
      return "instant vector";
    case ValueType::kMatrix:
      return "range vector";
    case ValueType::kString:
      return "string";
  }
  return "none";
}

std::string_view ValueTypeName(ValueType t) {
  switch (t) {
    case ValueType::kNone:
      return "none";
    case ValueType::kScalar:
      return "scalar";
    case ValueType::kVector:
      return "vector";
    case ValueType::kMatrix:
      return "matrix";
    case ValueType::kString:
      return "string";
  }
  return "none";
}

std::string_view BinaryOpString(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSub:
      return "-";
    case BinaryOp::kMul:
      return "*";
    case BinaryOp::kDiv:
      return "/";
    case BinaryOp::kMod:
      return "%";
    case BinaryOp::kPow:
      return "^";
    case BinaryOp::kAtan2:
      return "atan2";
    case BinaryOp::kEql:
      return "==";
    case BinaryOp::kNeq:
      return "!=";
    case BinaryOp::kGtr:
      return ">";
    case BinaryOp::kLss:
      return "<";
    case BinaryOp::kGte:
      return ">=";
    case BinaryOp::kLte:
      return "<=";
    case BinaryOp::kAnd:
      return "and";
    case BinaryOp::kOr:
      return "or";
    case BinaryOp::kUnless:
      return "unless";
  }
  return "?";
}

bool IsComparisonOp(BinaryOp op) {
  switch (op) {
    case BinaryOp::kEql:
    case BinaryOp::kNeq:
    case BinaryOp::kGtr:
    case BinaryOp::kLss:
    case BinaryOp::kGte:
    case BinaryOp::kLte:
      return true;
    default:
      return false;
  }
}

bool IsSetOp(BinaryOp op) {
  return op == BinaryOp::kAnd || op == BinaryOp::kOr || op == BinaryOp::kUnless;
}

std::string_view UnaryOpString(UnaryOp op) { return op == UnaryOp::kAdd ? "+" : "-"; }

namespace {

constexpr std::array<std::pair<AggregateOp, std::string_view>, 12> kAggregateNames = {{
    {AggregateOp::kSum, "sum"},
    {AggregateOp::kAvg, "avg"},
    {AggregateOp::kCount, "count"},
    {AggregateOp::kMin, "min"},
    {AggregateOp::kMax, "max"},
    {AggregateOp::kGroup, "group"},
    {AggregateOp::kStddev, "stddev"},
    {AggregateOp::kStdvar, "stdvar"},
    {AggregateOp::kTopK, "topk"},
    {AggregateOp::kBottomK, "bottomk"},
    {AggregateOp::kCountValues, "count_values"},
    {AggregateOp::kQuantile, "quantile"},
}};

std::vector<Function> BuildFunctions() {
  constexpr ValueType S = ValueType::kScalar;
  constexpr ValueType V = ValueType::kVector;
  constexpr ValueType M = ValueType::kMatrix;
  constexpr ValueType Str = ValueType::kString;
  // Prometheus 3.x's stable (non-experimental) functions, with its signatures.
  std::vector<Function> fns = {
      {"abs", {V}, 0, V},
      {"absent", {V}, 0, V},
      {"absent_over_time", {M}, 0, V},
      {"acos", {V}, 0, V},
      {"acosh", {V}, 0, V},
      {"asin", {V}, 0, V},
      {"asinh", {V}, 0, V},
      {"atan", {V}, 0, V},
      {"atanh", {V}, 0, V},
      {"avg_over_time", {M}, 0, V},
      {"ceil", {V}, 0, V},
      {"changes", {M}, 0, V},
      {"clamp", {V, S, S}, 0, V},
      {"clamp_max", {V, S}, 0, V},
      {"clamp_min", {V, S}, 0, V},
      {"cos", {V}, 0, V},
      {"cosh", {V}, 0, V},
      {"count_over_time", {M}, 0, V},
      {"day_of_month", {V}, 1, V},
      {"day_of_week", {V}, 1, V},
      {"day_of_year", {V}, 1, V},
      {"days_in_month", {V}, 1, V},
      {"deg", {V}, 0, V},
      {"delta", {M}, 0, V},
      {"deriv", {M}, 0, V},
      {"exp", {V}, 0, V},
      {"floor", {V}, 0, V},
      {"histogram_avg", {V}, 0, V},
      {"histogram_count", {V}, 0, V},
      {"histogram_fraction", {S, S, V}, 0, V},
      {"histogram_quantile", {S, V}, 0, V},
      {"histogram_stddev", {V}, 0, V},
      {"histogram_stdvar", {V}, 0, V},
      {"histogram_sum", {V}, 0, V},
      {"hour", {V}, 1, V},
      {"idelta", {M}, 0, V},
      {"increase", {M}, 0, V},
      {"irate", {M}, 0, V},
      {"label_join", {V, Str, Str, Str}, -1, V},
      {"label_replace", {V, Str, Str, Str, Str}, 0, V},
      {"last_over_time", {M}, 0, V},
      {"ln", {V}, 0, V},
      {"log10", {V}, 0, V},
      {"log2", {V}, 0, V},
      {"max_over_time", {M}, 0, V},
      {"min_over_time", {M}, 0, V},
      {"minute", {V}, 1, V},
      {"month", {V}, 1, V},
      {"pi", {}, 0, S},
      {"predict_linear", {M, S}, 0, V},
      {"present_over_time", {M}, 0, V},
      {"quantile_over_time", {S, M}, 0, V},
      {"rad", {V}, 0, V},
      {"rate", {M}, 0, V},
      {"resets", {M}, 0, V},
      {"round", {V, S}, 1, V},
      {"scalar", {V}, 0, S},
      {"sgn", {V}, 0, V},
      {"sin", {V}, 0, V},
      {"sinh", {V}, 0, V},
      {"sort", {V}, 0, V},
      {"sort_desc", {V}, 0, V},
      {"sqrt", {V}, 0, V},
      {"stddev_over_time", {M}, 0, V},
      {"stdvar_over_time", {M}, 0, V},
      {"sum_over_time", {M}, 0, V},
      {"tan", {V}, 0, V},
      {"tanh", {V}, 0, V},
      {"time", {}, 0, S},
      {"timestamp", {V}, 0, V},
      {"vector", {S}, 0, V},
      {"year", {V}, 1, V},
  };
  std::sort(fns.begin(), fns.end(),
            [](const Function& a, const Function& b) { return a.name < b.name; });
  return fns;
}

const std::vector<Function>& Functions() {
  static const std::vector<Function>* const fns = new std::vector<Function>(BuildFunctions());
  return *fns;
}

template <typename T>
std::unique_ptr<T> CloneAs(const std::unique_ptr<T>& e) {
  if (e == nullptr) return nullptr;
  return std::unique_ptr<T>(static_cast<T*>(e->Clone().release()));
}

}  // namespace

std::string_view AggregateOpString(AggregateOp op) {
  for (const auto& [o, name] : kAggregateNames) {
    if (o == op) return name;
  }
  return "?";
}

std::optional<AggregateOp> AggregateOpFromName(std::string_view name) {
  for (const auto& [o, n] : kAggregateNames) {
    if (n == name) return o;
  }
  return std::nullopt;
}

bool AggregateOpHasParam(AggregateOp op) {
  return op == AggregateOp::kTopK || op == AggregateOp::kBottomK ||
         op == AggregateOp::kCountValues || op == AggregateOp::kQuantile;
}

const Function* LookupFunction(std::string_view name) {
  const std::vector<Function>& fns = Functions();
  auto it = std::lower_bound(fns.begin(), fns.end(), name,
                             [](const Function& f, std::string_view n) { return f.name < n; });
  if (it == fns.end() || it->name != name) return nullptr;
  return &*it;
}

std::span<const Function> AllFunctions() { return Functions(); }

ValueType BinaryExpr::Type() const {
  if (lhs->Type() == ValueType::kScalar && rhs->Type() == ValueType::kScalar) {
    return ValueType::kScalar;
  }
  return ValueType::kVector;
}

ExprPtr NumberLiteral::Clone() const {
  auto c = std::make_unique<NumberLiteral>();
  c->pos_range = pos_range;
  c->value = value;
  return c;
}

ExprPtr StringLiteral::Clone() const {
  auto c = std::make_unique<StringLiteral>();
  c->pos_range = pos_range;
  c->value = value;
  return c;
}

ExprPtr VectorSelector::Clone() const {
  auto c = std::make_unique<VectorSelector>();
  c->pos_range = pos_range;
  c->name = name;
  c->matchers = matchers;
  c->original_offset_ms = original_offset_ms;
  c->timestamp_ms = timestamp_ms;
  c->start_or_end = start_or_end;
  return c;
}

ExprPtr MatrixSelector::Clone() const {
  auto c = std::make_unique<MatrixSelector>();
  c->pos_range = pos_range;
  c->vector_selector = CloneAs(vector_selector);
  c->range_ms = range_ms;
  return c;
}

ExprPtr SubqueryExpr::Clone() const {
  auto c = std::make_unique<SubqueryExpr>();
  c->pos_range = pos_range;
  c->expr = CloneAs(expr);
  c->range_ms = range_ms;
  c->step_ms = step_ms;
  c->original_offset_ms = original_offset_ms;
  c->timestamp_ms = timestamp_ms;
  c->start_or_end = start_or_end;
  return c;
}

ExprPtr ParenExpr::Clone() const {
  auto c = std::make_unique<ParenExpr>();
  c->pos_range = pos_range;
  c->expr = CloneAs(expr);
  return c;
}

ExprPtr UnaryExpr::Clone() const {
  auto c = std::make_unique<UnaryExpr>();
  c->pos_range = pos_range;
  c->op = op;
  c->expr = CloneAs(expr);
  return c;
}

ExprPtr BinaryExpr::Clone() const {
  auto c = std::make_unique<BinaryExpr>();
  c->pos_range = pos_range;
  c->op = op;
  c->lhs = CloneAs(lhs);
  c->rhs = CloneAs(rhs);
  c->return_bool = return_bool;
  c->matching = matching;
  return c;
}

ExprPtr AggregateExpr::Clone() const {
  auto c = std::make_unique<AggregateExpr>();
  c->pos_range = pos_range;
  c->op = op;
  c->expr = CloneAs(expr);
  c->param = CloneAs(param);
  c->grouping = grouping;
  c->without = without;
  return c;
}

ExprPtr Call::Clone() const {
  auto c = std::make_unique<Call>();
  c->pos_range = pos_range;
  c->func = func;
  c->args.reserve(args.size());
  for (const ExprPtr& a : args) c->args.push_back(CloneAs(a));
  return c;
}

std::vector<const Expr*> Children(const Expr& e) {
  std::vector<const Expr*> out;
  auto add = [&out](const Expr* c) {
    if (c != nullptr) out.push_back(c);
  };
  switch (e.kind()) {
    case ExprKind::kNumberLiteral:
    case ExprKind::kStringLiteral:
    case ExprKind::kVectorSelector:
      break;
    case ExprKind::kMatrixSelector:
      add(As<MatrixSelector>(e).vector_selector.get());
      break;
    case ExprKind::kSubquery:
      add(As<SubqueryExpr>(e).expr.get());
      break;
    case ExprKind::kParen:
      add(As<ParenExpr>(e).expr.get());
      break;
    case ExprKind::kUnary:
      add(As<UnaryExpr>(e).expr.get());
      break;
    case ExprKind::kBinary:
      add(As<BinaryExpr>(e).lhs.get());
      add(As<BinaryExpr>(e).rhs.get());
      break;
    case ExprKind::kAggregate:
      add(As<AggregateExpr>(e).param.get());
      add(As<AggregateExpr>(e).expr.get());
      break;
    case ExprKind::kCall:
      for (const ExprPtr& a : As<Call>(e).args) add(a.get());
      break;
  }
  return out;
}

}  // namespace sextant::promql
