#pragma once

// Renders an AST back to canonical PromQL, byte for byte as Prometheus's Expr.String()
// (promql/parser/printer.go) does; this backs /api/v1/format_query.
//
// Canonical form: one space around binary operators, `by (a, b) ` / `without (a) ` between an
// aggregation and its parenthesised arguments, `on (x)` / `ignoring (x)` / `group_left (y)`, the
// metric name before the braces and the other matchers sorted by their text, `@` as seconds with
// three decimals (`@ 10.000`), `@` before `offset`, durations as Prometheus prints them (`1h30m`),
// numbers as Go's strconv.FormatFloat(v, 'f', -1, 64), strings quoted as Go's %q. Label names
// that are not legal unquoted (UTF-8 names) are quoted.

#include <string>

#include "promql/ast.h"

namespace sextant::promql {

// The PromQL text of `expr`. `expr` must be a complete tree (no null children).
std::string Format(const Expr& expr);

// A number literal as Prometheus prints it: Go's strconv.FormatFloat(v, 'f', -1, 64), so
// "1", "0.5", "1000000000000000000000", "0.0000001", "+Inf", "-Inf", "NaN".
std::string FormatNumber(double v);

}  // namespace sextant::promql
