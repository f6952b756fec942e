#include "scrape/parser/openmetrics_lexer.h"

#include <algorithm>
#include <iterator>

namespace sextant::scrape {
namespace {

bool IsLabelNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsMetricNameStart(char c) { return IsLabelNameStart(c) || c == ':'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

constexpr std::string_view kCommentWords[] = {"HELP ", "TYPE ", "UNIT ", "EOF"};

}  // namespace

std::string_view OmTokenName(OmToken t) {
  static constexpr std::string_view kNames[] = {
      "INVALID", "EOF",    "LINEBREAK", "HELP",  "TYPE",      "UNIT",
      "EOFWORD", "TEXT",   "COMMENT",   "MNAME", "BOPEN",     "BCLOSE",
      "LNAME",   "LVALUE", "COMMA",     "EQUAL", "TIMESTAMP", "VALUE"};
  return kNames[static_cast<int>(t)];
}

bool OpenMetricsLexer::Name(bool metric) {
  const size_t start = pos_;
  if (pos_ < input_.size() &&
      (metric ? IsMetricNameStart(input_[pos_]) : IsLabelNameStart(input_[pos_]))) {
    ++pos_;
    while (pos_ < input_.size() &&
           (IsDigit(input_[pos_]) ||
            (metric ? IsMetricNameStart(input_[pos_]) : IsLabelNameStart(input_[pos_])))) {
      ++pos_;
    }
  }
  return pos_ > start;
}

bool OpenMetricsLexer::SpaceWord() {
  if (pos_ >= input_.size() || input_[pos_] != ' ') return false;
  size_t i = pos_ + 1;
  while (i < input_.size() && input_[i] != ' ' && input_[i] != '\n') ++i;
  const bool ok = i > pos_ + 1;
  pos_ = ok ? i : pos_ + 1;  // without a word, the lexer fails on the byte after the space
  return ok;
}

bool OpenMetricsLexer::Quoted() {
  if (pos_ >= input_.size() || input_[pos_] != '"') return false;
  size_t i = pos_ + 1;
  while (i < input_.size()) {
    const char c = input_[i];
    if (c == '"') {
      pos_ = i + 1;
      return true;
    }
    if (c == '\n') break;
    if (c == '\\') {
      if (i + 1 >= input_.size() || input_[i + 1] == '\n') {
        ++i;
        break;
      }
      i += 2;
      continue;
    }
    ++i;
  }
  pos_ = i;
  return false;
}

OmToken OpenMetricsLexer::Linebreak() {
  ++pos_;
  ++newlines_;
  state_ = State::kInit;
  return OmToken::kLinebreak;
}

OmToken OpenMetricsLexer::Next() {
  begin_ = pos_;
  if (pos_ >= input_.size()) return OmToken::kEof;
  const char c = input_[pos_];
  switch (state_) {
    case State::kInit:
      return LexInit();
    case State::kComment:
      return LexComment();
    case State::kMeta1:
      if (!Name(/*metric=*/true)) return OmToken::kInvalid;
      state_ = State::kMeta2;
      return OmToken::kMName;
    case State::kMeta2:
      return LexMeta2();
    case State::kValue:
      if (c == '{') {
        ++pos_;
        state_ = State::kLabels;
        return OmToken::kBraceOpen;
      }
      if (!SpaceWord()) return OmToken::kInvalid;
      state_ = State::kTimestamp;
      return OmToken::kValue;
    case State::kLabels:
    case State::kExemplar:
      return LexLabelsOrExemplar();
    case State::kLValue:
      if (!Quoted()) return OmToken::kInvalid;
      state_ = State::kLabels;
      return OmToken::kLValue;
    case State::kTimestamp:
      return LexTimestamp();
    case State::kEValue:
      if (c == '"') {
        if (!Quoted()) return OmToken::kInvalid;
        state_ = State::kExemplar;
        return OmToken::kLValue;
      }
      if (!SpaceWord()) return OmToken::kInvalid;
      state_ = State::kETimestamp;
      return OmToken::kValue;
    case State::kETimestamp:
      if (c == '\n') return Linebreak();
      return SpaceWord() ? OmToken::kTimestamp : OmToken::kInvalid;
  }
  return OmToken::kInvalid;
}

OmToken OpenMetricsLexer::LexInit() {
  if (input_[pos_] == '#') {
    if (pos_ + 1 < input_.size() && input_[pos_ + 1] == ' ') {
      pos_ += 2;
      state_ = State::kComment;
      const size_t comment_begin = begin_;
      const OmToken t = Next();
      begin_ = comment_begin;  // the token's text starts at '#', as in Prometheus's lexer
      return t;
    }
    ++pos_;  // "#" not followed by a space: the lexer fails on the byte after it
    return OmToken::kInvalid;
  }
  if (!Name(/*metric=*/true)) return OmToken::kInvalid;
  state_ = State::kValue;
  return OmToken::kMName;
}

OmToken OpenMetricsLexer::LexComment() {
  const std::string_view rest = input_.substr(pos_);
  for (size_t w = 0; w < std::size(kCommentWords); ++w) {
    if (!rest.starts_with(kCommentWords[w])) continue;
    pos_ += kCommentWords[w].size();
    if (w < 3) {
      state_ = State::kMeta1;
      return w == 0 ? OmToken::kHelp : (w == 1 ? OmToken::kType : OmToken::kUnit);
    }
    if (pos_ < input_.size() && input_[pos_] == '\n') {
      ++pos_;
      ++newlines_;
    }
    state_ = State::kInit;
    return OmToken::kEofWord;
  }
  // No word matched: the lexer fails where the longest partial match ends.
  size_t longest = 0;
  for (std::string_view word : kCommentWords) {
    size_t k = 0;
    while (k < word.size() && k < rest.size() && rest[k] == word[k]) ++k;
    longest = std::max(longest, k);
  }
  pos_ += longest;
  return OmToken::kInvalid;
}

OmToken OpenMetricsLexer::LexMeta2() {
  if (input_[pos_] != ' ') return OmToken::kInvalid;
  const size_t nl = input_.find('\n', pos_);
  if (nl == std::string_view::npos) {
    pos_ = input_.size();
    return OmToken::kInvalid;
  }
  pos_ = nl + 1;
  ++newlines_;
  state_ = State::kInit;
  return OmToken::kText;
}

OmToken OpenMetricsLexer::LexLabelsOrExemplar() {
  if (Name(/*metric=*/false)) return OmToken::kLName;
  const bool labels = state_ == State::kLabels;
  switch (input_[pos_]) {
    case '}':
      ++pos_;
      state_ = labels ? State::kValue : State::kEValue;
      return OmToken::kBraceClose;
    case '=':
      ++pos_;
      state_ = labels ? State::kLValue : State::kEValue;
      return OmToken::kEqual;
    case ',':
      ++pos_;
      return OmToken::kComma;
    default:
      return OmToken::kInvalid;
  }
}

OmToken OpenMetricsLexer::LexTimestamp() {
  if (input_[pos_] == '\n') return Linebreak();
  if (input_.substr(pos_).starts_with(" # {")) {
    pos_ += 4;
    state_ = State::kExemplar;
    return OmToken::kComment;
  }
  if (!SpaceWord()) return OmToken::kInvalid;
  // " # " not followed by '{' is a failed exemplar start, not the timestamp "#".
  if (pos_ - begin_ == 2 && input_[begin_ + 1] == '#' && pos_ < input_.size() &&
      input_[pos_] == ' ') {
    return OmToken::kInvalid;
  }
  return OmToken::kTimestamp;
}

}  // namespace sextant::scrape
