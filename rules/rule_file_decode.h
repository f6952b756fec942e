#pragma once

// The first half of loading a rule file: YAML to the rulefmt structs, the way Go's yaml.v3 decodes
// into Prometheus's types with KnownFields (rule_file.h describes the errors). Validation is the
// second half (rule_file.cc). Internal to rules/.

#include <string>
#include <string_view>
#include <vector>

#include "rules/rule_file.h"

namespace sextant::rules::internal {

// A position in the file as yaml.v3's Node reports it: 1-based, 0:0 for a node that is absent.
struct NodePos {
  int line = 0;
  int column = 0;
};

struct DecodedRule {
  RuleNode rule;
  NodePos record_pos;
  NodePos alert_pos;
  NodePos expr_pos;
};

struct DecodedGroup {
  RuleGroup group;  // group.rules is left empty: the rules are in `rules`
  NodePos pos;      // the group's mapping
  std::vector<DecodedRule> rules;
};

struct DecodedFile {
  std::vector<DecodedGroup> groups;
  // Decoding errors, each as Prometheus's Parse returns it (without a path). When not empty,
  // `groups` is incomplete and must not be validated.
  std::vector<std::string> errors;
};

DecodedFile DecodeRuleFile(std::string_view content, bool ignore_unknown_fields);

}  // namespace sextant::rules::internal
