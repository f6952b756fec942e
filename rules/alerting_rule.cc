#include "rules/alerting_rule.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "model/matcher.h"
#include "model/sample.h"
#include "model/timestamp.h"
#include "rules/template/template.h"
#include "util/strings.h"

namespace sextant::rules {
namespace {

constexpr std::string_view kAlertMetricName = "ALERTS";
constexpr std::string_view kAlertForStateMetricName = "ALERTS_FOR_STATE";
constexpr std::string_view kAlertNameLabel = "alertname";
constexpr std::string_view kAlertStateLabel = "alertstate";
// How long resolved alerts are kept (and re-sent), as Prometheus's resolvedRetention.
constexpr absl::Duration kResolvedRetention = absl::Minutes(15);

bool NeedsSending(const Alert& a, absl::Time ts, absl::Duration resend_delay) {
  if (a.state == AlertState::kPending) return false;
  // A resolved alert not yet sent as resolved.
  if (a.resolved_at > a.last_sent_at) return true;
  return a.last_sent_at + resend_delay < ts;
}

}  // namespace

std::string_view AlertStateName(AlertState state) {
  switch (state) {
    case AlertState::kInactive:
      return "inactive";
    case AlertState::kPending:
      return "pending";
    case AlertState::kFiring:
      return "firing";
    case AlertState::kUnknown:
      break;
  }
  return "unknown";
}

AlertingRule::AlertingRule(std::string name, std::unique_ptr<promql::Expr> expr,
                           absl::Duration hold, absl::Duration keep_firing_for,
                           model::Labels labels, model::Labels annotations, bool restored)
    : Rule(Kind::kAlerting, std::move(name), std::move(expr), std::move(labels)),
      hold_(hold),
      keep_firing_for_(keep_firing_for),
      annotations_(std::move(annotations)),
      restored_(restored) {}

absl::StatusOr<absl::flat_hash_map<uint64_t, Alert>> AlertingRule::AlertsOf(
    const promql::Vector& res, const EvalContext& ctx, absl::Time ts) const {
  // A template's `query` runs at the evaluation time itself, as in Prometheus.
  tmpl::FuncContext funcs;
  funcs.external_url = ctx.external_url;
  funcs.eval_time = ts;
  const int64_t template_t = model::FromTime(ts);
  funcs.query = [&ctx,
                 template_t](std::string_view q) -> absl::StatusOr<std::vector<tmpl::QuerySample>> {
    absl::StatusOr<promql::Vector> v = ctx.query(q, nullptr, template_t);
    if (!v.ok()) return v.status();
    std::vector<tmpl::QuerySample> out;
    out.reserve(v->size());
    for (promql::VectorSample& s : *v) out.push_back({std::move(s.labels), s.v});
    return out;
  };
  const std::string template_name = util::StrCat("__alert_", name());

  absl::flat_hash_map<uint64_t, Alert> fresh;
  fresh.reserve(res.size());
  model::LabelsBuilder lb;
  for (const promql::VectorSample& s : res) {
    tmpl::AlertData data{s.labels, ctx.external_labels, ctx.external_url, s.v};
    auto expand = [&](std::string_view text) -> std::string {
      if (text.find("{{") == std::string_view::npos)
        return std::string(text);  // plain text expands to itself
      return tmpl::ExpandAlertTemplate(template_name, text, data, funcs);
    };
    lb.Reset(s.labels);
    lb.Del(model::kMetricNameLabel);
    for (const model::Label& l : labels()) lb.Set(l.name, expand(l.value));
    lb.Set(kAlertNameLabel, name());
    // Annotations keep empty values (Prometheus builds them with a ScratchBuilder); labels
    // expanded to "" are dropped, as labels.Builder does.
    std::vector<std::pair<std::string, std::string>> ann;
    ann.reserve(annotations_.size());
    for (const model::Label& a : annotations_) ann.emplace_back(a.name, expand(a.value));

    Alert alert;
    alert.labels = lb.Build();
    alert.annotations = model::Labels::FromPairs(ann);
    alert.active_at = ts;
    alert.state = AlertState::kPending;
    alert.value = s.v;
    const uint64_t h = alert.labels.Hash();
    if (!fresh.emplace(h, std::move(alert)).second) {
      return absl::InvalidArgumentError(
          "vector contains metrics with the same labelset after applying alert labels");
    }
  }

  return fresh;
}

absl::StatusOr<promql::Vector> AlertingRule::Eval(const EvalContext& ctx, absl::Time ts) {
  const int64_t query_t = model::FromTime(ts - ctx.query_offset);
  absl::StatusOr<promql::Vector> res = ctx.query(query(), &expr(), query_t);
  if (!res.ok()) return res.status();

  absl::StatusOr<absl::flat_hash_map<uint64_t, Alert>> alerts = AlertsOf(*res, ctx, ts);
  if (!alerts.ok()) return alerts.status();
  absl::flat_hash_map<uint64_t, Alert>& fresh = *alerts;

  util::MutexLock lock(&mu_);
  for (auto& [h, a] : fresh) {
    auto it = active_.find(h);
    if (it != active_.end() && it->second.state != AlertState::kInactive) {
      it->second.value = a.value;
      it->second.annotations = std::move(a.annotations);
      continue;
    }
    active_[h] = std::move(a);
  }

  promql::Vector vec;
  int64_t num_active = 0;
  const int64_t out_t = query_t;
  const bool restored = restored_;
  for (auto it = active_.begin(); it != active_.end();) {
    Alert& a = it->second;
    if (!fresh.contains(it->first)) {
      bool keep_firing = false;
      if (a.state == AlertState::kFiring && keep_firing_for_ > absl::ZeroDuration()) {
        if (IsZeroTime(a.keep_firing_since)) a.keep_firing_since = ts;
        keep_firing = ts - a.keep_firing_since < keep_firing_for_;
      }
      // Pending alerts that vanish, and resolved ones past their retention, are forgotten.
      if (a.state == AlertState::kPending ||
          (!IsZeroTime(a.resolved_at) && ts - a.resolved_at > kResolvedRetention)) {
        active_.erase(it++);
        continue;
      }
      if (a.state != AlertState::kInactive && !keep_firing) {
        a.state = AlertState::kInactive;
        a.resolved_at = ts;
      }
      if (!keep_firing) {
        ++it;
        continue;
      }
    } else {
      a.keep_firing_since = kZeroTime;
    }
    ++num_active;
    if (a.state == AlertState::kPending && ts - a.active_at >= hold_) {
      a.state = AlertState::kFiring;
      a.fired_at = ts;
    }
    // A restored activeAt can move a firing alert back into its `for` period.
    if (a.state == AlertState::kFiring && ts - a.active_at < hold_) {
      a.state = AlertState::kPending;
      a.fired_at = kZeroTime;
      a.last_sent_at = kZeroTime;
      a.keep_firing_since = kZeroTime;
    }
    if (restored) {
      vec.push_back(AlertsSample(a, out_t));
      vec.push_back(ForStateSample(a, out_t));
    }
    ++it;
  }
  if (ctx.limit > 0 && num_active > ctx.limit) {
    active_.clear();
    return absl::InvalidArgumentError(
        util::StrCat("exceeded limit of ", ctx.limit, " with ", num_active, " alerts"));
  }
  return vec;
}

promql::VectorSample AlertingRule::AlertsSample(const Alert& alert, int64_t t) const {
  model::LabelsBuilder b(labels());
  for (const model::Label& l : alert.labels) b.Set(l.name, l.value);
  b.Set(model::kMetricNameLabel, kAlertMetricName);
  b.Set(kAlertNameLabel, name());
  b.Set(kAlertStateLabel, AlertStateName(alert.state));
  return {b.Build(), t, 1};
}

promql::VectorSample AlertingRule::ForStateSample(const Alert& alert, int64_t t) const {
  model::LabelsBuilder b(labels());
  for (const model::Label& l : alert.labels) b.Set(l.name, l.value);
  b.Set(model::kMetricNameLabel, kAlertForStateMetricName);
  b.Set(kAlertNameLabel, name());
  return {b.Build(), t, static_cast<double>(absl::ToUnixSeconds(alert.active_at))};
}

void AlertingRule::SendAlerts(absl::Time ts, absl::Duration resend_delay, absl::Duration interval,
                              const NotifyFunc& notify) {
  std::vector<Alert> due;
  {
    util::MutexLock lock(&mu_);
    for (auto& [h, a] : active_) {
      if (!NeedsSending(a, ts, resend_delay)) continue;
      a.last_sent_at = ts;
      a.valid_until = ts + 4 * std::max(interval, resend_delay);
      due.push_back(a);
    }
  }
  if (!due.empty() && notify) notify(query(), std::move(due));
}

absl::Status AlertingRule::RestoreForState(tsdb::Querier& querier, absl::Time now,
                                           absl::Duration for_grace_period) {
  // The ALERTS_FOR_STATE series of this rule: its name and its labels that are not templates.
  std::vector<model::Matcher> matchers;
  auto add = [&matchers](std::string_view name, std::string_view value) {
    absl::StatusOr<model::Matcher> m =
        model::Matcher::Create(model::MatchType::kEqual, name, value);
    if (m.ok()) matchers.push_back(*std::move(m));
  };
  add(model::kMetricNameLabel, kAlertForStateMetricName);
  add(kAlertNameLabel, name());
  for (const model::Label& l : labels()) {
    if (l.value.find("{{") == std::string_view::npos && l.name != kAlertNameLabel) {
      add(l.name, l.value);
    }
  }
  std::unique_ptr<tsdb::SeriesSet> set = querier.Select(matchers);
  // The newest sample of each series, keyed by its labels without __name__.
  absl::flat_hash_map<model::Labels, std::pair<int64_t, double>> last;
  while (set->Next()) {
    const tsdb::Series& series = set->At();
    std::unique_ptr<tsdb::SeriesIterator> it = series.Iterator();
    int64_t t = 0;
    double v = 0;
    bool any = false;
    while (it->Next()) {
      t = it->t();
      v = it->v();
      any = true;
    }
    if (absl::Status st = it->status(); !st.ok()) {
      set_restored(true);
      return st;
    }
    if (!any) continue;
    model::LabelsBuilder b(series.labels());
    b.Del(model::kMetricNameLabel);
    last[b.Build()] = {t, v};
  }
  if (absl::Status st = set->status(); !st.ok()) {
    set_restored(true);
    return st;
  }

  util::MutexLock lock(&mu_);
  for (auto& [h, a] : active_) {
    auto found = last.find(a.labels);
    if (found == last.end()) continue;
    const auto [t, v] = found->second;
    if (model::IsStaleNaN(v)) continue;  // the alert was not active
    const absl::Time down_at = absl::FromUnixSeconds(t / 1000);
    absl::Time restored_active_at = absl::FromUnixSeconds(static_cast<int64_t>(v));
    const absl::Duration remaining = hold_ - (down_at - restored_active_at);
    if (remaining <= absl::ZeroDuration()) {
      // It had been active for `for` already: it fires at once.
    } else if (remaining < for_grace_period) {
      restored_active_at = now + for_grace_period - hold_;
    } else {
      restored_active_at += now - down_at;
    }
    a.active_at = restored_active_at;
  }
  restored_ = true;
  return absl::OkStatus();
}

bool AlertingRule::restored() const {
  util::ReaderMutexLock lock(&mu_);
  return restored_;
}

void AlertingRule::set_restored(bool restored) {
  util::MutexLock lock(&mu_);
  restored_ = restored;
}

AlertState AlertingRule::State() const {
  // As Prometheus: unknown until the group recorded an evaluation, failed ones included.
  if (IsZeroTime(status().last_evaluation)) return AlertState::kUnknown;
  util::ReaderMutexLock lock(&mu_);
  AlertState max = AlertState::kInactive;
  for (const auto& [h, a] : active_) max = std::max(max, a.state);
  return max;
}

std::vector<Alert> AlertingRule::ActiveAlerts() const {
  util::ReaderMutexLock lock(&mu_);
  std::vector<Alert> out;
  for (const auto& [h, a] : active_) {
    if (IsZeroTime(a.resolved_at)) out.push_back(a);
  }
  std::sort(out.begin(), out.end(),
            [](const Alert& x, const Alert& y) { return x.labels < y.labels; });
  return out;
}

void AlertingRule::CopyAlertsFrom(const AlertingRule& from) {
  if (&from == this) return;
  std::vector<std::pair<uint64_t, Alert>> copy;
  {
    util::ReaderMutexLock lock(&from.mu_);
    copy.assign(from.active_.begin(), from.active_.end());
  }
  util::MutexLock lock(&mu_);
  for (auto& [h, a] : copy) active_[h] = std::move(a);
}

std::string AlertingRule::Definition() const {
  return util::StrCat(
      "alert: ", name(), "\nexpr: ", query(), "\nfor: ", absl::FormatDuration(hold_),
      "\nkeep_firing_for: ", absl::FormatDuration(keep_firing_for_),
      "\nlabels: ", labels().ToString(), "\nannotations: ", annotations_.ToString(), "\n");
}

}  // namespace sextant::rules
