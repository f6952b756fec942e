#include "model/matcher.h"

#include <algorithm>

#include "model/regex.h"
#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::model {
namespace {

bool IsRegexMeta(char c) {
  return std::string_view(".+*?()|[]{}^$\\").find(c) != std::string_view::npos;
}

bool IsLiteral(std::string_view s) { return std::none_of(s.begin(), s.end(), IsRegexMeta); }

// `a|b|c` made only of literals, as a sorted, de-duplicated list.
std::optional<std::vector<std::string>> LiteralAlternation(std::string_view pattern) {
  std::vector<std::string> values;
  for (std::string_view part : util::StrSplit(pattern, '|')) {
    if (!IsLiteral(part)) return std::nullopt;
    values.emplace_back(part);
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

}  // namespace

std::string_view MatchTypeString(MatchType type) {
  switch (type) {
    case MatchType::kEqual:
      return "=";
    case MatchType::kNotEqual:
      return "!=";
    case MatchType::kRegexMatch:
      return "=~";
    case MatchType::kRegexNoMatch:
      return "!~";
  }
  return "?";
}

absl::StatusOr<Matcher> Matcher::Create(MatchType type, std::string_view name,
                                        std::string_view value) {
  Matcher m(type, name, value);
  if (type == MatchType::kEqual || type == MatchType::kNotEqual) {
    m.set_values_ = std::vector<std::string>{std::string(value)};
  } else {
    m.set_values_ = LiteralAlternation(value);
    if (!m.set_values_) {
      auto re = CompileAnchoredRegex(value);
      if (!re.ok()) return re.status();
      m.re_ = *std::move(re);
      if (value.size() >= 2 && value.substr(value.size() - 2) == ".*" &&
          IsLiteral(value.substr(0, value.size() - 2))) {
        m.prefix_ = value.substr(0, value.size() - 2);
        m.prefix_only_ = true;
      }
    }
  }
  m.matches_empty_ = m.Matches("");
  return m;
}

bool Matcher::MatchesPositive(std::string_view v) const {
  if (set_values_) {
    return std::binary_search(set_values_->begin(), set_values_->end(), v);
  }
  if (prefix_only_) return v.substr(0, prefix_.size()) == prefix_;
  return RE2::FullMatch(ToRe2(v), *re_);
}

bool Matcher::Matches(std::string_view v) const {
  switch (type_) {
    case MatchType::kEqual:
      return v == value_;
    case MatchType::kNotEqual:
      return v != value_;
    case MatchType::kRegexMatch:
      return MatchesPositive(v);
    case MatchType::kRegexNoMatch:
      return !MatchesPositive(v);
  }
  return false;
}

std::string Matcher::ToString() const {
  return util::StrCat(name_, MatchTypeString(type_), util::QuoteGo(value_));
}

}  // namespace sextant::model
