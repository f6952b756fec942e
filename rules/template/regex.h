#pragma once

// Go's regexp as Prometheus's `match` and `reReplaceAll` use it, on RE2 (the same dialect and
// leftmost-first semantics), with Go's error texts.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace sextant::rules::tmpl {

// regexp.MatchString(pattern, text): an unanchored search. Errors: InvalidArgument
// "error parsing regexp: missing closing ): `(`".
absl::StatusOr<bool> RegexMatch(std::string_view pattern, std::string_view text);

// regexp.MustCompile(pattern).ReplaceAllString(text, repl), with Go's $1 ${1} $name ${name} $$
// expansion and its rules for empty matches. A bad pattern fails as MustCompile's panic reads:
// "regexp: Compile(`(`): error parsing regexp: missing closing ): `(`".
absl::StatusOr<std::string> RegexReplaceAll(std::string_view pattern, std::string_view repl,
                                            std::string_view text);

}  // namespace sextant::rules::tmpl
