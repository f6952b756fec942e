#pragma once

// The typed abstract syntax tree of PromQL, modelled on Prometheus's promql/parser/ast.go.
//
// Every node derives from Expr, carries its ExprKind (kind()) and the byte range of the query it
// was parsed from (pos_range), and answers Type() the way Prometheus does. Nodes are plain
// structs with public fields; children are owned through std::unique_ptr, so a tree is owned by
// its root and is movable but not copyable (use Clone() for a deep copy).
//
// Walking a tree: switch on kind() and downcast with As<T>(), or call Visit() with an overload
// set that takes each node type by const reference, or iterate Children().
//
// Nodes are immutable once built; a finished tree may be read from many threads at once.
// Formatting back to PromQL lives in promql/printer.h.

#include <cassert>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "model/matcher.h"

namespace sextant::promql {

// The type of a PromQL expression's value.
enum class ValueType { kNone, kScalar, kVector, kMatrix, kString };

// The name used in Prometheus's error messages ("expected type range vector in call to ..."):
// "none", "scalar", "instant vector", "range vector", "string".
std::string_view DocumentedType(ValueType t);
// The name used in the HTTP API's "resultType": "none", "scalar", "vector", "matrix", "string".
std::string_view ValueTypeName(ValueType t);

// A half-open byte range [start, end) of the query text, for error messages.
struct PositionRange {
  int start = 0;
  int end = 0;
  bool operator==(const PositionRange&) const = default;
};

enum class ExprKind {
  kNumberLiteral,
  kStringLiteral,
  kVectorSelector,
  kMatrixSelector,
  kSubquery,
  kParen,
  kUnary,
  kBinary,
  kAggregate,
  kCall,
};

// Binary operators, by precedence from lowest: or; and unless; comparisons; + -; * / % atan2; ^.
enum class BinaryOp {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kAtan2,
  kEql,  // ==
  kNeq,  // !=
  kGtr,  // >
  kLss,  // <
  kGte,  // >=
  kLte,  // <=
  kAnd,
  kOr,
  kUnless,
};

// "+", "-", "*", "/", "%", "^", "atan2", "==", "!=", ">", "<", ">=", "<=", "and", "or", "unless".
std::string_view BinaryOpString(BinaryOp op);
// ==, !=, >, <, >=, <= (the operators that filter, or return 0/1 with `bool`).
bool IsComparisonOp(BinaryOp op);
// and, or, unless.
bool IsSetOp(BinaryOp op);

enum class UnaryOp { kAdd, kSub };
// "+" or "-".
std::string_view UnaryOpString(UnaryOp op);

enum class AggregateOp {
  kSum,
  kAvg,
  kCount,
  kMin,
  kMax,
  kGroup,
  kStddev,
  kStdvar,
  kTopK,
  kBottomK,
  kCountValues,
  kQuantile,
};

// The keyword: "sum", "avg", ..., "topk", "bottomk", "count_values", "quantile".
std::string_view AggregateOpString(AggregateOp op);
// The aggregation for a keyword (case-sensitive, as Prometheus's lexer lower-cases first), or
// nullopt.
std::optional<AggregateOp> AggregateOpFromName(std::string_view name);
// topk, bottomk, count_values and quantile take a parameter before the aggregated expression.
bool AggregateOpHasParam(AggregateOp op);

// A PromQL function's signature (Prometheus's parser.Function).
struct Function {
  std::string_view name;
  std::vector<ValueType> arg_types;
  // 0: exactly arg_types.size() arguments. n > 0: the last n of arg_types are optional.
  // -1: the last of arg_types may repeat any number of times (label_join).
  int variadic = 0;
  ValueType return_type = ValueType::kNone;
};

// The function called `name`, or nullptr when there is none. The pointer stays valid for the
// life of the program.
const Function* LookupFunction(std::string_view name);
// Every function Sextant knows, sorted by name.
std::span<const Function> AllFunctions();

// Base of all nodes. Not constructible on its own.
class Expr {
 public:
  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;

  ExprKind kind() const { return kind_; }
  // The type of the value the expression evaluates to, as Prometheus's Expr.Type().
  virtual ValueType Type() const = 0;
  // A deep copy of the subtree.
  virtual std::unique_ptr<Expr> Clone() const = 0;

  PositionRange pos_range;

 protected:
  explicit Expr(ExprKind kind) : kind_(kind) {}

 private:
  const ExprKind kind_;
};

using ExprPtr = std::unique_ptr<Expr>;

// A float literal: 1, 1.5e3, 0x1f, Inf, NaN.
struct NumberLiteral final : Expr {
  static constexpr ExprKind kKind = ExprKind::kNumberLiteral;
  NumberLiteral() : Expr(kKind) {}
  ValueType Type() const override { return ValueType::kScalar; }
  ExprPtr Clone() const override;

  double value = 0;
};

// A string literal, unescaped.
struct StringLiteral final : Expr {
  static constexpr ExprKind kKind = ExprKind::kStringLiteral;
  StringLiteral() : Expr(kKind) {}
  ValueType Type() const override { return ValueType::kString; }
  ExprPtr Clone() const override;

  std::string value;
};

// The `@` modifier's preprocessor forms, resolved to a timestamp by the engine.
enum class AtModifier { kNone, kStart, kEnd };

// An instant vector selector: `name{matchers} @ t offset d`.
struct VectorSelector final : Expr {
  static constexpr ExprKind kKind = ExprKind::kVectorSelector;
  VectorSelector() : Expr(kKind) {}
  ValueType Type() const override { return ValueType::kVector; }
  ExprPtr Clone() const override;

  // The metric name written before the braces; empty when there is none.
  std::string name;
  // All matchers in query order, including the `__name__="name"` matcher the parser adds for
  // `name`.
  std::vector<model::Matcher> matchers;
  // The offset as written, in milliseconds; negative for `offset -5m`.
  int64_t original_offset_ms = 0;
  // `@ <timestamp>` in milliseconds; unset when there is no `@` or it is start()/end().
  std::optional<int64_t> timestamp_ms;
  AtModifier start_or_end = AtModifier::kNone;
};

// A range vector selector: `selector[range]`. The `@` and offset live in the vector selector.
struct MatrixSelector final : Expr {
  static constexpr ExprKind kKind = ExprKind::kMatrixSelector;
  MatrixSelector() : Expr(kKind) {}
  ValueType Type() const override { return ValueType::kMatrix; }
  ExprPtr Clone() const override;

  std::unique_ptr<VectorSelector> vector_selector;
  int64_t range_ms = 0;
};

// A subquery: `expr[range:step] @ t offset d`.
struct SubqueryExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kSubquery;
  SubqueryExpr() : Expr(kKind) {}
  ValueType Type() const override { return ValueType::kMatrix; }
  ExprPtr Clone() const override;

  ExprPtr expr;
  int64_t range_ms = 0;
  // 0 means the default (the global evaluation interval).
  int64_t step_ms = 0;
  int64_t original_offset_ms = 0;
  std::optional<int64_t> timestamp_ms;
  AtModifier start_or_end = AtModifier::kNone;
};

// `(expr)`.
struct ParenExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kParen;
  ParenExpr() : Expr(kKind) {}
  ValueType Type() const override { return expr->Type(); }
  ExprPtr Clone() const override;

  ExprPtr expr;
};

// `-expr` or `+expr`.
struct UnaryExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kUnary;
  UnaryExpr() : Expr(kKind) {}
  ValueType Type() const override { return expr->Type(); }
  ExprPtr Clone() const override;

  UnaryOp op = UnaryOp::kSub;
  ExprPtr expr;
};

enum class VectorMatchCardinality { kOneToOne, kManyToOne, kOneToMany, kManyToMany };

// How the two sides of a binary operation between vectors are matched.
struct VectorMatching {
  // kManyToOne is group_left, kOneToMany is group_right; set operators are kManyToMany.
  VectorMatchCardinality card = VectorMatchCardinality::kOneToOne;
  // The labels of `on (...)` or `ignoring (...)`.
  std::vector<std::string> matching_labels;
  // true for `on`, false for `ignoring` (or no clause).
  bool on = false;
  // The extra labels of `group_left (...)` / `group_right (...)`.
  std::vector<std::string> include;
  bool operator==(const VectorMatching&) const = default;
};

// `lhs op [bool] [on|ignoring (...)] [group_left|group_right (...)] rhs`.
struct BinaryExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kBinary;
  BinaryExpr() : Expr(kKind) {}
  // Scalar when both sides are scalars, else instant vector.
  ValueType Type() const override;
  ExprPtr Clone() const override;

  BinaryOp op = BinaryOp::kAdd;
  ExprPtr lhs;
  ExprPtr rhs;
  // `bool` after a comparison operator.
  bool return_bool = false;
  // Unset when both sides are scalars (Prometheus's nil VectorMatching).
  std::optional<VectorMatching> matching;
};

// `op [by|without (...)] ([param,] expr)`.
struct AggregateExpr final : Expr {
  static constexpr ExprKind kKind = ExprKind::kAggregate;
  AggregateExpr() : Expr(kKind) {}
  ValueType Type() const override { return ValueType::kVector; }
  ExprPtr Clone() const override;

  AggregateOp op = AggregateOp::kSum;
  ExprPtr expr;
  // Set exactly when AggregateOpHasParam(op).
  ExprPtr param;
  std::vector<std::string> grouping;
  // true for `without (...)`, false for `by (...)` or no clause.
  bool without = false;
};

// A function call.
struct Call final : Expr {
  static constexpr ExprKind kKind = ExprKind::kCall;
  Call() : Expr(kKind) {}
  ValueType Type() const override { return func->return_type; }
  ExprPtr Clone() const override;

  // From LookupFunction(); never null in a built tree.
  const Function* func = nullptr;
  std::vector<ExprPtr> args;
};

// Downcasts; the node must be of kind T::kKind (checked by assert in debug builds).
template <typename T>
const T& As(const Expr& e);
template <typename T>
T& As(Expr& e);

// The node as a T, or nullptr when it is of another kind.
template <typename T>
const T* DynCast(const Expr* e) {
  return e != nullptr && e->kind() == T::kKind ? static_cast<const T*>(e) : nullptr;
}

// Calls `v` with the node downcast to its concrete type; returns what `v` returns. `v` must
// accept every node type by const reference (an overload set or a generic lambda).
template <typename V>
decltype(auto) Visit(const Expr& e, V&& v);

// The direct children in evaluation order (an aggregation's param before its expression, a
// matrix selector's vector selector). Pointers borrow from `e`.
std::vector<const Expr*> Children(const Expr& e);

// ---- Implementation details below. ----

template <typename T>
const T& As(const Expr& e) {
  static_assert(std::is_base_of_v<Expr, T>);
  assert(e.kind() == T::kKind);
  return static_cast<const T&>(e);
}

template <typename T>
T& As(Expr& e) {
  static_assert(std::is_base_of_v<Expr, T>);
  assert(e.kind() == T::kKind);
  return static_cast<T&>(e);
}

template <typename V>
decltype(auto) Visit(const Expr& e, V&& v) {
  switch (e.kind()) {
    case ExprKind::kNumberLiteral:
      return v(static_cast<const NumberLiteral&>(e));
    case ExprKind::kStringLiteral:
      return v(static_cast<const StringLiteral&>(e));
    case ExprKind::kVectorSelector:
      return v(static_cast<const VectorSelector&>(e));
    case ExprKind::kMatrixSelector:
      return v(static_cast<const MatrixSelector&>(e));
    case ExprKind::kSubquery:
      return v(static_cast<const SubqueryExpr&>(e));
    case ExprKind::kParen:
      return v(static_cast<const ParenExpr&>(e));
    case ExprKind::kUnary:
      return v(static_cast<const UnaryExpr&>(e));
    case ExprKind::kBinary:
      return v(static_cast<const BinaryExpr&>(e));
    case ExprKind::kAggregate:
      return v(static_cast<const AggregateExpr&>(e));
    case ExprKind::kCall:
      break;
  }
  return v(static_cast<const Call&>(e));
}

}  // namespace sextant::promql
