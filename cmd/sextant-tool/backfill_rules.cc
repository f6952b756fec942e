#include "cmd/sextant-tool/backfill_rules.h"

#include <algorithm>
#include <map>
#include <sstream>
#include <utility>

#include "cmd/sextant-tool/backfill.h"
#include "cmd/sextant-tool/backfill_plan.h"
#include "model/timestamp.h"
#include "rules/group.h"
#include "rules/rule_file.h"
#include "util/go_format.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::tool {
namespace {

absl::Status Invalid(std::string_view message) {
  return absl::InvalidArgumentError(util::ToAbsl(message));
}

// go-logfmt's value rule: quoted when it holds a space, '=', '"' or a control character.
std::string LogfmtValue(std::string_view v) {
  for (const char c : v) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '=' || c == '"') return util::QuoteGo(v);
  }
  return std::string(v);
}

// One line of promtool's go-kit logfmt logger (no timestamp, no caller).
void LogLine(std::ostream& log, std::string_view level,
             std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  log << "level=" << level;
  for (const auto& [k, v] : fields) log << ' ' << k << '=' << LogfmtValue(v);
  log << '\n';
}

// Go's time.RFC822 ("02 Jan 06 15:04 MST") of a UTC time.
std::string Rfc822(absl::Time t) {
  return absl::FormatTime("%d %b %y %H:%M UTC", t, absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> ParseFlagTime(std::string_view which, std::string_view text) {
  absl::StatusOr<model::Timestamp> ts = model::ParseApiTime(text);
  if (!ts.ok()) {
    return Invalid(
        util::StrCat("error parsing ", which, " time: ", util::FromAbsl(ts.status().message())));
  }
  return model::ToTime(*ts);
}

// Every rule's output, by window and series, in the order the queries returned it.
using WindowSeries = std::map<int64_t, std::map<model::Labels, std::vector<model::Sample>>>;

std::vector<PlannedPartition> ToPartitions(WindowSeries windows, int64_t block_ms) {
  std::vector<PlannedPartition> out;
  for (auto& [start, series] : windows) {
    PlannedPartition p{start, start + block_ms, {}};
    for (auto& [labels, samples] : series) {
      // Two rules writing the same series: the sample appended first wins at a timestamp.
      std::stable_sort(samples.begin(), samples.end(),
                       [](const model::Sample& a, const model::Sample& b) { return a.t < b.t; });
      samples.erase(
          std::unique(samples.begin(), samples.end(),
                      [](const model::Sample& a, const model::Sample& b) { return a.t == b.t; }),
          samples.end());
      if (!samples.empty()) p.series.push_back({labels, std::move(samples)});
    }
    if (!p.series.empty()) out.push_back(std::move(p));
  }
  return out;
}

std::string WarningsValue(const std::vector<std::string>& warnings) {
  std::string v = "[";
  for (size_t i = 0; i < warnings.size(); ++i) util::StrAppend(&v, i > 0 ? " " : "", warnings[i]);
  return v + "]";
}

}  // namespace

absl::StatusOr<BackfillRange> ParseBackfillRange(std::string_view start, std::string_view end,
                                                 absl::Time now) {
  BackfillRange r;
  if (end.empty()) {
    r.end = now - absl::Hours(3);
  } else {
    ASSIGN_OR_RETURN(r.end, ParseFlagTime("end", end));
  }
  ASSIGN_OR_RETURN(r.start, ParseFlagTime("start", start));
  if (!(r.start < r.end)) return Invalid("start time is not before end time");
  return r;
}

std::vector<RuleQuery> PlanRuleQueries(
    const BackfillRange& range, int64_t block_ms, absl::Duration interval,
    const std::function<absl::Time(absl::Time)>& eval_timestamp) {
  std::vector<RuleQuery> out;
  if (block_ms <= 0 || interval <= absl::ZeroDuration()) return out;
  // promtool works in whole seconds (Go's Time.Unix(), which rounds down).
  const int64_t start_s = absl::ToUnixSeconds(range.start);
  const int64_t end_s = absl::ToUnixSeconds(range.end);
  const int64_t end_ms = end_s * 1000;
  for (int64_t window = block_ms * (start_s * 1000 / block_ms); window <= end_ms;
       window += block_ms) {
    const int64_t from_s = std::max(window / 1000, start_s);
    absl::Time from = eval_timestamp(absl::FromUnixSeconds(from_s));
    while (absl::ToUnixSeconds(from) < from_s) from += interval;
    const absl::Time to = absl::FromUnixSeconds(std::min((window + block_ms - 1) / 1000, end_s));
    if (to < from) continue;  // promtool 2.42 stops here (prometheus/prometheus#19714)
    out.push_back({window, from, to});
  }
  return out;
}

std::vector<tsdb::partition::SeriesSamples> RuleOutputSeries(const std::vector<RangeSeries>& matrix,
                                                             std::string_view name,
                                                             const model::Labels& group_labels,
                                                             const model::Labels& rule_labels) {
  std::vector<tsdb::partition::SeriesSamples> out;
  out.reserve(matrix.size());
  for (const RangeSeries& s : matrix) {
    model::LabelsBuilder b(s.metric);
    for (const model::Label& l : group_labels) b.Set(l.name, l.value);
    for (const model::Label& l : rule_labels) b.Set(l.name, l.value);
    b.Set(model::kMetricNameLabel, name);
    out.push_back({b.Build(), s.samples});
  }
  return out;
}

absl::Status BackfillRules(const RulesBackfillOptions& options, QueryRangeApi& api, absl::Time now,
                           std::ostream& log) {
  ASSIGN_OR_RETURN(const BackfillRange range, ParseBackfillRange(options.start, options.end, now));
  // promtool divides by it (a panic); refuse it instead.
  if (options.eval_interval <= absl::ZeroDuration()) return Invalid("eval interval must be > 0");
  LogLine(log, "info",
          {{"backfiller", "new rule importer"},
           {"start", Rfc822(range.start)},
           {"end", Rfc822(range.end)}});

  std::vector<rules::RuleFile> files;
  for (const std::string& path : options.rule_files) {
    rules::RuleFileCheck check = rules::CheckRuleFile(path);
    if (!check.errors.empty()) {
      return Invalid(util::StrCat("rule importer parse error: ", path, ": ", check.errors[0]));
    }
    files.push_back(std::move(check.file));
  }

  const int64_t block_ms = BlockDurationFor(options.max_block_duration_ms);
  WindowSeries windows;
  std::vector<std::string> errors;
  for (const rules::RuleFile& file : files) {
    for (const rules::RuleGroup& group : file.groups) {
      rules::Group::Options go;
      go.name = group.name;
      go.file = file.path;
      go.interval = group.interval.value_or(options.eval_interval);
      if (go.interval <= absl::ZeroDuration()) go.interval = options.eval_interval;
      const rules::Group aligner(go, {}, nullptr);  // only for EvalTimestamp
      LogLine(log, "info", {{"backfiller", "processing group"}, {"name", aligner.Key()}});
      const std::vector<RuleQuery> queries = PlanRuleQueries(
          range, block_ms, go.interval, [&](absl::Time t) { return aligner.EvalTimestamp(t); });
      for (size_t i = 0; i < group.rules.size(); ++i) {
        const rules::RuleNode& rule = group.rules[i];
        const std::string id = std::to_string(i);
        if (!rule.alert.empty()) {
          LogLine(log, "info",
                  {{"backfiller", "skipping alerting rule"}, {"id", id}, {"name", rule.alert}});
          continue;
        }
        LogLine(log, "info",
                {{"backfiller", "processing rule"}, {"id", id}, {"name", rule.record}});
        for (const RuleQuery& q : queries) {
          absl::StatusOr<RangeResult> r = api.QueryRange(rule.expr, q.from, q.to, go.interval);
          if (!r.ok()) {
            const std::string_view message = util::FromAbsl(r.status().message());
            errors.push_back(r.status().code() == absl::StatusCode::kFailedPrecondition
                                 ? std::string(message)
                                 : util::StrCat("query range: ", message));
            break;
          }
          if (!r->warnings.empty()) {
            LogLine(log, "warn",
                    {{"msg", "Range query returned warnings."},
                     {"warnings", WarningsValue(r->warnings)}});
          }
          std::map<model::Labels, std::vector<model::Sample>>& window = windows[q.window_start];
          for (tsdb::partition::SeriesSamples& s :
               RuleOutputSeries(r->matrix, rule.record, group.labels, rule.labels)) {
            std::vector<model::Sample>& dst = window[s.labels];
            dst.insert(dst.end(), s.samples.begin(), s.samples.end());
          }
        }
      }
    }
  }
  log.flush();

  std::vector<PlannedPartition> partitions = ToPartitions(std::move(windows), block_ms);
  absl::Status written = absl::OkStatus();
  if (!partitions.empty()) {
    std::ostringstream table;  // promtool prints no block table for rules
    written =
        WritePartitions(options.output_dir, std::move(partitions), false, /*quiet=*/true, table);
  }
  for (const std::string& e : errors) log << "rule importer error: " << e << "\n";
  log.flush();
  if (!written.ok()) return written;
  if (!errors.empty()) return absl::UnknownError("error importing rules");
  return absl::OkStatus();
}

}  // namespace sextant::tool
