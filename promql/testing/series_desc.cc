#include "promql/testing/series_desc.h"

#include <cctype>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "model/sample.h"
#include "promql/literals.h"
#include "util/strings.h"

namespace sextant::promql::testing {
namespace {

absl::Status Invalid(std::string_view what) {
  return absl::InvalidArgumentError(util::ToAbsl(what));
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }
bool IsNameStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}
bool IsNameChar(char c) { return IsNameStart(c) || std::isdigit(static_cast<unsigned char>(c)); }

void SkipSpace(std::string_view s, size_t& pos) {
  while (pos < s.size() && IsSpace(s[pos])) ++pos;
}

// The length of the number at the start of `s`: an optional sign, then Inf/NaN (any case) or a
// decimal with optional fraction and exponent. 0 when there is none. No hex: as in Prometheus's
// series lexer, `0x3` is 0 repeated, not 3.
size_t NumberLength(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const std::string rest = util::AsciiLower(s.substr(i, 8));
  if (rest.starts_with("infinity")) return i + 8;
  if (rest.starts_with("inf") || rest.starts_with("nan")) return i + 3;
  const size_t digits_start = i;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  if (i == digits_start) return 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    const size_t exp_start = j;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    if (j > exp_start) i = j;
  }
  return i;
}

absl::StatusOr<double> ParseSigned(std::string_view text) {
  if (text.empty()) return Invalid("missing number");
  const bool negative = text[0] == '-';
  const std::string_view body = (text[0] == '-' || text[0] == '+') ? text.substr(1) : text;
  absl::StatusOr<double> v = ParseNumber(body);
  if (!v.ok()) return Invalid(util::StrCat("invalid number \"", text, "\""));
  return negative ? -*v : *v;
}

absl::StatusOr<uint64_t> ParseCount(std::string_view text, std::string_view token) {
  uint64_t n = 0;
  if (text.empty()) return Invalid(util::StrCat("missing repeat count in \"", token, "\""));
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c)) || n > 100'000'000) {
      return Invalid(util::StrCat("invalid repeat count in \"", token, "\""));
    }
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

absl::Status AppendItem(std::string_view token, std::vector<SequenceValue>& out) {
  if (token == "_") {
    out.push_back({.value = 0, .omitted = true});
    return absl::OkStatus();
  }
  if (token.starts_with("_x")) {
    absl::StatusOr<uint64_t> n = ParseCount(token.substr(2), token);
    if (!n.ok()) return n.status();
    for (uint64_t i = 0; i < *n; ++i) out.push_back({.value = 0, .omitted = true});
    return absl::OkStatus();
  }
  if (token == "stale") {
    out.push_back({.value = model::StaleNaN(), .omitted = false});
    return absl::OkStatus();
  }
  const size_t first_len = NumberLength(token);
  if (first_len == 0) return Invalid(util::StrCat("invalid value \"", token, "\""));
  absl::StatusOr<double> first = ParseSigned(token.substr(0, first_len));
  if (!first.ok()) return first.status();
  std::string_view rest = token.substr(first_len);
  if (rest.empty()) {
    out.push_back({.value = *first, .omitted = false});
    return absl::OkStatus();
  }
  double increment = 0;
  if (rest[0] == '+' || rest[0] == '-') {
    const bool negative = rest[0] == '-';
    rest.remove_prefix(1);
    const size_t len = NumberLength(rest);
    if (len == 0) return Invalid(util::StrCat("invalid increment in \"", token, "\""));
    absl::StatusOr<double> inc = ParseSigned(rest.substr(0, len));
    if (!inc.ok()) return inc.status();
    increment = negative ? -*inc : *inc;
    rest.remove_prefix(len);
    if (rest.empty() || rest[0] != 'x') {
      return Invalid(util::StrCat("expected x<count> after the increment in \"", token, "\""));
    }
  }
  if (rest[0] != 'x') return Invalid(util::StrCat("invalid value \"", token, "\""));
  absl::StatusOr<uint64_t> n = ParseCount(rest.substr(1), token);
  if (!n.ok()) return n.status();
  // Repeated addition, as Prometheus's series parser does, so rounding matches its values.
  double v = *first;
  for (uint64_t i = 0; i <= *n; ++i) {
    out.push_back({.value = v, .omitted = false});
    v += increment;
  }
  return absl::OkStatus();
}

// A quoted string at s[pos]; advances pos past it.
absl::StatusOr<std::string> ReadQuoted(std::string_view s, size_t& pos) {
  const char quote = s[pos];
  size_t i = pos + 1;
  while (i < s.size() && s[i] != quote) {
    if (s[i] == '\\' && quote != '`') ++i;
    ++i;
  }
  if (i >= s.size()) return Invalid("unterminated quoted string");
  absl::StatusOr<std::string> v = UnquoteString(s.substr(pos, i + 1 - pos));
  if (!v.ok()) return Invalid(util::StrCat("invalid quoted string ", s.substr(pos, i + 1 - pos)));
  pos = i + 1;
  return v;
}

absl::StatusOr<std::string> ReadNameOrQuoted(std::string_view s, size_t& pos) {
  if (pos < s.size() && (s[pos] == '"' || s[pos] == '\'' || s[pos] == '`'))
    return ReadQuoted(s, pos);
  const size_t start = pos;
  while (pos < s.size() && IsNameChar(s[pos])) ++pos;
  if (pos == start || !IsNameStart(s[start])) {
    return Invalid(util::StrCat("expected a label name at \"", s.substr(start), "\""));
  }
  return std::string(s.substr(start, pos - start));
}

// Reads `{...}` at s[pos] into pairs.
absl::Status ReadLabelBlock(std::string_view s, size_t& pos,
                            std::vector<std::pair<std::string, std::string>>& pairs) {
  ++pos;  // '{'
  while (true) {
    SkipSpace(s, pos);
    if (pos >= s.size()) return Invalid("unterminated label set");
    if (s[pos] == '}') {
      ++pos;
      return absl::OkStatus();
    }
    const bool quoted = s[pos] == '"' || s[pos] == '\'' || s[pos] == '`';
    absl::StatusOr<std::string> name = ReadNameOrQuoted(s, pos);
    if (!name.ok()) return name.status();
    SkipSpace(s, pos);
    if (quoted && pos < s.size() && (s[pos] == ',' || s[pos] == '}')) {
      pairs.emplace_back(std::string(model::kMetricNameLabel), *name);  // {"metric.name"}
    } else {
      if (pos >= s.size() || s[pos] != '=') {
        return Invalid(util::StrCat("expected '=' after label name \"", *name, "\""));
      }
      ++pos;
      SkipSpace(s, pos);
      if (pos >= s.size() || (s[pos] != '"' && s[pos] != '\'' && s[pos] != '`')) {
        return Invalid(util::StrCat("expected a quoted value for label \"", *name, "\""));
      }
      absl::StatusOr<std::string> value = ReadQuoted(s, pos);
      if (!value.ok()) return value.status();
      pairs.emplace_back(std::move(*name), std::move(*value));
    }
    SkipSpace(s, pos);
    if (pos < s.size() && s[pos] == ',') ++pos;
  }
}

}  // namespace

absl::StatusOr<std::vector<SequenceValue>> ParseValueSequence(std::string_view text) {
  std::vector<SequenceValue> out;
  size_t pos = 0;
  while (true) {
    SkipSpace(text, pos);
    if (pos >= text.size()) break;
    size_t end = pos;
    while (end < text.size() && !IsSpace(text[end])) ++end;
    if (absl::Status s = AppendItem(text.substr(pos, end - pos), out); !s.ok()) return s;
    pos = end;
  }
  return out;
}

absl::StatusOr<SeriesLine> ParseSeriesLine(std::string_view text) {
  SeriesLine series;
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t pos = 0;
  SkipSpace(text, pos);
  if (pos < text.size() && IsNameStart(text[pos])) {
    const size_t start = pos;
    while (pos < text.size() && IsNameChar(text[pos])) ++pos;
    pairs.emplace_back(std::string(model::kMetricNameLabel),
                       std::string(text.substr(start, pos - start)));
  }
  if (pos < text.size() && text[pos] == '{') {
    if (absl::Status s = ReadLabelBlock(text, pos, pairs); !s.ok()) return s;
  } else if (pairs.empty()) {
    return Invalid(util::StrCat("expected a metric name or '{' at \"", text, "\""));
  }
  if (pos < text.size() && !IsSpace(text[pos])) {
    return Invalid(util::StrCat("unexpected \"", text.substr(pos), "\" after the labels"));
  }
  series.labels = model::Labels::FromPairs(pairs);
  const std::string_view values = text.substr(pos);
  if (values.find("{{") != std::string_view::npos) {
    series.native_histogram = true;
    return series;
  }
  absl::StatusOr<std::vector<SequenceValue>> parsed = ParseValueSequence(values);
  if (!parsed.ok()) return parsed.status();
  series.values = std::move(*parsed);
  return series;
}

}  // namespace sextant::promql::testing
