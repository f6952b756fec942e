#pragma once

// Series descriptions of the PromQL test scripts (promql/testing/script.h): a label set
// `metric{l="v", ...}` (or `{"metric", l="v"}`, or `{}`), then a value sequence:
// `1 2 3`, `1+2x3` (1 3 5 7), `1-1x3` (1 0 -1 -2), `1x3` (four 1s), `_` (no sample), `_x3`
// (three missing), `stale` (a staleness marker), `Inf`, `-Inf`, `NaN` and scientific
// numbers (no hex: `0x3` is 0 repeated, as in Prometheus's series lexer). Native histogram values
// (`{{...}}`) are recognised, not decoded.
//
// Thread-safety: the functions are pure.

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "model/labels.h"

namespace sextant::promql::testing {

// One position of a value sequence. A staleness marker is model::StaleNaN() (test with
// model::IsStaleNaN).
struct SequenceValue {
  double value = 0;
  bool omitted = false;
};

// A series line of a load or an expected result.
struct SeriesLine {
  model::Labels labels;
  std::vector<SequenceValue> values;
  bool native_histogram = false;  // values contain `{{...}}`; `values` is then empty
  int line = 0;                   // 1-based
};

// Errors: InvalidArgument naming the bad token (no file or line; the caller adds them).
absl::StatusOr<std::vector<SequenceValue>> ParseValueSequence(std::string_view text);
absl::StatusOr<SeriesLine> ParseSeriesLine(std::string_view text);

}  // namespace sextant::promql::testing
