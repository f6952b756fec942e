#pragma once

// Internal to the parser (not part of promql's public face): turns what the ANTLR lexer and
// parser find wrong with a query into Prometheus's wording and position.
//
// Prometheus's hand-written lexer reports some problems itself ("unclosed left parenthesis",
// "unterminated quoted string", "bad number or duration syntax: ..."); its yacc parser reports
// the rest as "unexpected <token> [in <context>, expected <what>]". Both stop at the first error
// in token order, so a lexer problem wins when it is found at or before the token the parser
// choked on.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <antlr4-runtime.h>

namespace sextant::promql::internal {

// Byte offsets of the code-point indices ANTLR reports (its input stream is UTF-32).
class ByteOffsets {
 public:
  explicit ByteOffsets(std::string_view query);
  // Byte offset of code point `index`; the query's length for index == size.
  int At(size_t index) const;

 private:
  std::vector<int> offsets_;
};

struct SyntaxError {
  size_t token_index = 0;  // the token at which the error was detected
  int pos = 0;             // byte offset reported in the message
  std::string message;
};

// The first lexer-level error (Prometheus's lex.go wording) in `tokens`, which must be filled
// (CommonTokenStream::fill()) and include hidden-channel tokens. Also returns, through
// `max_depth`, the largest nesting of brackets/parentheses/braces and sign or `^` chains seen,
// and through `binary_ops` the number of operator tokens, `[`, `offset` and `@` (each can add
// one level to the tree).
std::optional<SyntaxError> FirstLexError(std::string_view query, const ByteOffsets& offsets,
                                         const std::vector<antlr4::Token*>& tokens, int* max_depth,
                                         int* binary_ops);

// Records the first syntax error the ANTLR parser reports, worded as Prometheus's
// yacc parser would.
class FirstErrorListener : public antlr4::BaseErrorListener {
 public:
  FirstErrorListener(std::string_view query, const ByteOffsets& offsets,
                     antlr4::TokenStream* tokens)
      : query_(query), offsets_(offsets), tokens_(tokens) {}

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t line,
                   size_t column, const std::string& msg, std::exception_ptr e) override;

  const std::optional<SyntaxError>& error() const { return error_; }

 private:
  std::string_view query_;
  const ByteOffsets& offsets_;
  antlr4::TokenStream* tokens_;
  std::optional<SyntaxError> error_;
};

// Prometheus's Item.desc() of a token: `end of input`, `identifier "foo"`, `<op:+>`,
// `<aggr:sum>`, `<by>`, `number "1"`, `"("`.
std::string TokenDescription(const antlr4::Token& token);

}  // namespace sextant::promql::internal
