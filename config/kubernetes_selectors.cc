#include "config/kubernetes_selectors.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::config {
namespace {

using util::QuoteGo;
using util::StrCat;

// ---- apimachinery's validation messages (pkg/api/validate/content) ----

constexpr std::string_view kLabelKeyFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
constexpr std::string_view kLabelValueFmt = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
constexpr std::string_view kDns1123SubdomainFmt =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
constexpr std::string_view kLabelKeyErrMsg =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character";
constexpr std::string_view kLabelValueErrMsg =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character";
constexpr std::string_view kDns1123SubdomainErrMsg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character";
constexpr size_t kLabelMaxLength = 63;
constexpr size_t kDns1123SubdomainMaxLength = 253;

std::string MaxLenError(size_t length) { return StrCat("must be no more than ", length, " bytes"); }

// content.RegexError, with its examples.
std::string RegexError(std::string_view msg, std::string_view re,
                       std::initializer_list<std::string_view> examples) {
  std::string out = StrCat(msg, " (e.g. ");
  bool first = true;
  for (std::string_view example : examples) {
    if (!first) out += " or ";
    first = false;
    util::StrAppend(&out, "'", example, "', ");
  }
  util::StrAppend(&out, "regex used for validation is '", re, "')");
  return out;
}

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// ^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$
bool MatchesLabelName(std::string_view s) {
  if (s.empty() || !IsAsciiAlnum(s.front()) || !IsAsciiAlnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return IsAsciiAlnum(c) || c == '-' || c == '_' || c == '.'; });
}

// ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$
bool MatchesDns1123Subdomain(std::string_view s) {
  const auto lower_alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  for (std::string_view label : util::StrSplit(s, '.')) {
    if (label.empty() || !lower_alnum(label.front()) || !lower_alnum(label.back())) return false;
    for (const char c : label) {
      if (!lower_alnum(c) && c != '-') return false;
    }
  }
  return true;
}

// content.IsLabelKey.
std::vector<std::string> LabelKeyErrors(std::string_view key) {
  std::vector<std::string> errs;
  const std::vector<std::string_view> parts = util::StrSplit(key, '/');
  std::string_view name;
  if (parts.size() == 1) {
    name = parts[0];
  } else if (parts.size() == 2) {
    const std::string_view prefix = parts[0];
    name = parts[1];
    if (prefix.empty()) {
      errs.push_back("prefix part must be non-empty");
    } else {
      if (prefix.size() > kDns1123SubdomainMaxLength) {
        errs.push_back(StrCat("prefix part ", MaxLenError(kDns1123SubdomainMaxLength)));
      }
      if (!MatchesDns1123Subdomain(prefix)) {
        errs.push_back(StrCat("prefix part ", RegexError(kDns1123SubdomainErrMsg,
                                                         kDns1123SubdomainFmt, {"example.com"})));
      }
    }
  } else {
    errs.push_back(
        StrCat("a valid label key ",
               RegexError(kLabelKeyErrMsg, kLabelKeyFmt, {"MyName", "my.name", "123-abc"}),
               " with an optional DNS subdomain prefix and '/' (e.g. "
               "'example.com/MyName')"));
    return errs;
  }
  if (name.empty()) {
    errs.push_back("name part must be non-empty");
  } else if (name.size() > kLabelMaxLength) {
    errs.push_back(StrCat("name part ", MaxLenError(kLabelMaxLength)));
  }
  if (!MatchesLabelName(name)) {
    errs.push_back(StrCat(
        "name part ", RegexError(kLabelKeyErrMsg, kLabelKeyFmt, {"MyName", "my.name", "123-abc"})));
  }
  return errs;
}

// content.IsLabelValue.
std::vector<std::string> LabelValueErrors(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kLabelMaxLength) errs.push_back(MaxLenError(kLabelMaxLength));
  if (!value.empty() && !MatchesLabelName(value)) {
    errs.push_back(RegexError(kLabelValueErrMsg, kLabelValueFmt, {"MyValue", "my_value", "12345"}));
  }
  return errs;
}

// field.Invalid(path, value, detail).Error() for a string value.
std::string FieldInvalid(std::string_view path, std::string_view value, std::string_view detail) {
  return StrCat(path, ": Invalid value: ", QuoteGo(value), ": ", detail);
}

// strconv.ParseInt(s, 10, 64) succeeds.
bool IsInt64(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  constexpr uint64_t kLimit = uint64_t{1} << 63;  // -kLimit is the least int64
  uint64_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
    const auto digit = static_cast<uint64_t>(c - '0');
    if (v > (kLimit - digit) / 10) return false;
    v = v * 10 + digit;
  }
  return negative || v < kLimit;
}

// ---- labels.Parse: apimachinery's lexer and recursive-descent parser ----

enum class Token {
  kError,
  kEndOfString,
  kClosedPar,
  kComma,
  kDoesNotExist,
  kDoubleEquals,
  kEquals,
  kGreaterThan,
  kIdentifier,
  kIn,
  kLessThan,
  kNotEquals,
  kNotIn,
  kOpenPar,
};

std::optional<Token> LiteralToken(std::string_view s) {
  static constexpr std::pair<std::string_view, Token> kTokens[] = {
      {")", Token::kClosedPar},     {",", Token::kComma},    {"!", Token::kDoesNotExist},
      {"==", Token::kDoubleEquals}, {"=", Token::kEquals},   {">", Token::kGreaterThan},
      {"in", Token::kIn},           {"<", Token::kLessThan}, {"!=", Token::kNotEquals},
      {"notin", Token::kNotIn},     {"(", Token::kOpenPar}};
  for (const auto& [text, token] : kTokens) {
    if (text == s) return token;
  }
  return std::nullopt;
}

bool IsWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsSpecialSymbol(char c) {
  return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

struct Item {
  Token tok;
  std::string literal;
};

// A NUL byte reads as the end of the input, as in apimachinery's lexer.
class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  Item Lex() {
    char c = Read();
    while (IsWhitespace(c)) c = Read();
    if (c == 0) return {Token::kEndOfString, ""};
    Unread();
    return IsSpecialSymbol(c) ? ScanSpecialSymbol() : ScanIdOrKeyword();
  }

 private:
  char Read() { return pos_ < s_.size() ? s_[pos_++] : '\0'; }
  void Unread() { --pos_; }

  Item ScanIdOrKeyword() {
    std::string buffer;
    for (;;) {
      const char c = Read();
      if (c == 0) break;
      if (IsSpecialSymbol(c) || IsWhitespace(c)) {
        Unread();
        break;
      }
      buffer.push_back(c);
    }
    if (auto tok = LiteralToken(buffer)) return {*tok, buffer};
    return {Token::kIdentifier, buffer};
  }

  Item ScanSpecialSymbol() {
    std::optional<Item> last;
    std::string buffer;
    for (;;) {
      const char c = Read();
      if (c == 0) break;
      if (!IsSpecialSymbol(c)) {
        Unread();
        break;
      }
      buffer.push_back(c);
      if (auto tok = LiteralToken(buffer)) {
        last = Item{*tok, buffer};
      } else if (last) {
        Unread();
        break;
      }
    }
    if (!last) return {Token::kError, StrCat("error expected: keyword found '", buffer, "'")};
    return *last;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

enum class Context { kKeyAndOperator, kValues };

enum class Op {
  kIn,
  kNotIn,
  kEquals,
  kDoubleEquals,
  kNotEquals,
  kGreaterThan,
  kLessThan,
  kExists,
  kDoesNotExist
};

class LabelParser {
 public:
  explicit LabelParser(std::string_view selector) {
    Lexer lexer(selector);
    for (;;) {
      items_.push_back(lexer.Lex());
      if (items_.back().tok == Token::kEndOfString) break;
    }
  }

  // Parser.parse: "" or the error.
  std::string Parse() {
    for (;;) {
      const Item& next = Lookahead(Context::kValues);
      if (next.tok == Token::kEndOfString) return "";
      if (next.tok != Token::kIdentifier && next.tok != Token::kDoesNotExist) {
        return StrCat("found '", next.literal, "', expected: !, identifier, or 'end of string'");
      }
      if (std::string err = ParseRequirement(); !err.empty()) {
        return StrCat("unable to parse requirement: ", err);
      }
      const Item t = Consume(Context::kValues);
      if (t.tok == Token::kEndOfString) return "";
      if (t.tok != Token::kComma) {
        return StrCat("found '", t.literal, "', expected: ',' or 'end of string'");
      }
      const Item& t2 = Lookahead(Context::kValues);
      if (t2.tok != Token::kIdentifier && t2.tok != Token::kDoesNotExist) {
        return StrCat("found '", t2.literal, "', expected: identifier after ','");
      }
    }
  }

 private:
  // In the values context, `in` and `notin` are plain identifiers.
  static Item InContext(Item item, Context context) {
    if (context == Context::kValues && (item.tok == Token::kIn || item.tok == Token::kNotIn)) {
      item.tok = Token::kIdentifier;
    }
    return item;
  }
  Item Lookahead(Context context) const {
    return InContext(items_[std::min(position_, items_.size() - 1)], context);
  }
  Item Consume(Context context) {
    Item item = Lookahead(context);
    ++position_;
    return item;
  }

  std::string ParseRequirement() {
    std::string key;
    Op op = Op::kEquals;
    bool has_op = false;
    // parseKeyAndInferOperator
    Item tok = Consume(Context::kValues);
    if (tok.tok == Token::kDoesNotExist) {
      op = Op::kDoesNotExist;
      has_op = true;
      tok = Consume(Context::kValues);
    }
    if (tok.tok != Token::kIdentifier) {
      return StrCat("found '", tok.literal, "', expected: identifier");
    }
    if (auto errs = LabelKeyErrors(tok.literal); !errs.empty()) {
      return FieldInvalid("<nil>", tok.literal, util::StrJoin(errs, "; "));
    }
    key = tok.literal;
    const Token after = Lookahead(Context::kValues).tok;
    if ((after == Token::kEndOfString || after == Token::kComma) && !has_op) {
      op = Op::kExists;
      has_op = true;
    }
    if (has_op) return "";  // exists or does-not-exist: no values

    // parseOperator
    const Item op_item = Consume(Context::kKeyAndOperator);
    switch (op_item.tok) {
      case Token::kIn:
        op = Op::kIn;
        break;
      case Token::kEquals:
        op = Op::kEquals;
        break;
      case Token::kDoubleEquals:
        op = Op::kDoubleEquals;
        break;
      case Token::kGreaterThan:
        op = Op::kGreaterThan;
        break;
      case Token::kLessThan:
        op = Op::kLessThan;
        break;
      case Token::kNotIn:
        op = Op::kNotIn;
        break;
      case Token::kNotEquals:
        op = Op::kNotEquals;
        break;
      default:
        return StrCat("found '", op_item.literal, "', expected: in, notin, =, ==, !=, gt, lt");
    }
    std::set<std::string> values;  // sets.String: unique, listed sorted
    std::string err =
        op == Op::kIn || op == Op::kNotIn ? ParseValues(&values) : ParseExactValue(&values);
    if (!err.empty()) return err;
    return RequirementErrors(key, op, values);
  }

  std::string ParseValues(std::set<std::string>* values) {
    const Item open = Consume(Context::kValues);
    if (open.tok != Token::kOpenPar) return StrCat("found '", open.literal, "' expected: '('");
    const Item next = Lookahead(Context::kValues);
    switch (next.tok) {
      case Token::kIdentifier:
      case Token::kComma: {
        if (std::string err = ParseIdentifiersList(values); !err.empty()) return err;
        if (Consume(Context::kValues).tok != Token::kClosedPar) {
          return StrCat("found '", next.literal, "', expected: ')'");
        }
        return "";
      }
      case Token::kClosedPar:
        Consume(Context::kValues);
        values->insert("");
        return "";
      default:
        return StrCat("found '", next.literal, "', expected: ',', ')' or identifier");
    }
  }

  std::string ParseIdentifiersList(std::set<std::string>* values) {
    for (;;) {
      const Item tok = Consume(Context::kValues);
      if (tok.tok == Token::kIdentifier) {
        values->insert(tok.literal);
        const Item next = Lookahead(Context::kValues);
        if (next.tok == Token::kComma) continue;
        if (next.tok == Token::kClosedPar) return "";
        return StrCat("found '", next.literal, "', expected: ',' or ')'");
      }
      if (tok.tok == Token::kComma) {
        if (values->empty()) values->insert("");  // "(,"
        const Token next = Lookahead(Context::kValues).tok;
        if (next == Token::kClosedPar) {
          values->insert("");  // ",)"
          return "";
        }
        if (next == Token::kComma) values->insert("");  // ",,"
        continue;
      }
      return StrCat("found '", tok.literal, "', expected: ',', or identifier");
    }
  }

  std::string ParseExactValue(std::set<std::string>* values) {
    const Token next = Lookahead(Context::kValues).tok;
    if (next == Token::kEndOfString || next == Token::kComma) {
      values->insert("");
      return "";
    }
    const Item tok = Consume(Context::kValues);
    if (tok.tok != Token::kIdentifier) {
      return StrCat("found '", tok.literal, "', expected: identifier");
    }
    values->insert(tok.literal);
    return "";
  }

  // NewRequirement's checks for a valid key: the values' form, as an aggregate error.
  static std::string RequirementErrors(const std::string& key, Op op,
                                       const std::set<std::string>& values) {
    std::vector<std::string> errs;
    size_t i = 0;
    if (op == Op::kGreaterThan || op == Op::kLessThan) {
      for (const std::string& v : values) {
        if (!IsInt64(v)) {
          errs.push_back(FieldInvalid(StrCat("values[", i, "]"), v,
                                      "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
        ++i;
      }
    }
    i = 0;
    for (const std::string& v : values) {
      if (auto value_errs = LabelValueErrors(v); !value_errs.empty()) {
        errs.push_back(
            FieldInvalid(StrCat("values[", i, "][", key, "]"), v, util::StrJoin(value_errs, "; ")));
      }
      ++i;
    }
    // utilerrors.Aggregate: distinct messages; one alone, several as "[a, b]".
    std::vector<std::string> distinct;
    for (std::string& e : errs) {
      if (std::find(distinct.begin(), distinct.end(), e) == distinct.end()) {
        distinct.push_back(std::move(e));
      }
    }
    if (distinct.empty()) return "";
    if (distinct.size() == 1) return distinct[0];
    return StrCat("[", util::StrJoin(distinct, ", "), "]");
  }

  std::vector<Item> items_;
  size_t position_ = 0;
};

// ---- fields.ParseSelector ----

// splitTerms: commas not escaped by a backslash separate terms.
std::vector<std::string_view> SplitFieldTerms(std::string_view selector) {
  std::vector<std::string_view> terms;
  if (selector.empty()) return terms;
  size_t start = 0;
  bool in_slash = false;
  for (size_t i = 0; i < selector.size(); ++i) {
    const char c = selector[i];
    if (in_slash) {
      in_slash = false;
    } else if (c == '\\') {
      in_slash = true;
    } else if (c == ',') {
      terms.push_back(selector.substr(start, i - start));
      start = i + 1;
    }
  }
  terms.push_back(selector.substr(start));
  return terms;
}

// The length of the valid UTF-8 sequence starting at s[i], or 0 when there is none.
size_t ValidRuneLength(std::string_view s, size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  if (lead < 0x80) return 1;
  const size_t len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (len == 0 || i + len > s.size() || !util::IsValidUtf8(s.substr(i, len))) return 0;
  return len;
}

// fields.UnescapeValue's errors.
std::string CheckFieldValue(std::string_view value) {
  bool in_slash = false;
  for (size_t i = 0; i < value.size(); i += std::max<size_t>(1, ValidRuneLength(value, i))) {
    const char c = value[i];
    if (in_slash) {
      if (c != '\\' && c != ',' && c != '=') {
        // Go decodes the escaped rune; a byte that starts no valid UTF-8 becomes U+FFFD.
        const size_t len = ValidRuneLength(value, i);
        return StrCat("invalid field selector: invalid escape sequence: \\",
                      len == 0 ? std::string_view("\xEF\xBF\xBD") : value.substr(i, len));
      }
      in_slash = false;
    } else if (c == '\\') {
      in_slash = true;
    } else if (c == ',' || c == '=') {
      // Go prints the rune with %v: its code point.
      return StrCat("invalid field selector: unescaped character in value: ", static_cast<int>(c));
    }
  }
  if (in_slash) return "invalid field selector: invalid escape sequence: \\";
  return "";
}

}  // namespace

absl::Status ValidateFieldSelector(std::string_view selector) {
  std::vector<std::string_view> parts = SplitFieldTerms(selector);
  std::sort(parts.begin(), parts.end());
  for (std::string_view part : parts) {
    if (part.empty()) continue;
    // The first "!=", "==" or "=" splits the term; the field itself is not checked.
    size_t op = std::string_view::npos;
    size_t op_len = 0;
    for (size_t i = 0; i < part.size() && op == std::string_view::npos; ++i) {
      for (std::string_view candidate : {"!=", "==", "="}) {
        if (part.substr(i, candidate.size()) == candidate) {
          op = i;
          op_len = candidate.size();
          break;
        }
      }
    }
    if (op == std::string_view::npos) {
      return absl::InvalidArgumentError(
          StrCat("invalid selector: '", selector, "'; can't understand '", part, "'"));
    }
    if (std::string err = CheckFieldValue(part.substr(op + op_len)); !err.empty()) {
      return absl::InvalidArgumentError(err);
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateLabelSelector(std::string_view selector) {
  if (std::string err = LabelParser(selector).Parse(); !err.empty()) {
    return absl::InvalidArgumentError(err);
  }
  return absl::OkStatus();
}

}  // namespace sextant::config
