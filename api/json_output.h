#pragma once

// Appending Prometheus's API JSON to a string: no DOM, so large results are written straight
// into the response buffer.
//
// Formats as Prometheus's jsonutil: timestamps as JSON numbers of seconds with the milliseconds
// as three decimals ("1700000000.5" is written 1700000000.500, a whole second without any);
// sample values as JSON strings formatted like Go's strconv.FormatFloat(v, 'f', -1, 64), in
// exponent form ('e') below 1e-6 or from 1e21 in magnitude, "NaN", "+Inf", "-Inf".
//
// Thread-safety: the functions are pure.

#include <cstdint>
#include <string>
#include <string_view>

#include "model/labels.h"

namespace sextant::api {

// A JSON string literal.
void AppendJsonString(std::string* out, std::string_view s);
// A JSON string literal as Go's encoding/json writes one (and the jsoniter configuration
// Prometheus's API encodes with): also `<`, `>`, `&` as \u003c, \u003e, \u0026 and U+2028,
// U+2029 as \u2028, \u2029. For answers compared byte for byte with Prometheus's.
void AppendGoJsonString(std::string* out, std::string_view s);
// Milliseconds as seconds: 1500 -> 1.500, -1 -> -0.001, 3000 -> 3.
void AppendTimestamp(std::string* out, int64_t ms);
// A sample value as a quoted string: "1", "0.5", "1e-07", "+Inf", "NaN".
void AppendSampleValue(std::string* out, double v);
// A float64 as a JSON number, as Go's encoding/json (and jsoniter, which Prometheus's API uses)
// write one: shortest 'f' form, 'e' form below 1e-6 or from 1e21 in magnitude with a one-digit
// negative exponent unpadded: 3600, 0.000012, 1e-7, 1e+21. Non-finite values (Go fails on
// them) are written null.
void AppendJsonNumber(std::string* out, double v);
// {"name":"value",...} in label order.
void AppendLabelsObject(std::string* out, const model::Labels& labels);
// [t,"v"]
void AppendPoint(std::string* out, int64_t ms, double v);

}  // namespace sextant::api
