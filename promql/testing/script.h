#pragma once

// The PromQL test-script format of Prometheus's promql/promqltest (the `.test` files), parsed into
// commands: `load`, `clear` and `eval`. The format is described in
// ../shared/promql-tests/README.md; this parser follows Prometheus's reader line by line:
//
//   load <interval>                 followed by series lines `metric{l="v"} <values>`
//   load_with_nhcb <interval>       the same; classic histograms also become native ones
//   clear
//   eval[_fail|_warn|_info|_ordered] instant at <duration> <expr>
//   eval[_fail|_warn|_info] range from <duration> to <duration> step <duration> <expr>
//     followed by expected lines: series with values, a bare number (scalar),
//     `expect string "..."`, `expect fail|warn|info|no_warn|no_info|ordered [msg: text|regex: re]`,
//     `expect range vector from <d> to <d> step <d>`, and (with eval_fail) the older
//     `expected_fail_message <text>` / `expected_fail_regexp <re>`.
//
// A blank or `#` line ends a block; leading and trailing blanks of every line are ignored.
// Value sequences: `1 2 3`, `1+2x3` (1 3 5 7), `1-1x3`, `1x3` (four 1s), `_` (no sample),
// `_x3` (three missing), `stale` (a staleness marker), `Inf`, `-Inf`, `NaN`, hex and scientific
// numbers. Native histogram values (`{{...}}`) are recognised but not decoded: the series is
// flagged `native_histogram` and its values left empty. Start-timestamp lines (`metric@st ...`)
// are recognised and counted, not decoded.
//
// Thread-safety: the functions are pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "model/labels.h"
#include "promql/testing/series_desc.h"

namespace sextant::promql::testing {

struct LoadCommand {
  int line = 0;
  int64_t interval_ms = 0;
  bool with_nhcb = false;         // load_with_nhcb
  int start_timestamp_lines = 0;  // `@st` lines seen (not decoded)
  std::vector<SeriesLine> series;
};

struct ClearCommand {
  int line = 0;
};

enum class ExpectKind { kOrdered, kFail, kWarn, kNoWarn, kInfo, kNoInfo };

// `expect <kind> [msg: <text> | regex: <re>]`. Without msg/regex any text matches.
struct Expectation {
  enum class Match { kAny, kMessage, kRegex };
  ExpectKind kind = ExpectKind::kFail;
  Match match = Match::kAny;
  std::string text;  // the message or the (unanchored, RE2) pattern
};

struct EvalCommand {
  int line = 0;  // 1-based line of the eval
  std::string expr;
  bool is_range = false;
  // Instant: eval_time_ms. Range (and an instant eval with `expect range vector`): start, end,
  // step define the timestamps of the expected values.
  int64_t eval_time_ms = 0;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  int64_t step_ms = 0;
  // From the command's suffix (eval_fail, eval_warn, eval_info, eval_ordered).
  bool fail = false;
  bool warn = false;
  bool info = false;
  bool ordered = false;
  std::vector<Expectation> expectations;
  // Old-style eval_fail expectations.
  std::optional<std::string> expected_fail_message;
  std::optional<std::string> expected_fail_regexp;

  // Expected result: a scalar, a string, or series (possibly none: an empty result).
  std::optional<double> expected_scalar;
  std::optional<std::string> expected_string;
  std::vector<SeriesLine> expected_series;  // in file order (position = index + 1)
  bool expect_range_vector = false;         // `expect range vector ...` on an instant eval
  bool exclude_from_range_check = false;    // range vector or string expected

  bool IsFail() const;
  bool IsOrdered() const;
  bool ExpectsNativeHistograms() const;
};

using Command = std::variant<LoadCommand, ClearCommand, EvalCommand>;

struct Script {
  std::string file;
  std::vector<Command> commands;
};

// Parses a whole script. Errors: InvalidArgument "<file>:<line>: <problem>".
absl::StatusOr<Script> ParseScript(std::string_view file, std::string_view text);

// Reads and parses a file. Errors: NotFound / InvalidArgument as above.
absl::StatusOr<Script> ReadScript(const std::string& path);

// Whether a script of ../shared/promql-tests is core (in scope, its README says) rather than
// experimental or about native histograms. `name` is the file name, with or without `.test`.
// The one list of core scripts for the parser and conformance tests.
bool IsCoreScript(std::string_view name);

// The expected error message of an eval that expects one (`expect fail msg: ...` or the old
// `eval_fail` form), or nullopt.
std::optional<std::string> ExpectedFailMessage(const EvalCommand& ev);

}  // namespace sextant::promql::testing
