#pragma once

// Internal to the parser: Prometheus's checkAST (promql/parser/parse.go) over a freshly built
// tree: operand and argument types, argument counts, vector-matching rules, selector rules.

#include <string_view>

#include "absl/status/status.h"
#include "promql/ast.h"

namespace sextant::promql::internal {

// Checks `expr` (built from `query`, whose byte offsets its pos_ranges hold) and normalises it
// as Prometheus does: set operators get many-to-many matching, and `matching` is cleared unless
// both operands are instant vectors. Returns the first error in Prometheus's order and wording
// (InvalidArgument "line:col: parse error: ...").
absl::Status CheckAst(std::string_view query, Expr& expr);

}  // namespace sextant::promql::internal
