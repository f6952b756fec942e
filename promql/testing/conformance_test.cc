// Runs Prometheus's PromQL test scripts (SEXTANT_PROMQL_TESTS_DIR, see its README.md) on the engine
// and prints passed / failed / skipped per file and the README's total line. Fails on every failed
// eval of a core script that known_failures.txt does not list (`file:line  # reason`).
//
// Experimental scripts and experimental features inside core scripts are run too; their failures
// are counted as skipped (experimental), their passes as passed. Evals over native histograms
// are skipped by the runner.

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "promql/engine.h"
#include "promql/testing/runner.h"
#include "promql/testing/script.h"

namespace sextant::promql::testing {
namespace {

// Experimental PromQL in Prometheus (functions, modifiers, duration expressions).
constexpr std::array<std::string_view, 20> kExperimentalWords = {"sort_by_label",
                                                                 "min_of",
                                                                 "max_of",
                                                                 "histogram_quantiles",
                                                                 "sort_by_label_desc",
                                                                 "mad_over_time",
                                                                 "limitk",
                                                                 "limit_ratio",
                                                                 "info",
                                                                 "double_exponential_smoothing",
                                                                 "ts_of_max_over_time",
                                                                 "ts_of_min_over_time",
                                                                 "ts_of_last_over_time",
                                                                 "ts_of_first_over_time",
                                                                 "first_over_time",
                                                                 "anchored",
                                                                 "smoothed",
                                                                 "fill",
                                                                 "fill_left",
                                                                 "fill_right"};

bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Whether `word` occurs as a whole identifier; with `call`, only when followed by '('.
bool MentionsWord(std::string_view expr, std::string_view word, bool call = false) {
  for (size_t p = expr.find(word); p != std::string_view::npos; p = expr.find(word, p + 1)) {
    size_t end = p + word.size();
    if ((p == 0 || !IsIdentChar(expr[p - 1])) && (end >= expr.size() || !IsIdentChar(expr[end]))) {
      while (call && end < expr.size() && expr[end] == ' ') ++end;
      if (!call || (end < expr.size() && expr[end] == '(')) return true;
    }
  }
  return false;
}

bool UsesExperimental(std::string_view expr) {
  if (expr.find("start()") != std::string_view::npos ||
      expr.find("end()") != std::string_view::npos ||
      expr.find("range()") != std::string_view::npos ||
      expr.find("step()") != std::string_view::npos) {
    // start()/end() as @ modifiers are stable; anywhere else they are duration expressions.
    std::string e(expr);
    for (std::string_view at : {"@ start()", "@ end()", "@start()", "@end()"}) {
      for (size_t p = e.find(at); p != std::string::npos; p = e.find(at)) e.erase(p, at.size());
    }
    if (e.find("()") != std::string::npos &&
        (MentionsWord(e, "start") || MentionsWord(e, "end") || MentionsWord(e, "range") ||
         MentionsWord(e, "step"))) {
      return true;
    }
  }
  return std::any_of(kExperimentalWords.begin(), kExperimentalWords.end(), [&](std::string_view w) {
    return MentionsWord(expr, w, /*call=*/w != "anchored" && w != "smoothed");
  });
}

// "file:line" entries; text after '#' is the reason.
std::set<std::string> ReadKnownFailures(const std::string& path) {
  std::set<std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    line = line.substr(0, line.find('#'));
    line.erase(std::remove_if(line.begin(), line.end(), [](char c) { return std::isspace(c); }),
               line.end());
    if (!line.empty()) out.insert(line);
  }
  return out;
}

TEST(PromqlConformance, RunsPrometheusScripts) {
  const std::filesystem::path dir = SEXTANT_PROMQL_TESTS_DIR;
  ASSERT_TRUE(std::filesystem::exists(dir)) << "missing " << dir;
  const std::set<std::string> known = ReadKnownFailures(SEXTANT_KNOWN_FAILURES);

  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".test") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());

  EngineOptions options;
  options.lookback_delta_ms = 5 * 60 * 1000;
  options.max_samples = 10'000;
  Engine engine(options);

  int total_passed = 0, total_failed = 0, total_skipped = 0;
  std::vector<std::string> unexpected;
  for (const std::filesystem::path& path : files) {
    const std::string name = path.stem().string();
    const bool core = IsCoreScript(name);
    absl::StatusOr<Script> script = ReadScript(path.string());
    if (!script.ok()) {
      ADD_FAILURE() << script.status();
      continue;
    }
    script->file = path.filename().string();
    ScriptRunner runner(engine);
    int passed = 0, failed = 0, skipped = 0;
    std::map<std::string, int> skip_reasons;
    for (EvalReport& r : runner.Run(*script)) {
      if (r.outcome == EvalReport::Outcome::kFailed) {
        if (name == "native_histograms") {
          r.outcome = EvalReport::Outcome::kSkipped;
          r.message = "native histograms";
        } else if (!core || UsesExperimental(r.expr)) {
          r.outcome = EvalReport::Outcome::kSkipped;
          r.message = "experimental";
        }
      }
      switch (r.outcome) {
        case EvalReport::Outcome::kPassed:
          ++passed;
          break;
        case EvalReport::Outcome::kSkipped:
          ++skipped;
          ++skip_reasons[r.message];
          break;
        case EvalReport::Outcome::kFailed: {
          ++failed;
          const std::string where = r.file + ":" + std::to_string(r.line);
          const bool is_known = known.contains(where);
          std::cout << "  FAIL " << where << (is_known ? " (known)" : "") << ": " << r.expr
                    << "\n       " << r.message << "\n";
          if (!is_known) unexpected.push_back(where);
          break;
        }
      }
    }
    std::cout << script->file << ": passed=" << passed << " failed=" << failed
              << " skipped=" << skipped;
    for (const auto& [reason, n] : skip_reasons) std::cout << " [" << reason << ": " << n << "]";
    std::cout << std::endl;  // flushed, so a crash in a later file keeps this line
    total_passed += passed;
    total_failed += failed;
    total_skipped += skipped;
  }
  std::cout << "promql-conformance: passed=" << total_passed << " failed=" << total_failed
            << " skipped=" << total_skipped << std::endl;
  EXPECT_TRUE(unexpected.empty()) << unexpected.size()
                                  << " failed evals not listed in known_failures.txt, first: "
                                  << (unexpected.empty() ? "" : unexpected.front());
}

}  // namespace
}  // namespace sextant::promql::testing
