#pragma once

// Runs a parsed PromQL test script (promql/testing/script.h) against an Engine, with a fresh
// tsdb::MemStorage at the start and after every `clear`, and compares the results as Prometheus's
// promqltest does: floats equal within 1e-6 relative (NaN equals NaN, a stale marker only a stale
// marker), label sets exact, order only for eval_ordered / `expect ordered`, expected errors by
// message or RE2 regex (unanchored), warnings and infos against the expect lines. An instant eval
// is also run as a range query from t-1m to t+1m step 1m and its point at t compared, unless it
// expects a string or a range vector or uses start()/end()/range()/step(). Like Prometheus's, it
// also reruns an instant eval with `@ <eval time>` added to every selector and subquery that has
// none, at the times -10t, 0, t/5, t and 10t (-1s, 0, 1s when t = 0), unless the query calls a
// function whose result depends on the evaluation time (time(), timestamp(), hour(), ...).
//
// Annotations are compared with the prefixes "PromQL warning: " / "PromQL info: " that Prometheus's
// messages carry; the runner adds them to an engine annotation that lacks them.
//
// Skips, counted and never silent: an eval over native histograms (it expects `{{...}}`, its
// selectors match a series loaded as a native histogram, or its
// expression names a metric loaded as a native histogram or by load_with_nhcb), which the
// engine does not support.
//
// Thread-safety: a ScriptRunner is not thread-safe; separate runners may share an Engine.

#include <string>
#include <vector>

#include "promql/engine.h"
#include "promql/testing/script.h"
#include "tsdb/storage.h"

namespace sextant::promql::testing {

struct EvalReport {
  enum class Outcome { kPassed, kFailed, kSkipped };
  std::string file;
  int line = 0;
  std::string expr;
  Outcome outcome = Outcome::kPassed;
  std::string message;  // the difference for kFailed, the reason for kSkipped
};

class ScriptRunner {
 public:
  // `engine` must outlive the runner.
  explicit ScriptRunner(Engine& engine) : engine_(engine) {}

  // One report per eval command, in script order. Load errors fail the evals that follow them
  // until the next clear.
  std::vector<EvalReport> Run(const Script& script);

 private:
  std::string RunRange(tsdb::Storage& storage, const EvalCommand& ev);

  Engine& engine_;
};

// Floats equal as Prometheus's util/almost.Equal with epsilon 1e-6.
bool AlmostEqual(double a, double b);

}  // namespace sextant::promql::testing
