
// Generated from PromQLParser.g4 by ANTLR 4.7.2

#pragma once


#include "antlr4-runtime.h"


namespace sextant::promql::grammar {


class  PromQLParser : public antlr4::Parser {
public:
  enum {
    LAND = 1, LOR = 2, LUNLESS = 3, ATAN2 = 4, SUM = 5, AVG = 6, COUNT = 7, 
    MIN = 8, MAX = 9, GROUP = 10, STDDEV = 11, STDVAR = 12, TOPK = 13, BOTTOMK = 14, 
    COUNT_VALUES = 15, QUANTILE = 16, LIMITK = 17, LIMIT_RATIO = 18, OFFSET = 19, 
    BY = 20, WITHOUT = 21, ON = 22, IGNORING = 23, GROUP_LEFT = 24, GROUP_RIGHT = 25, 
    BOOL = 26, SMOOTHED = 27, ANCHORED = 28, START = 29, END = 30, STEP = 31, 
    INF_VALUE = 32, NAN_VALUE = 33, NUMBER = 34, DURATION = 35, STRING = 36, 
    IDENTIFIER = 37, METRIC_IDENTIFIER = 38, LEFT_PAREN = 39, RIGHT_PAREN = 40, 
    LEFT_BRACE = 41, RIGHT_BRACE = 42, LEFT_BRACKET = 43, RIGHT_BRACKET = 44, 
    COMMA = 45, AT = 46, ADD = 47, SUB = 48, MUL = 49, DIV = 50, MOD = 51, 
    POW = 52, EQLC = 53, NEQ = 54, LTE = 55, LSS = 56, GTE = 57, GTR = 58, 
    WS = 59, COMMENT = 60, ERROR_CHAR = 61, B_WS = 62, B_COMMENT = 63, EQL_REGEX = 64, 
    NEQ_REGEX = 65, EQL = 66, R_WS = 67, COLON = 68
  };

  enum {
    RuleQuery = 0, RuleExpr = 1, RuleBinModifier = 2, RuleVectorMatching = 3, 
    RuleAggregation = 4, RuleAggregateOp = 5, RuleGrouping = 6, RuleGroupingLabels = 7, 
    RuleGroupingLabel = 8, RuleFunctionCall = 9, RuleFunctionArgs = 10, 
    RuleVectorSelector = 11, RuleMetricName = 12, RuleLabelMatchers = 13, 
    RuleLabelMatcher = 14, RuleMatchOp = 15, RuleKeyword = 16, RuleNumber = 17, 
    RuleDuration = 18, RuleDurationOrNumber = 19, RuleAtTimestamp = 20
  };

  PromQLParser(antlr4::TokenStream *input);
  ~PromQLParser();

  virtual std::string getGrammarFileName() const override;
  virtual const antlr4::atn::ATN& getATN() const override { return _atn; };
  virtual const std::vector<std::string>& getTokenNames() const override { return _tokenNames; }; // deprecated: use vocabulary instead.
  virtual const std::vector<std::string>& getRuleNames() const override;
  virtual antlr4::dfa::Vocabulary& getVocabulary() const override;


  class QueryContext;
  class ExprContext;
  class BinModifierContext;
  class VectorMatchingContext;
  class AggregationContext;
  class AggregateOpContext;
  class GroupingContext;
  class GroupingLabelsContext;
  class GroupingLabelContext;
  class FunctionCallContext;
  class FunctionArgsContext;
  class VectorSelectorContext;
  class MetricNameContext;
  class LabelMatchersContext;
  class LabelMatcherContext;
  class MatchOpContext;
  class KeywordContext;
  class NumberContext;
  class DurationContext;
  class DurationOrNumberContext;
  class AtTimestampContext; 

  class  QueryContext : public antlr4::ParserRuleContext {
  public:
    QueryContext(antlr4::ParserRuleContext *parent, size_t invokingState);
    virtual size_t getRuleIndex() const override;
    ExprContext *expr();
    antlr4::tree::TerminalNode *EOF();

    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
   
  };

  QueryContext* query();

  class  ExprContext : public antlr4::ParserRuleContext {
  public:
    ExprContext(antlr4::ParserRuleContext *parent, size_t invokingState);
   
    ExprContext() = default;
    void copyFrom(ExprContext *context);
    using antlr4::ParserRuleContext::copyFrom;

    virtual size_t getRuleIndex() const override;

   
  };

  class  SubqueryContext : public ExprContext {
  public:
    SubqueryContext(ExprContext *ctx);

    ExprContext *expr();
    antlr4::tree::TerminalNode *LEFT_BRACKET();
    std::vector<DurationContext *> duration();
    DurationContext* duration(size_t i);
    antlr4::tree::TerminalNode *COLON();
    antlr4::tree::TerminalNode *RIGHT_BRACKET();
    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
  };

  class  AndUnlessBinaryContext : public ExprContext {
  public:
    AndUnlessBinaryContext(ExprContext *ctx);

    antlr4::Token *op = nullptr;
    std::vector<ExprContext *> expr();
    ExprContext* expr(size_t i);
    antlr4::tree::TerminalNode *LAND();
    antlr4::tree::TerminalNode *LUNLESS();
    BinModifierContext *binModifier();
    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
  };

  class  OffsetModifierContext : public ExprContext {
  public:
    OffsetModifierContext(ExprContext *ctx);

    ExprContext *expr();
    antlr4::tree::TerminalNode *OFFSET();
    DurationOrNumberContext *durationOrNumber();
    antlr4::tree::TerminalNode *SUB();
    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
  };

  class  OrBinaryContext : public ExprContext {
  public:
    OrBinaryContext(ExprContext *ctx);

    antlr4::Token *op = nullptr;
    std::vector<ExprContext *> expr();
    ExprContext* expr(size_t i);
    antlr4::tree::TerminalNode *LOR();
    BinModifierContext *binModifier();
    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
  };

  class  PowBinaryContext : public ExprContext {
  public:
    PowBinaryContext(ExprContext *ctx);

    antlr4::Token *op = nullptr;
    std::vector<ExprContext *> expr();
    ExprContext* expr(size_t i);
    antlr4::tree::TerminalNode *POW();
    BinModifierContext *binModifier();
    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
  };

  class  AtModifierContext : public ExprContext {
  public:
    AtModifierContext(ExprContext *ctx);

    ExprContext *expr();
    antlr4::tree::TerminalNode *AT();
    AtTimestampContext *atTimestamp();
    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
  };

  class  UnaryContext : public ExprContext {
  public:
    UnaryContext(ExprContext *ctx);

    antlr4::Token *op = nullptr;
    ExprContext *expr();
    antlr4::tree::TerminalNode *ADD();
    antlr4::tree::TerminalNode *SUB();
    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
  };

  class  MulBinaryContext : public ExprContext {
  public:
    MulBinaryContext(ExprContext *ctx);

    antlr4::Token *op = nullptr;
    std::vector<ExprContext *> expr();
    ExprContext* expr(size_t i);
    antlr4::tree::TerminalNode *MUL();
    antlr4::tree::TerminalNode *DIV();
    antlr4::tree::TerminalNode *MOD();
    antlr4::tree::TerminalNode *ATAN2();
    BinModifierContext *binModifier();
    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
  };

  class  AggregateContext : public ExprContext {
  public:
    AggregateContext(ExprContext *ctx);

    AggregationContext *aggregation();
    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
  };

  class  AddBinaryContext : public ExprContext {
  public:
    AddBinaryContext(ExprContext *ctx);

    antlr4::Token *op = nullptr;
    std::vector<ExprContext *> expr();
    ExprContext* expr(size_t i);
    antlr4::tree::TerminalNode *ADD();
    antlr4::tree::TerminalNode *SUB();
    BinModifierContext *binModifier();
    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
  };

  class  CallContext : public ExprContext {
  public:
    CallContext(ExprContext *ctx);

    FunctionCallContext *functionCall();
    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
  };

  class  RangeModifierContext : public ExprContext {
  public:
    RangeModifierContext(ExprContext *ctx);

    ExprContext *expr();
    antlr4::tree::TerminalNode *SMOOTHED();
    antlr4::tree::TerminalNode *ANCHORED();
    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
  };

  class  ParenContext : public ExprContext {
  public:
    ParenContext(ExprContext *ctx);

    antlr4::tree::TerminalNode *LEFT_PAREN();
    ExprContext *expr();
    antlr4::tree::TerminalNode *RIGHT_PAREN();
    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
  };

  class  StringLiteralContext : public ExprContext {
  public:
    StringLiteralContext(ExprContext *ctx);

    antlr4::tree::TerminalNode *STRING();
    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
  };

  class  SelectorContext : public ExprContext {
  public:
    SelectorContext(ExprContext *ctx);

    VectorSelectorContext *vectorSelector();
    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
  };

  class  DurationLiteralContext : public ExprContext {
  public:
    DurationLiteralContext(ExprContext *ctx);

    antlr4::tree::TerminalNode *DURATION();
    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
  };

  class  CompareBinaryContext : public ExprContext {
  public:
    CompareBinaryContext(ExprContext *ctx);

    antlr4::Token *op = nullptr;
    std::vector<ExprContext *> expr();
    ExprContext* expr(size_t i);
    antlr4::tree::TerminalNode *EQLC();
    antlr4::tree::TerminalNode *NEQ();
    antlr4::tree::TerminalNode *LTE();
    antlr4::tree::TerminalNode *LSS();
    antlr4::tree::TerminalNode *GTE();
    antlr4::tree::TerminalNode *GTR();
    BinModifierContext *binModifier();
    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
  };

  class  MatrixSelectorContext : public ExprContext {
  public:
    MatrixSelectorContext(ExprContext *ctx);

    ExprContext *expr();
    antlr4::tree::TerminalNode *LEFT_BRACKET();
    DurationContext *duration();
    antlr4::tree::TerminalNode *RIGHT_BRACKET();
    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
  };

  class  NumberLiteralContext : public ExprContext {
  public:
    NumberLiteralContext(ExprContext *ctx);

    NumberContext *number();
    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
  };

  ExprContext* expr();
  ExprContext* expr(int precedence);
  class  BinModifierContext : public antlr4::ParserRuleContext {
  public:
    BinModifierContext(antlr4::ParserRuleContext *parent, size_t invokingState);
    virtual size_t getRuleIndex() const override;
    antlr4::tree::TerminalNode *BOOL();
    VectorMatchingContext *vectorMatching();

    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
   
  };

  BinModifierContext* binModifier();

  class  VectorMatchingContext : public antlr4::ParserRuleContext {
  public:
    VectorMatchingContext(antlr4::ParserRuleContext *parent, size_t invokingState);
    virtual size_t getRuleIndex() const override;
    std::vector<GroupingLabelsContext *> groupingLabels();
    GroupingLabelsContext* groupingLabels(size_t i);
    antlr4::tree::TerminalNode *ON();
    antlr4::tree::TerminalNode *IGNORING();
    antlr4::tree::TerminalNode *GROUP_LEFT();
    antlr4::tree::TerminalNode *GROUP_RIGHT();

    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
   
  };

  VectorMatchingContext* vectorMatching();

  class  AggregationContext : public antlr4::ParserRuleContext {
  public:
    AggregationContext(antlr4::ParserRuleContext *parent, size_t invokingState);
    virtual size_t getRuleIndex() const override;
    AggregateOpContext *aggregateOp();
    GroupingContext *grouping();
    FunctionArgsContext *functionArgs();

    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
   
  };

  AggregationContext* aggregation();

  class  AggregateOpContext : public antlr4::ParserRuleContext {
  public:
    AggregateOpContext(antlr4::ParserRuleContext *parent, size_t invokingState);
    virtual size_t getRuleIndex() const override;
    antlr4::tree::TerminalNode *SUM();
    antlr4::tree::TerminalNode *AVG();
    antlr4::tree::TerminalNode *COUNT();
    antlr4::tree::TerminalNode *MIN();
    antlr4::tree::TerminalNode *MAX();
    antlr4::tree::TerminalNode *GROUP();
    antlr4::tree::TerminalNode *STDDEV();
    antlr4::tree::TerminalNode *STDVAR();
    antlr4::tree::TerminalNode *TOPK();
    antlr4::tree::TerminalNode *BOTTOMK();
    antlr4::tree::TerminalNode *COUNT_VALUES();
    antlr4::tree::TerminalNode *QUANTILE();
    antlr4::tree::TerminalNode *LIMITK();
    antlr4::tree::TerminalNode *LIMIT_RATIO();

    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
   
  };

  AggregateOpContext* aggregateOp();

  class  GroupingContext : public antlr4::ParserRuleContext {
  public:
    GroupingContext(antlr4::ParserRuleContext *parent, size_t invokingState);
    virtual size_t getRuleIndex() const override;
    GroupingLabelsContext *groupingLabels();
    antlr4::tree::TerminalNode *BY();
    antlr4::tree::TerminalNode *WITHOUT();

    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
   
  };

  GroupingContext* grouping();

  class  GroupingLabelsContext : public antlr4::ParserRuleContext {
  public:
    GroupingLabelsContext(antlr4::ParserRuleContext *parent, size_t invokingState);
    virtual size_t getRuleIndex() const override;
    antlr4::tree::TerminalNode *LEFT_PAREN();
    antlr4::tree::TerminalNode *RIGHT_PAREN();
    std::vector<GroupingLabelContext *> groupingLabel();
    GroupingLabelContext* groupingLabel(size_t i);
    std::vector<antlr4::tree::TerminalNode *> COMMA();
    antlr4::tree::TerminalNode* COMMA(size_t i);

    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
   
  };

  GroupingLabelsContext* groupingLabels();

  class  GroupingLabelContext : public antlr4::ParserRuleContext {
  public:
    GroupingLabelContext(antlr4::ParserRuleContext *parent, size_t invokingState);
    virtual size_t getRuleIndex() const override;
    antlr4::tree::TerminalNode *IDENTIFIER();
    KeywordContext *keyword();
    antlr4::tree::TerminalNode *STRING();

    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
   
  };

  GroupingLabelContext* groupingLabel();

  class  FunctionCallContext : public antlr4::ParserRuleContext {
  public:
    FunctionCallContext(antlr4::ParserRuleContext *parent, size_t invokingState);
    virtual size_t getRuleIndex() const override;
    FunctionArgsContext *functionArgs();
    antlr4::tree::TerminalNode *IDENTIFIER();
    antlr4::tree::TerminalNode *START();
    antlr4::tree::TerminalNode *END();
    antlr4::tree::TerminalNode *STEP();

    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
   
  };

  FunctionCallContext* functionCall();

  class  FunctionArgsContext : public antlr4::ParserRuleContext {
  public:
    FunctionArgsContext(antlr4::ParserRuleContext *parent, size_t invokingState);
    virtual size_t getRuleIndex() const override;
    antlr4::tree::TerminalNode *LEFT_PAREN();
    antlr4::tree::TerminalNode *RIGHT_PAREN();
    std::vector<ExprContext *> expr();
    ExprContext* expr(size_t i);
    std::vector<antlr4::tree::TerminalNode *> COMMA();
    antlr4::tree::TerminalNode* COMMA(size_t i);

    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
   
  };

  FunctionArgsContext* functionArgs();

  class  VectorSelectorContext : public antlr4::ParserRuleContext {
  public:
    VectorSelectorContext(antlr4::ParserRuleContext *parent, size_t invokingState);
    virtual size_t getRuleIndex() const override;
    MetricNameContext *metricName();
    LabelMatchersContext *labelMatchers();

    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
   
  };

  VectorSelectorContext* vectorSelector();

  class  MetricNameContext : public antlr4::ParserRuleContext {
  public:
    MetricNameContext(antlr4::ParserRuleContext *parent, size_t invokingState);
    virtual size_t getRuleIndex() const override;
    antlr4::tree::TerminalNode *IDENTIFIER();
    antlr4::tree::TerminalNode *METRIC_IDENTIFIER();
    antlr4::tree::TerminalNode *SUM();
    antlr4::tree::TerminalNode *AVG();
    antlr4::tree::TerminalNode *COUNT();
    antlr4::tree::TerminalNode *MIN();
    antlr4::tree::TerminalNode *MAX();
    antlr4::tree::TerminalNode *GROUP();
    antlr4::tree::TerminalNode *STDDEV();
    antlr4::tree::TerminalNode *STDVAR();
    antlr4::tree::TerminalNode *TOPK();
    antlr4::tree::TerminalNode *BOTTOMK();
    antlr4::tree::TerminalNode *COUNT_VALUES();
    antlr4::tree::TerminalNode *QUANTILE();
    antlr4::tree::TerminalNode *LIMITK();
    antlr4::tree::TerminalNode *LIMIT_RATIO();
    antlr4::tree::TerminalNode *LAND();
    antlr4::tree::TerminalNode *LOR();
    antlr4::tree::TerminalNode *LUNLESS();
    antlr4::tree::TerminalNode *OFFSET();
    antlr4::tree::TerminalNode *BY();
    antlr4::tree::TerminalNode *WITHOUT();
    antlr4::tree::TerminalNode *START();
    antlr4::tree::TerminalNode *END();
    antlr4::tree::TerminalNode *STEP();
    antlr4::tree::TerminalNode *SMOOTHED();
    antlr4::tree::TerminalNode *ANCHORED();

    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
   
  };

  MetricNameContext* metricName();

  class  LabelMatchersContext : public antlr4::ParserRuleContext {
  public:
    LabelMatchersContext(antlr4::ParserRuleContext *parent, size_t invokingState);
    virtual size_t getRuleIndex() const override;
    antlr4::tree::TerminalNode *LEFT_BRACE();
    antlr4::tree::TerminalNode *RIGHT_BRACE();
    std::vector<LabelMatcherContext *> labelMatcher();
    LabelMatcherContext* labelMatcher(size_t i);
    std::vector<antlr4::tree::TerminalNode *> COMMA();
    antlr4::tree::TerminalNode* COMMA(size_t i);

    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
   
  };

  LabelMatchersContext* labelMatchers();

  class  LabelMatcherContext : public antlr4::ParserRuleContext {
  public:
    LabelMatcherContext(antlr4::ParserRuleContext *parent, size_t invokingState);
    virtual size_t getRuleIndex() const override;
    MatchOpContext *matchOp();
    std::vector<antlr4::tree::TerminalNode *> STRING();
    antlr4::tree::TerminalNode* STRING(size_t i);
    antlr4::tree::TerminalNode *IDENTIFIER();

    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
   
  };

  LabelMatcherContext* labelMatcher();

  class  MatchOpContext : public antlr4::ParserRuleContext {
  public:
    MatchOpContext(antlr4::ParserRuleContext *parent, size_t invokingState);
    virtual size_t getRuleIndex() const override;
    antlr4::tree::TerminalNode *EQL();
    antlr4::tree::TerminalNode *NEQ();
    antlr4::tree::TerminalNode *EQL_REGEX();
    antlr4::tree::TerminalNode *NEQ_REGEX();

    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
   
  };

  MatchOpContext* matchOp();

  class  KeywordContext : public antlr4::ParserRuleContext {
  public:
    KeywordContext(antlr4::ParserRuleContext *parent, size_t invokingState);
    virtual size_t getRuleIndex() const override;
    antlr4::tree::TerminalNode *SUM();
    antlr4::tree::TerminalNode *AVG();
    antlr4::tree::TerminalNode *COUNT();
    antlr4::tree::TerminalNode *MIN();
    antlr4::tree::TerminalNode *MAX();
    antlr4::tree::TerminalNode *GROUP();
    antlr4::tree::TerminalNode *STDDEV();
    antlr4::tree::TerminalNode *STDVAR();
    antlr4::tree::TerminalNode *TOPK();
    antlr4::tree::TerminalNode *BOTTOMK();
    antlr4::tree::TerminalNode *COUNT_VALUES();
    antlr4::tree::TerminalNode *QUANTILE();
    antlr4::tree::TerminalNode *LIMITK();
    antlr4::tree::TerminalNode *LIMIT_RATIO();
    antlr4::tree::TerminalNode *LAND();
    antlr4::tree::TerminalNode *LOR();
    antlr4::tree::TerminalNode *LUNLESS();
    antlr4::tree::TerminalNode *ATAN2();
    antlr4::tree::TerminalNode *OFFSET();
    antlr4::tree::TerminalNode *BY();
    antlr4::tree::TerminalNode *WITHOUT();
    antlr4::tree::TerminalNode *ON();
    antlr4::tree::TerminalNode *IGNORING();
    antlr4::tree::TerminalNode *GROUP_LEFT();
    antlr4::tree::TerminalNode *GROUP_RIGHT();
    antlr4::tree::TerminalNode *BOOL();
    antlr4::tree::TerminalNode *START();
    antlr4::tree::TerminalNode *END();
    antlr4::tree::TerminalNode *STEP();
    antlr4::tree::TerminalNode *SMOOTHED();
    antlr4::tree::TerminalNode *ANCHORED();

    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
   
  };

  KeywordContext* keyword();

  class  NumberContext : public antlr4::ParserRuleContext {
  public:
    NumberContext(antlr4::ParserRuleContext *parent, size_t invokingState);
    virtual size_t getRuleIndex() const override;
    antlr4::tree::TerminalNode *NUMBER();
    antlr4::tree::TerminalNode *INF_VALUE();
    antlr4::tree::TerminalNode *NAN_VALUE();

    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
   
  };

  NumberContext* number();

  class  DurationContext : public antlr4::ParserRuleContext {
  public:
    DurationContext(antlr4::ParserRuleContext *parent, size_t invokingState);
    virtual size_t getRuleIndex() const override;
    antlr4::tree::TerminalNode *DURATION();
    antlr4::tree::TerminalNode *NUMBER();

    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
   
  };

  DurationContext* duration();

  class  DurationOrNumberContext : public antlr4::ParserRuleContext {
  public:
    DurationOrNumberContext(antlr4::ParserRuleContext *parent, size_t invokingState);
    virtual size_t getRuleIndex() const override;
    antlr4::tree::TerminalNode *DURATION();
    antlr4::tree::TerminalNode *NUMBER();

    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
   
  };

  DurationOrNumberContext* durationOrNumber();

  class  AtTimestampContext : public antlr4::ParserRuleContext {
  public:
    AtTimestampContext(antlr4::ParserRuleContext *parent, size_t invokingState);
    virtual size_t getRuleIndex() const override;
    antlr4::tree::TerminalNode *NUMBER();
    antlr4::tree::TerminalNode *DURATION();
    antlr4::tree::TerminalNode *INF_VALUE();
    antlr4::tree::TerminalNode *NAN_VALUE();
    antlr4::tree::TerminalNode *ADD();
    antlr4::tree::TerminalNode *SUB();
    antlr4::tree::TerminalNode *LEFT_PAREN();
    antlr4::tree::TerminalNode *RIGHT_PAREN();
    antlr4::tree::TerminalNode *START();
    antlr4::tree::TerminalNode *END();

    virtual antlrcpp::Any accept(antlr4::tree::ParseTreeVisitor *visitor) override;
   
  };

  AtTimestampContext* atTimestamp();


  virtual bool sempred(antlr4::RuleContext *_localctx, size_t ruleIndex, size_t predicateIndex) override;
  bool exprSempred(ExprContext *_localctx, size_t predicateIndex);

private:
  static std::vector<antlr4::dfa::DFA> _decisionToDFA;
  static antlr4::atn::PredictionContextCache _sharedContextCache;
  static std::vector<std::string> _ruleNames;
  static std::vector<std::string> _tokenNames;

  static std::vector<std::string> _literalNames;
  static std::vector<std::string> _symbolicNames;
  static antlr4::dfa::Vocabulary _vocabulary;
  static antlr4::atn::ATN _atn;
  static std::vector<uint16_t> _serializedATN;


  struct Initializer {
    Initializer();
  };
  static Initializer _init;
};

}  // namespace sextant::promql::grammar
