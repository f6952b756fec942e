
// Generated from PromQLParser.g4 by ANTLR 4.7.2


#include "PromQLParserVisitor.h"

#include "PromQLParser.h"


using namespace antlrcpp;
using namespace sextant::promql::grammar;
using namespace antlr4;

PromQLParser::PromQLParser(TokenStream *input) : Parser(input) {
  _interpreter = new atn::ParserATNSimulator(this, _atn, _decisionToDFA, _sharedContextCache);
}

PromQLParser::~PromQLParser() {
  delete _interpreter;
}

std::string PromQLParser::getGrammarFileName() const {
  return "PromQLParser.g4";
}

const std::vector<std::string>& PromQLParser::getRuleNames() const {
  return _ruleNames;
}

dfa::Vocabulary& PromQLParser::getVocabulary() const {
  return _vocabulary;
}


//----------------- QueryContext ------------------------------------------------------------------

PromQLParser::QueryContext::QueryContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

PromQLParser::ExprContext* PromQLParser::QueryContext::expr() {
  return getRuleContext<PromQLParser::ExprContext>(0);
}

tree::TerminalNode* PromQLParser::QueryContext::EOF() {
  return getToken(PromQLParser::EOF, 0);
}


size_t PromQLParser::QueryContext::getRuleIndex() const {
  return PromQLParser::RuleQuery;
}

antlrcpp::Any PromQLParser::QueryContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitQuery(this);
  else
    return visitor->visitChildren(this);
}

PromQLParser::QueryContext* PromQLParser::query() {
  QueryContext *_localctx = _tracker.createInstance<QueryContext>(_ctx, getState());
  enterRule(_localctx, 0, PromQLParser::RuleQuery);

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    enterOuterAlt(_localctx, 1);
    setState(42);
    expr(0);
    setState(43);
    match(PromQLParser::EOF);
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

//----------------- ExprContext ------------------------------------------------------------------

PromQLParser::ExprContext::ExprContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}


size_t PromQLParser::ExprContext::getRuleIndex() const {
  return PromQLParser::RuleExpr;
}

void PromQLParser::ExprContext::copyFrom(ExprContext *ctx) {
  ParserRuleContext::copyFrom(ctx);
}

//----------------- SubqueryContext ------------------------------------------------------------------

PromQLParser::ExprContext* PromQLParser::SubqueryContext::expr() {
  return getRuleContext<PromQLParser::ExprContext>(0);
}

tree::TerminalNode* PromQLParser::SubqueryContext::LEFT_BRACKET() {
  return getToken(PromQLParser::LEFT_BRACKET, 0);
}

std::vector<PromQLParser::DurationContext *> PromQLParser::SubqueryContext::duration() {
  return getRuleContexts<PromQLParser::DurationContext>();
}

PromQLParser::DurationContext* PromQLParser::SubqueryContext::duration(size_t i) {
  return getRuleContext<PromQLParser::DurationContext>(i);
}

tree::TerminalNode* PromQLParser::SubqueryContext::COLON() {
  return getToken(PromQLParser::COLON, 0);
}

tree::TerminalNode* PromQLParser::SubqueryContext::RIGHT_BRACKET() {
  return getToken(PromQLParser::RIGHT_BRACKET, 0);
}

PromQLParser::SubqueryContext::SubqueryContext(ExprContext *ctx) { copyFrom(ctx); }

antlrcpp::Any PromQLParser::SubqueryContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitSubquery(this);
  else
    return visitor->visitChildren(this);
}
//----------------- AndUnlessBinaryContext ------------------------------------------------------------------

std::vector<PromQLParser::ExprContext *> PromQLParser::AndUnlessBinaryContext::expr() {
  return getRuleContexts<PromQLParser::ExprContext>();
}

PromQLParser::ExprContext* PromQLParser::AndUnlessBinaryContext::expr(size_t i) {
  return getRuleContext<PromQLParser::ExprContext>(i);
}

tree::TerminalNode* PromQLParser::AndUnlessBinaryContext::LAND() {
  return getToken(PromQLParser::LAND, 0);
}

tree::TerminalNode* PromQLParser::AndUnlessBinaryContext::LUNLESS() {
  return getToken(PromQLParser::LUNLESS, 0);
}

PromQLParser::BinModifierContext* PromQLParser::AndUnlessBinaryContext::binModifier() {
  return getRuleContext<PromQLParser::BinModifierContext>(0);
}

PromQLParser::AndUnlessBinaryContext::AndUnlessBinaryContext(ExprContext *ctx) { copyFrom(ctx); }

antlrcpp::Any PromQLParser::AndUnlessBinaryContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitAndUnlessBinary(this);
  else
    return visitor->visitChildren(this);
}
//----------------- OffsetModifierContext ------------------------------------------------------------------

PromQLParser::ExprContext* PromQLParser::OffsetModifierContext::expr() {
  return getRuleContext<PromQLParser::ExprContext>(0);
}

tree::TerminalNode* PromQLParser::OffsetModifierContext::OFFSET() {
  return getToken(PromQLParser::OFFSET, 0);
}

PromQLParser::DurationOrNumberContext* PromQLParser::OffsetModifierContext::durationOrNumber() {
  return getRuleContext<PromQLParser::DurationOrNumberContext>(0);
}

tree::TerminalNode* PromQLParser::OffsetModifierContext::SUB() {
  return getToken(PromQLParser::SUB, 0);
}

PromQLParser::OffsetModifierContext::OffsetModifierContext(ExprContext *ctx) { copyFrom(ctx); }

antlrcpp::Any PromQLParser::OffsetModifierContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitOffsetModifier(this);
  else
    return visitor->visitChildren(this);
}
//----------------- OrBinaryContext ------------------------------------------------------------------

std::vector<PromQLParser::ExprContext *> PromQLParser::OrBinaryContext::expr() {
  return getRuleContexts<PromQLParser::ExprContext>();
}

PromQLParser::ExprContext* PromQLParser::OrBinaryContext::expr(size_t i) {
  return getRuleContext<PromQLParser::ExprContext>(i);
}

tree::TerminalNode* PromQLParser::OrBinaryContext::LOR() {
  return getToken(PromQLParser::LOR, 0);
}

PromQLParser::BinModifierContext* PromQLParser::OrBinaryContext::binModifier() {
  return getRuleContext<PromQLParser::BinModifierContext>(0);
}

PromQLParser::OrBinaryContext::OrBinaryContext(ExprContext *ctx) { copyFrom(ctx); }

antlrcpp::Any PromQLParser::OrBinaryContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitOrBinary(this);
  else
    return visitor->visitChildren(this);
}
//----------------- PowBinaryContext ------------------------------------------------------------------

std::vector<PromQLParser::ExprContext *> PromQLParser::PowBinaryContext::expr() {
  return getRuleContexts<PromQLParser::ExprContext>();
}

PromQLParser::ExprContext* PromQLParser::PowBinaryContext::expr(size_t i) {
  return getRuleContext<PromQLParser::ExprContext>(i);
}

tree::TerminalNode* PromQLParser::PowBinaryContext::POW() {
  return getToken(PromQLParser::POW, 0);
}

PromQLParser::BinModifierContext* PromQLParser::PowBinaryContext::binModifier() {
  return getRuleContext<PromQLParser::BinModifierContext>(0);
}

PromQLParser::PowBinaryContext::PowBinaryContext(ExprContext *ctx) { copyFrom(ctx); }

antlrcpp::Any PromQLParser::PowBinaryContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitPowBinary(this);
  else
    return visitor->visitChildren(this);
}
//----------------- AtModifierContext ------------------------------------------------------------------

PromQLParser::ExprContext* PromQLParser::AtModifierContext::expr() {
  return getRuleContext<PromQLParser::ExprContext>(0);
}

tree::TerminalNode* PromQLParser::AtModifierContext::AT() {
  return getToken(PromQLParser::AT, 0);
}

PromQLParser::AtTimestampContext* PromQLParser::AtModifierContext::atTimestamp() {
  return getRuleContext<PromQLParser::AtTimestampContext>(0);
}

PromQLParser::AtModifierContext::AtModifierContext(ExprContext *ctx) { copyFrom(ctx); }

antlrcpp::Any PromQLParser::AtModifierContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitAtModifier(this);
  else
    return visitor->visitChildren(this);
}
//----------------- UnaryContext ------------------------------------------------------------------

PromQLParser::ExprContext* PromQLParser::UnaryContext::expr() {
  return getRuleContext<PromQLParser::ExprContext>(0);
}

tree::TerminalNode* PromQLParser::UnaryContext::ADD() {
  return getToken(PromQLParser::ADD, 0);
}

tree::TerminalNode* PromQLParser::UnaryContext::SUB() {
  return getToken(PromQLParser::SUB, 0);
}

PromQLParser::UnaryContext::UnaryContext(ExprContext *ctx) { copyFrom(ctx); }

antlrcpp::Any PromQLParser::UnaryContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitUnary(this);
  else
    return visitor->visitChildren(this);
}
//----------------- MulBinaryContext ------------------------------------------------------------------

std::vector<PromQLParser::ExprContext *> PromQLParser::MulBinaryContext::expr() {
  return getRuleContexts<PromQLParser::ExprContext>();
}

PromQLParser::ExprContext* PromQLParser::MulBinaryContext::expr(size_t i) {
  return getRuleContext<PromQLParser::ExprContext>(i);
}

tree::TerminalNode* PromQLParser::MulBinaryContext::MUL() {
  return getToken(PromQLParser::MUL, 0);
}

tree::TerminalNode* PromQLParser::MulBinaryContext::DIV() {
  return getToken(PromQLParser::DIV, 0);
}

tree::TerminalNode* PromQLParser::MulBinaryContext::MOD() {
  return getToken(PromQLParser::MOD, 0);
}

tree::TerminalNode* PromQLParser::MulBinaryContext::ATAN2() {
  return getToken(PromQLParser::ATAN2, 0);
}

PromQLParser::BinModifierContext* PromQLParser::MulBinaryContext::binModifier() {
  return getRuleContext<PromQLParser::BinModifierContext>(0);
}

PromQLParser::MulBinaryContext::MulBinaryContext(ExprContext *ctx) { copyFrom(ctx); }

antlrcpp::Any PromQLParser::MulBinaryContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitMulBinary(this);
  else
    return visitor->visitChildren(this);
}
//----------------- AggregateContext ------------------------------------------------------------------

PromQLParser::AggregationContext* PromQLParser::AggregateContext::aggregation() {
  return getRuleContext<PromQLParser::AggregationContext>(0);
}

PromQLParser::AggregateContext::AggregateContext(ExprContext *ctx) { copyFrom(ctx); }

antlrcpp::Any PromQLParser::AggregateContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitAggregate(this);
  else
    return visitor->visitChildren(this);
}
//----------------- AddBinaryContext ------------------------------------------------------------------

std::vector<PromQLParser::ExprContext *> PromQLParser::AddBinaryContext::expr() {
  return getRuleContexts<PromQLParser::ExprContext>();
}

PromQLParser::ExprContext* PromQLParser::AddBinaryContext::expr(size_t i) {
  return getRuleContext<PromQLParser::ExprContext>(i);
}

tree::TerminalNode* PromQLParser::AddBinaryContext::ADD() {
  return getToken(PromQLParser::ADD, 0);
}

tree::TerminalNode* PromQLParser::AddBinaryContext::SUB() {
  return getToken(PromQLParser::SUB, 0);
}

PromQLParser::BinModifierContext* PromQLParser::AddBinaryContext::binModifier() {
  return getRuleContext<PromQLParser::BinModifierContext>(0);
}

PromQLParser::AddBinaryContext::AddBinaryContext(ExprContext *ctx) { copyFrom(ctx); }

antlrcpp::Any PromQLParser::AddBinaryContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitAddBinary(this);
  else
    return visitor->visitChildren(this);
}
//----------------- CallContext ------------------------------------------------------------------

PromQLParser::FunctionCallContext* PromQLParser::CallContext::functionCall() {
  return getRuleContext<PromQLParser::FunctionCallContext>(0);
}

PromQLParser::CallContext::CallContext(ExprContext *ctx) { copyFrom(ctx); }

antlrcpp::Any PromQLParser::CallContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitCall(this);
  else
    return visitor->visitChildren(this);
}
//----------------- RangeModifierContext ------------------------------------------------------------------

PromQLParser::ExprContext* PromQLParser::RangeModifierContext::expr() {
  return getRuleContext<PromQLParser::ExprContext>(0);
}

tree::TerminalNode* PromQLParser::RangeModifierContext::SMOOTHED() {
  return getToken(PromQLParser::SMOOTHED, 0);
}

tree::TerminalNode* PromQLParser::RangeModifierContext::ANCHORED() {
  return getToken(PromQLParser::ANCHORED, 0);
}

PromQLParser::RangeModifierContext::RangeModifierContext(ExprContext *ctx) { copyFrom(ctx); }

antlrcpp::Any PromQLParser::RangeModifierContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitRangeModifier(this);
  else
    return visitor->visitChildren(this);
}
//----------------- ParenContext ------------------------------------------------------------------

tree::TerminalNode* PromQLParser::ParenContext::LEFT_PAREN() {
  return getToken(PromQLParser::LEFT_PAREN, 0);
}

PromQLParser::ExprContext* PromQLParser::ParenContext::expr() {
  return getRuleContext<PromQLParser::ExprContext>(0);
}

tree::TerminalNode* PromQLParser::ParenContext::RIGHT_PAREN() {
  return getToken(PromQLParser::RIGHT_PAREN, 0);
}

PromQLParser::ParenContext::ParenContext(ExprContext *ctx) { copyFrom(ctx); }

antlrcpp::Any PromQLParser::ParenContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitParen(this);
  else
    return visitor->visitChildren(this);
}
//----------------- StringLiteralContext ------------------------------------------------------------------

tree::TerminalNode* PromQLParser::StringLiteralContext::STRING() {
  return getToken(PromQLParser::STRING, 0);
}

PromQLParser::StringLiteralContext::StringLiteralContext(ExprContext *ctx) { copyFrom(ctx); }

antlrcpp::Any PromQLParser::StringLiteralContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitStringLiteral(this);
  else
    return visitor->visitChildren(this);
}
//----------------- SelectorContext ------------------------------------------------------------------

PromQLParser::VectorSelectorContext* PromQLParser::SelectorContext::vectorSelector() {
  return getRuleContext<PromQLParser::VectorSelectorContext>(0);
}

PromQLParser::SelectorContext::SelectorContext(ExprContext *ctx) { copyFrom(ctx); }

antlrcpp::Any PromQLParser::SelectorContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitSelector(this);
  else
    return visitor->visitChildren(this);
}
//----------------- DurationLiteralContext ------------------------------------------------------------------

tree::TerminalNode* PromQLParser::DurationLiteralContext::DURATION() {
  return getToken(PromQLParser::DURATION, 0);
}

PromQLParser::DurationLiteralContext::DurationLiteralContext(ExprContext *ctx) { copyFrom(ctx); }

antlrcpp::Any PromQLParser::DurationLiteralContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitDurationLiteral(this);
  else
    return visitor->visitChildren(this);
}
//----------------- CompareBinaryContext ------------------------------------------------------------------

std::vector<PromQLParser::ExprContext *> PromQLParser::CompareBinaryContext::expr() {
  return getRuleContexts<PromQLParser::ExprContext>();
}

PromQLParser::ExprContext* PromQLParser::CompareBinaryContext::expr(size_t i) {
  return getRuleContext<PromQLParser::ExprContext>(i);
}

tree::TerminalNode* PromQLParser::CompareBinaryContext::EQLC() {
  return getToken(PromQLParser::EQLC, 0);
}

tree::TerminalNode* PromQLParser::CompareBinaryContext::NEQ() {
  return getToken(PromQLParser::NEQ, 0);
}

tree::TerminalNode* PromQLParser::CompareBinaryContext::LTE() {
  return getToken(PromQLParser::LTE, 0);
}

tree::TerminalNode* PromQLParser::CompareBinaryContext::LSS() {
  return getToken(PromQLParser::LSS, 0);
}

tree::TerminalNode* PromQLParser::CompareBinaryContext::GTE() {
  return getToken(PromQLParser::GTE, 0);
}

tree::TerminalNode* PromQLParser::CompareBinaryContext::GTR() {
  return getToken(PromQLParser::GTR, 0);
}

PromQLParser::BinModifierContext* PromQLParser::CompareBinaryContext::binModifier() {
  return getRuleContext<PromQLParser::BinModifierContext>(0);
}

PromQLParser::CompareBinaryContext::CompareBinaryContext(ExprContext *ctx) { copyFrom(ctx); }

antlrcpp::Any PromQLParser::CompareBinaryContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitCompareBinary(this);
  else
    return visitor->visitChildren(this);
}
//----------------- MatrixSelectorContext ------------------------------------------------------------------

PromQLParser::ExprContext* PromQLParser::MatrixSelectorContext::expr() {
  return getRuleContext<PromQLParser::ExprContext>(0);
}

tree::TerminalNode* PromQLParser::MatrixSelectorContext::LEFT_BRACKET() {
  return getToken(PromQLParser::LEFT_BRACKET, 0);
}

PromQLParser::DurationContext* PromQLParser::MatrixSelectorContext::duration() {
  return getRuleContext<PromQLParser::DurationContext>(0);
}

tree::TerminalNode* PromQLParser::MatrixSelectorContext::RIGHT_BRACKET() {
  return getToken(PromQLParser::RIGHT_BRACKET, 0);
}

PromQLParser::MatrixSelectorContext::MatrixSelectorContext(ExprContext *ctx) { copyFrom(ctx); }

antlrcpp::Any PromQLParser::MatrixSelectorContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitMatrixSelector(this);
  else
    return visitor->visitChildren(this);
}
//----------------- NumberLiteralContext ------------------------------------------------------------------

PromQLParser::NumberContext* PromQLParser::NumberLiteralContext::number() {
  return getRuleContext<PromQLParser::NumberContext>(0);
}

PromQLParser::NumberLiteralContext::NumberLiteralContext(ExprContext *ctx) { copyFrom(ctx); }

antlrcpp::Any PromQLParser::NumberLiteralContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitNumberLiteral(this);
  else
    return visitor->visitChildren(this);
}

PromQLParser::ExprContext* PromQLParser::expr() {
   return expr(0);
}

PromQLParser::ExprContext* PromQLParser::expr(int precedence) {
  ParserRuleContext *parentContext = _ctx;
  size_t parentState = getState();
  PromQLParser::ExprContext *_localctx = _tracker.createInstance<ExprContext>(_ctx, parentState);
  PromQLParser::ExprContext *previousContext = _localctx;
  (void)previousContext; // Silence compiler, in case the context is not used by generated code.
  size_t startState = 2;
  enterRecursionRule(_localctx, 2, PromQLParser::RuleExpr, precedence);

    size_t _la = 0;

  auto onExit = finally([=] {
    unrollRecursionContexts(parentContext);
  });
  try {
    size_t alt;
    enterOuterAlt(_localctx, 1);
    setState(58);
    _errHandler->sync(this);
    switch (getInterpreter<atn::ParserATNSimulator>()->adaptivePredict(_input, 0, _ctx)) {
    case 1: {
      _localctx = _tracker.createInstance<UnaryContext>(_localctx);
      _ctx = _localctx;
      previousContext = _localctx;

      setState(46);
      dynamic_cast<UnaryContext *>(_localctx)->op = _input->LT(1);
      _la = _input->LA(1);
      if (!(_la == PromQLParser::ADD

      || _la == PromQLParser::SUB)) {
        dynamic_cast<UnaryContext *>(_localctx)->op = _errHandler->recoverInline(this);
      }
      else {
        _errHandler->reportMatch(this);
        consume();
      }
      setState(47);
      expr(13);
      break;
    }

    case 2: {
      _localctx = _tracker.createInstance<ParenContext>(_localctx);
      _ctx = _localctx;
      previousContext = _localctx;
      setState(48);
      match(PromQLParser::LEFT_PAREN);
      setState(49);
      expr(0);
      setState(50);
      match(PromQLParser::RIGHT_PAREN);
      break;
    }

    case 3: {
      _localctx = _tracker.createInstance<AggregateContext>(_localctx);
      _ctx = _localctx;
      previousContext = _localctx;
      setState(52);
      aggregation();
      break;
    }

    case 4: {
      _localctx = _tracker.createInstance<CallContext>(_localctx);
      _ctx = _localctx;
      previousContext = _localctx;
      setState(53);
      functionCall();
      break;
    }

    case 5: {
      _localctx = _tracker.createInstance<SelectorContext>(_localctx);
      _ctx = _localctx;
      previousContext = _localctx;
      setState(54);
      vectorSelector();
      break;
    }

    case 6: {
      _localctx = _tracker.createInstance<NumberLiteralContext>(_localctx);
      _ctx = _localctx;
      previousContext = _localctx;
      setState(55);
      number();
      break;
    }

    case 7: {
      _localctx = _tracker.createInstance<DurationLiteralContext>(_localctx);
      _ctx = _localctx;
      previousContext = _localctx;
      setState(56);
      match(PromQLParser::DURATION);
      break;
    }

    case 8: {
      _localctx = _tracker.createInstance<StringLiteralContext>(_localctx);
      _ctx = _localctx;
      previousContext = _localctx;
      setState(57);
      match(PromQLParser::STRING);
      break;
    }

    }
    _ctx->stop = _input->LT(-1);
    setState(123);
    _errHandler->sync(this);
    alt = getInterpreter<atn::ParserATNSimulator>()->adaptivePredict(_input, 10, _ctx);
    while (alt != 2 && alt != atn::ATN::INVALID_ALT_NUMBER) {
      if (alt == 1) {
        if (!_parseListeners.empty())
          triggerExitRuleEvent();
        previousContext = _localctx;
        setState(121);
        _errHandler->sync(this);
        switch (getInterpreter<atn::ParserATNSimulator>()->adaptivePredict(_input, 9, _ctx)) {
        case 1: {
          auto newContext = _tracker.createInstance<PowBinaryContext>(_tracker.createInstance<ExprContext>(parentContext, parentState));
          _localctx = newContext;
          pushNewRecursionContext(newContext, startState, RuleExpr);
          setState(60);

          if (!(precpred(_ctx, 14))) throw FailedPredicateException(this, "precpred(_ctx, 14)");
          setState(61);
          dynamic_cast<PowBinaryContext *>(_localctx)->op = match(PromQLParser::POW);
          setState(63);
          _errHandler->sync(this);

          _la = _input->LA(1);
          if ((((_la & ~ 0x3fULL) == 0) &&
            ((1ULL << _la) & ((1ULL << PromQLParser::ON)
            | (1ULL << PromQLParser::IGNORING)
            | (1ULL << PromQLParser::BOOL))) != 0)) {
            setState(62);
            binModifier();
          }
          setState(65);
          expr(14);
          break;
        }

        case 2: {
          auto newContext = _tracker.createInstance<MulBinaryContext>(_tracker.createInstance<ExprContext>(parentContext, parentState));
          _localctx = newContext;
          pushNewRecursionContext(newContext, startState, RuleExpr);
          setState(66);

          if (!(precpred(_ctx, 12))) throw FailedPredicateException(this, "precpred(_ctx, 12)");
          setState(67);
          dynamic_cast<MulBinaryContext *>(_localctx)->op = _input->LT(1);
          _la = _input->LA(1);
          if (!((((_la & ~ 0x3fULL) == 0) &&
            ((1ULL << _la) & ((1ULL << PromQLParser::ATAN2)
            | (1ULL << PromQLParser::MUL)
            | (1ULL << PromQLParser::DIV)
            | (1ULL << PromQLParser::MOD))) != 0))) {
            dynamic_cast<MulBinaryContext *>(_localctx)->op = _errHandler->recoverInline(this);
          }
          else {
            _errHandler->reportMatch(this);
            consume();
          }
          setState(69);
          _errHandler->sync(this);

          _la = _input->LA(1);
          if ((((_la & ~ 0x3fULL) == 0) &&
            ((1ULL << _la) & ((1ULL << PromQLParser::ON)
            | (1ULL << PromQLParser::IGNORING)
            | (1ULL << PromQLParser::BOOL))) != 0)) {
            setState(68);
            binModifier();
          }
          setState(71);
          expr(13);
          break;
        }

        case 3: {
          auto newContext = _tracker.createInstance<AddBinaryContext>(_tracker.createInstance<ExprContext>(parentContext, parentState));
          _localctx = newContext;
          pushNewRecursionContext(newContext, startState, RuleExpr);
          setState(72);

          if (!(precpred(_ctx, 11))) throw FailedPredicateException(this, "precpred(_ctx, 11)");
          setState(73);
          dynamic_cast<AddBinaryContext *>(_localctx)->op = _input->LT(1);
          _la = _input->LA(1);
          if (!(_la == PromQLParser::ADD

          || _la == PromQLParser::SUB)) {
            dynamic_cast<AddBinaryContext *>(_localctx)->op = _errHandler->recoverInline(this);
          }
          else {
            _errHandler->reportMatch(this);
            consume();
          }
          setState(75);
          _errHandler->sync(this);

          _la = _input->LA(1);
          if ((((_la & ~ 0x3fULL) == 0) &&
            ((1ULL << _la) & ((1ULL << PromQLParser::ON)
            | (1ULL << PromQLParser::IGNORING)
            | (1ULL << PromQLParser::BOOL))) != 0)) {
            setState(74);
            binModifier();
          }
          setState(77);
          expr(12);
          break;
        }

        case 4: {
          auto newContext = _tracker.createInstance<CompareBinaryContext>(_tracker.createInstance<ExprContext>(parentContext, parentState));
          _localctx = newContext;
          pushNewRecursionContext(newContext, startState, RuleExpr);
          setState(78);

          if (!(precpred(_ctx, 10))) throw FailedPredicateException(this, "precpred(_ctx, 10)");
          setState(79);
          dynamic_cast<CompareBinaryContext *>(_localctx)->op = _input->LT(1);
          _la = _input->LA(1);
          if (!((((_la & ~ 0x3fULL) == 0) &&
            ((1ULL << _la) & ((1ULL << PromQLParser::EQLC)
            | (1ULL << PromQLParser::NEQ)
            | (1ULL << PromQLParser::LTE)
            | (1ULL << PromQLParser::LSS)
            | (1ULL << PromQLParser::GTE)
            | (1ULL << PromQLParser::GTR))) != 0))) {
            dynamic_cast<CompareBinaryContext *>(_localctx)->op = _errHandler->recoverInline(this);
          }
          else {
            _errHandler->reportMatch(this);
            consume();
          }
          setState(81);
          _errHandler->sync(this);

          _la = _input->LA(1);
          if ((((_la & ~ 0x3fULL) == 0) &&
            ((1ULL << _la) & ((1ULL << PromQLParser::ON)
            | (1ULL << PromQLParser::IGNORING)
            | (1ULL << PromQLParser::BOOL))) != 0)) {
            setState(80);
            binModifier();
          }
          setState(83);
          expr(11);
          break;
        }

        case 5: {
          auto newContext = _tracker.createInstance<AndUnlessBinaryContext>(_tracker.createInstance<ExprContext>(parentContext, parentState));
          _localctx = newContext;
          pushNewRecursionContext(newContext, startState, RuleExpr);
          setState(84);

          if (!(precpred(_ctx, 9))) throw FailedPredicateException(this, "precpred(_ctx, 9)");
          setState(85);
          dynamic_cast<AndUnlessBinaryContext *>(_localctx)->op = _input->LT(1);
          _la = _input->LA(1);
          if (!(_la == PromQLParser::LAND

          || _la == PromQLParser::LUNLESS)) {
            dynamic_cast<AndUnlessBinaryContext *>(_localctx)->op = _errHandler->recoverInline(this);
          }
          else {
            _errHandler->reportMatch(this);
            consume();
          }
          setState(87);
          _errHandler->sync(this);

          _la = _input->LA(1);
          if ((((_la & ~ 0x3fULL) == 0) &&
            ((1ULL << _la) & ((1ULL << PromQLParser::ON)
            | (1ULL << PromQLParser::IGNORING)
            | (1ULL << PromQLParser::BOOL))) != 0)) {
            setState(86);
            binModifier();
          }
          setState(89);
          expr(10);
          break;
        }

        case 6: {
          auto newContext = _tracker.createInstance<OrBinaryContext>(_tracker.createInstance<ExprContext>(parentContext, parentState));
          _localctx = newContext;
          pushNewRecursionContext(newContext, startState, RuleExpr);
          setState(90);

          if (!(precpred(_ctx, 8))) throw FailedPredicateException(this, "precpred(_ctx, 8)");
          setState(91);
          dynamic_cast<OrBinaryContext *>(_localctx)->op = match(PromQLParser::LOR);
          setState(93);
          _errHandler->sync(this);

          _la = _input->LA(1);
          if ((((_la & ~ 0x3fULL) == 0) &&
            ((1ULL << _la) & ((1ULL << PromQLParser::ON)
            | (1ULL << PromQLParser::IGNORING)
            | (1ULL << PromQLParser::BOOL))) != 0)) {
            setState(92);
            binModifier();
          }
          setState(95);
          expr(9);
          break;
        }

        case 7: {
          auto newContext = _tracker.createInstance<MatrixSelectorContext>(_tracker.createInstance<ExprContext>(parentContext, parentState));
          _localctx = newContext;
          pushNewRecursionContext(newContext, startState, RuleExpr);
          setState(96);

          if (!(precpred(_ctx, 19))) throw FailedPredicateException(this, "precpred(_ctx, 19)");
          setState(97);
          match(PromQLParser::LEFT_BRACKET);
          setState(98);
          duration();
          setState(99);
          match(PromQLParser::RIGHT_BRACKET);
          break;
        }

        case 8: {
          auto newContext = _tracker.createInstance<SubqueryContext>(_tracker.createInstance<ExprContext>(parentContext, parentState));
          _localctx = newContext;
          pushNewRecursionContext(newContext, startState, RuleExpr);
          setState(101);

          if (!(precpred(_ctx, 18))) throw FailedPredicateException(this, "precpred(_ctx, 18)");
          setState(102);
          match(PromQLParser::LEFT_BRACKET);
          setState(103);
          duration();
          setState(104);
          match(PromQLParser::COLON);
          setState(106);
          _errHandler->sync(this);

          _la = _input->LA(1);
          if (_la == PromQLParser::NUMBER

          || _la == PromQLParser::DURATION) {
            setState(105);
            duration();
          }
          setState(108);
          match(PromQLParser::RIGHT_BRACKET);
          break;
        }

        case 9: {
          auto newContext = _tracker.createInstance<OffsetModifierContext>(_tracker.createInstance<ExprContext>(parentContext, parentState));
          _localctx = newContext;
          pushNewRecursionContext(newContext, startState, RuleExpr);
          setState(110);

          if (!(precpred(_ctx, 17))) throw FailedPredicateException(this, "precpred(_ctx, 17)");
          setState(111);
          match(PromQLParser::OFFSET);
          setState(113);
          _errHandler->sync(this);

          _la = _input->LA(1);
          if (_la == PromQLParser::SUB) {
            setState(112);
            match(PromQLParser::SUB);
          }
          setState(115);
          durationOrNumber();
          break;
        }

        case 10: {
          auto newContext = _tracker.createInstance<AtModifierContext>(_tracker.createInstance<ExprContext>(parentContext, parentState));
          _localctx = newContext;
          pushNewRecursionContext(newContext, startState, RuleExpr);
          setState(116);

          if (!(precpred(_ctx, 16))) throw FailedPredicateException(this, "precpred(_ctx, 16)");
          setState(117);
          match(PromQLParser::AT);
          setState(118);
          atTimestamp();
          break;
        }

        case 11: {
          auto newContext = _tracker.createInstance<RangeModifierContext>(_tracker.createInstance<ExprContext>(parentContext, parentState));
          _localctx = newContext;
          pushNewRecursionContext(newContext, startState, RuleExpr);
          setState(119);

          if (!(precpred(_ctx, 15))) throw FailedPredicateException(this, "precpred(_ctx, 15)");
          setState(120);
          _la = _input->LA(1);
          if (!(_la == PromQLParser::SMOOTHED

          || _la == PromQLParser::ANCHORED)) {
          _errHandler->recoverInline(this);
          }
          else {
            _errHandler->reportMatch(this);
            consume();
          }
          break;
        }

        } 
      }
      setState(125);
      _errHandler->sync(this);
      alt = getInterpreter<atn::ParserATNSimulator>()->adaptivePredict(_input, 10, _ctx);
    }
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }
  return _localctx;
}

//----------------- BinModifierContext ------------------------------------------------------------------

PromQLParser::BinModifierContext::BinModifierContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

tree::TerminalNode* PromQLParser::BinModifierContext::BOOL() {
  return getToken(PromQLParser::BOOL, 0);
}

PromQLParser::VectorMatchingContext* PromQLParser::BinModifierContext::vectorMatching() {
  return getRuleContext<PromQLParser::VectorMatchingContext>(0);
}


size_t PromQLParser::BinModifierContext::getRuleIndex() const {
  return PromQLParser::RuleBinModifier;
}

antlrcpp::Any PromQLParser::BinModifierContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitBinModifier(this);
  else
    return visitor->visitChildren(this);
}

PromQLParser::BinModifierContext* PromQLParser::binModifier() {
  BinModifierContext *_localctx = _tracker.createInstance<BinModifierContext>(_ctx, getState());
  enterRule(_localctx, 4, PromQLParser::RuleBinModifier);
  size_t _la = 0;

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    setState(131);
    _errHandler->sync(this);
    switch (_input->LA(1)) {
      case PromQLParser::BOOL: {
        enterOuterAlt(_localctx, 1);
        setState(126);
        match(PromQLParser::BOOL);
        setState(128);
        _errHandler->sync(this);

        _la = _input->LA(1);
        if (_la == PromQLParser::ON

        || _la == PromQLParser::IGNORING) {
          setState(127);
          vectorMatching();
        }
        break;
      }

      case PromQLParser::ON:
      case PromQLParser::IGNORING: {
        enterOuterAlt(_localctx, 2);
        setState(130);
        vectorMatching();
        break;
      }

    default:
      throw NoViableAltException(this);
    }
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

//----------------- VectorMatchingContext ------------------------------------------------------------------

PromQLParser::VectorMatchingContext::VectorMatchingContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

std::vector<PromQLParser::GroupingLabelsContext *> PromQLParser::VectorMatchingContext::groupingLabels() {
  return getRuleContexts<PromQLParser::GroupingLabelsContext>();
}

PromQLParser::GroupingLabelsContext* PromQLParser::VectorMatchingContext::groupingLabels(size_t i) {
  return getRuleContext<PromQLParser::GroupingLabelsContext>(i);
}

tree::TerminalNode* PromQLParser::VectorMatchingContext::ON() {
  return getToken(PromQLParser::ON, 0);
}

tree::TerminalNode* PromQLParser::VectorMatchingContext::IGNORING() {
  return getToken(PromQLParser::IGNORING, 0);
}

tree::TerminalNode* PromQLParser::VectorMatchingContext::GROUP_LEFT() {
  return getToken(PromQLParser::GROUP_LEFT, 0);
}

tree::TerminalNode* PromQLParser::VectorMatchingContext::GROUP_RIGHT() {
  return getToken(PromQLParser::GROUP_RIGHT, 0);
}


size_t PromQLParser::VectorMatchingContext::getRuleIndex() const {
  return PromQLParser::RuleVectorMatching;
}

antlrcpp::Any PromQLParser::VectorMatchingContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitVectorMatching(this);
  else
    return visitor->visitChildren(this);
}

PromQLParser::VectorMatchingContext* PromQLParser::vectorMatching() {
  VectorMatchingContext *_localctx = _tracker.createInstance<VectorMatchingContext>(_ctx, getState());
  enterRule(_localctx, 6, PromQLParser::RuleVectorMatching);
  size_t _la = 0;

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    enterOuterAlt(_localctx, 1);
    setState(133);
    _la = _input->LA(1);
    if (!(_la == PromQLParser::ON

    || _la == PromQLParser::IGNORING)) {
    _errHandler->recoverInline(this);
    }
    else {
      _errHandler->reportMatch(this);
      consume();
    }
    setState(134);
    groupingLabels();
    setState(139);
    _errHandler->sync(this);

    _la = _input->LA(1);
    if (_la == PromQLParser::GROUP_LEFT

    || _la == PromQLParser::GROUP_RIGHT) {
      setState(135);
      _la = _input->LA(1);
      if (!(_la == PromQLParser::GROUP_LEFT

      || _la == PromQLParser::GROUP_RIGHT)) {
      _errHandler->recoverInline(this);
      }
      else {
        _errHandler->reportMatch(this);
        consume();
      }
      setState(137);
      _errHandler->sync(this);

      switch (getInterpreter<atn::ParserATNSimulator>()->adaptivePredict(_input, 13, _ctx)) {
      case 1: {
        setState(136);
        groupingLabels();
        break;
      }

      }
    }
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

//----------------- AggregationContext ------------------------------------------------------------------

PromQLParser::AggregationContext::AggregationContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

PromQLParser::AggregateOpContext* PromQLParser::AggregationContext::aggregateOp() {
  return getRuleContext<PromQLParser::AggregateOpContext>(0);
}

PromQLParser::GroupingContext* PromQLParser::AggregationContext::grouping() {
  return getRuleContext<PromQLParser::GroupingContext>(0);
}

PromQLParser::FunctionArgsContext* PromQLParser::AggregationContext::functionArgs() {
  return getRuleContext<PromQLParser::FunctionArgsContext>(0);
}


size_t PromQLParser::AggregationContext::getRuleIndex() const {
  return PromQLParser::RuleAggregation;
}

antlrcpp::Any PromQLParser::AggregationContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitAggregation(this);
  else
    return visitor->visitChildren(this);
}

PromQLParser::AggregationContext* PromQLParser::aggregation() {
  AggregationContext *_localctx = _tracker.createInstance<AggregationContext>(_ctx, getState());
  enterRule(_localctx, 8, PromQLParser::RuleAggregation);

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    setState(150);
    _errHandler->sync(this);
    switch (getInterpreter<atn::ParserATNSimulator>()->adaptivePredict(_input, 16, _ctx)) {
    case 1: {
      enterOuterAlt(_localctx, 1);
      setState(141);
      aggregateOp();
      setState(142);
      grouping();
      setState(143);
      functionArgs();
      break;
    }

    case 2: {
      enterOuterAlt(_localctx, 2);
      setState(145);
      aggregateOp();
      setState(146);
      functionArgs();
      setState(148);
      _errHandler->sync(this);

      switch (getInterpreter<atn::ParserATNSimulator>()->adaptivePredict(_input, 15, _ctx)) {
      case 1: {
        setState(147);
        grouping();
        break;
      }

      }
      break;
    }

    }
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

//----------------- AggregateOpContext ------------------------------------------------------------------

PromQLParser::AggregateOpContext::AggregateOpContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

tree::TerminalNode* PromQLParser::AggregateOpContext::SUM() {
  return getToken(PromQLParser::SUM, 0);
}

tree::TerminalNode* PromQLParser::AggregateOpContext::AVG() {
  return getToken(PromQLParser::AVG, 0);
}

tree::TerminalNode* PromQLParser::AggregateOpContext::COUNT() {
  return getToken(PromQLParser::COUNT, 0);
}

tree::TerminalNode* PromQLParser::AggregateOpContext::MIN() {
  return getToken(PromQLParser::MIN, 0);
}

tree::TerminalNode* PromQLParser::AggregateOpContext::MAX() {
  return getToken(PromQLParser::MAX, 0);
}

tree::TerminalNode* PromQLParser::AggregateOpContext::GROUP() {
  return getToken(PromQLParser::GROUP, 0);
}

tree::TerminalNode* PromQLParser::AggregateOpContext::STDDEV() {
  return getToken(PromQLParser::STDDEV, 0);
}

tree::TerminalNode* PromQLParser::AggregateOpContext::STDVAR() {
  return getToken(PromQLParser::STDVAR, 0);
}

tree::TerminalNode* PromQLParser::AggregateOpContext::TOPK() {
  return getToken(PromQLParser::TOPK, 0);
}

tree::TerminalNode* PromQLParser::AggregateOpContext::BOTTOMK() {
  return getToken(PromQLParser::BOTTOMK, 0);
}

tree::TerminalNode* PromQLParser::AggregateOpContext::COUNT_VALUES() {
  return getToken(PromQLParser::COUNT_VALUES, 0);
}

tree::TerminalNode* PromQLParser::AggregateOpContext::QUANTILE() {
  return getToken(PromQLParser::QUANTILE, 0);
}

tree::TerminalNode* PromQLParser::AggregateOpContext::LIMITK() {
  return getToken(PromQLParser::LIMITK, 0);
}

tree::TerminalNode* PromQLParser::AggregateOpContext::LIMIT_RATIO() {
  return getToken(PromQLParser::LIMIT_RATIO, 0);
}


size_t PromQLParser::AggregateOpContext::getRuleIndex() const {
  return PromQLParser::RuleAggregateOp;
}

antlrcpp::Any PromQLParser::AggregateOpContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitAggregateOp(this);
  else
    return visitor->visitChildren(this);
}

PromQLParser::AggregateOpContext* PromQLParser::aggregateOp() {
  AggregateOpContext *_localctx = _tracker.createInstance<AggregateOpContext>(_ctx, getState());
  enterRule(_localctx, 10, PromQLParser::RuleAggregateOp);
  size_t _la = 0;

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    enterOuterAlt(_localctx, 1);
    setState(152);
    _la = _input->LA(1);
    if (!((((_la & ~ 0x3fULL) == 0) &&
      ((1ULL << _la) & ((1ULL << PromQLParser::SUM)
      | (1ULL << PromQLParser::AVG)
      | (1ULL << PromQLParser::COUNT)
      | (1ULL << PromQLParser::MIN)
      | (1ULL << PromQLParser::MAX)
      | (1ULL << PromQLParser::GROUP)
      | (1ULL << PromQLParser::STDDEV)
      | (1ULL << PromQLParser::STDVAR)
      | (1ULL << PromQLParser::TOPK)
      | (1ULL << PromQLParser::BOTTOMK)
      | (1ULL << PromQLParser::COUNT_VALUES)
      | (1ULL << PromQLParser::QUANTILE)
      | (1ULL << PromQLParser::LIMITK)
      | (1ULL << PromQLParser::LIMIT_RATIO))) != 0))) {
    _errHandler->recoverInline(this);
    }
    else {
      _errHandler->reportMatch(this);
      consume();
    }
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

//----------------- GroupingContext ------------------------------------------------------------------

PromQLParser::GroupingContext::GroupingContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

PromQLParser::GroupingLabelsContext* PromQLParser::GroupingContext::groupingLabels() {
  return getRuleContext<PromQLParser::GroupingLabelsContext>(0);
}

tree::TerminalNode* PromQLParser::GroupingContext::BY() {
  return getToken(PromQLParser::BY, 0);
}

tree::TerminalNode* PromQLParser::GroupingContext::WITHOUT() {
  return getToken(PromQLParser::WITHOUT, 0);
}


size_t PromQLParser::GroupingContext::getRuleIndex() const {
  return PromQLParser::RuleGrouping;
}

antlrcpp::Any PromQLParser::GroupingContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitGrouping(this);
  else
    return visitor->visitChildren(this);
}

PromQLParser::GroupingContext* PromQLParser::grouping() {
  GroupingContext *_localctx = _tracker.createInstance<GroupingContext>(_ctx, getState());
  enterRule(_localctx, 12, PromQLParser::RuleGrouping);
  size_t _la = 0;

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    enterOuterAlt(_localctx, 1);
    setState(154);
    _la = _input->LA(1);
    if (!(_la == PromQLParser::BY

    || _la == PromQLParser::WITHOUT)) {
    _errHandler->recoverInline(this);
    }
    else {
      _errHandler->reportMatch(this);
      consume();
    }
    setState(155);
    groupingLabels();
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

//----------------- GroupingLabelsContext ------------------------------------------------------------------

PromQLParser::GroupingLabelsContext::GroupingLabelsContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

tree::TerminalNode* PromQLParser::GroupingLabelsContext::LEFT_PAREN() {
  return getToken(PromQLParser::LEFT_PAREN, 0);
}

tree::TerminalNode* PromQLParser::GroupingLabelsContext::RIGHT_PAREN() {
  return getToken(PromQLParser::RIGHT_PAREN, 0);
}

std::vector<PromQLParser::GroupingLabelContext *> PromQLParser::GroupingLabelsContext::groupingLabel() {
  return getRuleContexts<PromQLParser::GroupingLabelContext>();
}

PromQLParser::GroupingLabelContext* PromQLParser::GroupingLabelsContext::groupingLabel(size_t i) {
  return getRuleContext<PromQLParser::GroupingLabelContext>(i);
}

std::vector<tree::TerminalNode *> PromQLParser::GroupingLabelsContext::COMMA() {
  return getTokens(PromQLParser::COMMA);
}

tree::TerminalNode* PromQLParser::GroupingLabelsContext::COMMA(size_t i) {
  return getToken(PromQLParser::COMMA, i);
}


size_t PromQLParser::GroupingLabelsContext::getRuleIndex() const {
  return PromQLParser::RuleGroupingLabels;
}

antlrcpp::Any PromQLParser::GroupingLabelsContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitGroupingLabels(this);
  else
    return visitor->visitChildren(this);
}

PromQLParser::GroupingLabelsContext* PromQLParser::groupingLabels() {
  GroupingLabelsContext *_localctx = _tracker.createInstance<GroupingLabelsContext>(_ctx, getState());
  enterRule(_localctx, 14, PromQLParser::RuleGroupingLabels);
  size_t _la = 0;

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    size_t alt;
    enterOuterAlt(_localctx, 1);
    setState(157);
    match(PromQLParser::LEFT_PAREN);
    setState(169);
    _errHandler->sync(this);

    _la = _input->LA(1);
    if ((((_la & ~ 0x3fULL) == 0) &&
      ((1ULL << _la) & ((1ULL << PromQLParser::LAND)
      | (1ULL << PromQLParser::LOR)
      | (1ULL << PromQLParser::LUNLESS)
      | (1ULL << PromQLParser::ATAN2)
      | (1ULL << PromQLParser::SUM)
      | (1ULL << PromQLParser::AVG)
      | (1ULL << PromQLParser::COUNT)
      | (1ULL << PromQLParser::MIN)
      | (1ULL << PromQLParser::MAX)
      | (1ULL << PromQLParser::GROUP)
      | (1ULL << PromQLParser::STDDEV)
      | (1ULL << PromQLParser::STDVAR)
      | (1ULL << PromQLParser::TOPK)
      | (1ULL << PromQLParser::BOTTOMK)
      | (1ULL << PromQLParser::COUNT_VALUES)
      | (1ULL << PromQLParser::QUANTILE)
      | (1ULL << PromQLParser::LIMITK)
      | (1ULL << PromQLParser::LIMIT_RATIO)
      | (1ULL << PromQLParser::OFFSET)
      | (1ULL << PromQLParser::BY)
      | (1ULL << PromQLParser::WITHOUT)
      | (1ULL << PromQLParser::ON)
      | (1ULL << PromQLParser::IGNORING)
      | (1ULL << PromQLParser::GROUP_LEFT)
      | (1ULL << PromQLParser::GROUP_RIGHT)
      | (1ULL << PromQLParser::BOOL)
      | (1ULL << PromQLParser::SMOOTHED)
      | (1ULL << PromQLParser::ANCHORED)
      | (1ULL << PromQLParser::START)
      | (1ULL << PromQLParser::END)
      | (1ULL << PromQLParser::STEP)
      | (1ULL << PromQLParser::STRING)
      | (1ULL << PromQLParser::IDENTIFIER))) != 0)) {
      setState(158);
      groupingLabel();
      setState(163);
      _errHandler->sync(this);
      alt = getInterpreter<atn::ParserATNSimulator>()->adaptivePredict(_input, 17, _ctx);
      while (alt != 2 && alt != atn::ATN::INVALID_ALT_NUMBER) {
        if (alt == 1) {
          setState(159);
          match(PromQLParser::COMMA);
          setState(160);
          groupingLabel(); 
        }
        setState(165);
        _errHandler->sync(this);
        alt = getInterpreter<atn::ParserATNSimulator>()->adaptivePredict(_input, 17, _ctx);
      }
      setState(167);
      _errHandler->sync(this);

      _la = _input->LA(1);
      if (_la == PromQLParser::COMMA) {
        setState(166);
        match(PromQLParser::COMMA);
      }
    }
    setState(171);
    match(PromQLParser::RIGHT_PAREN);
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

//----------------- GroupingLabelContext ------------------------------------------------------------------

PromQLParser::GroupingLabelContext::GroupingLabelContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

tree::TerminalNode* PromQLParser::GroupingLabelContext::IDENTIFIER() {
  return getToken(PromQLParser::IDENTIFIER, 0);
}

PromQLParser::KeywordContext* PromQLParser::GroupingLabelContext::keyword() {
  return getRuleContext<PromQLParser::KeywordContext>(0);
}

tree::TerminalNode* PromQLParser::GroupingLabelContext::STRING() {
  return getToken(PromQLParser::STRING, 0);
}


size_t PromQLParser::GroupingLabelContext::getRuleIndex() const {
  return PromQLParser::RuleGroupingLabel;
}

antlrcpp::Any PromQLParser::GroupingLabelContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitGroupingLabel(this);
  else
    return visitor->visitChildren(this);
}

PromQLParser::GroupingLabelContext* PromQLParser::groupingLabel() {
  GroupingLabelContext *_localctx = _tracker.createInstance<GroupingLabelContext>(_ctx, getState());
  enterRule(_localctx, 16, PromQLParser::RuleGroupingLabel);

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    setState(176);
    _errHandler->sync(this);
    switch (_input->LA(1)) {
      case PromQLParser::IDENTIFIER: {
        enterOuterAlt(_localctx, 1);
        setState(173);
        match(PromQLParser::IDENTIFIER);
        break;
      }

      case PromQLParser::LAND:
      case PromQLParser::LOR:
      case PromQLParser::LUNLESS:
      case PromQLParser::ATAN2:
      case PromQLParser::SUM:
      case PromQLParser::AVG:
      case PromQLParser::COUNT:
      case PromQLParser::MIN:
      case PromQLParser::MAX:
      case PromQLParser::GROUP:
      case PromQLParser::STDDEV:
      case PromQLParser::STDVAR:
      case PromQLParser::TOPK:
      case PromQLParser::BOTTOMK:
      case PromQLParser::COUNT_VALUES:
      case PromQLParser::QUANTILE:
      case PromQLParser::LIMITK:
      case PromQLParser::LIMIT_RATIO:
      case PromQLParser::OFFSET:
      case PromQLParser::BY:
      case PromQLParser::WITHOUT:
      case PromQLParser::ON:
      case PromQLParser::IGNORING:
      case PromQLParser::GROUP_LEFT:
      case PromQLParser::GROUP_RIGHT:
      case PromQLParser::BOOL:
      case PromQLParser::SMOOTHED:
      case PromQLParser::ANCHORED:
      case PromQLParser::START:
      case PromQLParser::END:
      case PromQLParser::STEP: {
        enterOuterAlt(_localctx, 2);
        setState(174);
        keyword();
        break;
      }

      case PromQLParser::STRING: {
        enterOuterAlt(_localctx, 3);
        setState(175);
        match(PromQLParser::STRING);
        break;
      }

    default:
      throw NoViableAltException(this);
    }
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

//----------------- FunctionCallContext ------------------------------------------------------------------

PromQLParser::FunctionCallContext::FunctionCallContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

PromQLParser::FunctionArgsContext* PromQLParser::FunctionCallContext::functionArgs() {
  return getRuleContext<PromQLParser::FunctionArgsContext>(0);
}

tree::TerminalNode* PromQLParser::FunctionCallContext::IDENTIFIER() {
  return getToken(PromQLParser::IDENTIFIER, 0);
}

tree::TerminalNode* PromQLParser::FunctionCallContext::START() {
  return getToken(PromQLParser::START, 0);
}

tree::TerminalNode* PromQLParser::FunctionCallContext::END() {
  return getToken(PromQLParser::END, 0);
}

tree::TerminalNode* PromQLParser::FunctionCallContext::STEP() {
  return getToken(PromQLParser::STEP, 0);
}


size_t PromQLParser::FunctionCallContext::getRuleIndex() const {
  return PromQLParser::RuleFunctionCall;
}

antlrcpp::Any PromQLParser::FunctionCallContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitFunctionCall(this);
  else
    return visitor->visitChildren(this);
}

PromQLParser::FunctionCallContext* PromQLParser::functionCall() {
  FunctionCallContext *_localctx = _tracker.createInstance<FunctionCallContext>(_ctx, getState());
  enterRule(_localctx, 18, PromQLParser::RuleFunctionCall);
  size_t _la = 0;

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    enterOuterAlt(_localctx, 1);
    setState(178);
    _la = _input->LA(1);
    if (!((((_la & ~ 0x3fULL) == 0) &&
      ((1ULL << _la) & ((1ULL << PromQLParser::START)
      | (1ULL << PromQLParser::END)
      | (1ULL << PromQLParser::STEP)
      | (1ULL << PromQLParser::IDENTIFIER))) != 0))) {
    _errHandler->recoverInline(this);
    }
    else {
      _errHandler->reportMatch(this);
      consume();
    }
    setState(179);
    functionArgs();
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

//----------------- FunctionArgsContext ------------------------------------------------------------------

PromQLParser::FunctionArgsContext::FunctionArgsContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

tree::TerminalNode* PromQLParser::FunctionArgsContext::LEFT_PAREN() {
  return getToken(PromQLParser::LEFT_PAREN, 0);
}

tree::TerminalNode* PromQLParser::FunctionArgsContext::RIGHT_PAREN() {
  return getToken(PromQLParser::RIGHT_PAREN, 0);
}

std::vector<PromQLParser::ExprContext *> PromQLParser::FunctionArgsContext::expr() {
  return getRuleContexts<PromQLParser::ExprContext>();
}

PromQLParser::ExprContext* PromQLParser::FunctionArgsContext::expr(size_t i) {
  return getRuleContext<PromQLParser::ExprContext>(i);
}

std::vector<tree::TerminalNode *> PromQLParser::FunctionArgsContext::COMMA() {
  return getTokens(PromQLParser::COMMA);
}

tree::TerminalNode* PromQLParser::FunctionArgsContext::COMMA(size_t i) {
  return getToken(PromQLParser::COMMA, i);
}


size_t PromQLParser::FunctionArgsContext::getRuleIndex() const {
  return PromQLParser::RuleFunctionArgs;
}

antlrcpp::Any PromQLParser::FunctionArgsContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitFunctionArgs(this);
  else
    return visitor->visitChildren(this);
}

PromQLParser::FunctionArgsContext* PromQLParser::functionArgs() {
  FunctionArgsContext *_localctx = _tracker.createInstance<FunctionArgsContext>(_ctx, getState());
  enterRule(_localctx, 20, PromQLParser::RuleFunctionArgs);
  size_t _la = 0;

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    enterOuterAlt(_localctx, 1);
    setState(181);
    match(PromQLParser::LEFT_PAREN);
    setState(190);
    _errHandler->sync(this);

    _la = _input->LA(1);
    if ((((_la & ~ 0x3fULL) == 0) &&
      ((1ULL << _la) & ((1ULL << PromQLParser::LAND)
      | (1ULL << PromQLParser::LOR)
      | (1ULL << PromQLParser::LUNLESS)
      | (1ULL << PromQLParser::SUM)
      | (1ULL << PromQLParser::AVG)
      | (1ULL << PromQLParser::COUNT)
      | (1ULL << PromQLParser::MIN)
      | (1ULL << PromQLParser::MAX)
      | (1ULL << PromQLParser::GROUP)
      | (1ULL << PromQLParser::STDDEV)
      | (1ULL << PromQLParser::STDVAR)
      | (1ULL << PromQLParser::TOPK)
      | (1ULL << PromQLParser::BOTTOMK)
      | (1ULL << PromQLParser::COUNT_VALUES)
      | (1ULL << PromQLParser::QUANTILE)
      | (1ULL << PromQLParser::LIMITK)
      | (1ULL << PromQLParser::LIMIT_RATIO)
      | (1ULL << PromQLParser::OFFSET)
      | (1ULL << PromQLParser::BY)
      | (1ULL << PromQLParser::WITHOUT)
      | (1ULL << PromQLParser::SMOOTHED)
      | (1ULL << PromQLParser::ANCHORED)
      | (1ULL << PromQLParser::START)
      | (1ULL << PromQLParser::END)
      | (1ULL << PromQLParser::STEP)
      | (1ULL << PromQLParser::INF_VALUE)
      | (1ULL << PromQLParser::NAN_VALUE)
      | (1ULL << PromQLParser::NUMBER)
      | (1ULL << PromQLParser::DURATION)
      | (1ULL << PromQLParser::STRING)
      | (1ULL << PromQLParser::IDENTIFIER)
      | (1ULL << PromQLParser::METRIC_IDENTIFIER)
      | (1ULL << PromQLParser::LEFT_PAREN)
      | (1ULL << PromQLParser::LEFT_BRACE)
      | (1ULL << PromQLParser::ADD)
      | (1ULL << PromQLParser::SUB))) != 0)) {
      setState(182);
      expr(0);
      setState(187);
      _errHandler->sync(this);
      _la = _input->LA(1);
      while (_la == PromQLParser::COMMA) {
        setState(183);
        match(PromQLParser::COMMA);
        setState(184);
        expr(0);
        setState(189);
        _errHandler->sync(this);
        _la = _input->LA(1);
      }
    }
    setState(192);
    match(PromQLParser::RIGHT_PAREN);
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

//----------------- VectorSelectorContext ------------------------------------------------------------------

PromQLParser::VectorSelectorContext::VectorSelectorContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

PromQLParser::MetricNameContext* PromQLParser::VectorSelectorContext::metricName() {
  return getRuleContext<PromQLParser::MetricNameContext>(0);
}

PromQLParser::LabelMatchersContext* PromQLParser::VectorSelectorContext::labelMatchers() {
  return getRuleContext<PromQLParser::LabelMatchersContext>(0);
}


size_t PromQLParser::VectorSelectorContext::getRuleIndex() const {
  return PromQLParser::RuleVectorSelector;
}

antlrcpp::Any PromQLParser::VectorSelectorContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitVectorSelector(this);
  else
    return visitor->visitChildren(this);
}

PromQLParser::VectorSelectorContext* PromQLParser::vectorSelector() {
  VectorSelectorContext *_localctx = _tracker.createInstance<VectorSelectorContext>(_ctx, getState());
  enterRule(_localctx, 22, PromQLParser::RuleVectorSelector);

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    setState(199);
    _errHandler->sync(this);
    switch (_input->LA(1)) {
      case PromQLParser::LAND:
      case PromQLParser::LOR:
      case PromQLParser::LUNLESS:
      case PromQLParser::SUM:
      case PromQLParser::AVG:
      case PromQLParser::COUNT:
      case PromQLParser::MIN:
      case PromQLParser::MAX:
      case PromQLParser::GROUP:
      case PromQLParser::STDDEV:
      case PromQLParser::STDVAR:
      case PromQLParser::TOPK:
      case PromQLParser::BOTTOMK:
      case PromQLParser::COUNT_VALUES:
      case PromQLParser::QUANTILE:
      case PromQLParser::LIMITK:
      case PromQLParser::LIMIT_RATIO:
      case PromQLParser::OFFSET:
      case PromQLParser::BY:
      case PromQLParser::WITHOUT:
      case PromQLParser::SMOOTHED:
      case PromQLParser::ANCHORED:
      case PromQLParser::START:
      case PromQLParser::END:
      case PromQLParser::STEP:
      case PromQLParser::IDENTIFIER:
      case PromQLParser::METRIC_IDENTIFIER: {
        enterOuterAlt(_localctx, 1);
        setState(194);
        metricName();
        setState(196);
        _errHandler->sync(this);

        switch (getInterpreter<atn::ParserATNSimulator>()->adaptivePredict(_input, 23, _ctx)) {
        case 1: {
          setState(195);
          labelMatchers();
          break;
        }

        }
        break;
      }

      case PromQLParser::LEFT_BRACE: {
        enterOuterAlt(_localctx, 2);
        setState(198);
        labelMatchers();
        break;
      }

    default:
      throw NoViableAltException(this);
    }
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

//----------------- MetricNameContext ------------------------------------------------------------------

PromQLParser::MetricNameContext::MetricNameContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

tree::TerminalNode* PromQLParser::MetricNameContext::IDENTIFIER() {
  return getToken(PromQLParser::IDENTIFIER, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::METRIC_IDENTIFIER() {
  return getToken(PromQLParser::METRIC_IDENTIFIER, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::SUM() {
  return getToken(PromQLParser::SUM, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::AVG() {
  return getToken(PromQLParser::AVG, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::COUNT() {
  return getToken(PromQLParser::COUNT, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::MIN() {
  return getToken(PromQLParser::MIN, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::MAX() {
  return getToken(PromQLParser::MAX, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::GROUP() {
  return getToken(PromQLParser::GROUP, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::STDDEV() {
  return getToken(PromQLParser::STDDEV, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::STDVAR() {
  return getToken(PromQLParser::STDVAR, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::TOPK() {
  return getToken(PromQLParser::TOPK, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::BOTTOMK() {
  return getToken(PromQLParser::BOTTOMK, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::COUNT_VALUES() {
  return getToken(PromQLParser::COUNT_VALUES, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::QUANTILE() {
  return getToken(PromQLParser::QUANTILE, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::LIMITK() {
  return getToken(PromQLParser::LIMITK, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::LIMIT_RATIO() {
  return getToken(PromQLParser::LIMIT_RATIO, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::LAND() {
  return getToken(PromQLParser::LAND, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::LOR() {
  return getToken(PromQLParser::LOR, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::LUNLESS() {
  return getToken(PromQLParser::LUNLESS, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::OFFSET() {
  return getToken(PromQLParser::OFFSET, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::BY() {
  return getToken(PromQLParser::BY, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::WITHOUT() {
  return getToken(PromQLParser::WITHOUT, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::START() {
  return getToken(PromQLParser::START, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::END() {
  return getToken(PromQLParser::END, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::STEP() {
  return getToken(PromQLParser::STEP, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::SMOOTHED() {
  return getToken(PromQLParser::SMOOTHED, 0);
}

tree::TerminalNode* PromQLParser::MetricNameContext::ANCHORED() {
  return getToken(PromQLParser::ANCHORED, 0);
}


size_t PromQLParser::MetricNameContext::getRuleIndex() const {
  return PromQLParser::RuleMetricName;
}

antlrcpp::Any PromQLParser::MetricNameContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitMetricName(this);
  else
    return visitor->visitChildren(this);
}

PromQLParser::MetricNameContext* PromQLParser::metricName() {
  MetricNameContext *_localctx = _tracker.createInstance<MetricNameContext>(_ctx, getState());
  enterRule(_localctx, 24, PromQLParser::RuleMetricName);
  size_t _la = 0;

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    enterOuterAlt(_localctx, 1);
    setState(201);
    _la = _input->LA(1);
    if (!((((_la & ~ 0x3fULL) == 0) &&
      ((1ULL << _la) & ((1ULL << PromQLParser::LAND)
      | (1ULL << PromQLParser::LOR)
      | (1ULL << PromQLParser::LUNLESS)
      | (1ULL << PromQLParser::SUM)
      | (1ULL << PromQLParser::AVG)
      | (1ULL << PromQLParser::COUNT)
      | (1ULL << PromQLParser::MIN)
      | (1ULL << PromQLParser::MAX)
      | (1ULL << PromQLParser::GROUP)
      | (1ULL << PromQLParser::STDDEV)
      | (1ULL << PromQLParser::STDVAR)
      | (1ULL << PromQLParser::TOPK)
      | (1ULL << PromQLParser::BOTTOMK)
      | (1ULL << PromQLParser::COUNT_VALUES)
      | (1ULL << PromQLParser::QUANTILE)
      | (1ULL << PromQLParser::LIMITK)
      | (1ULL << PromQLParser::LIMIT_RATIO)
      | (1ULL << PromQLParser::OFFSET)
      | (1ULL << PromQLParser::BY)
      | (1ULL << PromQLParser::WITHOUT)
      | (1ULL << PromQLParser::SMOOTHED)
      | (1ULL << PromQLParser::ANCHORED)
      | (1ULL << PromQLParser::START)
      | (1ULL << PromQLParser::END)
      | (1ULL << PromQLParser::STEP)
      | (1ULL << PromQLParser::IDENTIFIER)
      | (1ULL << PromQLParser::METRIC_IDENTIFIER))) != 0))) {
    _errHandler->recoverInline(this);
    }
    else {
      _errHandler->reportMatch(this);
      consume();
    }
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

//----------------- LabelMatchersContext ------------------------------------------------------------------

PromQLParser::LabelMatchersContext::LabelMatchersContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

tree::TerminalNode* PromQLParser::LabelMatchersContext::LEFT_BRACE() {
  return getToken(PromQLParser::LEFT_BRACE, 0);
}

tree::TerminalNode* PromQLParser::LabelMatchersContext::RIGHT_BRACE() {
  return getToken(PromQLParser::RIGHT_BRACE, 0);
}

std::vector<PromQLParser::LabelMatcherContext *> PromQLParser::LabelMatchersContext::labelMatcher() {
  return getRuleContexts<PromQLParser::LabelMatcherContext>();
}

PromQLParser::LabelMatcherContext* PromQLParser::LabelMatchersContext::labelMatcher(size_t i) {
  return getRuleContext<PromQLParser::LabelMatcherContext>(i);
}

std::vector<tree::TerminalNode *> PromQLParser::LabelMatchersContext::COMMA() {
  return getTokens(PromQLParser::COMMA);
}

tree::TerminalNode* PromQLParser::LabelMatchersContext::COMMA(size_t i) {
  return getToken(PromQLParser::COMMA, i);
}


size_t PromQLParser::LabelMatchersContext::getRuleIndex() const {
  return PromQLParser::RuleLabelMatchers;
}

antlrcpp::Any PromQLParser::LabelMatchersContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitLabelMatchers(this);
  else
    return visitor->visitChildren(this);
}

PromQLParser::LabelMatchersContext* PromQLParser::labelMatchers() {
  LabelMatchersContext *_localctx = _tracker.createInstance<LabelMatchersContext>(_ctx, getState());
  enterRule(_localctx, 26, PromQLParser::RuleLabelMatchers);
  size_t _la = 0;

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    size_t alt;
    enterOuterAlt(_localctx, 1);
    setState(203);
    match(PromQLParser::LEFT_BRACE);
    setState(215);
    _errHandler->sync(this);

    _la = _input->LA(1);
    if (_la == PromQLParser::STRING

    || _la == PromQLParser::IDENTIFIER) {
      setState(204);
      labelMatcher();
      setState(209);
      _errHandler->sync(this);
      alt = getInterpreter<atn::ParserATNSimulator>()->adaptivePredict(_input, 25, _ctx);
      while (alt != 2 && alt != atn::ATN::INVALID_ALT_NUMBER) {
        if (alt == 1) {
          setState(205);
          match(PromQLParser::COMMA);
          setState(206);
          labelMatcher(); 
        }
        setState(211);
        _errHandler->sync(this);
        alt = getInterpreter<atn::ParserATNSimulator>()->adaptivePredict(_input, 25, _ctx);
      }
      setState(213);
      _errHandler->sync(this);

      _la = _input->LA(1);
      if (_la == PromQLParser::COMMA) {
        setState(212);
        match(PromQLParser::COMMA);
      }
    }
    setState(217);
    match(PromQLParser::RIGHT_BRACE);
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

//----------------- LabelMatcherContext ------------------------------------------------------------------

PromQLParser::LabelMatcherContext::LabelMatcherContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

PromQLParser::MatchOpContext* PromQLParser::LabelMatcherContext::matchOp() {
  return getRuleContext<PromQLParser::MatchOpContext>(0);
}

std::vector<tree::TerminalNode *> PromQLParser::LabelMatcherContext::STRING() {
  return getTokens(PromQLParser::STRING);
}

tree::TerminalNode* PromQLParser::LabelMatcherContext::STRING(size_t i) {
  return getToken(PromQLParser::STRING, i);
}

tree::TerminalNode* PromQLParser::LabelMatcherContext::IDENTIFIER() {
  return getToken(PromQLParser::IDENTIFIER, 0);
}


size_t PromQLParser::LabelMatcherContext::getRuleIndex() const {
  return PromQLParser::RuleLabelMatcher;
}

antlrcpp::Any PromQLParser::LabelMatcherContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitLabelMatcher(this);
  else
    return visitor->visitChildren(this);
}

PromQLParser::LabelMatcherContext* PromQLParser::labelMatcher() {
  LabelMatcherContext *_localctx = _tracker.createInstance<LabelMatcherContext>(_ctx, getState());
  enterRule(_localctx, 28, PromQLParser::RuleLabelMatcher);
  size_t _la = 0;

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    setState(224);
    _errHandler->sync(this);
    switch (getInterpreter<atn::ParserATNSimulator>()->adaptivePredict(_input, 28, _ctx)) {
    case 1: {
      enterOuterAlt(_localctx, 1);
      setState(219);
      _la = _input->LA(1);
      if (!(_la == PromQLParser::STRING

      || _la == PromQLParser::IDENTIFIER)) {
      _errHandler->recoverInline(this);
      }
      else {
        _errHandler->reportMatch(this);
        consume();
      }
      setState(220);
      matchOp();
      setState(221);
      match(PromQLParser::STRING);
      break;
    }

    case 2: {
      enterOuterAlt(_localctx, 2);
      setState(223);
      match(PromQLParser::STRING);
      break;
    }

    }
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

//----------------- MatchOpContext ------------------------------------------------------------------

PromQLParser::MatchOpContext::MatchOpContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

tree::TerminalNode* PromQLParser::MatchOpContext::EQL() {
  return getToken(PromQLParser::EQL, 0);
}

tree::TerminalNode* PromQLParser::MatchOpContext::NEQ() {
  return getToken(PromQLParser::NEQ, 0);
}

tree::TerminalNode* PromQLParser::MatchOpContext::EQL_REGEX() {
  return getToken(PromQLParser::EQL_REGEX, 0);
}

tree::TerminalNode* PromQLParser::MatchOpContext::NEQ_REGEX() {
  return getToken(PromQLParser::NEQ_REGEX, 0);
}


size_t PromQLParser::MatchOpContext::getRuleIndex() const {
  return PromQLParser::RuleMatchOp;
}

antlrcpp::Any PromQLParser::MatchOpContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitMatchOp(this);
  else
    return visitor->visitChildren(this);
}

PromQLParser::MatchOpContext* PromQLParser::matchOp() {
  MatchOpContext *_localctx = _tracker.createInstance<MatchOpContext>(_ctx, getState());
  enterRule(_localctx, 30, PromQLParser::RuleMatchOp);
  size_t _la = 0;

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    enterOuterAlt(_localctx, 1);
    setState(226);
    _la = _input->LA(1);
    if (!(((((_la - 54) & ~ 0x3fULL) == 0) &&
      ((1ULL << (_la - 54)) & ((1ULL << (PromQLParser::NEQ - 54))
      | (1ULL << (PromQLParser::EQL_REGEX - 54))
      | (1ULL << (PromQLParser::NEQ_REGEX - 54))
      | (1ULL << (PromQLParser::EQL - 54)))) != 0))) {
    _errHandler->recoverInline(this);
    }
    else {
      _errHandler->reportMatch(this);
      consume();
    }
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

//----------------- KeywordContext ------------------------------------------------------------------

PromQLParser::KeywordContext::KeywordContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

tree::TerminalNode* PromQLParser::KeywordContext::SUM() {
  return getToken(PromQLParser::SUM, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::AVG() {
  return getToken(PromQLParser::AVG, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::COUNT() {
  return getToken(PromQLParser::COUNT, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::MIN() {
  return getToken(PromQLParser::MIN, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::MAX() {
  return getToken(PromQLParser::MAX, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::GROUP() {
  return getToken(PromQLParser::GROUP, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::STDDEV() {
  return getToken(PromQLParser::STDDEV, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::STDVAR() {
  return getToken(PromQLParser::STDVAR, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::TOPK() {
  return getToken(PromQLParser::TOPK, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::BOTTOMK() {
  return getToken(PromQLParser::BOTTOMK, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::COUNT_VALUES() {
  return getToken(PromQLParser::COUNT_VALUES, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::QUANTILE() {
  return getToken(PromQLParser::QUANTILE, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::LIMITK() {
  return getToken(PromQLParser::LIMITK, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::LIMIT_RATIO() {
  return getToken(PromQLParser::LIMIT_RATIO, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::LAND() {
  return getToken(PromQLParser::LAND, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::LOR() {
  return getToken(PromQLParser::LOR, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::LUNLESS() {
  return getToken(PromQLParser::LUNLESS, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::ATAN2() {
  return getToken(PromQLParser::ATAN2, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::OFFSET() {
  return getToken(PromQLParser::OFFSET, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::BY() {
  return getToken(PromQLParser::BY, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::WITHOUT() {
  return getToken(PromQLParser::WITHOUT, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::ON() {
  return getToken(PromQLParser::ON, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::IGNORING() {
  return getToken(PromQLParser::IGNORING, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::GROUP_LEFT() {
  return getToken(PromQLParser::GROUP_LEFT, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::GROUP_RIGHT() {
  return getToken(PromQLParser::GROUP_RIGHT, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::BOOL() {
  return getToken(PromQLParser::BOOL, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::START() {
  return getToken(PromQLParser::START, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::END() {
  return getToken(PromQLParser::END, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::STEP() {
  return getToken(PromQLParser::STEP, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::SMOOTHED() {
  return getToken(PromQLParser::SMOOTHED, 0);
}

tree::TerminalNode* PromQLParser::KeywordContext::ANCHORED() {
  return getToken(PromQLParser::ANCHORED, 0);
}


size_t PromQLParser::KeywordContext::getRuleIndex() const {
  return PromQLParser::RuleKeyword;
}

antlrcpp::Any PromQLParser::KeywordContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitKeyword(this);
  else
    return visitor->visitChildren(this);
}

PromQLParser::KeywordContext* PromQLParser::keyword() {
  KeywordContext *_localctx = _tracker.createInstance<KeywordContext>(_ctx, getState());
  enterRule(_localctx, 32, PromQLParser::RuleKeyword);
  size_t _la = 0;

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    enterOuterAlt(_localctx, 1);
    setState(228);
    _la = _input->LA(1);
    if (!((((_la & ~ 0x3fULL) == 0) &&
      ((1ULL << _la) & ((1ULL << PromQLParser::LAND)
      | (1ULL << PromQLParser::LOR)
      | (1ULL << PromQLParser::LUNLESS)
      | (1ULL << PromQLParser::ATAN2)
      | (1ULL << PromQLParser::SUM)
      | (1ULL << PromQLParser::AVG)
      | (1ULL << PromQLParser::COUNT)
      | (1ULL << PromQLParser::MIN)
      | (1ULL << PromQLParser::MAX)
      | (1ULL << PromQLParser::GROUP)
      | (1ULL << PromQLParser::STDDEV)
      | (1ULL << PromQLParser::STDVAR)
      | (1ULL << PromQLParser::TOPK)
      | (1ULL << PromQLParser::BOTTOMK)
      | (1ULL << PromQLParser::COUNT_VALUES)
      | (1ULL << PromQLParser::QUANTILE)
      | (1ULL << PromQLParser::LIMITK)
      | (1ULL << PromQLParser::LIMIT_RATIO)
      | (1ULL << PromQLParser::OFFSET)
      | (1ULL << PromQLParser::BY)
      | (1ULL << PromQLParser::WITHOUT)
      | (1ULL << PromQLParser::ON)
      | (1ULL << PromQLParser::IGNORING)
      | (1ULL << PromQLParser::GROUP_LEFT)
      | (1ULL << PromQLParser::GROUP_RIGHT)
      | (1ULL << PromQLParser::BOOL)
      | (1ULL << PromQLParser::SMOOTHED)
      | (1ULL << PromQLParser::ANCHORED)
      | (1ULL << PromQLParser::START)
      | (1ULL << PromQLParser::END)
      | (1ULL << PromQLParser::STEP))) != 0))) {
    _errHandler->recoverInline(this);
    }
    else {
      _errHandler->reportMatch(this);
      consume();
    }
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

//----------------- NumberContext ------------------------------------------------------------------

PromQLParser::NumberContext::NumberContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

tree::TerminalNode* PromQLParser::NumberContext::NUMBER() {
  return getToken(PromQLParser::NUMBER, 0);
}

tree::TerminalNode* PromQLParser::NumberContext::INF_VALUE() {
  return getToken(PromQLParser::INF_VALUE, 0);
}

tree::TerminalNode* PromQLParser::NumberContext::NAN_VALUE() {
  return getToken(PromQLParser::NAN_VALUE, 0);
}


size_t PromQLParser::NumberContext::getRuleIndex() const {
  return PromQLParser::RuleNumber;
}

antlrcpp::Any PromQLParser::NumberContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitNumber(this);
  else
    return visitor->visitChildren(this);
}

PromQLParser::NumberContext* PromQLParser::number() {
  NumberContext *_localctx = _tracker.createInstance<NumberContext>(_ctx, getState());
  enterRule(_localctx, 34, PromQLParser::RuleNumber);
  size_t _la = 0;

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    enterOuterAlt(_localctx, 1);
    setState(230);
    _la = _input->LA(1);
    if (!((((_la & ~ 0x3fULL) == 0) &&
      ((1ULL << _la) & ((1ULL << PromQLParser::INF_VALUE)
      | (1ULL << PromQLParser::NAN_VALUE)
      | (1ULL << PromQLParser::NUMBER))) != 0))) {
    _errHandler->recoverInline(this);
    }
    else {
      _errHandler->reportMatch(this);
      consume();
    }
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

//----------------- DurationContext ------------------------------------------------------------------

PromQLParser::DurationContext::DurationContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

tree::TerminalNode* PromQLParser::DurationContext::DURATION() {
  return getToken(PromQLParser::DURATION, 0);
}

tree::TerminalNode* PromQLParser::DurationContext::NUMBER() {
  return getToken(PromQLParser::NUMBER, 0);
}


size_t PromQLParser::DurationContext::getRuleIndex() const {
  return PromQLParser::RuleDuration;
}

antlrcpp::Any PromQLParser::DurationContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitDuration(this);
  else
    return visitor->visitChildren(this);
}

PromQLParser::DurationContext* PromQLParser::duration() {
  DurationContext *_localctx = _tracker.createInstance<DurationContext>(_ctx, getState());
  enterRule(_localctx, 36, PromQLParser::RuleDuration);
  size_t _la = 0;

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    enterOuterAlt(_localctx, 1);
    setState(232);
    _la = _input->LA(1);
    if (!(_la == PromQLParser::NUMBER

    || _la == PromQLParser::DURATION)) {
    _errHandler->recoverInline(this);
    }
    else {
      _errHandler->reportMatch(this);
      consume();
    }
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

//----------------- DurationOrNumberContext ------------------------------------------------------------------

PromQLParser::DurationOrNumberContext::DurationOrNumberContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

tree::TerminalNode* PromQLParser::DurationOrNumberContext::DURATION() {
  return getToken(PromQLParser::DURATION, 0);
}

tree::TerminalNode* PromQLParser::DurationOrNumberContext::NUMBER() {
  return getToken(PromQLParser::NUMBER, 0);
}


size_t PromQLParser::DurationOrNumberContext::getRuleIndex() const {
  return PromQLParser::RuleDurationOrNumber;
}

antlrcpp::Any PromQLParser::DurationOrNumberContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitDurationOrNumber(this);
  else
    return visitor->visitChildren(this);
}

PromQLParser::DurationOrNumberContext* PromQLParser::durationOrNumber() {
  DurationOrNumberContext *_localctx = _tracker.createInstance<DurationOrNumberContext>(_ctx, getState());
  enterRule(_localctx, 38, PromQLParser::RuleDurationOrNumber);
  size_t _la = 0;

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    enterOuterAlt(_localctx, 1);
    setState(234);
    _la = _input->LA(1);
    if (!(_la == PromQLParser::NUMBER

    || _la == PromQLParser::DURATION)) {
    _errHandler->recoverInline(this);
    }
    else {
      _errHandler->reportMatch(this);
      consume();
    }
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

//----------------- AtTimestampContext ------------------------------------------------------------------

PromQLParser::AtTimestampContext::AtTimestampContext(ParserRuleContext *parent, size_t invokingState)
  : ParserRuleContext(parent, invokingState) {
}

tree::TerminalNode* PromQLParser::AtTimestampContext::NUMBER() {
  return getToken(PromQLParser::NUMBER, 0);
}

tree::TerminalNode* PromQLParser::AtTimestampContext::DURATION() {
  return getToken(PromQLParser::DURATION, 0);
}

tree::TerminalNode* PromQLParser::AtTimestampContext::INF_VALUE() {
  return getToken(PromQLParser::INF_VALUE, 0);
}

tree::TerminalNode* PromQLParser::AtTimestampContext::NAN_VALUE() {
  return getToken(PromQLParser::NAN_VALUE, 0);
}

tree::TerminalNode* PromQLParser::AtTimestampContext::ADD() {
  return getToken(PromQLParser::ADD, 0);
}

tree::TerminalNode* PromQLParser::AtTimestampContext::SUB() {
  return getToken(PromQLParser::SUB, 0);
}

tree::TerminalNode* PromQLParser::AtTimestampContext::LEFT_PAREN() {
  return getToken(PromQLParser::LEFT_PAREN, 0);
}

tree::TerminalNode* PromQLParser::AtTimestampContext::RIGHT_PAREN() {
  return getToken(PromQLParser::RIGHT_PAREN, 0);
}

tree::TerminalNode* PromQLParser::AtTimestampContext::START() {
  return getToken(PromQLParser::START, 0);
}

tree::TerminalNode* PromQLParser::AtTimestampContext::END() {
  return getToken(PromQLParser::END, 0);
}


size_t PromQLParser::AtTimestampContext::getRuleIndex() const {
  return PromQLParser::RuleAtTimestamp;
}

antlrcpp::Any PromQLParser::AtTimestampContext::accept(tree::ParseTreeVisitor *visitor) {
  if (auto parserVisitor = dynamic_cast<PromQLParserVisitor*>(visitor))
    return parserVisitor->visitAtTimestamp(this);
  else
    return visitor->visitChildren(this);
}

PromQLParser::AtTimestampContext* PromQLParser::atTimestamp() {
  AtTimestampContext *_localctx = _tracker.createInstance<AtTimestampContext>(_ctx, getState());
  enterRule(_localctx, 40, PromQLParser::RuleAtTimestamp);
  size_t _la = 0;

  auto onExit = finally([=] {
    exitRule();
  });
  try {
    setState(243);
    _errHandler->sync(this);
    switch (_input->LA(1)) {
      case PromQLParser::INF_VALUE:
      case PromQLParser::NAN_VALUE:
      case PromQLParser::NUMBER:
      case PromQLParser::DURATION:
      case PromQLParser::ADD:
      case PromQLParser::SUB: {
        enterOuterAlt(_localctx, 1);
        setState(237);
        _errHandler->sync(this);

        _la = _input->LA(1);
        if (_la == PromQLParser::ADD

        || _la == PromQLParser::SUB) {
          setState(236);
          _la = _input->LA(1);
          if (!(_la == PromQLParser::ADD

          || _la == PromQLParser::SUB)) {
          _errHandler->recoverInline(this);
          }
          else {
            _errHandler->reportMatch(this);
            consume();
          }
        }
        setState(239);
        _la = _input->LA(1);
        if (!((((_la & ~ 0x3fULL) == 0) &&
          ((1ULL << _la) & ((1ULL << PromQLParser::INF_VALUE)
          | (1ULL << PromQLParser::NAN_VALUE)
          | (1ULL << PromQLParser::NUMBER)
          | (1ULL << PromQLParser::DURATION))) != 0))) {
        _errHandler->recoverInline(this);
        }
        else {
          _errHandler->reportMatch(this);
          consume();
        }
        break;
      }

      case PromQLParser::START:
      case PromQLParser::END: {
        enterOuterAlt(_localctx, 2);
        setState(240);
        _la = _input->LA(1);
        if (!(_la == PromQLParser::START

        || _la == PromQLParser::END)) {
        _errHandler->recoverInline(this);
        }
        else {
          _errHandler->reportMatch(this);
          consume();
        }
        setState(241);
        match(PromQLParser::LEFT_PAREN);
        setState(242);
        match(PromQLParser::RIGHT_PAREN);
        break;
      }

    default:
      throw NoViableAltException(this);
    }
   
  }
  catch (RecognitionException &e) {
    _errHandler->reportError(this, e);
    _localctx->exception = std::current_exception();
    _errHandler->recover(this, _localctx->exception);
  }

  return _localctx;
}

bool PromQLParser::sempred(RuleContext *context, size_t ruleIndex, size_t predicateIndex) {
  switch (ruleIndex) {
    case 1: return exprSempred(dynamic_cast<ExprContext *>(context), predicateIndex);

  default:
    break;
  }
  return true;
}

bool PromQLParser::exprSempred(ExprContext *_localctx, size_t predicateIndex) {
  switch (predicateIndex) {
    case 0: return precpred(_ctx, 14);
    case 1: return precpred(_ctx, 12);
    case 2: return precpred(_ctx, 11);
    case 3: return precpred(_ctx, 10);
    case 4: return precpred(_ctx, 9);
    case 5: return precpred(_ctx, 8);
    case 6: return precpred(_ctx, 19);
    case 7: return precpred(_ctx, 18);
    case 8: return precpred(_ctx, 17);
    case 9: return precpred(_ctx, 16);
    case 10: return precpred(_ctx, 15);

  default:
    break;
  }
  return true;
}

// Static vars and initialization.
std::vector<dfa::DFA> PromQLParser::_decisionToDFA;
atn::PredictionContextCache PromQLParser::_sharedContextCache;

// We own the ATN which in turn owns the ATN states.
atn::ATN PromQLParser::_atn;
std::vector<uint16_t> PromQLParser::_serializedATN;

std::vector<std::string> PromQLParser::_ruleNames = {
  "query", "expr", "binModifier", "vectorMatching", "aggregation", "aggregateOp", 
  "grouping", "groupingLabels", "groupingLabel", "functionCall", "functionArgs", 
  "vectorSelector", "metricName", "labelMatchers", "labelMatcher", "matchOp", 
  "keyword", "number", "duration", "durationOrNumber", "atTimestamp"
};

std::vector<std::string> PromQLParser::_literalNames = {
  "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", 
  "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", 
  "", "", "", "'('", "')'", "'{'", "", "'['", "", "", "'@'", "'+'", "'-'", 
  "'*'", "'/'", "'%'", "'^'", "'=='", "", "'<='", "'<'", "'>='", "'>'", 
  "", "", "", "", "", "'=~'", "'!~'", "'='", "", "':'"
};

std::vector<std::string> PromQLParser::_symbolicNames = {
  "", "LAND", "LOR", "LUNLESS", "ATAN2", "SUM", "AVG", "COUNT", "MIN", "MAX", 
  "GROUP", "STDDEV", "STDVAR", "TOPK", "BOTTOMK", "COUNT_VALUES", "QUANTILE", 
  "LIMITK", "LIMIT_RATIO", "OFFSET", "BY", "WITHOUT", "ON", "IGNORING", 
  "GROUP_LEFT", "GROUP_RIGHT", "BOOL", "SMOOTHED", "ANCHORED", "START", 
  "END", "STEP", "INF_VALUE", "NAN_VALUE", "NUMBER", "DURATION", "STRING", 
  "IDENTIFIER", "METRIC_IDENTIFIER", "LEFT_PAREN", "RIGHT_PAREN", "LEFT_BRACE", 
  "RIGHT_BRACE", "LEFT_BRACKET", "RIGHT_BRACKET", "COMMA", "AT", "ADD", 
  "SUB", "MUL", "DIV", "MOD", "POW", "EQLC", "NEQ", "LTE", "LSS", "GTE", 
  "GTR", "WS", "COMMENT", "ERROR_CHAR", "B_WS", "B_COMMENT", "EQL_REGEX", 
  "NEQ_REGEX", "EQL", "R_WS", "COLON"
};

dfa::Vocabulary PromQLParser::_vocabulary(_literalNames, _symbolicNames);

std::vector<std::string> PromQLParser::_tokenNames;

PromQLParser::Initializer::Initializer() {
	for (size_t i = 0; i < _symbolicNames.size(); ++i) {
		std::string name = _vocabulary.getLiteralName(i);
		if (name.empty()) {
			name = _vocabulary.getSymbolicName(i);
		}

		if (name.empty()) {
			_tokenNames.push_back("<INVALID>");
		} else {
      _tokenNames.push_back(name);
    }
	}

  _serializedATN = {
    0x3, 0x608b, 0xa72a, 0x8133, 0xb9ed, 0x417c, 0x3be7, 0x7786, 0x5964, 
    0x3, 0x46, 0xf8, 0x4, 0x2, 0x9, 0x2, 0x4, 0x3, 0x9, 0x3, 0x4, 0x4, 0x9, 
    0x4, 0x4, 0x5, 0x9, 0x5, 0x4, 0x6, 0x9, 0x6, 0x4, 0x7, 0x9, 0x7, 0x4, 
    0x8, 0x9, 0x8, 0x4, 0x9, 0x9, 0x9, 0x4, 0xa, 0x9, 0xa, 0x4, 0xb, 0x9, 
    0xb, 0x4, 0xc, 0x9, 0xc, 0x4, 0xd, 0x9, 0xd, 0x4, 0xe, 0x9, 0xe, 0x4, 
    0xf, 0x9, 0xf, 0x4, 0x10, 0x9, 0x10, 0x4, 0x11, 0x9, 0x11, 0x4, 0x12, 
    0x9, 0x12, 0x4, 0x13, 0x9, 0x13, 0x4, 0x14, 0x9, 0x14, 0x4, 0x15, 0x9, 
    0x15, 0x4, 0x16, 0x9, 0x16, 0x3, 0x2, 0x3, 0x2, 0x3, 0x2, 0x3, 0x3, 
    0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 
    0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x5, 0x3, 0x3d, 0xa, 
    0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x5, 0x3, 0x42, 0xa, 0x3, 0x3, 0x3, 
    0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x5, 0x3, 0x48, 0xa, 0x3, 0x3, 0x3, 0x3, 
    0x3, 0x3, 0x3, 0x3, 0x3, 0x5, 0x3, 0x4e, 0xa, 0x3, 0x3, 0x3, 0x3, 0x3, 
    0x3, 0x3, 0x3, 0x3, 0x5, 0x3, 0x54, 0xa, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 
    0x3, 0x3, 0x3, 0x5, 0x3, 0x5a, 0xa, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 
    0x3, 0x3, 0x5, 0x3, 0x60, 0xa, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 
    0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 
    0x3, 0x5, 0x3, 0x6d, 0xa, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 
    0x3, 0x3, 0x5, 0x3, 0x74, 0xa, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 0x3, 
    0x3, 0x3, 0x3, 0x3, 0x3, 0x7, 0x3, 0x7c, 0xa, 0x3, 0xc, 0x3, 0xe, 0x3, 
    0x7f, 0xb, 0x3, 0x3, 0x4, 0x3, 0x4, 0x5, 0x4, 0x83, 0xa, 0x4, 0x3, 0x4, 
    0x5, 0x4, 0x86, 0xa, 0x4, 0x3, 0x5, 0x3, 0x5, 0x3, 0x5, 0x3, 0x5, 0x5, 
    0x5, 0x8c, 0xa, 0x5, 0x5, 0x5, 0x8e, 0xa, 0x5, 0x3, 0x6, 0x3, 0x6, 0x3, 
    0x6, 0x3, 0x6, 0x3, 0x6, 0x3, 0x6, 0x3, 0x6, 0x5, 0x6, 0x97, 0xa, 0x6, 
    0x5, 0x6, 0x99, 0xa, 0x6, 0x3, 0x7, 0x3, 0x7, 0x3, 0x8, 0x3, 0x8, 0x3, 
    0x8, 0x3, 0x9, 0x3, 0x9, 0x3, 0x9, 0x3, 0x9, 0x7, 0x9, 0xa4, 0xa, 0x9, 
    0xc, 0x9, 0xe, 0x9, 0xa7, 0xb, 0x9, 0x3, 0x9, 0x5, 0x9, 0xaa, 0xa, 0x9, 
    0x5, 0x9, 0xac, 0xa, 0x9, 0x3, 0x9, 0x3, 0x9, 0x3, 0xa, 0x3, 0xa, 0x3, 
    0xa, 0x5, 0xa, 0xb3, 0xa, 0xa, 0x3, 0xb, 0x3, 0xb, 0x3, 0xb, 0x3, 0xc, 
    0x3, 0xc, 0x3, 0xc, 0x3, 0xc, 0x7, 0xc, 0xbc, 0xa, 0xc, 0xc, 0xc, 0xe, 
    0xc, 0xbf, 0xb, 0xc, 0x5, 0xc, 0xc1, 0xa, 0xc, 0x3, 0xc, 0x3, 0xc, 0x3, 
    0xd, 0x3, 0xd, 0x5, 0xd, 0xc7, 0xa, 0xd, 0x3, 0xd, 0x5, 0xd, 0xca, 0xa, 
    0xd, 0x3, 0xe, 0x3, 0xe, 0x3, 0xf, 0x3, 0xf, 0x3, 0xf, 0x3, 0xf, 0x7, 
    0xf, 0xd2, 0xa, 0xf, 0xc, 0xf, 0xe, 0xf, 0xd5, 0xb, 0xf, 0x3, 0xf, 0x5, 
    0xf, 0xd8, 0xa, 0xf, 0x5, 0xf, 0xda, 0xa, 0xf, 0x3, 0xf, 0x3, 0xf, 0x3, 
    0x10, 0x3, 0x10, 0x3, 0x10, 0x3, 0x10, 0x3, 0x10, 0x5, 0x10, 0xe3, 0xa, 
    0x10, 0x3, 0x11, 0x3, 0x11, 0x3, 0x12, 0x3, 0x12, 0x3, 0x13, 0x3, 0x13, 
    0x3, 0x14, 0x3, 0x14, 0x3, 0x15, 0x3, 0x15, 0x3, 0x16, 0x5, 0x16, 0xf0, 
    0xa, 0x16, 0x3, 0x16, 0x3, 0x16, 0x3, 0x16, 0x3, 0x16, 0x5, 0x16, 0xf6, 
    0xa, 0x16, 0x3, 0x16, 0x2, 0x3, 0x4, 0x17, 0x2, 0x4, 0x6, 0x8, 0xa, 
    0xc, 0xe, 0x10, 0x12, 0x14, 0x16, 0x18, 0x1a, 0x1c, 0x1e, 0x20, 0x22, 
    0x24, 0x26, 0x28, 0x2a, 0x2, 0x14, 0x3, 0x2, 0x31, 0x32, 0x4, 0x2, 0x6, 
    0x6, 0x33, 0x35, 0x3, 0x2, 0x37, 0x3c, 0x4, 0x2, 0x3, 0x3, 0x5, 0x5, 
    0x3, 0x2, 0x1d, 0x1e, 0x3, 0x2, 0x18, 0x19, 0x3, 0x2, 0x1a, 0x1b, 0x3, 
    0x2, 0x7, 0x14, 0x3, 0x2, 0x16, 0x17, 0x4, 0x2, 0x1f, 0x21, 0x27, 0x27, 
    0x6, 0x2, 0x3, 0x5, 0x7, 0x17, 0x1d, 0x21, 0x27, 0x28, 0x3, 0x2, 0x26, 
    0x27, 0x4, 0x2, 0x38, 0x38, 0x42, 0x44, 0x3, 0x2, 0x3, 0x21, 0x3, 0x2, 
    0x22, 0x24, 0x3, 0x2, 0x24, 0x25, 0x3, 0x2, 0x22, 0x25, 0x3, 0x2, 0x1f, 
    0x20, 0x2, 0x111, 0x2, 0x2c, 0x3, 0x2, 0x2, 0x2, 0x4, 0x3c, 0x3, 0x2, 
    0x2, 0x2, 0x6, 0x85, 0x3, 0x2, 0x2, 0x2, 0x8, 0x87, 0x3, 0x2, 0x2, 0x2, 
    0xa, 0x98, 0x3, 0x2, 0x2, 0x2, 0xc, 0x9a, 0x3, 0x2, 0x2, 0x2, 0xe, 0x9c, 
    0x3, 0x2, 0x2, 0x2, 0x10, 0x9f, 0x3, 0x2, 0x2, 0x2, 0x12, 0xb2, 0x3, 
    0x2, 0x2, 0x2, 0x14, 0xb4, 0x3, 0x2, 0x2, 0x2, 0x16, 0xb7, 0x3, 0x2, 
    0x2, 0x2, 0x18, 0xc9, 0x3, 0x2, 0x2, 0x2, 0x1a, 0xcb, 0x3, 0x2, 0x2, 
    0x2, 0x1c, 0xcd, 0x3, 0x2, 0x2, 0x2, 0x1e, 0xe2, 0x3, 0x2, 0x2, 0x2, 
    0x20, 0xe4, 0x3, 0x2, 0x2, 0x2, 0x22, 0xe6, 0x3, 0x2, 0x2, 0x2, 0x24, 
    0xe8, 0x3, 0x2, 0x2, 0x2, 0x26, 0xea, 0x3, 0x2, 0x2, 0x2, 0x28, 0xec, 
    0x3, 0x2, 0x2, 0x2, 0x2a, 0xf5, 0x3, 0x2, 0x2, 0x2, 0x2c, 0x2d, 0x5, 
    0x4, 0x3, 0x2, 0x2d, 0x2e, 0x7, 0x2, 0x2, 0x3, 0x2e, 0x3, 0x3, 0x2, 
    0x2, 0x2, 0x2f, 0x30, 0x8, 0x3, 0x1, 0x2, 0x30, 0x31, 0x9, 0x2, 0x2, 
    0x2, 0x31, 0x3d, 0x5, 0x4, 0x3, 0xf, 0x32, 0x33, 0x7, 0x29, 0x2, 0x2, 
    0x33, 0x34, 0x5, 0x4, 0x3, 0x2, 0x34, 0x35, 0x7, 0x2a, 0x2, 0x2, 0x35, 
    0x3d, 0x3, 0x2, 0x2, 0x2, 0x36, 0x3d, 0x5, 0xa, 0x6, 0x2, 0x37, 0x3d, 
    0x5, 0x14, 0xb, 0x2, 0x38, 0x3d, 0x5, 0x18, 0xd, 0x2, 0x39, 0x3d, 0x5, 
    0x24, 0x13, 0x2, 0x3a, 0x3d, 0x7, 0x25, 0x2, 0x2, 0x3b, 0x3d, 0x7, 0x26, 
    0x2, 0x2, 0x3c, 0x2f, 0x3, 0x2, 0x2, 0x2, 0x3c, 0x32, 0x3, 0x2, 0x2, 
    0x2, 0x3c, 0x36, 0x3, 0x2, 0x2, 0x2, 0x3c, 0x37, 0x3, 0x2, 0x2, 0x2, 
    0x3c, 0x38, 0x3, 0x2, 0x2, 0x2, 0x3c, 0x39, 0x3, 0x2, 0x2, 0x2, 0x3c, 
    0x3a, 0x3, 0x2, 0x2, 0x2, 0x3c, 0x3b, 0x3, 0x2, 0x2, 0x2, 0x3d, 0x7d, 
    0x3, 0x2, 0x2, 0x2, 0x3e, 0x3f, 0xc, 0x10, 0x2, 0x2, 0x3f, 0x41, 0x7, 
    0x36, 0x2, 0x2, 0x40, 0x42, 0x5, 0x6, 0x4, 0x2, 0x41, 0x40, 0x3, 0x2, 
    0x2, 0x2, 0x41, 0x42, 0x3, 0x2, 0x2, 0x2, 0x42, 0x43, 0x3, 0x2, 0x2, 
    0x2, 0x43, 0x7c, 0x5, 0x4, 0x3, 0x10, 0x44, 0x45, 0xc, 0xe, 0x2, 0x2, 
    0x45, 0x47, 0x9, 0x3, 0x2, 0x2, 0x46, 0x48, 0x5, 0x6, 0x4, 0x2, 0x47, 
    0x46, 0x3, 0x2, 0x2, 0x2, 0x47, 0x48, 0x3, 0x2, 0x2, 0x2, 0x48, 0x49, 
    0x3, 0x2, 0x2, 0x2, 0x49, 0x7c, 0x5, 0x4, 0x3, 0xf, 0x4a, 0x4b, 0xc, 
    0xd, 0x2, 0x2, 0x4b, 0x4d, 0x9, 0x2, 0x2, 0x2, 0x4c, 0x4e, 0x5, 0x6, 
    0x4, 0x2, 0x4d, 0x4c, 0x3, 0x2, 0x2, 0x2, 0x4d, 0x4e, 0x3, 0x2, 0x2, 
    0x2, 0x4e, 0x4f, 0x3, 0x2, 0x2, 0x2, 0x4f, 0x7c, 0x5, 0x4, 0x3, 0xe, 
    0x50, 0x51, 0xc, 0xc, 0x2, 0x2, 0x51, 0x53, 0x9, 0x4, 0x2, 0x2, 0x52, 
    0x54, 0x5, 0x6, 0x4, 0x2, 0x53, 0x52, 0x3, 0x2, 0x2, 0x2, 0x53, 0x54, 
    0x3, 0x2, 0x2, 0x2, 0x54, 0x55, 0x3, 0x2, 0x2, 0x2, 0x55, 0x7c, 0x5, 
    0x4, 0x3, 0xd, 0x56, 0x57, 0xc, 0xb, 0x2, 0x2, 0x57, 0x59, 0x9, 0x5, 
    0x2, 0x2, 0x58, 0x5a, 0x5, 0x6, 0x4, 0x2, 0x59, 0x58, 0x3, 0x2, 0x2, 
    0x2, 0x59, 0x5a, 0x3, 0x2, 0x2, 0x2, 0x5a, 0x5b, 0x3, 0x2, 0x2, 0x2, 
    0x5b, 0x7c, 0x5, 0x4, 0x3, 0xc, 0x5c, 0x5d, 0xc, 0xa, 0x2, 0x2, 0x5d, 
    0x5f, 0x7, 0x4, 0x2, 0x2, 0x5e, 0x60, 0x5, 0x6, 0x4, 0x2, 0x5f, 0x5e, 
    0x3, 0x2, 0x2, 0x2, 0x5f, 0x60, 0x3, 0x2, 0x2, 0x2, 0x60, 0x61, 0x3, 
    0x2, 0x2, 0x2, 0x61, 0x7c, 0x5, 0x4, 0x3, 0xb, 0x62, 0x63, 0xc, 0x15, 
    0x2, 0x2, 0x63, 0x64, 0x7, 0x2d, 0x2, 0x2, 0x64, 0x65, 0x5, 0x26, 0x14, 
    0x2, 0x65, 0x66, 0x7, 0x2e, 0x2, 0x2, 0x66, 0x7c, 0x3, 0x2, 0x2, 0x2, 
    0x67, 0x68, 0xc, 0x14, 0x2, 0x2, 0x68, 0x69, 0x7, 0x2d, 0x2, 0x2, 0x69, 
    0x6a, 0x5, 0x26, 0x14, 0x2, 0x6a, 0x6c, 0x7, 0x46, 0x2, 0x2, 0x6b, 0x6d, 
    0x5, 0x26, 0x14, 0x2, 0x6c, 0x6b, 0x3, 0x2, 0x2, 0x2, 0x6c, 0x6d, 0x3, 
    0x2, 0x2, 0x2, 0x6d, 0x6e, 0x3, 0x2, 0x2, 0x2, 0x6e, 0x6f, 0x7, 0x2e, 
    0x2, 0x2, 0x6f, 0x7c, 0x3, 0x2, 0x2, 0x2, 0x70, 0x71, 0xc, 0x13, 0x2, 
    0x2, 0x71, 0x73, 0x7, 0x15, 0x2, 0x2, 0x72, 0x74, 0x7, 0x32, 0x2, 0x2, 
    0x73, 0x72, 0x3, 0x2, 0x2, 0x2, 0x73, 0x74, 0x3, 0x2, 0x2, 0x2, 0x74, 
    0x75, 0x3, 0x2, 0x2, 0x2, 0x75, 0x7c, 0x5, 0x28, 0x15, 0x2, 0x76, 0x77, 
    0xc, 0x12, 0x2, 0x2, 0x77, 0x78, 0x7, 0x30, 0x2, 0x2, 0x78, 0x7c, 0x5, 
    0x2a, 0x16, 0x2, 0x79, 0x7a, 0xc, 0x11, 0x2, 0x2, 0x7a, 0x7c, 0x9, 0x6, 
    0x2, 0x2, 0x7b, 0x3e, 0x3, 0x2, 0x2, 0x2, 0x7b, 0x44, 0x3, 0x2, 0x2, 
    0x2, 0x7b, 0x4a, 0x3, 0x2, 0x2, 0x2, 0x7b, 0x50, 0x3, 0x2, 0x2, 0x2, 
    0x7b, 0x56, 0x3, 0x2, 0x2, 0x2, 0x7b, 0x5c, 0x3, 0x2, 0x2, 0x2, 0x7b, 
    0x62, 0x3, 0x2, 0x2, 0x2, 0x7b, 0x67, 0x3, 0x2, 0x2, 0x2, 0x7b, 0x70, 
    0x3, 0x2, 0x2, 0x2, 0x7b, 0x76, 0x3, 0x2, 0x2, 0x2, 0x7b, 0x79, 0x3, 
    0x2, 0x2, 0x2, 0x7c, 0x7f, 0x3, 0x2, 0x2, 0x2, 0x7d, 0x7b, 0x3, 0x2, 
    0x2, 0x2, 0x7d, 0x7e, 0x3, 0x2, 0x2, 0x2, 0x7e, 0x5, 0x3, 0x2, 0x2, 
    0x2, 0x7f, 0x7d, 0x3, 0x2, 0x2, 0x2, 0x80, 0x82, 0x7, 0x1c, 0x2, 0x2, 
    0x81, 0x83, 0x5, 0x8, 0x5, 0x2, 0x82, 0x81, 0x3, 0x2, 0x2, 0x2, 0x82, 
    0x83, 0x3, 0x2, 0x2, 0x2, 0x83, 0x86, 0x3, 0x2, 0x2, 0x2, 0x84, 0x86, 
    0x5, 0x8, 0x5, 0x2, 0x85, 0x80, 0x3, 0x2, 0x2, 0x2, 0x85, 0x84, 0x3, 
    0x2, 0x2, 0x2, 0x86, 0x7, 0x3, 0x2, 0x2, 0x2, 0x87, 0x88, 0x9, 0x7, 
    0x2, 0x2, 0x88, 0x8d, 0x5, 0x10, 0x9, 0x2, 0x89, 0x8b, 0x9, 0x8, 0x2, 
    0x2, 0x8a, 0x8c, 0x5, 0x10, 0x9, 0x2, 0x8b, 0x8a, 0x3, 0x2, 0x2, 0x2, 
    0x8b, 0x8c, 0x3, 0x2, 0x2, 0x2, 0x8c, 0x8e, 0x3, 0x2, 0x2, 0x2, 0x8d, 
    0x89, 0x3, 0x2, 0x2, 0x2, 0x8d, 0x8e, 0x3, 0x2, 0x2, 0x2, 0x8e, 0x9, 
    0x3, 0x2, 0x2, 0x2, 0x8f, 0x90, 0x5, 0xc, 0x7, 0x2, 0x90, 0x91, 0x5, 
    0xe, 0x8, 0x2, 0x91, 0x92, 0x5, 0x16, 0xc, 0x2, 0x92, 0x99, 0x3, 0x2, 
    0x2, 0x2, 0x93, 0x94, 0x5, 0xc, 0x7, 0x2, 0x94, 0x96, 0x5, 0x16, 0xc, 
    0x2, 0x95, 0x97, 0x5, 0xe, 0x8, 0x2, 0x96, 0x95, 0x3, 0x2, 0x2, 0x2, 
    0x96, 0x97, 0x3, 0x2, 0x2, 0x2, 0x97, 0x99, 0x3, 0x2, 0x2, 0x2, 0x98, 
    0x8f, 0x3, 0x2, 0x2, 0x2, 0x98, 0x93, 0x3, 0x2, 0x2, 0x2, 0x99, 0xb, 
    0x3, 0x2, 0x2, 0x2, 0x9a, 0x9b, 0x9, 0x9, 0x2, 0x2, 0x9b, 0xd, 0x3, 
    0x2, 0x2, 0x2, 0x9c, 0x9d, 0x9, 0xa, 0x2, 0x2, 0x9d, 0x9e, 0x5, 0x10, 
    0x9, 0x2, 0x9e, 0xf, 0x3, 0x2, 0x2, 0x2, 0x9f, 0xab, 0x7, 0x29, 0x2, 
    0x2, 0xa0, 0xa5, 0x5, 0x12, 0xa, 0x2, 0xa1, 0xa2, 0x7, 0x2f, 0x2, 0x2, 
    0xa2, 0xa4, 0x5, 0x12, 0xa, 0x2, 0xa3, 0xa1, 0x3, 0x2, 0x2, 0x2, 0xa4, 
    0xa7, 0x3, 0x2, 0x2, 0x2, 0xa5, 0xa3, 0x3, 0x2, 0x2, 0x2, 0xa5, 0xa6, 
    0x3, 0x2, 0x2, 0x2, 0xa6, 0xa9, 0x3, 0x2, 0x2, 0x2, 0xa7, 0xa5, 0x3, 
    0x2, 0x2, 0x2, 0xa8, 0xaa, 0x7, 0x2f, 0x2, 0x2, 0xa9, 0xa8, 0x3, 0x2, 
    0x2, 0x2, 0xa9, 0xaa, 0x3, 0x2, 0x2, 0x2, 0xaa, 0xac, 0x3, 0x2, 0x2, 
    0x2, 0xab, 0xa0, 0x3, 0x2, 0x2, 0x2, 0xab, 0xac, 0x3, 0x2, 0x2, 0x2, 
    0xac, 0xad, 0x3, 0x2, 0x2, 0x2, 0xad, 0xae, 0x7, 0x2a, 0x2, 0x2, 0xae, 
    0x11, 0x3, 0x2, 0x2, 0x2, 0xaf, 0xb3, 0x7, 0x27, 0x2, 0x2, 0xb0, 0xb3, 
    0x5, 0x22, 0x12, 0x2, 0xb1, 0xb3, 0x7, 0x26, 0x2, 0x2, 0xb2, 0xaf, 0x3, 
    0x2, 0x2, 0x2, 0xb2, 0xb0, 0x3, 0x2, 0x2, 0x2, 0xb2, 0xb1, 0x3, 0x2, 
    0x2, 0x2, 0xb3, 0x13, 0x3, 0x2, 0x2, 0x2, 0xb4, 0xb5, 0x9, 0xb, 0x2, 
    0x2, 0xb5, 0xb6, 0x5, 0x16, 0xc, 0x2, 0xb6, 0x15, 0x3, 0x2, 0x2, 0x2, 
    0xb7, 0xc0, 0x7, 0x29, 0x2, 0x2, 0xb8, 0xbd, 0x5, 0x4, 0x3, 0x2, 0xb9, 
    0xba, 0x7, 0x2f, 0x2, 0x2, 0xba, 0xbc, 0x5, 0x4, 0x3, 0x2, 0xbb, 0xb9, 
    0x3, 0x2, 0x2, 0x2, 0xbc, 0xbf, 0x3, 0x2, 0x2, 0x2, 0xbd, 0xbb, 0x3, 
    0x2, 0x2, 0x2, 0xbd, 0xbe, 0x3, 0x2, 0x2, 0x2, 0xbe, 0xc1, 0x3, 0x2, 
    0x2, 0x2, 0xbf, 0xbd, 0x3, 0x2, 0x2, 0x2, 0xc0, 0xb8, 0x3, 0x2, 0x2, 
    0x2, 0xc0, 0xc1, 0x3, 0x2, 0x2, 0x2, 0xc1, 0xc2, 0x3, 0x2, 0x2, 0x2, 
    0xc2, 0xc3, 0x7, 0x2a, 0x2, 0x2, 0xc3, 0x17, 0x3, 0x2, 0x2, 0x2, 0xc4, 
    0xc6, 0x5, 0x1a, 0xe, 0x2, 0xc5, 0xc7, 0x5, 0x1c, 0xf, 0x2, 0xc6, 0xc5, 
    0x3, 0x2, 0x2, 0x2, 0xc6, 0xc7, 0x3, 0x2, 0x2, 0x2, 0xc7, 0xca, 0x3, 
    0x2, 0x2, 0x2, 0xc8, 0xca, 0x5, 0x1c, 0xf, 0x2, 0xc9, 0xc4, 0x3, 0x2, 
    0x2, 0x2, 0xc9, 0xc8, 0x3, 0x2, 0x2, 0x2, 0xca, 0x19, 0x3, 0x2, 0x2, 
    0x2, 0xcb, 0xcc, 0x9, 0xc, 0x2, 0x2, 0xcc, 0x1b, 0x3, 0x2, 0x2, 0x2, 
    0xcd, 0xd9, 0x7, 0x2b, 0x2, 0x2, 0xce, 0xd3, 0x5, 0x1e, 0x10, 0x2, 0xcf, 
    0xd0, 0x7, 0x2f, 0x2, 0x2, 0xd0, 0xd2, 0x5, 0x1e, 0x10, 0x2, 0xd1, 0xcf, 
    0x3, 0x2, 0x2, 0x2, 0xd2, 0xd5, 0x3, 0x2, 0x2, 0x2, 0xd3, 0xd1, 0x3, 
    0x2, 0x2, 0x2, 0xd3, 0xd4, 0x3, 0x2, 0x2, 0x2, 0xd4, 0xd7, 0x3, 0x2, 
    0x2, 0x2, 0xd5, 0xd3, 0x3, 0x2, 0x2, 0x2, 0xd6, 0xd8, 0x7, 0x2f, 0x2, 
    0x2, 0xd7, 0xd6, 0x3, 0x2, 0x2, 0x2, 0xd7, 0xd8, 0x3, 0x2, 0x2, 0x2, 
    0xd8, 0xda, 0x3, 0x2, 0x2, 0x2, 0xd9, 0xce, 0x3, 0x2, 0x2, 0x2, 0xd9, 
    0xda, 0x3, 0x2, 0x2, 0x2, 0xda, 0xdb, 0x3, 0x2, 0x2, 0x2, 0xdb, 0xdc, 
    0x7, 0x2c, 0x2, 0x2, 0xdc, 0x1d, 0x3, 0x2, 0x2, 0x2, 0xdd, 0xde, 0x9, 
    0xd, 0x2, 0x2, 0xde, 0xdf, 0x5, 0x20, 0x11, 0x2, 0xdf, 0xe0, 0x7, 0x26, 
    0x2, 0x2, 0xe0, 0xe3, 0x3, 0x2, 0x2, 0x2, 0xe1, 0xe3, 0x7, 0x26, 0x2, 
    0x2, 0xe2, 0xdd, 0x3, 0x2, 0x2, 0x2, 0xe2, 0xe1, 0x3, 0x2, 0x2, 0x2, 
    0xe3, 0x1f, 0x3, 0x2, 0x2, 0x2, 0xe4, 0xe5, 0x9, 0xe, 0x2, 0x2, 0xe5, 
    0x21, 0x3, 0x2, 0x2, 0x2, 0xe6, 0xe7, 0x9, 0xf, 0x2, 0x2, 0xe7, 0x23, 
    0x3, 0x2, 0x2, 0x2, 0xe8, 0xe9, 0x9, 0x10, 0x2, 0x2, 0xe9, 0x25, 0x3, 
    0x2, 0x2, 0x2, 0xea, 0xeb, 0x9, 0x11, 0x2, 0x2, 0xeb, 0x27, 0x3, 0x2, 
    0x2, 0x2, 0xec, 0xed, 0x9, 0x11, 0x2, 0x2, 0xed, 0x29, 0x3, 0x2, 0x2, 
    0x2, 0xee, 0xf0, 0x9, 0x2, 0x2, 0x2, 0xef, 0xee, 0x3, 0x2, 0x2, 0x2, 
    0xef, 0xf0, 0x3, 0x2, 0x2, 0x2, 0xf0, 0xf1, 0x3, 0x2, 0x2, 0x2, 0xf1, 
    0xf6, 0x9, 0x12, 0x2, 0x2, 0xf2, 0xf3, 0x9, 0x13, 0x2, 0x2, 0xf3, 0xf4, 
    0x7, 0x29, 0x2, 0x2, 0xf4, 0xf6, 0x7, 0x2a, 0x2, 0x2, 0xf5, 0xef, 0x3, 
    0x2, 0x2, 0x2, 0xf5, 0xf2, 0x3, 0x2, 0x2, 0x2, 0xf6, 0x2b, 0x3, 0x2, 
    0x2, 0x2, 0x21, 0x3c, 0x41, 0x47, 0x4d, 0x53, 0x59, 0x5f, 0x6c, 0x73, 
    0x7b, 0x7d, 0x82, 0x85, 0x8b, 0x8d, 0x96, 0x98, 0xa5, 0xa9, 0xab, 0xb2, 
    0xbd, 0xc0, 0xc6, 0xc9, 0xd3, 0xd7, 0xd9, 0xe2, 0xef, 0xf5, 
  };

  atn::ATNDeserializer deserializer;
  _atn = deserializer.deserialize(_serializedATN);

  size_t count = _atn.getNumberOfDecisions();
  _decisionToDFA.reserve(count);
  for (size_t i = 0; i < count; i++) { 
    _decisionToDFA.emplace_back(_atn.getDecisionState(i), i);
  }
}

PromQLParser::Initializer PromQLParser::_init;
