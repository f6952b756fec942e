#include "promql/syntax_errors.h"

#include <cstdio>

#include "grammar/generated/PromQLLexer.h"
#include "grammar/generated/PromQLParser.h"
#include "promql/literals.h"
#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::promql::internal {
namespace {

using L = grammar::PromQLLexer;
using P = grammar::PromQLParser;

bool IsAggregatorToken(size_t t) { return (t >= L::SUM && t <= L::LIMIT_RATIO); }

bool IsOperatorToken(size_t t) {
  switch (t) {
    case L::ADD:
    case L::SUB:
    case L::MUL:
    case L::DIV:
    case L::MOD:
    case L::POW:
    case L::EQLC:
    case L::NEQ:
    case L::LTE:
    case L::LSS:
    case L::GTE:
    case L::GTR:
    case L::LAND:
    case L::LOR:
    case L::LUNLESS:
    case L::ATAN2:
    case L::EQL_REGEX:
    case L::NEQ_REGEX:
    case L::AT:
      return true;
    default:
      return false;
  }
}

bool IsKeywordToken(size_t t) {
  switch (t) {
    case L::OFFSET:
    case L::BY:
    case L::WITHOUT:
    case L::ON:
    case L::IGNORING:
    case L::GROUP_LEFT:
    case L::GROUP_RIGHT:
    case L::BOOL:
    case L::SMOOTHED:
    case L::ANCHORED:
      return true;
    default:
      return false;
  }
}

bool IsMatchOp(size_t t) {
  return t == L::EQL || t == L::NEQ || t == L::EQL_REGEX || t == L::NEQ_REGEX;
}

// Go's %q of the first character of `s` (a rune literal): 'x', '\'', '\n', '\x00'.
std::string GoQuoteRune(std::string_view s) {
  if (s.empty()) return "'\\uffff'";
  const unsigned char c = static_cast<unsigned char>(s[0]);
  switch (c) {
    case '\'':
      return "'\\''";
    case '\\':
      return "'\\\\'";
    case '\a':
      return "'\\a'";
    case '\b':
      return "'\\b'";
    case '\f':
      return "'\\f'";
    case '\n':
      return "'\\n'";
    case '\r':
      return "'\\r'";
    case '\t':
      return "'\\t'";
    case '\v':
      return "'\\v'";
    default:
      break;
  }
  if (c < 0x20 || c == 0x7F) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "'\\x%02x'", c);
    return buf;
  }
  size_t len = 1;
  if (c >= 0xF0) {
    len = 4;
  } else if (c >= 0xE0) {
    len = 3;
  } else if (c >= 0xC0) {
    len = 2;
  }
  return util::StrCat("'", s.substr(0, std::min(len, s.size())), "'");
}

// Go's %.10q: the first 10 characters quoted.
std::string QuoteTruncated(std::string_view s) {
  size_t runes = 0;
  size_t i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (runes == 10) break;
      ++runes;
    }
  }
  if (i < s.size()) return util::StrCat(util::QuoteGo(s.substr(0, i)), "...");
  return util::QuoteGo(s);
}

const antlr4::Token* PreviousToken(antlr4::TokenStream* tokens, size_t index, int n) {
  for (size_t i = index; i > 0;) {
    --i;
    const antlr4::Token* t = tokens->get(i);
    if (t->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    if (--n == 0) return t;
  }
  return nullptr;
}

size_t TypeOf(const antlr4::Token* t) { return t == nullptr ? 0 : t->getType(); }

}  // namespace

ByteOffsets::ByteOffsets(std::string_view query) {
  for (size_t i = 0; i < query.size(); ++i) {
    if ((static_cast<unsigned char>(query[i]) & 0xC0) != 0x80) {
      offsets_.push_back(static_cast<int>(i));
    }
  }
  offsets_.push_back(static_cast<int>(query.size()));
}

int ByteOffsets::At(size_t index) const {
  return index < offsets_.size() ? offsets_[index] : offsets_.back();
}

std::string TokenDescription(const antlr4::Token& token) {
  const size_t t = token.getType();
  const std::string text = token.getText();
  if (t == antlr4::Token::EOF) return "end of input";
  if (t == L::IDENTIFIER) return util::StrCat("identifier ", util::QuoteGo(text));
  if (t == L::METRIC_IDENTIFIER) return util::StrCat("metric identifier ", util::QuoteGo(text));
  if (t == L::NUMBER || t == L::INF_VALUE || t == L::NAN_VALUE) {
    return util::StrCat("number ", QuoteTruncated(text));
  }
  if (t == L::DURATION) return util::StrCat("duration ", QuoteTruncated(text));
  if (t == L::STRING) return util::StrCat("string ", QuoteTruncated(text));
  if (IsAggregatorToken(t)) return util::StrCat("<aggr:", text, ">");
  if (IsOperatorToken(t)) return util::StrCat("<op:", text, ">");
  if (IsKeywordToken(t)) return util::StrCat("<", text, ">");
  return util::QuoteGo(text);
}

std::optional<SyntaxError> FirstLexError(std::string_view query, const ByteOffsets& offsets,
                                         const std::vector<antlr4::Token*>& tokens, int* max_depth,
                                         int* binary_ops) {
  int parens = 0;
  bool braces = false;
  bool brackets = false;
  int unary_run = 0;
  int pows = 0;
  *max_depth = 0;
  *binary_ops = 0;
  size_t prev_type = 0;  // the previous default-channel token, 0 at the start
  for (const antlr4::Token* tok : tokens) {
    const size_t t = tok->getType();
    const int pos = offsets.At(tok->getStartIndex());
    auto error = [&](int at, std::string message) {
      return SyntaxError{tok->getTokenIndex(), at, std::move(message)};
    };
    if (t == antlr4::Token::EOF) {
      const int end = static_cast<int>(query.size());
      if (braces) return error(end, "unexpected end of input inside braces");
      if (parens > 0) return error(end, "unclosed left parenthesis");
      if (brackets) return error(end, "unexpected end of input in duration expression");
      return std::nullopt;
    }
    if (tok->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    const std::string_view rest = query.substr(pos);
    switch (t) {
      case L::ERROR_CHAR: {
        const char c = rest.empty() ? '\0' : rest[0];
        if (c == '"' || c == '\'' || c == '`') {
          std::string msg = StringLexError(rest);
          if (!msg.empty()) return error(pos, std::move(msg));
        }
        if (braces) {
          return error(pos,
                       util::StrCat("unexpected character inside braces: ", GoQuoteRune(rest)));
        }
        if (brackets) {
          return error(pos, util::StrCat("unexpected character in duration expression: ",
                                         GoQuoteRune(rest)));
        }
        if (c == '=') {
          if (rest.size() > 1 && rest[1] == '~') {
            return error(pos, "unexpected character after '=': '~'");
          }
          break;  // Prometheus lexes a lone `=` as EQL; its parser rejects it.
        }
        if (c == '!') {
          return error(
              pos, util::StrCat("unexpected character after '!': ", GoQuoteRune(rest.substr(1))));
        }
        return error(pos, util::StrCat("unexpected character: ", GoQuoteRune(rest)));
      }
      case L::LEFT_PAREN:
        ++parens;
        break;
      case L::RIGHT_PAREN:
        if (parens == 0) return error(pos, "unexpected right parenthesis ')'");
        --parens;
        break;
      case L::LEFT_BRACKET:
        brackets = true;
        ++*binary_ops;  // postfix ranges and subqueries chain like operators
        break;
      case L::OFFSET:
      case L::AT:
        ++*binary_ops;
        break;
      case L::RIGHT_BRACKET:
        if (!brackets) return error(pos, "unexpected right bracket ']'");
        brackets = false;
        break;
      case L::LEFT_BRACE:
        braces = true;
        break;
      case L::RIGHT_BRACE:
        if (!braces) return error(pos, "unexpected character: '}'");
        braces = false;
        break;
      case L::NUMBER:
      case L::DURATION: {
        const int end = offsets.At(tok->getStopIndex() + 1);
        if (end < static_cast<int>(query.size())) {
          const char n = query[end];
          if (std::isalnum(static_cast<unsigned char>(n)) || n == '_' || n == '.') {
            return error(pos, util::StrCat("bad number or duration syntax: ",
                                           util::QuoteGo(query.substr(pos, end + 1 - pos))));
          }
        }
        break;
      }
      case L::POW:
        ++pows;
        ++*binary_ops;
        break;
      case L::ADD:
      case L::SUB:
      case L::MUL:
      case L::DIV:
      case L::MOD:
      case L::EQLC:
      case L::NEQ:
      case L::LTE:
      case L::LSS:
      case L::GTE:
      case L::GTR:
      case L::LAND:
      case L::LOR:
      case L::LUNLESS:
      case L::ATAN2:
        ++*binary_ops;
        break;
      default:
        break;
    }
    // A run of prefix signs nests one level each in the parse tree.
    const bool prefix_sign =
        (t == L::ADD || t == L::SUB) &&
        (prev_type == 0 || IsOperatorToken(prev_type) || prev_type == L::LEFT_PAREN ||
         prev_type == L::COMMA || IsKeywordToken(prev_type));
    unary_run = prefix_sign ? unary_run + 1 : 0;
    *max_depth =
        std::max(*max_depth, parens + (braces ? 1 : 0) + (brackets ? 1 : 0) + unary_run + pows);
    prev_type = t;
  }
  return std::nullopt;
}

void FirstErrorListener::syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending,
                                     size_t /*line*/, size_t /*column*/, const std::string& /*msg*/,
                                     std::exception_ptr /*e*/) {
  if (error_.has_value() || offending == nullptr) return;
  const size_t index = offending->getTokenIndex();
  const int pos =
      offsets_.At(offending->getType() == antlr4::Token::EOF ? offending->getStartIndex()
                                                             : offending->getStartIndex());
  const antlr4::Token* prev = PreviousToken(tokens_, index, 1);
  const antlr4::Token* prev2 = PreviousToken(tokens_, index, 2);
  const size_t p1 = TypeOf(prev);
  const size_t p2 = TypeOf(prev2);
  size_t rule = static_cast<size_t>(-1);
  if (auto* parser = dynamic_cast<antlr4::Parser*>(recognizer);
      parser != nullptr && parser->getContext() != nullptr) {
    rule = parser->getContext()->getRuleIndex();
  }

  std::string desc = TokenDescription(*offending);
  std::string context;
  switch (rule) {
    case P::RuleLabelMatchers:
    case P::RuleLabelMatcher:
    case P::RuleMatchOp:
      if (p1 == L::LEFT_BRACE || p1 == L::COMMA) {
        context = "in label matching, expected identifier or \"}\"";
      } else if (IsMatchOp(p1)) {
        context = "in label matching, expected string";
      } else if (p1 == L::IDENTIFIER) {
        context = "in label matching, expected label matching operator";
      } else {
        context = "in label matching, expected \",\" or \"}\"";
      }
      break;
    case P::RuleGrouping:
    case P::RuleGroupingLabels:
    case P::RuleGroupingLabel:
    case P::RuleVectorMatching:
    case P::RuleKeyword:
      if (p1 == L::BY || p1 == L::WITHOUT || p1 == L::ON || p1 == L::IGNORING) {
        context = "in grouping opts, expected \"(\"";
      } else if (p1 == L::LEFT_PAREN || p1 == L::COMMA) {
        context = "in grouping opts, expected label";
      } else if (p1 != L::GROUP_LEFT && p1 != L::GROUP_RIGHT) {
        context = "in grouping opts, expected \",\" or \")\"";
      }
      break;
    case P::RuleDurationOrNumber:
      context = "in offset, expected number or duration";
      break;
    case P::RuleAtTimestamp:
      context = "in @, expected timestamp";
      break;
    default:
      // Trailing commas are fine in label lists but not in argument lists.
      if (p1 == L::COMMA && offending->getType() == L::RIGHT_PAREN) {
        error_ = SyntaxError{index, offsets_.At(prev->getStartIndex()),
                             "trailing commas not allowed in function call args"};
        return;
      }
      break;
  }
  if (context.empty()) {
    if (p1 == L::OFFSET || (p1 == L::SUB && p2 == L::OFFSET)) {
      context = "in offset, expected number or duration";
    } else if (p1 == L::AT) {
      context = "in @, expected timestamp";
    } else if (p1 == L::LEFT_BRACKET) {
      context = "in subquery selector, expected duration";
    } else if (p1 == L::COLON) {
      context = "in subquery selector, expected duration or \"]\"";
    } else if ((p1 == L::DURATION || p1 == L::NUMBER) && p2 == L::LEFT_BRACKET) {
      context = "in subquery or range, expected \":\" or \"]\"";
    } else if ((p1 == L::DURATION || p1 == L::NUMBER) && p2 == L::COLON) {
      context = "in subquery selector, expected \"]\"";
    }
  }
  std::string message = util::StrCat("unexpected ", desc);
  if (!context.empty()) util::StrAppend(&message, " ", context);
  error_ = SyntaxError{index, pos, std::move(message)};
}

}  // namespace sextant::promql::internal
