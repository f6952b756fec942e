#pragma once

// Validity of metric and label names, in Prometheus's legacy (pre-UTF-8) scheme, which is what
// the text exposition format and unquoted PromQL accept:
//   metric names  [a-zA-Z_:][a-zA-Z0-9_:]*
//   label names   [a-zA-Z_][a-zA-Z0-9_]*

#include <string_view>

namespace sextant::model {

bool IsValidMetricName(std::string_view name);
bool IsValidLabelName(std::string_view name);

}  // namespace sextant::model
