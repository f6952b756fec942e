
// Generated from PromQLParser.g4 by ANTLR 4.7.2

#pragma once


#include "antlr4-runtime.h"
#include "PromQLParserVisitor.h"


namespace sextant::promql::grammar {

/**
 * This class provides an empty implementation of PromQLParserVisitor, which can be
 * extended to create a visitor which only needs to handle a subset of the available methods.
 */
class  PromQLParserBaseVisitor : public PromQLParserVisitor {
public:

  virtual antlrcpp::Any visitQuery(PromQLParser::QueryContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitSubquery(PromQLParser::SubqueryContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitAndUnlessBinary(PromQLParser::AndUnlessBinaryContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitOffsetModifier(PromQLParser::OffsetModifierContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitOrBinary(PromQLParser::OrBinaryContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitPowBinary(PromQLParser::PowBinaryContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitAtModifier(PromQLParser::AtModifierContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitUnary(PromQLParser::UnaryContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitMulBinary(PromQLParser::MulBinaryContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitAggregate(PromQLParser::AggregateContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitAddBinary(PromQLParser::AddBinaryContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitCall(PromQLParser::CallContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitRangeModifier(PromQLParser::RangeModifierContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitParen(PromQLParser::ParenContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitStringLiteral(PromQLParser::StringLiteralContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitSelector(PromQLParser::SelectorContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitDurationLiteral(PromQLParser::DurationLiteralContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitCompareBinary(PromQLParser::CompareBinaryContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitMatrixSelector(PromQLParser::MatrixSelectorContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitNumberLiteral(PromQLParser::NumberLiteralContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitBinModifier(PromQLParser::BinModifierContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitVectorMatching(PromQLParser::VectorMatchingContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitAggregation(PromQLParser::AggregationContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitAggregateOp(PromQLParser::AggregateOpContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitGrouping(PromQLParser::GroupingContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitGroupingLabels(PromQLParser::GroupingLabelsContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitGroupingLabel(PromQLParser::GroupingLabelContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitFunctionCall(PromQLParser::FunctionCallContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitFunctionArgs(PromQLParser::FunctionArgsContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitVectorSelector(PromQLParser::VectorSelectorContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitMetricName(PromQLParser::MetricNameContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitLabelMatchers(PromQLParser::LabelMatchersContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitLabelMatcher(PromQLParser::LabelMatcherContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitMatchOp(PromQLParser::MatchOpContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitKeyword(PromQLParser::KeywordContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitNumber(PromQLParser::NumberContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitDuration(PromQLParser::DurationContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitDurationOrNumber(PromQLParser::DurationOrNumberContext *ctx) override {
    return visitChildren(ctx);
  }

  virtual antlrcpp::Any visitAtTimestamp(PromQLParser::AtTimestampContext *ctx) override {
    return visitChildren(ctx);
  }


};

}  // namespace sextant::promql::grammar
