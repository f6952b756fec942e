// promql-conformance: runs PromQL test scripts (the `.test` format of Prometheus's promqltest) on
// the engine with the in-memory storage and prints passed / failed / skipped per file and the
// total line `promql-conformance: passed=N failed=N skipped=N`.
//
//   promql-conformance [--upstream DIR]... [--floor FILE] [PATH]...
//
// PATHs are the project's own scripts (files or folders of `.test` files): every eval must pass.
// `--upstream DIR` runs Prometheus's scripts (../shared/promql-tests) with the scope of its
// README: core evals must pass, experimental and native-histogram evals are counted as skipped.
// `--floor FILE` names a file holding the minimum number of passing core evals.
//
// Exit status: 0 when nothing failed and the floor is met, 1 otherwise, 2 on bad usage.

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "promql/engine.h"
#include "promql/testing/conformance.h"

namespace {

using sextant::promql::testing::FileOutcome;
using sextant::promql::testing::Totals;

int Usage() {
  std::cerr << "usage: promql-conformance [--upstream DIR]... [--floor FILE] [PATH]...\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::pair<std::string, bool>> paths;  // path, upstream
  std::string floor_file;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if ((arg == "--upstream" || arg == "--floor") && i + 1 >= argc) return Usage();
    if (arg == "--upstream") {
      paths.emplace_back(argv[++i], true);
    } else if (arg == "--floor") {
      floor_file = argv[++i];
    } else if (arg.starts_with("-")) {
      return Usage();
    } else {
      paths.emplace_back(std::string(arg), false);
    }
  }
  if (paths.empty()) return Usage();

  long floor = 0;
  if (!floor_file.empty()) {
    std::ifstream in(floor_file);
    if (!(in >> floor)) {
      std::cerr << "promql-conformance: cannot read a number from " << floor_file << "\n";
      return 2;
    }
  }

  sextant::promql::Engine engine(sextant::promql::testing::ConformanceEngineOptions());
  Totals totals;
  for (const auto& [path, upstream] : paths) {
    const std::vector<std::string> files = sextant::promql::testing::ListScripts(path);
    if (files.empty()) {
      std::cerr << "promql-conformance: no .test files in " << path << "\n";
      return 1;
    }
    for (const std::string& file : files) {
      const FileOutcome outcome = sextant::promql::testing::RunScriptFile(engine, file, upstream);
      sextant::promql::testing::Report(outcome, std::cout, &totals);
    }
  }
  const int core_total = totals.core_passed + totals.core_failed;
  std::cout << "core evals: passed=" << totals.core_passed << " of " << core_total;
  if (core_total > 0) std::cout << " (" << 100.0 * totals.core_passed / core_total << "%)";
  if (!floor_file.empty()) std::cout << ", floor " << floor;
  std::cout << "\n";
  std::cout << "promql-conformance: passed=" << totals.passed << " failed=" << totals.failed
            << " skipped=" << totals.skipped << std::endl;
  if (totals.core_passed < floor) {
    std::cerr << "promql-conformance: " << totals.core_passed
              << " passing core evals is below the floor of " << floor << " (" << floor_file
              << ")\n";
    return 1;
  }
  return totals.failed == 0 ? 0 : 1;
}
