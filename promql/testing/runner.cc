#include "promql/testing/runner.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <utility>

#include "model/regex.h"
#include "model/sample.h"
#include "promql/parser.h"
#include "promql/printer.h"
#include "re2/re2.h"
#include "tsdb/mem_storage.h"
#include "util/strings.h"

namespace sextant::promql::testing {
namespace {

constexpr double kEpsilon = 1e-6;
constexpr int64_t kMinute = 60'000;

std::string LabelsString(const model::Labels& labels) {
  std::string out = "{";
  bool first = true;
  for (const model::Label& l : labels) {
    if (!first) out += ", ";
    first = false;
    util::StrAppend(&out, l.name, "=\"", l.value, "\"");
  }
  return out + "}";
}

std::string ValueString(double v) {
  if (model::IsStaleNaN(v)) return "stale";
  return util::StrCat(v);
}

bool MatchesText(const Expectation& e, std::string_view text) {
  switch (e.match) {
    case Expectation::Match::kAny:
      return true;
    case Expectation::Match::kMessage:
      return e.text == text;
    case Expectation::Match::kRegex:
      return RE2::PartialMatch(model::ToRe2(text), RE2(e.text, RE2::Quiet));
  }
  return false;
}

// Prefixes an annotation the way Prometheus's error text carries it.
std::vector<std::string> WithPrefix(const std::vector<std::string>& in, std::string_view prefix) {
  std::vector<std::string> out;
  for (const std::string& s : in) {
    out.push_back(std::string_view(s).starts_with(prefix) ? s : util::StrCat(prefix, s));
  }
  return out;
}

std::string CheckAnnotationKind(const EvalCommand& ev, const std::vector<std::string>& actual,
                                ExpectKind want, ExpectKind none, std::string_view kind) {
  std::vector<const Expectation*> expected;
  bool expect_none = false;
  for (const Expectation& e : ev.expectations) {
    if (e.kind == want) expected.push_back(&e);
    if (e.kind == none) expect_none = true;
  }
  if (expect_none && !actual.empty()) {
    return util::StrCat("unexpected ", kind, " annotations: ", util::StrJoin(actual, "; "));
  }
  if (expected.empty()) return {};
  if (actual.empty()) return util::StrCat("expected ", kind, " annotations but none were found");
  for (const Expectation* e : expected) {
    if (std::none_of(actual.begin(), actual.end(),
                     [&](const std::string& a) { return MatchesText(*e, a); })) {
      return util::StrCat("expected ", kind, " annotation matching \"", e->text,
                          "\" but found: ", util::StrJoin(actual, "; "));
    }
  }
  for (const std::string& a : actual) {
    if (std::none_of(expected.begin(), expected.end(),
                     [&](const Expectation* e) { return MatchesText(*e, a); })) {
      return util::StrCat("unexpected ", kind, " annotation \"", a, "\"");
    }
  }
  return {};
}

std::string CheckAnnotations(const EvalCommand& ev, const QueryResult& r) {
  const std::vector<std::string> warnings = WithPrefix(r.warnings, "PromQL warning: ");
  const std::vector<std::string> infos = WithPrefix(r.infos, "PromQL info: ");
  if (ev.warn && warnings.empty()) return "expected warnings but got none";
  if (ev.info && infos.empty()) return "expected info annotations but got none";
  std::string err =
      CheckAnnotationKind(ev, warnings, ExpectKind::kWarn, ExpectKind::kNoWarn, "warn");
  if (err.empty())
    err = CheckAnnotationKind(ev, infos, ExpectKind::kInfo, ExpectKind::kNoInfo, "info");
  return err;
}

std::string CheckFailure(const EvalCommand& ev, std::string_view msg) {
  if (ev.expected_fail_message && *ev.expected_fail_message != msg) {
    return util::StrCat("expected error \"", *ev.expected_fail_message, "\", got: ", msg);
  }
  if (ev.expected_fail_regexp &&
      !RE2::PartialMatch(model::ToRe2(msg), RE2(*ev.expected_fail_regexp, RE2::Quiet))) {
    return util::StrCat("expected error matching \"", *ev.expected_fail_regexp, "\", got: ", msg);
  }
  for (const Expectation& e : ev.expectations) {
    if (e.kind == ExpectKind::kFail && !MatchesText(e, msg)) {
      return util::StrCat("expected error matching \"", e.text, "\", got: ", msg);
    }
  }
  return {};
}

const SeriesLine* FindExpected(const EvalCommand& ev, const model::Labels& labels, int* pos) {
  for (size_t i = 0; i < ev.expected_series.size(); ++i) {
    if (ev.expected_series[i].labels == labels) {
      *pos = static_cast<int>(i) + 1;
      return &ev.expected_series[i];
    }
  }
  return nullptr;
}

std::string CompareVector(const EvalCommand& ev, const Vector& vec) {
  if (ev.expected_scalar) return "expected a scalar, got a vector";
  std::set<int> seen;
  for (size_t i = 0; i < vec.size(); ++i) {
    const VectorSample& s = vec[i];
    int pos = 0;
    const SeriesLine* exp = FindExpected(ev, s.labels, &pos);
    if (exp == nullptr) {
      return util::StrCat("unexpected metric ", LabelsString(s.labels), " in result, has value ",
                          ValueString(s.v));
    }
    if (ev.IsOrdered() && pos != static_cast<int>(i) + 1) {
      return util::StrCat("expected metric ", LabelsString(s.labels), " at position ", pos,
                          " but was at ", i + 1);
    }
    if (exp->values.empty() || !AlmostEqual(exp->values[0].value, s.v)) {
      return util::StrCat("expected ",
                          exp->values.empty() ? "?" : ValueString(exp->values[0].value), " for ",
                          LabelsString(s.labels), " but got ", ValueString(s.v));
    }
    seen.insert(pos);
  }
  for (size_t i = 0; i < ev.expected_series.size(); ++i) {
    if (!seen.contains(static_cast<int>(i) + 1)) {
      return util::StrCat("expected metric ", LabelsString(ev.expected_series[i].labels),
                          " not found");
    }
  }
  return {};
}

std::string CompareMatrix(const EvalCommand& ev, const Matrix& m) {
  if (ev.IsOrdered()) return "expected ordered result, but query returned a matrix";
  if (ev.expected_scalar) return "expected a scalar, got a matrix";
  for (size_t i = 1; i < m.size(); ++i) {
    if (m[i].labels < m[i - 1].labels) {
      return util::StrCat("matrix not sorted by labels at index ", i);
    }
  }
  std::set<int> seen;
  for (const Series& s : m) {
    int pos = 0;
    const SeriesLine* exp = FindExpected(ev, s.labels, &pos);
    if (exp == nullptr)
      return util::StrCat("unexpected metric ", LabelsString(s.labels), " in result");
    seen.insert(pos);
    std::vector<FPoint> want;
    for (size_t i = 0; i < exp->values.size(); ++i) {
      const int64_t t = ev.start_ms + static_cast<int64_t>(i) * ev.step_ms;
      if (t > ev.end_ms) {
        return util::StrCat("expected ", exp->values.size(), " points for ", LabelsString(s.labels),
                            ", more than the time range holds");
      }
      if (!exp->values[i].omitted) want.push_back({t, exp->values[i].value});
    }
    std::string got;
    for (const FPoint& p : s.points) util::StrAppend(&got, " ", ValueString(p.v), "@", p.t);
    if (want.size() != s.points.size()) {
      return util::StrCat("expected ", want.size(), " points for ", LabelsString(s.labels), ", got",
                          got);
    }
    for (size_t i = 0; i < want.size(); ++i) {
      if (want[i].t != s.points[i].t || !AlmostEqual(want[i].v, s.points[i].v)) {
        return util::StrCat("expected ", ValueString(want[i].v), "@", want[i].t, " at index ", i,
                            " for ", LabelsString(s.labels), ", got", got);
      }
    }
  }
  for (size_t i = 0; i < ev.expected_series.size(); ++i) {
    if (!seen.contains(static_cast<int>(i) + 1)) {
      return util::StrCat("expected metric ", LabelsString(ev.expected_series[i].labels),
                          " not found");
    }
  }
  return {};
}

std::string CompareResult(const EvalCommand& ev, const QueryResult& r) {
  if (const auto* v = std::get_if<Vector>(&r.value)) return CompareVector(ev, *v);
  if (const auto* m = std::get_if<Matrix>(&r.value)) return CompareMatrix(ev, *m);
  if (const auto* s = std::get_if<Scalar>(&r.value)) {
    if (!ev.expected_scalar) return util::StrCat("expected vector or matrix, got scalar ", s->v);
    if (!AlmostEqual(*ev.expected_scalar, s->v)) {
      return util::StrCat("expected scalar ", ValueString(*ev.expected_scalar), " but got ",
                          ValueString(s->v));
    }
    return {};
  }
  const String& str = std::get<String>(r.value);
  if (ev.expected_string != str.v) {
    return util::StrCat("expected string \"", ev.expected_string.value_or(""), "\" but got \"",
                        str.v, "\"");
  }
  return {};
}

// Runs an instant eval again as a range query around its time and compares the middle step.
std::string CheckRangeMode(Engine& engine, tsdb::Storage& storage, const EvalCommand& ev,
                           std::string_view expr, int64_t t, const QueryResult& instant) {
  static const RE2 kContextFuncs(R"((start|end|range|step)\(\))");
  if (ev.exclude_from_range_check || RE2::PartialMatch(expr, kContextFuncs)) return {};
  absl::StatusOr<QueryResult> r =
      engine.RangeQuery(storage, expr, t - kMinute, t + kMinute, kMinute);
  if (!r.ok()) return util::StrCat("range mode: error: ", util::FromAbsl(r.status().message()));
  if (ev.IsOrdered()) return {};
  const Matrix* m = std::get_if<Matrix>(&r->value);
  if (m == nullptr) return "range mode: result is not a matrix";
  Vector vec;
  for (const Series& s : *m) {
    for (const FPoint& p : s.points) {
      if (p.t == t) {
        vec.push_back({s.labels, p.t, p.v});
        break;
      }
    }
  }
  QueryResult as_instant;
  if (std::holds_alternative<Scalar>(instant.value)) {
    if (vec.empty()) return "range mode: no point at the eval time for a scalar";
    as_instant.value = Scalar{t, vec[0].v};
  } else {
    as_instant.value = std::move(vec);
  }
  std::string err = CompareResult(ev, as_instant);
  return err.empty() ? err : util::StrCat("range mode: ", err);
}

// One instant query of an eval (its own, or an @ variant): error, annotations, result, and the
// same query in range mode. "" when it matches.
std::string RunInstantCase(Engine& engine, tsdb::Storage& storage, const EvalCommand& ev,
                           std::string_view expr, int64_t t) {
  absl::StatusOr<QueryResult> r = engine.InstantQuery(storage, expr, t);
  if (!r.ok()) {
    const std::string msg(util::FromAbsl(r.status().message()));
    return ev.IsFail() ? CheckFailure(ev, msg) : util::StrCat("error evaluating query: ", msg);
  }
  if (ev.IsFail()) return "expected an error but got none";
  std::string err = CheckAnnotations(ev, *r);
  if (err.empty()) err = CompareResult(ev, *r);
  if (err.empty()) err = CheckRangeMode(engine, storage, ev, expr, t, *r);
  return err;
}

// Functions whose result depends on the evaluation time even when their arguments do not
// (Prometheus's AtModifierUnsafeFunctions).
bool IsAtModifierUnsafe(std::string_view name) {
  static constexpr std::string_view kUnsafe[] = {
      "days_in_month", "day_of_month", "day_of_week",    "day_of_year", "hour",     "minute",
      "month",         "year",         "predict_linear", "time",        "timestamp"};
  return std::find(std::begin(kUnsafe), std::end(kUnsafe), name) != std::end(kUnsafe);
}

// Sets `@ t` on every selector and subquery of `e` that has none, not descending into
// subqueries (their inner selectors keep their own times). False when `e` calls a function
// whose result depends on the evaluation time.
bool PinToTime(Expr& e, int64_t t) {
  switch (e.kind()) {
    case ExprKind::kVectorSelector: {
      auto& vs = As<VectorSelector>(e);
      if (!vs.timestamp_ms && vs.start_or_end == AtModifier::kNone) vs.timestamp_ms = t;
      return true;
    }
    case ExprKind::kMatrixSelector:
      return PinToTime(*As<MatrixSelector>(e).vector_selector, t);
    case ExprKind::kSubquery: {
      auto& sq = As<SubqueryExpr>(e);
      if (!sq.timestamp_ms && sq.start_or_end == AtModifier::kNone) sq.timestamp_ms = t;
      return true;
    }
    case ExprKind::kCall:
      if (IsAtModifierUnsafe(As<Call>(e).func->name)) return false;
      break;
    default:
      break;
  }
  bool safe = true;
  for (const Expr* child : Children(e)) safe = PinToTime(const_cast<Expr&>(*child), t) && safe;
  return safe;
}

// Prometheus's runner also evaluates an instant eval with `@ <eval time>` added to every
// selector, at other times (a step-invariant query must give the same result anywhere).
// Returns the rewritten query and its evaluation times; none when the rewrite does not apply.
std::pair<std::string, std::vector<int64_t>> AtModifierVariants(std::string_view expr, int64_t t) {
  absl::StatusOr<std::unique_ptr<Expr>> parsed = ParseExpr(expr);
  if (!parsed.ok() || !PinToTime(**parsed, t)) return {};
  std::vector<int64_t> times = {-10 * t, 0, t / 5, t, 10 * t};
  if (t == 0) times = {-1000, 0, 1000};
  return {Format(**parsed), std::move(times)};
}

bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}

bool MentionsName(std::string_view expr, std::string_view name) {
  for (size_t pos = expr.find(name); pos != std::string_view::npos;
       pos = expr.find(name, pos + 1)) {
    const bool left_ok = pos == 0 || !IsIdentChar(expr[pos - 1]);
    const size_t end = pos + name.size();
    const bool right_ok = end >= expr.size() || !IsIdentChar(expr[end]);
    if (left_ok && right_ok) return true;
  }
  return false;
}

// The metric name a classic histogram series converts to under load_with_nhcb.
std::string NhcbBaseName(std::string_view name) {
  for (std::string_view suffix : {"_bucket", "_count", "_sum"}) {
    if (name.ends_with(suffix)) return std::string(name.substr(0, name.size() - suffix.size()));
  }
  return {};
}

}  // namespace

bool AlmostEqual(double a, double b) {
  if (model::IsStaleNaN(a) || model::IsStaleNaN(b)) {
    return model::IsStaleNaN(a) && model::IsStaleNaN(b);
  }
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  constexpr double kMinNormal = std::numeric_limits<double>::min();
  const double abs_sum = std::abs(a) + std::abs(b);
  const double diff = std::abs(a - b);
  if (a == 0 || b == 0 || abs_sum < kMinNormal) return diff < kEpsilon * kMinNormal;
  return diff / std::min(abs_sum, std::numeric_limits<double>::max()) < kEpsilon;
}

namespace {

// Whether any vector selector of `expr` selects one of `series` (series the runner does not load:
// native histograms). Such an eval depends on data out of scope, even when its selector names no
// such metric (`{job="api-server"}`). False when the expression does not parse: the eval runs and
// reports the parse error.
bool SelectsAny(std::string_view expr, const std::vector<model::Labels>& series) {
  if (series.empty()) return false;
  absl::StatusOr<std::unique_ptr<Expr>> parsed = ParseExpr(expr);
  if (!parsed.ok()) return false;
  std::vector<const Expr*> stack = {parsed->get()};
  while (!stack.empty()) {
    const Expr* e = stack.back();
    stack.pop_back();
    if (const auto* vs = DynCast<VectorSelector>(e)) {
      for (const model::Labels& labels : series) {
        if (tsdb::MatchesAll(labels, vs->matchers)) return true;
      }
    }
    for (const Expr* child : Children(*e)) stack.push_back(child);
  }
  return false;
}

}  // namespace

std::string ScriptRunner::RunRange(tsdb::Storage& storage, const EvalCommand& ev) {
  absl::StatusOr<QueryResult> r =
      engine_.RangeQuery(storage, ev.expr, ev.start_ms, ev.end_ms, ev.step_ms);
  if (!r.ok()) {
    const std::string msg(util::FromAbsl(r.status().message()));
    return ev.IsFail() ? CheckFailure(ev, msg) : util::StrCat("error evaluating query: ", msg);
  }
  if (ev.IsFail()) return "expected an error but got none";
  std::string err = CheckAnnotations(ev, *r);
  return err.empty() ? CompareResult(ev, *r) : err;
}

std::vector<EvalReport> ScriptRunner::Run(const Script& script) {
  std::vector<EvalReport> reports;
  auto storage = std::make_unique<tsdb::MemStorage>();
  std::set<std::string> native_names;  // metrics loaded as native histograms since the last clear
  std::vector<model::Labels> native_series;  // and their label sets
  std::string load_error;
  for (const Command& command : script.commands) {
    if (std::holds_alternative<ClearCommand>(command)) {
      storage = std::make_unique<tsdb::MemStorage>();
      native_names.clear();
      native_series.clear();
      load_error.clear();
      continue;
    }
    if (const auto* load = std::get_if<LoadCommand>(&command)) {
      // A series defined twice in one load keeps its last definition, as in Prometheus.
      std::map<model::Labels, size_t> last;
      for (size_t i = 0; i < load->series.size(); ++i) last[load->series[i].labels] = i;
      for (size_t k = 0; k < load->series.size(); ++k) {
        const SeriesLine& s = load->series[k];
        if (last[s.labels] != k) continue;
        if (s.native_histogram) {
          native_names.insert(std::string(s.labels.MetricName()));
          native_series.push_back(s.labels);
          continue;
        }
        if (load->with_nhcb) {
          if (std::string base = NhcbBaseName(s.labels.MetricName()); !base.empty()) {
            native_names.insert(std::move(base));
          }
        }
        for (size_t i = 0; i < s.values.size(); ++i) {
          if (s.values[i].omitted) continue;
          const int64_t t = static_cast<int64_t>(i) * load->interval_ms;
          if (absl::Status st = storage->Add(s.labels, t, s.values[i].value); !st.ok()) {
            load_error = util::StrCat(script.file, ":", s.line,
                                      ": load failed: ", util::FromAbsl(st.message()));
          }
        }
      }
      continue;
    }
    const EvalCommand& ev = std::get<EvalCommand>(command);
    EvalReport report{.file = script.file, .line = ev.line, .expr = ev.expr};
    const bool native =
        ev.ExpectsNativeHistograms() ||
        std::any_of(native_names.begin(), native_names.end(),
                    [&](const std::string& n) { return MentionsName(ev.expr, n); }) ||
        SelectsAny(ev.expr, native_series);
    if (native) {
      report.outcome = EvalReport::Outcome::kSkipped;
      report.message = "native histograms";
      reports.push_back(std::move(report));
      continue;
    }
    std::string err = load_error;
    if (err.empty()) {
      err = ev.is_range ? RunRange(*storage, ev)
                        : RunInstantCase(engine_, *storage, ev, ev.expr, ev.eval_time_ms);
      if (err.empty() && !ev.is_range) {
        auto [pinned, times] = AtModifierVariants(ev.expr, ev.eval_time_ms);
        for (int64_t t : times) {
          err = RunInstantCase(engine_, *storage, ev, pinned, t);
          if (!err.empty()) {
            err = util::StrCat("as `", pinned, "` at ", t, "ms: ", err);
            break;
          }
        }
      }
    }
    report.outcome = err.empty() ? EvalReport::Outcome::kPassed : EvalReport::Outcome::kFailed;
    report.message = std::move(err);
    reports.push_back(std::move(report));
  }
  return reports;
}

}  // namespace sextant::promql::testing
