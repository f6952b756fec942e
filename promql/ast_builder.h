#pragma once

// Internal to the parser: builds the typed AST from an ANTLR parse tree that has no syntax
// errors, applying the checks Prometheus's grammar actions make while it parses (durations,
// numbers, strings, matchers, unknown functions, aggregation arity, offset and `@` placement).
// Type checks come afterwards (promql/type_check.h).

#include <string_view>

#include <antlr4-runtime.h>

#include "absl/status/statusor.h"
#include "grammar/generated/PromQLParser.h"
#include "promql/ast.h"
#include "promql/syntax_errors.h"

namespace sextant::promql::internal {

class AstBuilder {
 public:
  // `query`, `offsets` and `tokens` must outlive the builder.
  AstBuilder(std::string_view query, const ByteOffsets& offsets, antlr4::TokenStream* tokens)
      : query_(query), offsets_(offsets), tokens_(tokens) {}

  // The AST of `ctx`, or the first error in Prometheus's order and wording.
  absl::StatusOr<ExprPtr> Build(grammar::PromQLParser::ExprContext* ctx);

 private:
  using P = grammar::PromQLParser;

  int Pos(const antlr4::Token* t) const;
  int EndPos(const antlr4::Token* t) const;
  PositionRange Range(antlr4::ParserRuleContext* ctx) const;
  absl::Status Error(int pos, std::string_view message) const;
  absl::Status ErrorAt(const antlr4::Token* t, std::string_view message) const;

  absl::StatusOr<std::string> Unquote(const antlr4::Token* t) const;
  absl::StatusOr<int64_t> DurationMs(antlr4::tree::TerminalNode* duration,
                                     antlr4::tree::TerminalNode* number) const;

  absl::StatusOr<ExprPtr> BuildNumber(P::NumberContext* ctx);
  absl::StatusOr<ExprPtr> BuildSelector(P::VectorSelectorContext* ctx);
  absl::StatusOr<ExprPtr> BuildMatrix(P::MatrixSelectorContext* ctx);
  absl::StatusOr<ExprPtr> BuildSubquery(P::SubqueryContext* ctx);
  absl::StatusOr<ExprPtr> BuildOffset(P::OffsetModifierContext* ctx);
  absl::StatusOr<ExprPtr> BuildAt(P::AtModifierContext* ctx);
  absl::StatusOr<ExprPtr> BuildUnary(P::UnaryContext* ctx);
  absl::StatusOr<ExprPtr> BuildBinary(P::ExprContext* ctx, P::ExprContext* lhs, antlr4::Token* op,
                                      P::BinModifierContext* mod, P::ExprContext* rhs);
  absl::StatusOr<ExprPtr> BuildAggregation(P::AggregationContext* ctx);
  absl::StatusOr<ExprPtr> BuildCall(P::FunctionCallContext* ctx);
  absl::StatusOr<std::vector<ExprPtr>> BuildArgs(P::FunctionArgsContext* ctx);
  absl::StatusOr<std::vector<std::string>> BuildLabels(P::GroupingLabelsContext* ctx);
  // Prometheus reads a `(` right after group_left/group_right as the label list; the grammar
  // lets it start the right-hand side instead. Reports what Prometheus would.
  absl::Status CheckGroupParen(antlr4::tree::TerminalNode* group_keyword) const;

  std::string_view query_;
  const ByteOffsets& offsets_;
  antlr4::TokenStream* tokens_;
};

}  // namespace sextant::promql::internal
