#pragma once

// `sextant-tool test rules <test-file>...`: promtool's rule unit tests, on promtool's test files
// unchanged (the format: rules_test_file.h).
//
// For each test group of a file, as promtool 2.42 does (cmd/promtool/unittest.go):
//   1. the input series are parsed (promql/testing/series_desc.h), one sample every `interval`
//      from time 0 (the Unix epoch);
//   2. the rule files (relative to the test file, globbed) are loaded as groups with the test
//      group's interval as their default interval and its external labels and URL, without
//      `for` state restoration;
//   3. from 0 to the largest eval_time, every evaluation_interval: the input samples up to that
//      instant are appended to an in-memory storage, and each group is evaluated, in
//      group_eval_order (a group not listed takes the first listed group's place; ties keep
//      the order of the rule files and of the groups in them); a rule that fails ends the
//      test group with `    rule: <name>, time: 2m0s, err: <error>`. Each alert test whose
//      eval_time falls in [t, t + evaluation_interval) compares the firing alerts of the rules
//      with that name (labels and expanded annotations, sorted) with the expected ones;
//   4. each PromQL test runs an instant query at its eval_time and compares the sorted samples,
//      exactly, or within one ulp with `fuzzy_compare` (3.x).
//
// Output as promtool's (rules_test_report.h has the failure texts):
//   Unit Testing:  alerts_test.yml       (stdout)
//     SUCCESS                            (stdout)
//                                        (stdout)
// or "  FAILED:" and each error on stderr, a blank line on stdout after each error, then one
// more blank line on stdout. A rule_files pattern that matches nothing is a warning on stderr
// (`  WARNING: no file match pattern <pattern>`).
//
// Differences from promtool 2.42, all from Sextant following Prometheus 3.x:
//   - range-vector windows are left-open (t - range, t], so tests that depend on a sample at a
//     window's left edge give different results;
//   - a test group without `interval` loads its series every evaluation_interval (3.x), where
//     2.42 loads them all at time 0;
//   - `fuzzy_compare` is accepted (3.x);
//   - subqueries without a step use Sextant's engine default (1m), not evaluation_interval.
// Queries run with promtool's limits: a 5m lookback, at most 10,000 samples in memory.
//
// Thread-safety: the functions may run on many threads at once, each on its own files.

#include <iosfwd>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace sextant::tool {

// Runs every file (which must exist: the command line checks that) and prints the report.
// Returns the exit code: 0 when every test passed, 1 otherwise.
int TestRules(const std::vector<std::string>& files, std::ostream& out, std::ostream& err);

// Runs one test file; returns its errors, each as promtool prints it (empty when every test
// passed). Warnings go to `err` as they come.
std::vector<std::string> RunRulesTestFile(const std::string& path, std::ostream& err);

// promtool's resolveAndGlobFilepaths: each relative pattern joined to `base_dir` (Go's
// filepath.Join, which cleans the path), then globbed; the files in pattern order, each
// pattern's matches sorted. A pattern matching nothing is a warning on `err`. Errors:
// InvalidArgument "syntax error in pattern" for a malformed pattern.
absl::StatusOr<std::vector<std::string>> ResolveRuleFiles(const std::string& base_dir,
                                                          const std::vector<std::string>& patterns,
                                                          std::ostream& err);

// Go's filepath.Clean: one slash between elements, no `.` elements, `..` resolved lexically,
// "." for an empty result.
std::string CleanPath(const std::string& path);

}  // namespace sextant::tool
