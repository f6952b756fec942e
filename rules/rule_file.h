#pragma once

// Rule files: Prometheus's rule-file format (rulefmt) and its strict loader.
//
//   groups:
//     - name: <string, unique in the file>
//       interval: <duration>          # default: global.evaluation_interval
//       query_offset: <duration>      # default: global.rule_query_offset
//       limit: <int>                  # 0 = no limit
//       labels: {<name>: <value>}     # added to every rule's output (3.x)
//       rules:
//         - record: <metric name>     # or alert: <string>, exactly one of the two
//           expr: <PromQL>
//           for: <duration>           # alerts only
//           keep_firing_for: <duration>   # alerts only
//           labels: {<name>: <template>}
//           annotations: {<name>: <template>}   # alerts only
//
// LoadRuleFile validates as Prometheus's rulefmt.Parse + Validate do, with its messages, and
// reports every error it finds (promtool prints them all), each with the file's line and column
// where Prometheus gives one.
//
// A RuleFile is a plain value.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "model/labels.h"

namespace sextant::rules {

struct RuleNode {
  std::string record;  // exactly one of record and alert is non-empty
  std::string alert;
  std::string expr;
  absl::Duration for_duration = absl::ZeroDuration();
  absl::Duration keep_firing_for = absl::ZeroDuration();
  model::Labels labels;
  model::Labels annotations;
  int line = 0;  // where the rule starts in the file (1-based), for messages
};

struct RuleGroup {
  std::string name;
  std::optional<absl::Duration> interval;  // unset: the global evaluation_interval
  std::optional<absl::Duration> query_offset;  // unset: the global rule_query_offset
  int64_t limit = 0;
  model::Labels labels;
  std::vector<RuleNode> rules;
};

struct RuleFile {
  std::string path;
  std::vector<RuleGroup> groups;
};

// Reads and validates one rule file. Errors: NotFound / InvalidArgument when it cannot be read;
// InvalidArgument with one message per line for every problem, each as promtool prints it
// (e.g. `5:11: group "g", rule 1, "job:x": could not parse expression: 1:4: parse error: ...`,
// `groupname: "g" is repeated in the same file`, and yaml errors such as
// `yaml: unmarshal errors:\n  line 3: field foo not found in type rulefmt.RuleGroup`).
absl::StatusOr<RuleFile> LoadRuleFile(const std::string& path);

// The same on the file's contents (`path` only names it).
absl::StatusOr<RuleFile> ParseRuleFile(const std::string& path, std::string_view content);

}  // namespace sextant::rules
