#pragma once

// A label matcher: `name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"`.
//
// Regexes are RE2, fully anchored, `.` matching newlines (Prometheus 3.x). Common regex shapes
// take fast paths that never run the regex engine: a literal alternation (`a|b|c`, exposed as
// set_values() so indexes can look the values up directly) and a literal prefix (`foo.*`).
//
// A Matcher is immutable and cheap to copy (the compiled regex is shared); safe to use from many
// threads at once.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "re2/re2.h"

namespace sextant::model {

enum class MatchType { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };

// "=", "!=", "=~", "!~".
std::string_view MatchTypeString(MatchType type);

class Matcher {
 public:
  // Errors: InvalidArgument when a regex does not compile (Go's message).
  static absl::StatusOr<Matcher> Create(MatchType type, std::string_view name,
                                        std::string_view value);

  MatchType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }

  // Whether a label value satisfies the matcher. A missing label matches as "".
  bool Matches(std::string_view v) const;
  // True when the empty string matches, i.e. the matcher also selects series without the label.
  bool MatchesEmpty() const { return matches_empty_; }

  // For =~ and !~ whose regex is a plain alternation of literals, the literals; else nullopt.
  // For = it is {value}.
  const std::optional<std::vector<std::string>>& set_values() const { return set_values_; }
  // For regexes of the form `literal.*`, the literal; else empty.
  std::string_view literal_prefix() const { return prefix_; }

  // Prometheus's rendering: name="value" with the value quoted as Go does.
  std::string ToString() const;
  bool operator==(const Matcher& o) const {
    return type_ == o.type_ && name_ == o.name_ && value_ == o.value_;
  }

 private:
  Matcher(MatchType type, std::string_view name, std::string_view value)
      : type_(type), name_(name), value_(value) {}
  bool MatchesPositive(std::string_view v) const;

  MatchType type_;
  std::string name_;
  std::string value_;
  std::shared_ptr<const RE2> re_;
  std::optional<std::vector<std::string>> set_values_;
  std::string prefix_;
  bool prefix_only_ = false;  // the regex is exactly `prefix_.*`
  bool matches_empty_ = false;
};

}  // namespace sextant::model
