#include "promql/testing/conformance.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>

#include "absl/status/statusor.h"
#include "promql/testing/script.h"
#include "util/strings.h"

namespace sextant::promql::testing {
namespace {

// Experimental PromQL in Prometheus (functions, modifiers, duration expressions).
constexpr std::array<std::string_view, 20> kExperimentalWords = {"sort_by_label",
                                                                 "sort_by_label_desc",
                                                                 "min_of",
                                                                 "max_of",
                                                                 "histogram_quantiles",
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

}  // namespace

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

FileOutcome RunScriptFile(Engine& engine, const std::string& path, bool upstream) {
  const std::filesystem::path p(path);
  FileOutcome out;
  out.file = p.filename().string();
  const std::string name = p.stem().string();
  out.core = !upstream || IsCoreScript(name);
  absl::StatusOr<Script> script = ReadScript(path);
  if (!script.ok()) {
    out.error = std::string(util::FromAbsl(script.status().message()));
    ++out.failed;
    return out;
  }
  script->file = out.file;
  ScriptRunner runner(engine);
  for (EvalReport& r : runner.Run(*script)) {
    if (upstream && r.outcome == EvalReport::Outcome::kFailed) {
      if (name == "native_histograms") {
        r.outcome = EvalReport::Outcome::kSkipped;
        r.message = "native histograms";
      } else if (!out.core || UsesExperimental(r.expr)) {
        r.outcome = EvalReport::Outcome::kSkipped;
        r.message = "experimental";
      }
    }
    switch (r.outcome) {
      case EvalReport::Outcome::kPassed:
        ++out.passed;
        break;
      case EvalReport::Outcome::kSkipped:
        ++out.skipped;
        ++out.skip_reasons[r.message];
        break;
      case EvalReport::Outcome::kFailed:
        ++out.failed;
        out.failures.push_back(std::move(r));
        break;
    }
  }
  return out;
}

std::vector<std::string> ListScripts(const std::string& path) {
  std::vector<std::string> files;
  if (!std::filesystem::is_directory(path)) return {path};
  for (const auto& entry : std::filesystem::directory_iterator(path)) {
    if (entry.path().extension() == ".test") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void Report(const FileOutcome& o, std::ostream& out, Totals* totals) {
  if (!o.error.empty()) out << "  ERROR " << o.error << "\n";
  for (const EvalReport& r : o.failures) {
    out << "  FAIL " << r.file << ":" << r.line << ": " << r.expr << "\n       " << r.message
        << "\n";
  }
  out << o.file << ": passed=" << o.passed << " failed=" << o.failed << " skipped=" << o.skipped;
  for (const auto& [reason, n] : o.skip_reasons) out << " [" << reason << ": " << n << "]";
  out << std::endl;  // flushed, so a crash in a later file keeps this line
  totals->passed += o.passed;
  totals->failed += o.failed;
  totals->skipped += o.skipped;
  if (o.core) {
    totals->core_passed += o.passed;
    totals->core_failed += o.failed;
  }
}

EngineOptions ConformanceEngineOptions() {
  EngineOptions options;
  options.lookback_delta_ms = 5 * 60 * 1000;
  options.max_samples = 10'000;
  return options;
}

}  // namespace sextant::promql::testing
