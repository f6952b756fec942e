
// Generated from PromQLParser.g4 by ANTLR 4.7.2

#pragma once


#include "antlr4-runtime.h"
#include "PromQLParser.h"


namespace sextant::promql::grammar {

/**
 * This class defines an abstract visitor for a parse tree
 * produced by PromQLParser.
 */
class  PromQLParserVisitor : public antlr4::tree::AbstractParseTreeVisitor {
public:

  /**
   * Visit parse trees produced by PromQLParser.
   */
    virtual antlrcpp::Any visitQuery(PromQLParser::QueryContext *context) = 0;

    virtual antlrcpp::Any visitSubquery(PromQLParser::SubqueryContext *context) = 0;

    virtual antlrcpp::Any visitAndUnlessBinary(PromQLParser::AndUnlessBinaryContext *context) = 0;

    virtual antlrcpp::Any visitOffsetModifier(PromQLParser::OffsetModifierContext *context) = 0;

    virtual antlrcpp::Any visitOrBinary(PromQLParser::OrBinaryContext *context) = 0;

    virtual antlrcpp::Any visitPowBinary(PromQLParser::PowBinaryContext *context) = 0;

    virtual antlrcpp::Any visitAtModifier(PromQLParser::AtModifierContext *context) = 0;

    virtual antlrcpp::Any visitUnary(PromQLParser::UnaryContext *context) = 0;

    virtual antlrcpp::Any visitMulBinary(PromQLParser::MulBinaryContext *context) = 0;

    virtual antlrcpp::Any visitAggregate(PromQLParser::AggregateContext *context) = 0;

    virtual antlrcpp::Any visitAddBinary(PromQLParser::AddBinaryContext *context) = 0;

    virtual antlrcpp::Any visitCall(PromQLParser::CallContext *context) = 0;

    virtual antlrcpp::Any visitRangeModifier(PromQLParser::RangeModifierContext *context) = 0;

    virtual antlrcpp::Any visitParen(PromQLParser::ParenContext *context) = 0;

    virtual antlrcpp::Any visitStringLiteral(PromQLParser::StringLiteralContext *context) = 0;

    virtual antlrcpp::Any visitSelector(PromQLParser::SelectorContext *context) = 0;

    virtual antlrcpp::Any visitDurationLiteral(PromQLParser::DurationLiteralContext *context) = 0;

    virtual antlrcpp::Any visitCompareBinary(PromQLParser::CompareBinaryContext *context) = 0;

    virtual antlrcpp::Any visitMatrixSelector(PromQLParser::MatrixSelectorContext *context) = 0;

    virtual antlrcpp::Any visitNumberLiteral(PromQLParser::NumberLiteralContext *context) = 0;

    virtual antlrcpp::Any visitBinModifier(PromQLParser::BinModifierContext *context) = 0;

    virtual antlrcpp::Any visitVectorMatching(PromQLParser::VectorMatchingContext *context) = 0;

    virtual antlrcpp::Any visitAggregation(PromQLParser::AggregationContext *context) = 0;

    virtual antlrcpp::Any visitAggregateOp(PromQLParser::AggregateOpContext *context) = 0;

    virtual antlrcpp::Any visitGrouping(PromQLParser::GroupingContext *context) = 0;

    virtual antlrcpp::Any visitGroupingLabels(PromQLParser::GroupingLabelsContext *context) = 0;

    virtual antlrcpp::Any visitGroupingLabel(PromQLParser::GroupingLabelContext *context) = 0;

    virtual antlrcpp::Any visitFunctionCall(PromQLParser::FunctionCallContext *context) = 0;

    virtual antlrcpp::Any visitFunctionArgs(PromQLParser::FunctionArgsContext *context) = 0;

    virtual antlrcpp::Any visitVectorSelector(PromQLParser::VectorSelectorContext *context) = 0;

    virtual antlrcpp::Any visitMetricName(PromQLParser::MetricNameContext *context) = 0;

    virtual antlrcpp::Any visitLabelMatchers(PromQLParser::LabelMatchersContext *context) = 0;

    virtual antlrcpp::Any visitLabelMatcher(PromQLParser::LabelMatcherContext *context) = 0;

    virtual antlrcpp::Any visitMatchOp(PromQLParser::MatchOpContext *context) = 0;

    virtual antlrcpp::Any visitKeyword(PromQLParser::KeywordContext *context) = 0;

    virtual antlrcpp::Any visitNumber(PromQLParser::NumberContext *context) = 0;

    virtual antlrcpp::Any visitDuration(PromQLParser::DurationContext *context) = 0;

    virtual antlrcpp::Any visitDurationOrNumber(PromQLParser::DurationOrNumberContext *context) = 0;

    virtual antlrcpp::Any visitAtTimestamp(PromQLParser::AtTimestampContext *context) = 0;


};

}  // namespace sextant::promql::grammar
