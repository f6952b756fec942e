#pragma once

// TextLexer: the tokenizer under TextParser, a hand-written copy of the state machine that golex
// generates from Prometheus's promlex.l (3.x, with quoted UTF-8 names), so that the parser fails
// on exactly the inputs Prometheus fails on, names the same tokens ("INVALID", "BCLOSE", ...) and
// stops at the same byte (Prometheus's messages quote the bytes up to one past that point).
//
// The input is read as if followed by one extra '\n' (Prometheus appends it), so the last line
// needs no newline. States and what each accepts (W = [ \t]+, which every state skips):
//   init       "#" W (then comment)  "#" (a comment)  metric-name -> value  "{" -> labels
//              "\n" (LINEBREAK)  NUL (EOF: a NUL byte where a token starts ends the input)
//   comment    "HELP" W, "TYPE" W -> meta1;  anything else: a COMMENT up to the newline -> init
//   meta1      metric-name or quoted string -> meta2
//   meta2      [^\n]* (TEXT, with its leading blanks unless the rest of the line is blank) -> init
//   labels     label-name (LNAME)  quoted string (QSTRING)  "}" -> value  "=" -> lvalue  ","
//   lvalue     quoted string (LVALUE) -> labels
//   value      "{" -> labels;  [^{ \t\n\0]+ (VALUE) -> timestamp
//   timestamp  [0-9]+ (TIMESTAMP)  "\n" (LINEBREAK) -> init
// metric-name is [a-zA-Z_:][a-zA-Z0-9_:]*, label-name [a-zA-Z_][a-zA-Z0-9_]*, a quoted string
// "(\\.|[^\\"])*" (raw newlines allowed, an escaped newline not). Anything else is INVALID, and
// pos() is where the lexer stopped.
//
// NUL bytes, as in Prometheus: inside a label value, a TEXT, a comment and the blanks before a
// label value they are skipped over (and stay in the token, even right after the closing quote
// of a label value); elsewhere they are INVALID, or EOF where a token starts in state init.
//
// Thread-safety: none. The input must outlive the lexer.

#include <cstddef>
#include <string>
#include <string_view>

namespace sextant::scrape {

enum class TextToken {
  kInvalid,
  kEof,
  kLinebreak,
  kWhitespace,
  kHelp,
  kType,
  kComment,
  kText,
  kMName,
  kQString,
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
std::string_view TextTokenName(TextToken t);

class TextLexer {
 public:
  explicit TextLexer(std::string_view input) : input_(input), end_(input.size() + 1) {}

  // The next token other than WHITESPACE (as PromParser's nextToken); kEof at the end.
  TextToken Next();

  // At a line start (before its first token), when the input at pos() begins with `series`:
  // a sample's series text (a name, or up to the closing brace) that a lexer of this kind lexed
  // from a line start before. If the line's series text is exactly `series` (a bare name is
  // neither followed by more name bytes nor, after blanks, by a brace), steps over it as lexing
  // its tokens would (its newlines counted; the next token is the sample's value) and returns
  // true. Otherwise changes nothing and returns false.
  bool SkipSeries(std::string_view series);

  // Where the current token starts. Unchanged by a kEof at the end of the input (as in Go).
  size_t begin() const { return begin_; }
  // Where lexing stopped: after the current token, or at the byte that made it INVALID. At most
  // input().size() + 1 (past the implied final newline).
  size_t pos() const { return pos_; }
  // The current token's bytes. Only for tokens that cannot contain the implied final newline
  // (all but LINEBREAK, EOF and INVALID).
  std::string_view text() const { return input_.substr(begin_, pos_ - begin_); }
  // The bytes [from, to) of the input followed by the implied newline, for error messages.
  std::string Bytes(size_t from, size_t to) const;
  // Newlines of the input consumed so far (the implied one not counted).
  int newlines() const { return newlines_; }
  // Whether the last quoted token had a byte >= 0x80 (and so may be invalid UTF-8).
  bool quoted_non_ascii() const { return quoted_non_ascii_; }
  std::string_view input() const { return input_; }

 private:
  enum class State { kInit, kComment, kMeta1, kMeta2, kLabels, kLValue, kValue, kTimestamp };

  // The byte at i, the implied '\n' at input_.size(), NUL beyond.
  char At(size_t i) const {
    return i < input_.size() ? input_[i] : (i == input_.size() ? '\n' : 0);
  }
  bool SkipsNul() const {
    return state_ == State::kLValue || state_ == State::kMeta2 || state_ == State::kComment;
  }
  // Go's promlexer.next(): steps one byte (then over NULs, in the states that skip them) and
  // returns the byte there, NUL past the end.
  char Advance();
  size_t SkipNul(size_t i) const;

  TextToken Lex();  // one token, WHITESPACE included
  TextToken LexInit(char c);
  TextToken LexComment(char c);
  TextToken LexMeta1(char c);
  TextToken LexMeta2(char c);
  TextToken LexLabels(char c);
  TextToken ConsumeComment(char c);
  TextToken Whitespace();
  TextToken Linebreak();
  bool Quoted();  // consumes a quoted string at pos_; false (INVALID) when it does not end

  std::string_view input_;
  size_t end_;  // input_.size() + 1: the implied newline included
  size_t pos_ = 0;
  size_t begin_ = 0;
  int newlines_ = 0;
  bool quoted_non_ascii_ = false;
  State state_ = State::kInit;
};

}  // namespace sextant::scrape
