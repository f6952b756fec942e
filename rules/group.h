#pragma once

// A rule group, as Prometheus's rules.Group: rules evaluated in file order on the group's
// interval, at instants aligned by EvalTimestamp so that two servers with the same config
// evaluate at the same times.
//
// One evaluation (Eval) queries each rule at ts - query_offset, appends every output through one
// appender (each rule seeing the outputs of the rules before it, see eval_storage.h) and commits
// once; series a rule produced in the previous evaluation but not in this one get a stale
// marker. Alerting rules send their due alerts after each evaluation.
//
// Run() starts the group's own thread: it waits for the first aligned instant after now,
// evaluates, then evaluates every interval, counting iterations it had to skip when an
// evaluation ran longer than the interval. A group loaded at startup restores its alerts' `for`
// state from ALERTS_FOR_STATE after its second evaluation, as Prometheus does.
//
// Thread-safety: the evaluation state (previous outputs, stale series, restore flag) belongs to
// whoever evaluates: the group's thread between Run() and Stop(), otherwise the caller of Eval,
// RestoreForState, WriteStaleMarkers and CopyState, which must therefore not be called while the
// thread runs. Run and Stop are called by one thread at a time (the manager's). The accessors,
// the counters, evaluation_time() and last_evaluation() may be called from any thread, as may
// rules() and the rules' own status accessors.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"
#include "promql/engine.h"
#include "rules/alerting_rule.h"
#include "rules/rule.h"
#include "tsdb/storage.h"
#include "util/mutex.h"
#include "util/summary.h"

namespace sextant::rules {

// What every group shares with its manager. Pointers must outlive the groups.
struct GroupEnv {
  tsdb::Storage* storage = nullptr;
  promql::Engine* engine = nullptr;
  NotifyFunc notify;  // may be empty
  std::string external_url;
  model::Labels external_labels;
  absl::Duration default_query_offset = absl::ZeroDuration();  // global.rule_query_offset
  absl::Duration outage_tolerance = absl::Hours(1);            // --rules.alert.for-outage-tolerance
  absl::Duration for_grace_period = absl::Minutes(10);         // --rules.alert.for-grace-period
  absl::Duration resend_delay = absl::Minutes(1);              // --rules.alert.resend-delay
  // Where every rule evaluation and every group evaluation of Run()'s thread is timed
  // (prometheus_rule_evaluation_duration_seconds, prometheus_rule_group_duration_seconds); may be
  // null.
  util::Summary* rule_duration = nullptr;
  util::Summary* group_duration = nullptr;
};

// Counters and gauges of one group, exported as prometheus_rule_group_* {rule_group="file;name"}.
struct GroupCounters {
  std::atomic<double> iterations_missed{0};
  std::atomic<double> iterations_total{0};
  std::atomic<double> evaluations_total{0};
  std::atomic<double> evaluation_failures{0};
  std::atomic<double> last_evaluation_samples{0};
  std::atomic<double> last_restore_duration{0};
};

class Group {
 public:
  struct Options {
    std::string name;
    std::string file;
    absl::Duration interval;
    std::optional<absl::Duration> query_offset;
    int64_t limit = 0;
    bool should_restore = false;
  };

  Group(Options options, std::vector<std::unique_ptr<Rule>> rules,
        std::shared_ptr<const GroupEnv> env);
  ~Group();  // stops the thread (without stale markers)
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  const std::string& name() const { return opts_.name; }
  const std::string& file() const { return opts_.file; }
  absl::Duration interval() const { return opts_.interval; }
  int64_t limit() const { return opts_.limit; }
  absl::Duration QueryOffset() const;
  // "file;name", the rule_group label of the metrics.
  std::string Key() const;
  const std::vector<std::unique_ptr<Rule>>& rules() const { return rules_; }

  // Prometheus's EvalTimestamp: the latest instant <= `start` of the form
  // k * interval + (hash(name, file) mod interval), in nanoseconds since the epoch.
  absl::Time EvalTimestamp(absl::Time start) const;

  // One evaluation at `ts` (also used directly by tests and `test rules`). Once Stop() was called
  // it evaluates no further rule (until Run()).
  void Eval(absl::Time ts);

  // Restores the `for` state of the alerting rules (see AlertingRule::RestoreForState).
  void RestoreForState(absl::Time now);

  // Starts the evaluation thread. Precondition: not running (a stopped group may run again).
  void Run();
  // Stops the thread, letting the rule being evaluated finish and committing what the current
  // evaluation produced; returns once the thread has ended. Writes no stale markers (for a group
  // removed by a reload the manager calls WriteStaleMarkers later). Idempotent.
  void Stop();

  // Appends a stale marker at `ts` for every series the last evaluation produced, and any left
  // over from rules removed by a reload. Errors are logged.
  void WriteStaleMarkers(absl::Time ts);

  // Same name, file, interval, limit, query offset and rules.
  bool Equals(const Group& other) const;
  // Takes over state from the group this one replaces: alerts and previous outputs of rules
  // with the same name and labels, evaluation status; outputs of rules that went away are
  // marked stale at the next evaluation. Precondition: neither group is running.
  void CopyState(Group& from);

  absl::Duration evaluation_time() const;
  absl::Time last_evaluation() const;  // kZeroTime before the first
  const GroupCounters& counters() const { return counters_; }

 private:
  void Loop();
  bool SleepUntil(absl::Time t);
  void CleanupStaleSeries(absl::Time ts);
  absl::StatusOr<promql::Vector> Query(class EvalStorage& es, std::string_view text,
                                       const promql::Expr* parsed, int64_t t) const;

  const Options opts_;
  const std::vector<std::unique_ptr<Rule>> rules_;
  const std::shared_ptr<const GroupEnv> env_;
  GroupCounters counters_;

  // Owned by whoever evaluates (the group's thread, or the caller of Eval when not running).
  std::vector<absl::flat_hash_set<model::Labels>> previous_;  // per rule: its last outputs
  std::vector<model::Labels> stale_series_;  // outputs of rules removed by a reload
  bool should_restore_;

  mutable util::Mutex status_mu_;
  absl::Duration evaluation_time_ ABSL_GUARDED_BY(status_mu_) = absl::ZeroDuration();
  absl::Time last_evaluation_ ABSL_GUARDED_BY(status_mu_);

  std::thread thread_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
};

}  // namespace sextant::rules
