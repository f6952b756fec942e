#include "cmd/sextant-tool/selector.h"

#include <cstdio>
#include <string>

#include "model/labels.h"
#include "util/go_format.h"
#include "util/status_macros.h"
#include "util/strings.h"
#include "util/utf8.h"

namespace sextant::tool {
namespace {

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }
bool IsMetricStart(char c) { return IsIdentStart(c) || c == ':'; }
bool IsMetricChar(char c) { return IsIdentChar(c) || c == ':'; }
bool IsQuote(char c) { return c == '"' || c == '\'' || c == '`'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Go's %q of a single character: 'x'.
std::string QuoteChar(char c) {
  std::string q = util::QuoteGo(std::string_view(&c, 1));
  return "'" + q.substr(1, q.size() - 2) + "'";
}

class SelectorParser {
 public:
  explicit SelectorParser(std::string_view in) : in_(in) {}

  absl::StatusOr<std::vector<model::Matcher>> Parse() {
    SkipSpace();
    if (AtEnd()) return Error(pos_, "unexpected end of input");
    if (IsMetricStart(in_[pos_])) {
      const size_t begin = pos_;
      while (!AtEnd() && IsMetricChar(in_[pos_])) ++pos_;
      auto m = model::Matcher::Create(model::MatchType::kEqual, model::kMetricNameLabel,
                                      in_.substr(begin, pos_ - begin));
      if (!m.ok()) return Error(begin, util::FromAbsl(m.status().message()));
      matchers_.push_back(*std::move(m));
      SkipSpace();
      if (!AtEnd() && in_[pos_] == '{') RETURN_IF_ERROR(ParseBraces());
    } else if (in_[pos_] == '{') {
      RETURN_IF_ERROR(ParseBraces());
    } else {
      return Unexpected("");
    }
    SkipSpace();
    if (!AtEnd()) return Unexpected("");
    return std::move(matchers_);
  }

 private:
  bool AtEnd() const { return pos_ >= in_.size(); }
  void SkipSpace() {
    while (!AtEnd() &&
           (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == '\n' || in_[pos_] == '\r')) {
      ++pos_;
    }
  }

  absl::Status Error(size_t pos, std::string_view message) const {
    return absl::InvalidArgumentError(
        util::ToAbsl(util::StrCat("1:", pos + 1, ": parse error: ", message)));
  }

  // An error naming the token at pos_, PromQL-style, with `context` (e.g. " in label matching,
  // expected string") appended.
  absl::Status Unexpected(std::string_view context) const {
    if (AtEnd()) {
      return Error(in_.size(), context.empty() ? "unexpected end of input"
                                               : "unexpected end of input inside braces");
    }
    const char c = in_[pos_];
    if (IsMetricStart(c)) {
      size_t end = pos_;
      while (end < in_.size() && IsMetricChar(in_[end])) ++end;
      return Error(pos_, util::StrCat("unexpected identifier ",
                                      util::QuoteGo(in_.substr(pos_, end - pos_)), context));
    }
    if (IsQuote(c)) {
      size_t end = in_.find(c, pos_ + 1);
      end = end == std::string_view::npos ? in_.size() : end + 1;
      return Error(pos_, util::StrCat("unexpected string ",
                                      util::QuoteGo(in_.substr(pos_, end - pos_)), context));
    }
    if (c == '}' || c == ',' || c == '[' || c == '(' || c == '=') {
      return Error(pos_, util::StrCat("unexpected \"", std::string(1, c), "\"", context));
    }
    if (!context.empty()) {
      return Error(pos_, util::StrCat("unexpected character inside braces: ", QuoteChar(c)));
    }
    return Error(pos_, util::StrCat("unexpected character: ", QuoteChar(c)));
  }

  absl::Status ParseBraces() {
    ++pos_;  // '{'
    while (true) {
      SkipSpace();
      if (AtEnd()) return Unexpected(" in label matching");
      if (in_[pos_] == '}') {
        ++pos_;
        return absl::OkStatus();
      }
      if (!IsIdentStart(in_[pos_])) {
        return Unexpected(" in label matching, expected identifier or \"}\"");
      }
      const size_t name_begin = pos_;
      while (!AtEnd() && IsIdentChar(in_[pos_])) ++pos_;
      const std::string_view name = in_.substr(name_begin, pos_ - name_begin);
      SkipSpace();
      model::MatchType type;
      const std::string_view rest = in_.substr(pos_);
      if (rest.starts_with("=~")) {
        type = model::MatchType::kRegexMatch;
        pos_ += 2;
      } else if (rest.starts_with("!~")) {
        type = model::MatchType::kRegexNoMatch;
        pos_ += 2;
      } else if (rest.starts_with("!=")) {
        type = model::MatchType::kNotEqual;
        pos_ += 2;
      } else if (rest.starts_with("=")) {
        type = model::MatchType::kEqual;
        pos_ += 1;
      } else {
        return Unexpected(" in label matching, expected label matching operator");
      }
      SkipSpace();
      if (AtEnd() || !IsQuote(in_[pos_])) {
        return Unexpected(" in label matching, expected string");
      }
      std::string value;
      RETURN_IF_ERROR(ParseString(&value));
      auto m = model::Matcher::Create(type, name, value);
      if (!m.ok()) return Error(name_begin, util::FromAbsl(m.status().message()));
      matchers_.push_back(*std::move(m));
      SkipSpace();
      if (AtEnd()) return Unexpected(" in label matching");
      if (in_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (in_[pos_] != '}') return Unexpected(" in label matching, expected \",\" or \"}\"");
    }
  }

  // A PromQL string literal at pos_: "..." or '...' with Go escapes, or `...` taken raw.
  absl::Status ParseString(std::string* out) {
    const size_t begin = pos_;
    const char quote = in_[pos_++];
    if (quote == '`') {
      const size_t end = in_.find('`', pos_);
      if (end == std::string_view::npos) return Error(begin, "unterminated raw string");
      out->assign(in_.substr(pos_, end - pos_));
      pos_ = end + 1;
      return absl::OkStatus();
    }
    while (true) {
      if (AtEnd() || in_[pos_] == '\n') return Error(begin, "unterminated quoted string");
      const char c = in_[pos_++];
      if (c == quote) return absl::OkStatus();
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (AtEnd()) return Error(begin, "unterminated quoted string");
      const char e = in_[pos_++];
      switch (e) {
        case 'a':
          out->push_back('\a');
          continue;
        case 'b':
          out->push_back('\b');
          continue;
        case 'f':
          out->push_back('\f');
          continue;
        case 'n':
          out->push_back('\n');
          continue;
        case 'r':
          out->push_back('\r');
          continue;
        case 't':
          out->push_back('\t');
          continue;
        case 'v':
          out->push_back('\v');
          continue;
        case '\\':
        case '\'':
        case '"':
          out->push_back(e);
          continue;
        default:
          break;
      }
      int digits = 0, base = 16;
      if (e >= '0' && e <= '7') {
        digits = 3;
        base = 8;
        --pos_;
      } else if (e == 'x') {
        digits = 2;
      } else if (e == 'u') {
        digits = 4;
      } else if (e == 'U') {
        digits = 8;
      } else {
        char buf[64];
        std::snprintf(buf, sizeof(buf), "unknown escape sequence U+%04X ",
                      static_cast<unsigned char>(e));
        return Error(begin, util::StrCat(buf, QuoteChar(e)));
      }
      uint32_t v = 0;
      for (int i = 0; i < digits; ++i) {
        const int d = AtEnd() ? -1 : HexValue(in_[pos_]);
        if (d < 0 || d >= base) return Error(begin, "illegal character in escape sequence");
        v = v * static_cast<uint32_t>(base) + static_cast<uint32_t>(d);
        ++pos_;
      }
      if (base == 8 || e == 'x') {
        if (v > 255) return Error(begin, "escape sequence is invalid Unicode code point");
        out->push_back(static_cast<char>(v));
      } else {
        if (v > 0x10FFFF || (v >= 0xD800 && v < 0xE000)) {
          return Error(begin, "escape sequence is invalid Unicode code point");
        }
        util::AppendUtf8(out, v);
      }
    }
  }

  std::string_view in_;
  size_t pos_ = 0;
  std::vector<model::Matcher> matchers_;
};

}  // namespace

absl::StatusOr<std::vector<model::Matcher>> ParseSeriesSelector(std::string_view text) {
  return SelectorParser(text).Parse();
}

}  // namespace sextant::tool
