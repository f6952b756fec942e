#include "cmd/sextant-tool/test_rules.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <sstream>
#include <utility>

#include <glob.h>

#include "absl/status/status.h"
#include "cmd/sextant-tool/go_time.h"
#include "cmd/sextant-tool/rules_test_file.h"
#include "cmd/sextant-tool/rules_test_report.h"
#include "model/duration.h"
#include "model/sample.h"
#include "model/timestamp.h"
#include "promql/engine.h"
#include "promql/parser.h"
#include "promql/testing/series_desc.h"
#include "rules/alerting_rule.h"
#include "rules/group.h"
#include "rules/manager.h"
#include "rules/rule_file.h"
#include "tsdb/mem_storage.h"
#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::tool {
namespace {

using util::StrCat;

// Go's strings.TrimSpace, for ASCII white space.
std::string_view TrimSpace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\r\v\f";
  const size_t start = s.find_first_not_of(kSpace);
  if (start == std::string_view::npos) return {};
  return s.substr(start, s.find_last_not_of(kSpace) + 1 - start);
}

std::string Message(const absl::Status& s) { return std::string(util::FromAbsl(s.message())); }

// Go's filepath.Dir.
std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return CleanPath(path.substr(0, slash + 1));
}

// Whether Go's filepath.Match would reject `pattern` with ErrBadPattern.
bool IsBadPattern(std::string_view p) {
  size_t i = 0;
  // One character of a class, possibly escaped; false when there is none.
  auto class_char = [&]() {
    if (i >= p.size() || p[i] == '-' || p[i] == ']') return false;
    if (p[i] == '\\') ++i;
    if (i >= p.size()) return false;
    ++i;
    return true;
  };
  while (i < p.size()) {
    if (p[i] == '\\') {
      if (i + 1 >= p.size()) return true;
      i += 2;
    } else if (p[i] == '[') {
      ++i;
      if (i < p.size() && p[i] == '^') ++i;
      int ranges = 0;
      while (true) {
        if (i < p.size() && p[i] == ']' && ranges > 0) {
          ++i;
          break;
        }
        if (!class_char()) return true;
        if (i < p.size() && p[i] == '-') {
          ++i;
          if (!class_char()) return true;
        }
        ++ranges;
      }
    } else {
      ++i;
    }
  }
  return false;
}

bool HasMeta(std::string_view p) { return p.find_first_of("*?[\\") != std::string_view::npos; }

// An input series with its samples, appended to the storage as the evaluation reaches them.
struct InputData {
  model::Labels labels;
  std::vector<model::Sample> samples;
  size_t next = 0;  // the first sample not yet appended
};

// Prometheus's ParseErr text for a series line that does not parse. The label part gets the
// PromQL parser's message (the same lexer as Prometheus's series descriptions); a bad value gets
// Sextant's wording, placed at the start of the values.
std::string SeriesError(const std::string& series, const std::string& line,
                        const absl::Status& status) {
  if (!promql::testing::ParseSeriesLine(series).ok()) {
    absl::StatusOr<std::unique_ptr<promql::Expr>> e = promql::ParseExpr(line);
    if (!e.ok()) return Message(e.status());
  }
  return StrCat("1:", series.size() + 2, ": parse error: ", Message(status));
}

// The input series of `tg` as promtool's `load <interval>` command reads them: one sample every
// `interval` from 0, `_` leaving a gap; a series given twice keeps its last values.
absl::StatusOr<std::vector<InputData>> LoadInputSeries(const RulesTestGroup& tg,
                                                       absl::Duration interval) {
  std::vector<InputData> out;
  std::map<model::Labels, size_t> index;
  const int64_t step = absl::ToInt64Milliseconds(interval);
  for (const InputSeries& is : tg.input_series) {
    const std::string line(TrimSpace(StrCat(is.series, " ", is.values)));
    // promtool's loader reads lines until an empty one; '#' starts a comment line.
    if (line.empty() || line[0] == '#') break;
    absl::StatusOr<promql::testing::SeriesLine> parsed = promql::testing::ParseSeriesLine(line);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          util::ToAbsl(SeriesError(is.series, line, parsed.status())));
    }
    if (parsed->native_histogram) {
      return absl::InvalidArgumentError("native histogram input series are not supported");
    }
    InputData data{parsed->labels, {}, 0};
    for (size_t i = 0; i < parsed->values.size(); ++i) {
      if (parsed->values[i].omitted) continue;
      data.samples.push_back({static_cast<int64_t>(i) * step, parsed->values[i].value});
    }
    auto [it, inserted] = index.emplace(data.labels, out.size());
    if (inserted) {
      out.push_back(std::move(data));
    } else {
      out[it->second] = std::move(data);
    }
  }
  return out;
}

// Appends the samples at or before `t_ms` not appended yet, in one commit.
absl::Status AppendTill(tsdb::Storage& storage, std::vector<InputData>& series, int64_t t_ms) {
  std::unique_ptr<tsdb::Appender> app = storage.NewAppender();
  for (InputData& s : series) {
    for (; s.next < s.samples.size() && s.samples[s.next].t <= t_ms; ++s.next) {
      absl::StatusOr<tsdb::SeriesRef> ref =
          app->Append(0, s.labels, s.samples[s.next].t, s.samples[s.next].v);
      if (!ref.ok()) {
        app->Rollback();
        return ref.status();
      }
    }
  }
  return app->Commit();
}

// Prometheus's parser.ParseMetric: a metric name and/or a label set, nothing else.
absl::StatusOr<model::Labels> ParseMetric(const std::string& text) {
  const std::string_view trimmed = TrimSpace(text);
  if (trimmed.empty()) return model::Labels();
  absl::StatusOr<promql::testing::SeriesLine> parsed =
      promql::testing::ParseSeriesLine(std::string(trimmed));
  if (parsed.ok() && parsed->values.empty() && !parsed->native_histogram) {
    return parsed->labels;
  }
  absl::StatusOr<std::unique_ptr<promql::Expr>> e = promql::ParseExpr(text);
  if (!e.ok()) return e.status();
  if (!parsed.ok()) return parsed.status();
  return absl::InvalidArgumentError("1:1: parse error: expected a metric");
}

bool FloatsEqual(double x, double y, bool fuzzy) {
  if (x == y) return true;
  return fuzzy && (std::nextafter(x, -INFINITY) == y || std::nextafter(x, INFINITY) == y);
}

bool SamplesEqual(const std::vector<ExprSample>& a, const std::vector<ExprSample>& b, bool fuzzy) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].labels != b[i].labels || !FloatsEqual(a[i].value, b[i].value, fuzzy)) return false;
  }
  return true;
}

void SortSamples(std::vector<ExprSample>& samples) {
  std::stable_sort(samples.begin(), samples.end(),
                   [](const ExprSample& a, const ExprSample& b) { return a.labels < b.labels; });
}

model::Labels FromMap(const std::map<std::string, std::string>& m) {
  std::vector<std::pair<std::string, std::string>> pairs(m.begin(), m.end());
  return model::Labels::FromPairs(pairs);
}

// Everything one test group needs while it runs.
class TestGroupRun {
 public:
  TestGroupRun(const RulesTestFile& file, const RulesTestGroup& tg,
               const std::vector<std::string>& rule_files, const std::map<std::string, int>& order)
      : file_(file), tg_(tg), rule_files_(rule_files), order_(order) {}

  std::vector<std::string> Run();

 private:
  absl::Status LoadRules();
  // Compares the alerts due at evaluation `ts` (alert tests at [ts, ts + interval)).
  void CheckAlerts(absl::Duration ts);
  void CheckExpr(const PromqlTestCase& test);

  const RulesTestFile& file_;
  const RulesTestGroup& tg_;
  const std::vector<std::string>& rule_files_;
  const std::map<std::string, int>& order_;

  absl::Duration eval_interval_;
  tsdb::MemStorage storage_;
  std::unique_ptr<promql::Engine> engine_;
  std::vector<std::unique_ptr<rules::Group>> groups_;
  std::vector<std::string> errors_;
  // The alert tests by eval_time, and the next eval_time to check.
  std::map<absl::Duration, std::vector<const AlertTestCase*>> alert_tests_;
  std::map<absl::Duration, std::vector<const AlertTestCase*>>::const_iterator next_alert_;
};

absl::Status TestGroupRun::LoadRules() {
  // Each file's errors one by one, as Prometheus's LoadGroups returns them (it stops at the
  // first file with errors).
  for (const std::string& path : rule_files_) {
    rules::RuleFileCheck check = rules::CheckRuleFile(path);
    if (check.errors.empty()) continue;
    for (const std::string& e : check.errors) errors_.push_back(StrCat(path, ": ", e));
    return absl::InvalidArgumentError("rule files do not load");
  }
  auto env = std::make_shared<rules::GroupEnv>();
  env->storage = &storage_;
  env->engine = engine_.get();
  env->external_url = tg_.external_url;
  env->external_labels = tg_.external_labels;
  absl::StatusOr<std::vector<std::unique_ptr<rules::Group>>> groups =
      rules::LoadGroups(rule_files_, tg_.interval, /*should_restore=*/false, std::move(env));
  if (!groups.ok()) {
    errors_.push_back(Message(groups.status()));
    return groups.status();
  }
  groups_ = *std::move(groups);
  // promtool sorts by the position in group_eval_order, a group not listed counting as 0.
  auto rank = [this](const std::unique_ptr<rules::Group>& g) {
    auto it = order_.find(g->name());
    return it == order_.end() ? 0 : it->second;
  };
  std::stable_sort(groups_.begin(), groups_.end(),
                   [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  return absl::OkStatus();
}

void TestGroupRun::CheckAlerts(absl::Duration ts) {
  for (; next_alert_ != alert_tests_.end() && ts <= next_alert_->first &&
         next_alert_->first < ts + eval_interval_;
       ++next_alert_) {
    // The firing alerts of every rule with a name under test; one name may be in many groups.
    std::set<std::string> names;
    for (const AlertTestCase* t : next_alert_->second) names.insert(t->alertname);
    std::map<std::string, std::vector<AlertLabelsAndAnnotations>> got;
    for (const auto& g : groups_) {
      for (const auto& r : g->rules()) {
        if (r->kind() != rules::Rule::Kind::kAlerting || !names.contains(r->name())) continue;
        for (const rules::Alert& a : static_cast<const rules::AlertingRule&>(*r).ActiveAlerts()) {
          if (a.state == rules::AlertState::kFiring) {
            got[r->name()].push_back({a.labels, a.annotations});
          }
        }
      }
    }
    for (const AlertTestCase* t : next_alert_->second) {
      std::vector<AlertLabelsAndAnnotations> exp;
      for (const ExpectedAlert& a : t->exp_alerts) {
        std::map<std::string, std::string> labels = a.exp_labels;
        labels["alertname"] = t->alertname;
        exp.push_back({FromMap(labels), FromMap(a.exp_annotations)});
      }
      std::vector<AlertLabelsAndAnnotations>& actual = got[t->alertname];
      SortAlerts(actual);
      SortAlerts(exp);
      if (exp != actual) {
        errors_.push_back(AlertTestFailure(tg_.name, t->alertname, t->eval_time, exp, actual));
      }
    }
  }
}

void TestGroupRun::CheckExpr(const PromqlTestCase& test) {
  const int64_t t = absl::ToInt64Milliseconds(test.eval_time);
  absl::StatusOr<promql::QueryResult> result = engine_->InstantQuery(storage_, test.expr, t);
  std::vector<ExprSample> got;
  if (result.ok()) {
    if (auto* v = std::get_if<promql::Vector>(&result->value)) {
      for (const promql::VectorSample& s : *v) got.push_back({s.labels, s.v});
    } else if (auto* s = std::get_if<promql::Scalar>(&result->value)) {
      got.push_back({model::Labels(), s->v});
    } else {
      result = absl::InvalidArgumentError("rule result is not a vector or scalar");
    }
  }
  if (!result.ok()) {
    errors_.push_back(ExprTestError(test.expr, test.eval_time, Message(result.status())));
    return;
  }
  std::vector<ExprSample> exp;
  for (const ExpectedSample& s : test.exp_samples) {
    absl::StatusOr<model::Labels> labels = ParseMetric(s.labels);
    if (!labels.ok()) {
      errors_.push_back(ExprTestError(
          test.expr, test.eval_time,
          StrCat("labels ", util::QuoteGo(s.labels), ": ", Message(labels.status()))));
      return;
    }
    exp.push_back({*std::move(labels), s.value});
  }
  SortSamples(exp);
  SortSamples(got);
  if (!SamplesEqual(exp, got, file_.fuzzy_compare)) {
    errors_.push_back(ExprTestFailure(test.expr, test.eval_time, exp, got));
  }
}

std::vector<std::string> TestGroupRun::Run() {
  eval_interval_ = file_.evaluation_interval;
  absl::StatusOr<std::vector<InputData>> series = LoadInputSeries(tg_, tg_.interval);
  if (!series.ok()) return {Message(series.status())};

  promql::EngineOptions eo;
  eo.max_samples = 10'000;  // promtool's test loader
  eo.timeout = absl::Seconds(100);
  engine_ = std::make_unique<promql::Engine>(eo);
  if (!LoadRules().ok()) return std::move(errors_);

  absl::Duration max_eval = absl::ZeroDuration();
  for (const AlertTestCase& t : tg_.alert_rule_test) {
    if (t.alertname.empty()) {
      std::string where;
      if (!tg_.name.empty()) where = StrCat(" (in TestGroup ", tg_.name, ")");
      return {
          StrCat("an item under alert_rule_test misses required attribute alertname at "
                 "eval_time ",
                 model::DurationToString(t.eval_time), where)};
    }
    alert_tests_[t.eval_time].push_back(&t);
    max_eval = std::max(max_eval, t.eval_time);
  }
  for (const PromqlTestCase& t : tg_.promql_expr_test) max_eval = std::max(max_eval, t.eval_time);
  next_alert_ = alert_tests_.begin();

  for (absl::Duration ts = absl::ZeroDuration(); ts <= max_eval; ts += eval_interval_) {
    if (absl::Status s = AppendTill(storage_, *series, absl::ToInt64Milliseconds(ts)); !s.ok()) {
      errors_.push_back(Message(s));
    } else {
      std::vector<std::string> eval_errors;
      for (const auto& g : groups_) {
        g->Eval(absl::UnixEpoch() + ts);
        for (const auto& r : g->rules()) {
          const rules::RuleStatus st = r->status();
          if (st.last_error.empty()) continue;
          eval_errors.push_back(StrCat("    rule: ", r->name(),
                                       ", time: ", FormatGoDuration(absl::ToInt64Nanoseconds(ts)),
                                       ", err: ", st.last_error));
        }
      }
      if (!eval_errors.empty()) {
        errors_.insert(errors_.end(), eval_errors.begin(), eval_errors.end());
        return std::move(errors_);
      }
    }
    CheckAlerts(ts);
  }
  for (const PromqlTestCase& t : tg_.promql_expr_test) CheckExpr(t);
  return std::move(errors_);
}

}  // namespace

std::string CleanPath(const std::string& path) {
  if (path.empty()) return ".";
  const bool rooted = path[0] == '/';
  std::vector<std::string_view> parts;
  for (std::string_view part : util::StrSplit(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(part);
      }
      continue;
    }
    parts.push_back(part);
  }
  std::string out = rooted ? "/" : "";
  out.append(util::StrJoin(parts, "/"));
  return out.empty() ? "." : out;
}

absl::StatusOr<std::vector<std::string>> ResolveRuleFiles(const std::string& base_dir,
                                                          const std::vector<std::string>& patterns,
                                                          std::ostream& err) {
  std::vector<std::string> joined;
  for (const std::string& p : patterns) {
    joined.push_back(p.empty() || p[0] == '/' ? p : CleanPath(StrCat(base_dir, "/", p)));
  }
  std::vector<std::string> files;
  for (const std::string& p : joined) {
    if (IsBadPattern(p)) return absl::InvalidArgumentError("syntax error in pattern");
    std::vector<std::string> matches;
    if (!HasMeta(p)) {
      std::error_code ec;  // Go's Lstat: a dangling symlink matches too
      if (std::filesystem::exists(std::filesystem::symlink_status(p, ec))) matches.push_back(p);
    } else {
      glob_t g{};
      if (glob(p.c_str(), 0, nullptr, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; ++i) matches.emplace_back(g.gl_pathv[i]);
      }
      globfree(&g);
    }
    if (matches.empty()) err << "  WARNING: no file match pattern " << p << "\n";
    files.insert(files.end(), matches.begin(), matches.end());
  }
  return files;
}

std::vector<std::string> RunRulesTestFile(const std::string& path, std::ostream& err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {StrCat("open ", path, ": no such file or directory")};
  std::stringstream content;
  content << in.rdbuf();
  absl::StatusOr<RulesTestFile> file = ParseRulesTestFile(content.str());
  if (!file.ok()) return {Message(file.status())};
  absl::StatusOr<std::vector<std::string>> rule_files =
      ResolveRuleFiles(DirOf(path), file->rule_files, err);
  if (!rule_files.ok()) return {Message(rule_files.status())};
  if (file->evaluation_interval == absl::ZeroDuration()) {
    file->evaluation_interval = absl::Minutes(1);
  }
  std::map<std::string, int> order;
  for (size_t i = 0; i < file->group_eval_order.size(); ++i) {
    if (!order.emplace(file->group_eval_order[i], static_cast<int>(i)).second) {
      return {StrCat("group name repeated in evaluation order: ", file->group_eval_order[i])};
    }
  }
  std::vector<std::string> errors;
  for (RulesTestGroup& tg : file->tests) {
    if (tg.interval == absl::ZeroDuration()) tg.interval = file->evaluation_interval;  // 3.x
    std::vector<std::string> e = TestGroupRun(*file, tg, *rule_files, order).Run();
    errors.insert(errors.end(), e.begin(), e.end());
  }
  return errors;
}

int TestRules(const std::vector<std::string>& files, std::ostream& out, std::ostream& err) {
  bool failed = false;
  for (const std::string& f : files) {
    out << "Unit Testing:  " << f << "\n";
    out.flush();
    const std::vector<std::string> errors = RunRulesTestFile(f, err);
    if (errors.empty()) {
      out << "  SUCCESS\n";
    } else {
      failed = true;
      out.flush();
      err << "  FAILED:\n";
      for (const std::string& e : errors) {
        err << e << "\n";
        err.flush();
        out << "\n";
        out.flush();
      }
    }
    out << "\n";
  }
  out.flush();
  return failed ? 1 : 0;
}

}  // namespace sextant::tool
