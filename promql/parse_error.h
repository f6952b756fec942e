#pragma once

// Prometheus's parse-error text (promql/parser/parse.go, ParseErr.Error()):
// "<line>:<col>: parse error: <message>", line and column 1-based, the column counted in bytes
// from the last newline before the position.

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace sextant::promql {

// "line:col" for byte offset `pos` of `query`; "invalid position" when it is out of range.
std::string PositionString(std::string_view query, int pos);

// InvalidArgument "<line>:<col>: parse error: <message>".
absl::Status ParseError(std::string_view query, int pos, std::string_view message);

}  // namespace sextant::promql
