#pragma once

// `sextant-tool tsdb create-blocks-from rules --start=T [--end=T] [--url=U] [--output-dir=D]
// [--eval-interval=60s] <rule-files>...`: promtool 2.42's backfill of recording rules. Each
// recording rule is evaluated over [start, end] by range queries against a Prometheus-compatible
// server (query_range_client.h), and the results are written into a Sextant data directory as
// `create-blocks-from openmetrics` writes its partitions (backfill.h: WritePartitions).
//
// What promtool does, and so this command:
//   - --end defaults to now - 3h; start must be before end ("start time is not before end time");
//     both are RFC3339 or Unix seconds (ParseBackfillRange). Then start and end are cut to whole
//     seconds.
//   - Groups are loaded from the rule files (rules::LoadRuleFile); a group's interval is its own
//     or --eval-interval. The first error stops everything: "rule importer parse error: <error>".
//   - For each group and each rule, for each aligned window of the block duration (2h, or the
//     hidden --max-block-duration as for openmetrics) from the one holding start up to end, one
//     query_range(expr, from, to, step = the group's interval), where `from` is the first
//     evaluation instant of the group (rules::Group::EvalTimestamp, aligned by a hash of the file
//     and group names, as a server running the rule evaluates) not before max(window start,
//     start), and `to` = min(window end - 1ms, end), in whole seconds (PlanRuleQueries).
//   - Each result series gets the rule's labels (overriding the result's; "" removes one) and
//     __name__ = the rule's name (RuleOutputSeries).
//   - A failing query stops that rule (the windows it did are kept) and is reported as
//     "rule importer error: query range: <error>"; the other rules go on; the command then fails
//     with "error importing rules". Progress goes to the log stream in promtool's logfmt lines
//     (`level=info backfiller="processing rule" id=0 name=job:x:rate5m`).
//
// Differences from promtool 2.42, on purpose:
//   - Alerting rules are skipped (a `level=info backfiller="skipping alerting rule"` line), as
//     Prometheus's documentation says ("alerts are currently ignored"); promtool 2.42 writes
//     their expression's result as a series named after the alert.
//   - Groups are processed in file order (promtool: Go map order, i.e. random).
//   - One partition per window holds every rule's output (promtool: one block per rule and
//     window); series two rules both produce are merged, the first rule's sample winning at equal
//     timestamps. Nothing is written until every query is done; the partitions must not overlap
//     ones already in the output directory.
//   - A window without evaluation instants is skipped (promtool 2.42 stops at the first one,
//     prometheus/prometheus#19714, so a start late in a window can yield nothing).
//   - Group labels (`labels:` of a group, Prometheus 3.x) are applied under the rule's labels.

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cmd/sextant-tool/query_range_client.h"
#include "model/labels.h"
#include "tsdb/partition/partition_store.h"

namespace sextant::tool {

struct RulesBackfillOptions {
  std::string url = "http://localhost:9090";
  std::string start;  // required, as typed
  std::string end;    // as typed; "" = now - 3h
  std::string output_dir = "data/";
  absl::Duration eval_interval = absl::Seconds(60);
  int64_t max_block_duration_ms = 0;  // 0: 2h (BlockDurationFor)
  std::vector<std::string> rule_files;
};

struct BackfillRange {
  absl::Time start;
  absl::Time end;
};

// promtool's parsing of --start and --end (`end` empty: `now` - 3h). Errors (InvalidArgument):
//   error parsing start time: cannot parse "x" to a valid timestamp   (likewise "end")
//   start time is not before end time
absl::StatusOr<BackfillRange> ParseBackfillRange(std::string_view start, std::string_view end,
                                                 absl::Time now);

// One range query for one rule.
struct RuleQuery {
  int64_t window_start = 0;  // ms; the window is [window_start, window_start + block_ms)
  absl::Time from;
  absl::Time to;
};

// The range queries promtool makes for one rule of a group (see above), oldest first.
// `eval_timestamp` is the group's EvalTimestamp.
std::vector<RuleQuery> PlanRuleQueries(const BackfillRange& range, int64_t block_ms,
                                       absl::Duration interval,
                                       const std::function<absl::Time(absl::Time)>& eval_timestamp);

// The series one query's result becomes for a rule named `name`: each result series' labels,
// then `group_labels`, then `rule_labels` set over them (an empty value removes the label), then
// __name__ = `name`; samples as they are.
std::vector<tsdb::partition::SeriesSamples> RuleOutputSeries(const std::vector<RangeSeries>& matrix,
                                                             std::string_view name,
                                                             const model::Labels& group_labels,
                                                             const model::Labels& rule_labels);

// Runs the command: queries through `api`, logs to `log` (promtool's stderr lines, including
// each "rule importer error: ..."), writes into options.output_dir. Returns the error promtool
// exits 1 with (its message is printed by the caller), e.g. "error importing rules".
absl::Status BackfillRules(const RulesBackfillOptions& options, QueryRangeApi& api, absl::Time now,
                           std::ostream& log);

}  // namespace sextant::tool
