#pragma once

// `sextant-tool check config [--syntax-only] [--lint=...] [--lint-fatal] <config-files>...`: loads
// each file as the server would and prints promtool's verdict lines; then, unless --syntax-only,
// checks the rule files the config names, as promtool does:
//
//   Checking prometheus.yml
//     SUCCESS: 2 rule files found
//    SUCCESS: prometheus.yml is valid prometheus config file syntax
//
//   Checking rules/alerts.yml            (each rule file as `check rules` prints it, errors
//     SUCCESS: 2 rules found              indented by five spaces)
//
// A rule file named without a '*' must exist (`"rules/x.yml" does not point to an existing file`
// fails the config); globs may match nothing. Paths are resolved against the config's directory
// and printed cleaned, as Go's filepath.Join does. Returns the exit code: 0 when all are valid,
// 1 when a config or rule file has errors, 3 when only lint checks failed under --lint-fatal.

#include <iosfwd>
#include <string>
#include <vector>

#include "cmd/sextant-tool/check_rules.h"

namespace sextant::tool {

struct CheckConfigOptions {
  bool syntax_only = false;  // --syntax-only: no rule-file checks
  LintSettings lint{.duplicate_rules = true};
};

int CheckConfig(const std::vector<std::string>& files, const CheckConfigOptions& options,
                std::ostream& out, std::ostream& err);

}  // namespace sextant::tool
