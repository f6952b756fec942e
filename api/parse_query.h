#pragma once

// /api/v1/parse_query: a PromQL expression's syntax tree as JSON, for the web UI's tree view.
//
// The JSON is exactly what Prometheus 3.x's translateAST (web/api/v1/translate_ast.go) renders,
// byte for byte as its API's JSON encoder writes it (object keys sorted, as Go writes maps; `<`,
// `>` and `&` in strings as \u003c, \u003e, \u0026). One object per node, by "type":
//
//   aggregation     op, expr, param (null without one), grouping ([] when none), without
//   binaryExpr      op, lhs, rhs, bool, matching: null unless both sides are instant vectors,
//                   else {card ("one-to-one", "many-to-one", "one-to-many", "many-to-many"),
//                   labels, on, include, fillValues: {lhs: null, rhs: null}}
//   call            func: {name, argTypes, variadic, returnType}, args
//   matrixSelector  name, matchers, range (ms), offset (ms), timestamp (ms or null), startOrEnd
//                   ("start", "end" or null), rangeExpr/offsetExpr null, anchored/smoothed false
//   subquery        expr, range, step (0 when omitted), offset, timestamp, startOrEnd,
//                   rangeExpr/stepExpr/offsetExpr null
//   vectorSelector  name, matchers, offset, timestamp, startOrEnd, offsetExpr null,
//                   anchored/smoothed false
//   numberLiteral   val (Go's FormatFloat 'f' -1: "1", "-0.5", "+Inf", "NaN")
//   stringLiteral   val
//   parenExpr, unaryExpr   expr (and op for unaryExpr)
// Matchers are {name, type ("=", "!=", "=~", "!~"), value}, in Prometheus's order: the
// `__name__` matcher implied by a metric name written before the braces comes last.
// Sextant has no duration expressions, fill modifiers, or anchored/smoothed selectors, so the
// fields for those are always null/false.
//
// Thread-safety: pure.

#include <string>

#include "promql/ast.h"

namespace sextant::api {

// The translateAST JSON of `expr`.
std::string ParseQueryJson(const promql::Expr& expr);

}  // namespace sextant::api
