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
// where Prometheus gives one. The cases and promtool's verdicts on them are in rules/testdata/
// (verdicts.tsv: promtool 2.42's; expectations.tsv: Sextant's, with the reason where it differs).
//
// Decoding follows Go's yaml.v3 with KnownFields (strict), as Prometheus does:
//   - unknown fields, repeated keys and type errors are collected into one error
//     `yaml: unmarshal errors:\n  line 3: field foo not found in type rulefmt.RuleGroup\n  ...`
//     (2.42's type names: rulefmt.RuleGroups, rulefmt.RuleGroup, rulefmt.RuleNode);
//   - a duration that does not parse stops decoding with that error alone
//     (`not a valid duration string: "1.5h"`);
//   - YAML syntax errors read `yaml: line N: <yaml-cpp's message>` (Go's wording differs).
// Only when decoding succeeds are the groups validated (Prometheus's order: per group the name
// checks, the group labels, then each rule's checks in order; labels and annotations by name).
// Names follow the legacy scheme (model/label_names.h), as everywhere in Sextant.
//
// A RuleFile is a plain value.

#include <cstdint>
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
  std::optional<absl::Duration>
      interval;  // unset (or 0s in the file): the global evaluation_interval
  std::optional<absl::Duration> query_offset;  // unset: the global rule_query_offset
  int64_t limit = 0;
  model::Labels labels;
  std::vector<RuleNode> rules;
};

struct RuleFile {
  std::string path;
  std::vector<RuleGroup> groups;
};

struct RuleFileOptions {
  // promtool check rules --ignore-unknown-fields (3.x): unknown keys are not errors.
  bool ignore_unknown_fields = false;
};

// Reads and validates one rule file. Errors: NotFound when it does not exist (`<path>: open
// <path>: no such file or directory`), InvalidArgument when it cannot be read and for every
// problem in it: one line per error, each
// exactly as Prometheus's rulefmt.ParseFile returns it and promtool prints it, prefixed with the
// path, e.g.
//   rules.yml: 5:11: group "g", rule 1, "job:x": could not parse expression: 1:4: parse error: ...
//   rules.yml: 9:5: groupname: "g" is repeated in the same file
//   rules.yml: group "g", rule 2, "HighLatency": invalid label name: __name__
//   rules.yml: yaml: unmarshal errors:
//     line 3: field foo not found in type rulefmt.RuleGroup
// (the yaml error continues on lines of its own, without the prefix).
absl::StatusOr<RuleFile> LoadRuleFile(const std::string& path, const RuleFileOptions& options = {});

// The same on the file's contents. `path` names the file in the result and prefixes each error
// line as above; an empty `path` (promtool reading standard input) gives no prefix.
absl::StatusOr<RuleFile> ParseRuleFile(const std::string& path, std::string_view content,
                                       const RuleFileOptions& options = {});

// What LoadRuleFile and ParseRuleFile do, with every error as its own entry, without the path
// prefix (an entry may span lines: the yaml unmarshal errors), for callers that print them one by
// one as promtool does. `file` is complete only when `errors` is empty.
struct RuleFileCheck {
  RuleFile file;
  std::vector<std::string> errors;
  bool not_found = false;  // the file does not exist (errors holds `open <path>: ...`)
};
RuleFileCheck CheckRuleFile(const std::string& path, const RuleFileOptions& options = {});
RuleFileCheck CheckRuleFileContent(const std::string& path, std::string_view content,
                                   const RuleFileOptions& options = {});

}  // namespace sextant::rules
