#pragma once

// Number parsing as Prometheus's exposition parsers do it: Go's strconv.ParseFloat, minus the
// forms Go added in 1.13 (hex floats and `_` digit separators), which Prometheus rejects.

#include <string>
#include <string_view>

namespace sextant::scrape {

// Parses `s` as a float64 exactly as Prometheus does. Accepted: decimal numbers with optional
// sign, fraction and exponent ("1", "-.5", "5.", "+1E3"), correctly rounded; "NaN" (any case, no
// sign); "Inf"/"Infinity" (any case, optional sign). Underflow gives 0 without an error.
// On failure returns false and sets *error to Prometheus's message:
//   unsupported character in float                          (s contains p, P or _)
//   strconv.ParseFloat: parsing "abc": invalid syntax
//   strconv.ParseFloat: parsing "1e400": value out of range
// Does not allocate on success.
bool ParseGoFloat(std::string_view s, double* out, std::string* error);

}  // namespace sextant::scrape
