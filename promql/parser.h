#pragma once

// The PromQL parser: query text to the typed AST of promql/ast.h, with Prometheus 3.x's syntax,
// type checks and error messages (promql/parser/parse.go, lex.go, generated_parser.y).
//
// The grammar lives in grammar/ (ANTLR4); no ANTLR type or exception crosses this header.
// Parsing is reentrant: any number of threads may call ParseExpr at once.

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "promql/ast.h"

namespace sextant::promql {

// Parses and type-checks one PromQL expression.
//
// On success the tree is complete: every node has its pos_range (byte offsets into `query`),
// every Call has its func, selectors carry their matchers (the implied `__name__` matcher of
// `name{...}` first), a number literal preceded by unary signs is folded into one literal
// (`-1`), durations used as numbers (`5m`) are number literals in seconds, and `matching` of a
// BinaryExpr is set exactly when both sides are instant vectors (Prometheus's nil
// VectorMatching otherwise; set operators get kManyToMany).
//
// Errors: InvalidArgument whose message is exactly Prometheus's, including the position of the
// first error as `line:col:` (1-based, columns in bytes), for example
//   `1:14: parse error: unexpected end of input`
//   `1:6: parse error: expected type range vector in call to function "rate", got instant vector`
// Only the first error is reported, as Prometheus's ParseErrors.Error() does. Queries nested
// deeper than kMaxParseDepth levels, or with more than kMaxOperators operators (a chain of
// binary operators is as deep a tree as its length), are rejected with InvalidArgument rather
// than recursing without bound here and in every later walk of the tree.
//
// `query` is only borrowed for the duration of the call.
absl::StatusOr<std::unique_ptr<Expr>> ParseExpr(std::string_view query);

// The nesting depth (parentheses, brackets, braces, unary and `^` chains) above which
// ParseExpr refuses a query, to bound the recursion of the parser and of the AST walks.
inline constexpr int kMaxParseDepth = 500;
// The number of operators (`+`, `and`, `^`, ..., and the postfix `[`, `offset`, `@`) above which
// ParseExpr refuses a query.
inline constexpr int kMaxOperators = 2000;

}  // namespace sextant::promql
