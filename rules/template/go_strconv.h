#pragma once

// The pieces of Go's strconv the template engine needs, with Go's syntax and error texts:
// unquoting string and character literals, and parsing floats (integers: util/go_parse_int.h).

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace sextant::rules::tmpl {

// strconv.Unquote for "..." (Go escapes), `...` (raw, carriage returns dropped) and '.'.
// Error: InvalidArgument "invalid syntax".
absl::StatusOr<std::string> GoUnquote(std::string_view quoted);

// A Go character constant such as 'a' or '\n' as its rune. Errors: "invalid syntax",
// "malformed character constant: 'ab'".
absl::StatusOr<int32_t> GoUnquoteCharConstant(std::string_view quoted);

// strconv.ParseFloat(s, 64): decimal and hex floats, "inf"/"infinity"/"nan" in any case, '_'
// separators as Go allows them. Errors as Go prints them:
//   strconv.ParseFloat: parsing "a": invalid syntax
//   strconv.ParseFloat: parsing "1e999": value out of range
absl::StatusOr<double> GoParseFloat(std::string_view s);

// Appends rune r as UTF-8 (invalid runes as U+FFFD).
void AppendUtf8(int32_t r, std::string* out);

}  // namespace sextant::rules::tmpl
