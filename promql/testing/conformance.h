#pragma once

// Runs PromQL test scripts (promql/testing/script.h) on an Engine and counts the outcomes per
// file, as the conformance README (../shared/promql-tests/README.md) fixes: passed / failed /
// skipped with the reason, and one total line `promql-conformance: passed=N failed=N skipped=N`.
//
// Two kinds of script:
//   - the project's own (tests/promql/*.test): every eval must pass;
//   - Prometheus's (`upstream`): only the core scripts are in scope. A failure in an experimental
//     script, or of an eval using an experimental feature inside a core script, is counted as
//     skipped ("experimental"); a pass is counted as passed. Evals over native histograms are
//     skipped by the runner.
//
// Thread-safety: the functions are not thread-safe with respect to `out`.

#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "promql/engine.h"
#include "promql/testing/runner.h"

namespace sextant::promql::testing {

struct FileOutcome {
  std::string file;
  bool core = true;  // own scripts and upstream core scripts
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  std::map<std::string, int> skip_reasons;
  std::vector<EvalReport> failures;
  std::string error;  // the script did not parse (counted as one failure)
};

struct Totals {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  int core_passed = 0;  // passes in core scripts only (what the conformance floor counts)
  int core_failed = 0;
};

// Whether `expr` uses PromQL that Prometheus marks experimental (functions such as
// sort_by_label or limitk, duration expressions, fill modifiers, anchored/smoothed).
bool UsesExperimental(std::string_view expr);

// Runs one script file; `upstream` as above.
FileOutcome RunScriptFile(Engine& engine, const std::string& path, bool upstream);

// The `.test` files under `path` (sorted), or `path` itself when it is a file.
std::vector<std::string> ListScripts(const std::string& path);

// Prints the outcome of one file (its line, and each failure) to `out` and adds it to `totals`.
void Report(const FileOutcome& outcome, std::ostream& out, Totals* totals);

// The engine options Prometheus's test runner uses: lookback 5m, max samples 10,000.
EngineOptions ConformanceEngineOptions();

}  // namespace sextant::promql::testing
