#pragma once

// OpenMetricsLexer: the tokenizer under OpenMetricsParser, a hand-written copy of the state
// machine of Prometheus's openmetricslex.l, so that the parser fails on exactly the inputs
// Prometheus fails on and names the same tokens in its messages ("INVALID", "BCLOSE", ...).
//
// States and what each accepts (S = one space):
//   init        "# " (then comment)  metric-name                      -> value
//   comment     "HELP S" "TYPE S" "UNIT S" -> meta1;  "EOF" ["\n"] -> init
//   meta1       metric-name -> meta2
//   meta2       S [^\n]* "\n" (TEXT) -> init
//   value       "{" -> labels;  S [^ \n]+ (VALUE) -> timestamp
//   labels      label-name  "}" -> value  "=" -> lvalue  ","
//   lvalue      quoted label value -> labels
//   timestamp   S [^ \n]+ (TIMESTAMP)  "\n" -> init  "S# {" (COMMENT) -> exemplar
//   exemplar    label-name  "}" -> evalue  "=" -> evalue  ","
//   evalue      quoted label value -> exemplar;  S [^ \n]+ (VALUE) -> etimestamp
//   etimestamp  S [^ \n]+ (TIMESTAMP)  "\n" -> init
// metric-name is [a-zA-Z_:][a-zA-Z0-9_:]*, label-name [a-zA-Z_][a-zA-Z0-9_]*, a quoted value
// "(\\.|[^\\"\n])*". Anything else is INVALID, and pos() is where the lexer stopped.
//
// Thread-safety: none. The input must outlive the lexer.

#include <cstddef>
#include <string_view>

namespace sextant::scrape {

enum class OmToken {
  kInvalid,
  kEof,
  kLinebreak,
  kHelp,
  kType,
  kUnit,
  kEofWord,
  kText,
  kComment,
  kMName,
  kBraceOpen,
  kBraceClose,
  kLName,
  kLValue,
  kComma,
  kEqual,
  kTimestamp,
  kValue,
};

// Prometheus's spelling: "INVALID", "EOF", "LINEBREAK", ..., "BOPEN", "BCLOSE", ...
std::string_view OmTokenName(OmToken t);

class OpenMetricsLexer {
 public:
  explicit OpenMetricsLexer(std::string_view input) : input_(input) {}

  // The next token; kEof at the end of the input.
  OmToken Next();

  // The current token's text, e.g. " 1.5" for a VALUE (with its leading space).
  std::string_view text() const { return input_.substr(begin_, pos_ - begin_); }
  size_t begin() const { return begin_; }
  // Where lexing stopped: after the current token, or at the byte that made it INVALID.
  size_t pos() const { return pos_; }
  // Newlines consumed so far.
  int newlines() const { return newlines_; }
  std::string_view input() const { return input_; }

 private:
  enum class State {
    kInit,
    kComment,
    kMeta1,
    kMeta2,
    kValue,
    kLabels,
    kLValue,
    kTimestamp,
    kExemplar,
    kEValue,
    kETimestamp,
  };

  OmToken LexInit();
  OmToken LexComment();
  OmToken LexMeta2();
  OmToken LexLabelsOrExemplar();
  OmToken LexTimestamp();
  OmToken Linebreak();
  bool Name(bool metric);  // consumes a metric or label name at pos_
  bool SpaceWord();        // consumes S [^ \n]+ at pos_
  bool Quoted();           // consumes a quoted label value at pos_

  std::string_view input_;
  size_t pos_ = 0;
  size_t begin_ = 0;
  int newlines_ = 0;
  State state_ = State::kInit;
};

}  // namespace sextant::scrape
