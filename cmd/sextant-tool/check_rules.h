#pragma once

// `sextant-tool check rules [--lint=...] [--lint-fatal] [<rule-files>...]`: loads each rule file
// as the server would (rules/rule_file.h) and prints promtool's verdicts:
//
//   Checking rules.yml                       (stdout)
//     SUCCESS: 3 rules found                 (stdout)
//                                            (stdout, a blank line after each file)
//   or
//     FAILED:                                (stderr, then every error of the file, one a line,
//   rules.yml: 5:11: group "g", rule 1, ...   each prefixed with the file's path)
//
// With no files it reads standard input ("Checking standard input", errors without a prefix),
// as promtool 3.x does. Lint checks run on files without errors: `duplicate-rules` (rules with
// the same name and labels, in any group of the file) reports them as promtool does, under
// "FAILED:" with the text starting "lint error". Exit codes as promtool's: 1 when some file has
// errors, else 3 when a lint check failed under --lint-fatal, else 0.
//
// Also the rule-file half of `check config`: the rule files a config names, checked the same way.

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "rules/rule_file.h"

namespace sextant::tool {

struct LintSettings {
  bool duplicate_rules = false;
  bool fatal = false;  // --lint-fatal: lint failures exit with kLintExitCode
};

inline constexpr int kLintExitCode = 3;

// Parses --lint's value: a comma-separated list of all, duplicate-rules, none. An unknown name is
// a warning on `out` (`WARNING: unknown lint option bogus`), as promtool prints it.
LintSettings ParseLintSettings(std::string_view value, bool fatal, std::ostream& out);

// The tally of several rule-file checks.
struct RulesVerdict {
  bool failed = false;      // some file has errors or failed a lint check
  bool has_errors = false;  // some file has errors (not only lint failures)

  // The exit code promtool gives for it.
  int ExitCode(const LintSettings& lint) const;
};

// Checks one rule file and prints its verdict (from "Checking" to the blank line).
// `error_indent` goes before each error (promtool's check config indents them by 5 spaces).
void CheckRuleFileAndReport(const std::string& path, const rules::RuleFileOptions& options,
                            const LintSettings& lint, std::string_view error_indent,
                            std::ostream& out, std::ostream& err, RulesVerdict* verdict);

// The whole command. Files must exist (the command line checks that first); with none, the rules
// are read from `in`. Returns the exit code.
int CheckRules(const std::vector<std::string>& files, const rules::RuleFileOptions& options,
               const LintSettings& lint, std::istream& in, std::ostream& out, std::ostream& err);

// The lint failure for rules with the same name and labels, or "" when there are none:
// "lint error 1 duplicate rule(s) found.\nMetric: x\nLabel(s):\n\ta: b\nMight cause ...".
std::string DuplicateRulesLint(const rules::RuleFile& file);

// kingpin's ExistingFiles check on the command line: "" when every path is an existing file,
// else the usage error (`path 'x' does not exist`, `'dir' is a directory`).
std::string CheckFilesExist(const std::vector<std::string>& paths);

}  // namespace sextant::tool
