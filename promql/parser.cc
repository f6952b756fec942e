#include "promql/parser.h"

#include <exception>
#include <string>

#include <antlr4-runtime.h>

#include "grammar/generated/PromQLLexer.h"
#include "grammar/generated/PromQLParser.h"
#include "promql/ast_builder.h"
#include "promql/parse_error.h"
#include "promql/syntax_errors.h"
#include "promql/type_check.h"
#include "util/go_format.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::promql {
namespace {

// The position Prometheus reports for the first invalid UTF-8 sequence (the start of the string
// literal holding it, else the sequence itself), or -1 when `s` is valid UTF-8.
int FirstInvalidUtf8(std::string_view s) {
  if (util::IsValidUtf8(s)) return -1;
  int string_start = -1;  // start of the string literal being scanned, -1 outside strings
  char quote = 0;
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80           ? 1
                     : (c >> 5) == 0x6  ? 2
                     : (c >> 4) == 0xE  ? 3
                     : (c >> 3) == 0x1E ? 4
                                        : 0;
    if (n == 0 || i + n > s.size() || !util::IsValidUtf8(s.substr(i, n))) {
      return string_start >= 0 ? string_start : static_cast<int>(i);
    }
    if (quote == 0 && (c == '"' || c == '\'' || c == '`')) {
      quote = static_cast<char>(c);
      string_start = static_cast<int>(i);
    } else if (quote != 0 && c == '\\' && quote != '`') {
      i += 2;
      continue;
    } else if (quote != 0 && c == static_cast<unsigned char>(quote)) {
      quote = 0;
      string_start = -1;
    } else if (quote == 0 && c == '#') {
      while (i < s.size() && s[i] != '\n') ++i;  // comments may hold anything valid
      continue;
    }
    i += n;
  }
  return 0;
}

absl::StatusOr<ExprPtr> ParseWithAntlr(std::string_view query) {
  antlr4::ANTLRInputStream input(query.data(), query.size());
  grammar::PromQLLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  const internal::ByteOffsets offsets(query);

  int depth = 0;
  int binary_ops = 0;
  std::optional<internal::SyntaxError> lex_error =
      internal::FirstLexError(query, offsets, tokens.getTokens(), &depth, &binary_ops);
  if (depth > kMaxParseDepth) {
    return ParseError(query, 0,
                      util::StrCat("query nesting exceeds the maximum depth of ", kMaxParseDepth));
  }
  if (binary_ops > kMaxOperators) {
    return ParseError(
        query, 0, util::StrCat("query has more than the maximum of ", kMaxOperators, " operators"));
  }

  bool empty = true;
  for (antlr4::Token* t : tokens.getTokens()) {
    if (t->getChannel() == antlr4::Token::DEFAULT_CHANNEL && t->getType() != antlr4::Token::EOF) {
      empty = false;
      break;
    }
  }
  if (empty) return ParseError(query, 0, "no expression found in input");

  grammar::PromQLParser parser(&tokens);
  parser.removeErrorListeners();
  internal::FirstErrorListener listener(query, offsets, &tokens);
  parser.addErrorListener(&listener);
  grammar::PromQLParser::QueryContext* tree = parser.query();

  const std::optional<internal::SyntaxError>& syntax_error = listener.error();
  if (lex_error.has_value() &&
      (!syntax_error.has_value() || lex_error->token_index <= syntax_error->token_index)) {
    return ParseError(query, lex_error->pos, lex_error->message);
  }
  if (syntax_error.has_value()) return ParseError(query, syntax_error->pos, syntax_error->message);
  if (tree == nullptr || tree->expr() == nullptr) {
    return ParseError(query, 0, "no expression found in input");
  }

  internal::AstBuilder builder(query, offsets, &tokens);
  ASSIGN_OR_RETURN(ExprPtr expr, builder.Build(tree->expr()));
  RETURN_IF_ERROR(internal::CheckAst(query, *expr));
  return expr;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Expr>> ParseExpr(std::string_view query) {
  if (const int bad = FirstInvalidUtf8(query); bad >= 0) {
    return ParseError(query, bad, "invalid UTF-8 rune");
  }
  // ANTLR reports problems by throwing; nothing it throws may cross this function.
  try {
    return ParseWithAntlr(query);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        util::ToAbsl(util::StrCat("1:1: parse error: unexpected error: ", e.what())));
  } catch (...) {
    return absl::InvalidArgumentError("1:1: parse error: unexpected error");
  }
}

}  // namespace sextant::promql
