#pragma once

// What `sextant-tool test rules` prints when a rule unit test fails, byte for byte as promtool
// 2.42 prints it (cmd/promtool/unittest.go): the expected and actual alerts of an alert test and
// the expected and actual samples of a PromQL expression test.
//
//       name: <test group>,                       (only when the group has a name)
//       alertname: HighErrors, time: 5m,
//           exp:[
//               0:
//                 Labels:{alertname="HighErrors", instance="a"}
//                 Annotations:{summary="..."}
//               ],
//           got:[]
//
//       expr: "rate(x[1m])", time: 2m,
//           exp: {__name__="x"} 3E+00, {__name__="y"} 1.5E-01
//           got: nil
//
// Thread-safety: the functions are pure.

#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "model/labels.h"

namespace sextant::tool {

// One alert as an alert test compares it.
struct AlertLabelsAndAnnotations {
  model::Labels labels;  // including alertname
  model::Labels annotations;
  bool operator==(const AlertLabelsAndAnnotations&) const = default;
};

// One sample as a PromQL expression test compares it.
struct ExprSample {
  model::Labels labels;
  double value = 0;
};

// Go's strconv.FormatFloat(v, 'E', -1, 64): "3E+00", "1.5E-07", "-0E+00", "+Inf", "NaN".
std::string FormatFloatE(double v);

// promtool's indentLines: `indent` before every line but the first.
std::string IndentLines(std::string_view lines, std::string_view indent);

// Sorts by labels, then annotations (Prometheus's labels.Compare).
void SortAlerts(std::vector<AlertLabelsAndAnnotations>& alerts);

// promtool's labelsAndAnnotations.String(): "[]", or "[\n0:\n  Labels:{...}\n  Annotations:{...}
// ,\n1:...\n]".
std::string AlertListString(const std::vector<AlertLabelsAndAnnotations>& alerts);

// promtool's parsedSamplesString: "nil", or the samples as `{labels} value` joined by ", ".
std::string SampleListString(const std::vector<ExprSample>& samples);

// The failure of an alert test at `eval_time` (promtool's error text, without a final newline).
// `group_name` may be empty.
std::string AlertTestFailure(std::string_view group_name, std::string_view alertname,
                             absl::Duration eval_time,
                             const std::vector<AlertLabelsAndAnnotations>& exp,
                             const std::vector<AlertLabelsAndAnnotations>& got);

// The failure of a PromQL expression test whose samples differ.
std::string ExprTestFailure(std::string_view expr, absl::Duration eval_time,
                            const std::vector<ExprSample>& exp, const std::vector<ExprSample>& got);

// A PromQL expression test that could not run: `    expr: "<expr>", time: 2m, err: <error>`.
std::string ExprTestError(std::string_view expr, absl::Duration eval_time, std::string_view error);

}  // namespace sextant::tool
