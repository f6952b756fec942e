#pragma once

// Regular expressions as Prometheus uses them in label matchers and relabelling: RE2 syntax (the
// same dialect as Go's regexp), fully anchored, with `.` matching newlines (Prometheus 3.x).

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "re2/re2.h"

namespace sextant::model {

// RE2 of this vintage takes its own re2::StringPiece rather than std::string_view.
inline re2::StringPiece ToRe2(std::string_view s) { return {s.data(), s.size()}; }

// Go's regexp/syntax wording of a failed compilation of `pattern` by `re` (precondition:
// !re.ok()), e.g. "error parsing regexp: missing closing ): `(`". Go quotes the whole expression
// for unbalanced parentheses and the offending part otherwise.
std::string GoRegexpError(const RE2& re, std::string_view pattern);

// Compiles `pattern` for anchored matching (use RE2::FullMatch). Errors are InvalidArgument with
// Go's wording, e.g. "error parsing regexp: missing closing ): `(`".
absl::StatusOr<std::shared_ptr<const RE2>> CompileAnchoredRegex(std::string_view pattern);

}  // namespace sextant::model
