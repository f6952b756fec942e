#pragma once

// A tiny parser for PromQL series selectors, enough for `tsdb dump --match` until the PromQL
// parser exists:
//
//   metric    metric{job="node"}    {__name__=~"up|down", instance!~'.*:9100'}    {a=`raw`,}
//
// Strings take PromQL's three quotes and Go's escapes (\n, \", \x41, \u00e9, ...). Errors are
// InvalidArgument with PromQL's position and wording, e.g.
// `1:5: parse error: unexpected end of input inside braces`.

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "model/matcher.h"

namespace sextant::tool {

// The selector's matchers; a metric name outside the braces becomes __name__="<name>" (first).
// An empty selector `{}` gives no matchers (it selects nothing, as promtool 2.42's dump).
absl::StatusOr<std::vector<model::Matcher>> ParseSeriesSelector(std::string_view text);

}  // namespace sextant::tool
