#include "scrape/parser/text_lexer.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace sextant::scrape {
namespace {

enum CharClass : unsigned char {
  kLabelStart = 1,    // [a-zA-Z_]
  kMetricStart = 2,   // [a-zA-Z_:]
  kLabelChar = 4,     // [a-zA-Z_0-9]
  kMetricChar = 8,    // [a-zA-Z_:0-9]
  kValueChar = 16,    // [^{ \t\n\0]
  kQuotedPlain = 32,  // [^"\\\n\0]: needs no attention inside a quoted string
};

constexpr std::array<unsigned char, 256> MakeClasses() {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    unsigned char v = 0;
    if (alpha) v |= kLabelStart | kMetricStart | kLabelChar | kMetricChar;
    if (c == ':') v |= kMetricStart | kMetricChar;
    if (digit) v |= kLabelChar | kMetricChar;
    if (c != '{' && c != ' ' && c != '\t' && c != '\n' && c != 0) v |= kValueChar;
    if (c != '"' && c != '\\' && c != '\n' && c != 0) v |= kQuotedPlain;
    t[c] = v;
  }
  return t;
}
constexpr std::array<unsigned char, 256> kClasses = MakeClasses();

bool Is(char c, CharClass k) { return (kClasses[static_cast<unsigned char>(c)] & k) != 0; }
bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string_view TextTokenName(TextToken t) {
  static constexpr std::string_view kNames[] = {
      "INVALID", "EOF",    "LINEBREAK", "WHITESPACE", "HELP",      "TYPE",
      "COMMENT", "TEXT",   "MNAME",     "QSTRING",    "BOPEN",     "BCLOSE",
      "LNAME",   "LVALUE", "COMMA",     "EQUAL",      "TIMESTAMP", "VALUE"};
  return kNames[static_cast<int>(t)];
}

std::string TextLexer::Bytes(size_t from, size_t to) const {
  const size_t n = input_.size();
  std::string out(input_.substr(std::min(from, n), std::min(to, n) - std::min(from, n)));
  if (from <= n && to > n) out.push_back('\n');
  return out;
}

char TextLexer::Advance() {
  ++pos_;
  if (pos_ >= end_) return 0;
  if (SkipsNul()) pos_ = SkipNul(pos_);
  return At(pos_);
}

size_t TextLexer::SkipNul(size_t i) const {
  // Stops at the implied final newline at the latest.
  while (i < input_.size() && input_[i] == 0) ++i;
  return i;
}

TextToken TextLexer::Next() {
  TextToken t;
  while ((t = Lex()) == TextToken::kWhitespace) {
  }
  return t;
}

bool TextLexer::SkipSeries(std::string_view series) {
  // The lexer is deterministic and starts every line in state init, so the same bytes lex to
  // the same tokens; only where the text ends depends on the byte after it.
  if (series.empty() || pos_ > input_.size() || input_.size() - pos_ < series.size() ||
      std::memcmp(input_.data() + pos_, series.data(), series.size()) != 0) {
    return false;
  }
  size_t end = pos_ + series.size();
  if (series.back() != '}') {
    // A bare name: it must end here, and no label set may follow after blanks (in state value
    // NULs are not skipped).
    if (end < input_.size() && Is(input_[end], kMetricChar)) return false;
    size_t i = end;
    while (i < input_.size() && IsBlank(input_[i])) ++i;
    if (i < input_.size() && input_[i] == '{') return false;
  }
  for (const char *p = series.data(), *stop = p + series.size();;) {
    p = static_cast<const char*>(std::memchr(p, '\n', stop - p));
    if (p == nullptr) break;
    ++newlines_;
    ++p;
  }
  begin_ = end - 1;
  pos_ = end;
  state_ = State::kValue;
  return true;
}

TextToken TextLexer::Lex() {
  if (pos_ >= end_) return TextToken::kEof;
  const char c = At(pos_);
  begin_ = pos_;
  switch (state_) {
    case State::kInit:
      return LexInit(c);
    case State::kComment:
      return LexComment(c);
    case State::kMeta1:
      return LexMeta1(c);
    case State::kMeta2:
      return LexMeta2(c);
    case State::kLabels:
      return LexLabels(c);
    case State::kLValue:
      if (c == '"') {
        if (!Quoted()) return TextToken::kInvalid;
        state_ = State::kLabels;
        return TextToken::kLValue;
      }
      if (IsBlank(c)) return Whitespace();
      return TextToken::kInvalid;
    case State::kValue:
      if (IsBlank(c)) return Whitespace();
      if (c == '{') {
        ++pos_;
        state_ = State::kLabels;
        return TextToken::kBraceOpen;
      }
      if (!Is(c, kValueChar)) return TextToken::kInvalid;
      // No NUL skipping in this state, and the implied newline is not a value byte.
      ++pos_;
      while (pos_ < input_.size() && Is(input_[pos_], kValueChar)) ++pos_;
      state_ = State::kTimestamp;
      return TextToken::kValue;
    case State::kTimestamp:
      if (c == '\n') return Linebreak();
      if (IsBlank(c)) return Whitespace();
      if (!IsDigit(c)) return TextToken::kInvalid;
      ++pos_;
      while (pos_ < input_.size() && IsDigit(input_[pos_])) ++pos_;
      return TextToken::kTimestamp;
  }
  return TextToken::kInvalid;
}

TextToken TextLexer::Whitespace() {
  char c;
  do {
    c = Advance();
  } while (IsBlank(c));
  return TextToken::kWhitespace;
}

TextToken TextLexer::Linebreak() {
  if (pos_ < input_.size()) ++newlines_;
  ++pos_;  // neither state that lexes a newline skips NULs
  state_ = State::kInit;
  return TextToken::kLinebreak;
}

TextToken TextLexer::LexInit(char c) {
  if (Is(c, kMetricStart)) {
    ++pos_;
    while (pos_ < input_.size() && Is(input_[pos_], kMetricChar)) ++pos_;
    state_ = State::kValue;
    return TextToken::kMName;
  }
  switch (c) {
    case '\n':
      return Linebreak();
    case ' ':
    case '\t':
      return Whitespace();
    case '{':
      ++pos_;
      state_ = State::kLabels;
      return TextToken::kBraceOpen;
    case 0:
      ++pos_;
      return TextToken::kEof;
    case '#': {
      char next = Advance();
      if (!IsBlank(next)) return ConsumeComment(next);  // "#" and no blank: a comment
      do {
        next = Advance();
      } while (IsBlank(next));
      // The same token goes on in state comment: HELP, TYPE or a COMMENT all start at '#'.
      state_ = State::kComment;
      return LexComment(next);
    }
    default:
      return TextToken::kInvalid;
  }
}

TextToken TextLexer::LexComment(char c) {
  if (IsBlank(c)) return Whitespace();
  if (c != 'H' && c != 'T') return ConsumeComment(c);
  const char* rest = c == 'H' ? "ELP" : "YPE";
  for (; *rest != 0; ++rest) {
    c = Advance();
    if (c != *rest) return ConsumeComment(c);
  }
  c = Advance();
  if (!IsBlank(c)) return ConsumeComment(c);  // "# HELPX", "# HELP\n": comments
  do {
    c = Advance();
  } while (IsBlank(c));
  const bool help = *(rest - 1) == 'P';
  state_ = State::kMeta1;
  return help ? TextToken::kHelp : TextToken::kType;
}

TextToken TextLexer::ConsumeComment(char c) {
  // c is the byte at pos_, not consumed yet. In state comment, NULs are skipped from here on;
  // after "#" with no blank (state init) a NUL ends the input.
  if (c == 0) return TextToken::kEof;
  if (state_ == State::kComment) {
    const void* nl = std::memchr(input_.data() + pos_, '\n', input_.size() - pos_);
    pos_ = nl == nullptr ? input_.size() : static_cast<const char*>(nl) - input_.data();
  } else {
    while (pos_ < input_.size() && input_[pos_] != '\n') {
      if (input_[pos_] == 0) return TextToken::kEof;
      ++pos_;
    }
  }
  state_ = State::kInit;
  return TextToken::kComment;
}

TextToken TextLexer::LexMeta1(char c) {
  if (c == '"') {
    if (!Quoted()) return TextToken::kInvalid;
  } else if (Is(c, kMetricStart)) {
    ++pos_;
    while (pos_ < input_.size() && Is(input_[pos_], kMetricChar)) ++pos_;
  } else if (IsBlank(c)) {
    return Whitespace();
  } else {
    return TextToken::kInvalid;
  }
  state_ = State::kMeta2;
  return TextToken::kMName;
}

TextToken TextLexer::LexMeta2(char c) {
  // NULs are skipped after the first byte, so the text runs to the newline.
  if (IsBlank(c)) {
    do {
      c = Advance();
    } while (IsBlank(c));
    if (c == '\n' || c == 0) return TextToken::kWhitespace;  // then an empty TEXT
  }
  if (c != '\n' && c != 0) {
    const void* nl = std::memchr(input_.data() + pos_, '\n', input_.size() - pos_);
    pos_ = nl == nullptr ? input_.size() : static_cast<const char*>(nl) - input_.data();
  }
  state_ = State::kInit;
  return TextToken::kText;
}

TextToken TextLexer::LexLabels(char c) {
  if (Is(c, kLabelStart)) {
    ++pos_;
    while (pos_ < input_.size() && Is(input_[pos_], kLabelChar)) ++pos_;
    return TextToken::kLName;
  }
  switch (c) {
    case '"':
      return Quoted() ? TextToken::kQString : TextToken::kInvalid;
    case ',':
      ++pos_;
      return TextToken::kComma;
    case '=':
      ++pos_;
      state_ = State::kLValue;
      return TextToken::kEqual;
    case '}':
      ++pos_;
      state_ = State::kValue;
      return TextToken::kBraceClose;
    case ' ':
    case '\t':
      return Whitespace();
    default:
      return TextToken::kInvalid;
  }
}

bool TextLexer::Quoted() {
  const bool skip = SkipsNul();
  const size_t n = input_.size();
  unsigned char seen = 0;  // OR of the bytes, for the non-ASCII flag
  size_t i = pos_ + 1;
  for (;;) {
    if (i < n && Is(input_[i], kQuotedPlain)) {
      seen |= static_cast<unsigned char>(input_[i]);
      ++i;
      continue;
    }
    if (i >= end_) break;  // past the implied newline: unterminated
    const char c = At(i);
    if (c == 0) {
      if (!skip) break;  // a NUL where it is not skipped
      i = SkipNul(i);
      continue;
    }
    if (c == '"') {
      ++i;
      // Go's lexer steps past the closing quote with next(), which skips NULs in state lvalue.
      if (skip) i = SkipNul(i);
      pos_ = i;
      quoted_non_ascii_ = (seen & 0x80) != 0;
      return true;
    }
    if (c == '\\') {
      ++i;
      if (skip) i = SkipNul(i);
      const char escaped = i < end_ ? At(i) : 0;
      if (escaped == '\n' || escaped == 0) break;
      seen |= static_cast<unsigned char>(escaped);
      ++i;
      continue;
    }
    // A raw newline: allowed inside quotes (the implied final one is followed by the end).
    if (i < n) ++newlines_;
    ++i;
  }
  pos_ = std::min(i, end_);
  return false;
}

}  // namespace sextant::scrape
