#pragma once

// An alerting rule, as Prometheus's rules.AlertingRule: every series of its expression's result
// is an alert, keyed by its labels (the series' labels without __name__, the rule's labels
// expanded as templates, and alertname). An alert is pending from the evaluation it first
// appears in, firing once it has been active for `for`, kept firing for `keep_firing_for` after
// it vanishes, then resolved; resolved alerts are kept (and re-sent) for 15 minutes.
//
// Each evaluation outputs ALERTS{alertname, alertstate, <labels>} = 1 and
// ALERTS_FOR_STATE{alertname, <labels>} = the alert's activeAt in Unix seconds for every pending
// or firing alert, once the rule's `for` state has been restored (after a restart).
//
// Thread-safety: evaluated by its group only; the accessors may be called from any thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "rules/rule.h"
#include "tsdb/storage.h"

namespace sextant::rules {

enum class AlertState { kUnknown, kInactive, kPending, kFiring };
// "unknown", "inactive", "pending", "firing".
std::string_view AlertStateName(AlertState state);

struct Alert {
  AlertState state = AlertState::kInactive;
  model::Labels labels;
  model::Labels annotations;
  double value = 0;
  absl::Time active_at = kZeroTime;
  absl::Time fired_at = kZeroTime;
  absl::Time resolved_at = kZeroTime;
  absl::Time last_sent_at = kZeroTime;
  absl::Time valid_until = kZeroTime;
  absl::Time keep_firing_since = kZeroTime;
};

// Receives the alerts a rule wants sent, with its query text (for the generator URL).
using NotifyFunc = std::function<void(const std::string& query, std::vector<Alert> alerts)>;

class AlertingRule final : public Rule {
 public:
  // `restored`: false when the rule's `for` state should first be restored from
  // ALERTS_FOR_STATE (a group loaded at startup); until then it outputs no ALERTS series.
  AlertingRule(std::string name, std::unique_ptr<promql::Expr> expr, absl::Duration hold,
               absl::Duration keep_firing_for, model::Labels labels, model::Labels annotations,
               bool restored);

  // Errors: the query's; "vector contains metrics with the same labelset after applying alert
  // labels"; "exceeded limit of L with N alerts" (all alerts are then dropped, as Prometheus).
  absl::StatusOr<promql::Vector> Eval(const EvalContext& ctx, absl::Time ts) override;
  std::string Definition() const override;

  // Passes the alerts due for sending at `ts` to `notify`: firing ones not sent within
  // `resend_delay`, and newly resolved ones. Their valid_until becomes ts + 4 * max(interval,
  // resend_delay).
  void SendAlerts(absl::Time ts, absl::Duration resend_delay, absl::Duration interval,
                  const NotifyFunc& notify);

  // Restores activeAt of the active alerts from ALERTS_FOR_STATE in `querier` (which covers
  // [now - outage_tolerance, now]), as Prometheus's Group.RestoreForState, then marks the rule
  // restored. Errors are logged by the caller; the rule is marked restored regardless.
  absl::Status RestoreForState(tsdb::Querier& querier, absl::Time now,
                               absl::Duration for_grace_period);

  absl::Duration hold_duration() const { return hold_; }
  absl::Duration keep_firing_for() const { return keep_firing_for_; }
  const model::Labels& annotations() const { return annotations_; }
  bool restored() const;
  void set_restored(bool restored);

  // The highest state of any alert; kUnknown until the group has recorded an evaluation of the
  // rule (SetEvaluated; a failed one counts), as Prometheus.
  AlertState State() const;
  // Copies of the alerts that are pending or firing (not resolved).
  std::vector<Alert> ActiveAlerts() const;
  // Takes over `from`'s alerts (a reload that changed the group but kept this rule).
  void CopyAlertsFrom(const AlertingRule& from);

 private:
  // The alerts the query result `res` stands for, labels and annotations expanded, keyed by
  // label hash, each pending since `ts`. Errors: two results with the same labels.
  absl::StatusOr<absl::flat_hash_map<uint64_t, Alert>> AlertsOf(const promql::Vector& res,
                                                                const EvalContext& ctx,
                                                                absl::Time ts) const;
  promql::VectorSample AlertsSample(const Alert& alert, int64_t t) const;
  promql::VectorSample ForStateSample(const Alert& alert, int64_t t) const;

  const absl::Duration hold_;
  const absl::Duration keep_firing_for_;
  const model::Labels annotations_;
  mutable util::Mutex mu_;
  bool restored_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint64_t, Alert> active_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sextant::rules
