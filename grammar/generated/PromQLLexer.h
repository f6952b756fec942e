
// Generated from PromQLLexer.g4 by ANTLR 4.7.2

#pragma once


#include "antlr4-runtime.h"


namespace sextant::promql::grammar {


class  PromQLLexer : public antlr4::Lexer {
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
    BRACES = 1, RANGE = 2
  };

  PromQLLexer(antlr4::CharStream *input);
  ~PromQLLexer();

  virtual std::string getGrammarFileName() const override;
  virtual const std::vector<std::string>& getRuleNames() const override;

  virtual const std::vector<std::string>& getChannelNames() const override;
  virtual const std::vector<std::string>& getModeNames() const override;
  virtual const std::vector<std::string>& getTokenNames() const override; // deprecated, use vocabulary instead
  virtual antlr4::dfa::Vocabulary& getVocabulary() const override;

  virtual const std::vector<uint16_t> getSerializedATN() const override;
  virtual const antlr4::atn::ATN& getATN() const override;

private:
  static std::vector<antlr4::dfa::DFA> _decisionToDFA;
  static antlr4::atn::PredictionContextCache _sharedContextCache;
  static std::vector<std::string> _ruleNames;
  static std::vector<std::string> _tokenNames;
  static std::vector<std::string> _channelNames;
  static std::vector<std::string> _modeNames;

  static std::vector<std::string> _literalNames;
  static std::vector<std::string> _symbolicNames;
  static antlr4::dfa::Vocabulary _vocabulary;
  static antlr4::atn::ATN _atn;
  static std::vector<uint16_t> _serializedATN;


  // Individual action functions triggered by action() above.

  // Individual semantic predicate functions triggered by sempred() above.

  struct Initializer {
    Initializer();
  };
  static Initializer _init;
};

}  // namespace sextant::promql::grammar
