#pragma once

// The unit-test files of `sextant-tool test rules`: promtool's format, decoded as promtool 2.42
// decodes it (Go's yaml.v2 UnmarshalStrict into the structs of cmd/promtool/unittest.go).
//
//   rule_files: [<path or glob, relative to the test file>]
//   evaluation_interval: <duration>        # default 1m (applied by the runner)
//   group_eval_order: [<group name>]
//   fuzzy_compare: <bool>                  # 3.x: floats equal within one ulp
//   tests:
//     - name: <string>
//       interval: <duration>               # of the input series; default evaluation_interval
//       external_labels: {<name>: <value>}
//       external_url: <string>
//       input_series:
//         - series: '<metric>{<labels>}'
//           values: '<series notation, promql/testing/series_desc.h>'
//       alert_rule_test:
//         - eval_time: <duration>
//           alertname: <string>
//           exp_alerts:
//             - exp_labels: {<name>: <value>}
//               exp_annotations: {<name>: <value>}
//       promql_expr_test:
//         - expr: <PromQL>
//           eval_time: <duration>
//           exp_samples:
//             - labels: '<metric>{<labels>}'
//               value: <float>
//
// Decoding follows yaml.v2's strict mode, and its errors read as promtool prints them:
//   - unknown fields, repeated fields and keys, and values of the wrong type are collected, in
//     document order, into one error:
//       yaml: unmarshal errors:
//         line 3: field foo not found in type main.testGroup
//         line 7: cannot unmarshal !!str `abc` into float64
//         line 9: key "a" already set in map
//     (Go's type names: main.unitTestFile, main.testGroup, main.series, main.alertTestCase,
//     main.alert, main.promqlTestCase, main.sample, []string, map[string]string, float64, ...);
//   - a duration that does not parse stops decoding with that error alone:
//       not a valid duration string: "1.5m"
//   - YAML syntax errors read `yaml: line N: <message>`, with yaml-cpp's message (Go's libyaml
//     words them differently).
// Any scalar decodes into a string field (yaml.v2 does that); YAML 1.1 scalars resolve as yaml.v2
// resolves them (`yes` is a bool, `0x10` and `1_000` are ints, `.nan` a float).

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "model/labels.h"

namespace sextant::tool {

struct InputSeries {
  std::string series;
  std::string values;
};

struct ExpectedAlert {
  std::map<std::string, std::string> exp_labels;
  std::map<std::string, std::string> exp_annotations;
};

struct AlertTestCase {
  absl::Duration eval_time = absl::ZeroDuration();
  std::string alertname;
  std::vector<ExpectedAlert> exp_alerts;
};

struct ExpectedSample {
  std::string labels;  // a metric in PromQL notation, parsed by the runner
  double value = 0;
};

struct PromqlTestCase {
  std::string expr;
  absl::Duration eval_time = absl::ZeroDuration();
  std::vector<ExpectedSample> exp_samples;
};

// One entry of `tests`: input series and the tests run over them.
struct RulesTestGroup {
  absl::Duration interval = absl::ZeroDuration();  // zero when not given
  std::vector<InputSeries> input_series;
  std::vector<AlertTestCase> alert_rule_test;
  std::vector<PromqlTestCase> promql_expr_test;
  model::Labels external_labels;
  std::string external_url;
  std::string name;
};

struct RulesTestFile {
  std::vector<std::string> rule_files;  // as written (not yet resolved or globbed)
  absl::Duration evaluation_interval = absl::ZeroDuration();  // zero when not given
  std::vector<std::string> group_eval_order;
  bool fuzzy_compare = false;
  std::vector<RulesTestGroup> tests;
};

// Decodes a test file's contents. Errors: InvalidArgument whose message is the whole error text
// as promtool prints it (see above; it may span lines).
absl::StatusOr<RulesTestFile> ParseRulesTestFile(std::string_view content);

}  // namespace sextant::tool
