#pragma once

// Conversion of PromQL literal tokens to values, with Prometheus's rules and error texts (the
// messages carry no position; the caller adds it).

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace sextant::promql {

// A number token as Prometheus's parser.number(): Go's strconv.ParseInt(text, 0, 64) first
// (so `0x1f`, `0o17`, `017` octal, `1_000`), else strconv.ParseFloat (`1.5e3`, `Inf`, `NaN`).
// Errors: InvalidArgument `error parsing number: strconv.ParseFloat: parsing "1e999": value out
// of range` (Go's text).
absl::StatusOr<double> ParseNumber(std::string_view text);

// A quoted string token (`"..."`, `'...'` or a raw backtick string) unquoted with Go's
// strconv.Unquote rules. Errors: InvalidArgument `invalid syntax` for a malformed literal.
absl::StatusOr<std::string> UnquoteString(std::string_view text);

// The first Go-lexer problem in the quoted string starting at `text[0]` (a quote character),
// as Prometheus's lexer words it: "unterminated quoted string", "unterminated raw string",
// "unknown escape sequence U+0071 'q'", "illegal character U+0000 in escape sequence"...; empty
// when the string is well formed.
std::string StringLexError(std::string_view text);

// Seconds (a number token used as a duration, 3.x) or a duration token (`1h30m`) in
// milliseconds. Errors: InvalidArgument with Prometheus's text (`not a valid duration string:
// "1m1h"`, `duration out of range`).
absl::StatusOr<int64_t> DurationTokenMs(std::string_view text, bool is_duration_token);

}  // namespace sextant::promql
