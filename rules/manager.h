#pragma once

// RuleManager: loads the rule files of the config and runs their groups, as Prometheus's
// rules.Manager.
//
// Update() (at start and on every reload) reads `rule_files` (globs, already resolved against the
// config's directory), validates every file, and only then replaces the running groups: a group
// whose definition did not change keeps running untouched (its alerts keep their activeAt); a
// changed group is stopped and its replacement takes over the state of the rules it kept; a
// removed group stops, and two intervals later stale markers are written for everything it
// produced. A file that fails to load changes nothing.
//
// Metrics (Prometheus's names): prometheus_rule_group_* per group {rule_group="file;name"},
// prometheus_rule_evaluations_total, prometheus_rule_evaluation_failures_total,
// prometheus_rule_group_iterations_missed_total, prometheus_rule_group_iterations_total,
// prometheus_rule_evaluation_duration_seconds, prometheus_rule_group_duration_seconds.
//
// Thread-safety: all methods may be called from any thread.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "config/config.h"
#include "promql/engine.h"
#include "rules/group.h"
#include "rules/notifier/notifier.h"
#include "tsdb/storage.h"
#include "util/metrics.h"
#include "util/mutex.h"

namespace sextant::rules {

struct RuleManagerOptions {
  tsdb::Storage* storage = nullptr;    // must outlive the manager
  promql::Engine* engine = nullptr;    // must outlive the manager
  util::Registry* registry = nullptr;  // may be null; must outlive the manager
  // Receives the alerts to send (the notifier's Send); may be empty.
  std::function<void(std::vector<NotifierAlert>)> send;
  std::string external_url;  // --web.external-url, for generatorURL and templates
  absl::Duration outage_tolerance = absl::Hours(1);
  absl::Duration for_grace_period = absl::Minutes(10);
  absl::Duration resend_delay = absl::Minutes(1);
  // False leaves the groups idle for the caller to evaluate with Group::Eval (tests).
  bool run_groups = true;
};

// Prometheus's rule files as groups, ready to run; for `sextant-tool test rules` and the manager.
// `files` are paths (no globs). Errors: every load error, one per line, as Prometheus logs them.
absl::StatusOr<std::vector<std::unique_ptr<Group>>> LoadGroups(
    const std::vector<std::string>& files, absl::Duration default_interval, bool should_restore,
    std::shared_ptr<const GroupEnv> env);

// The files the globs of `rule_files` name, sorted per glob as Go's filepath.Glob returns them.
// Errors: InvalidArgument for a malformed pattern.
absl::StatusOr<std::vector<std::string>> ExpandRuleFiles(const std::vector<std::string>& globs);

// Prometheus's rules.SendAlerts conversion: startsAt = firedAt, endsAt = resolvedAt or
// validUntil, generatorURL = external URL + /graph?g0.expr=<query>&g0.tab=1.
std::vector<NotifierAlert> ToNotifierAlerts(const std::string& external_url,
                                            const std::string& query,
                                            const std::vector<Alert>& alerts);

class RuleManager {
 public:
  explicit RuleManager(RuleManagerOptions options);
  ~RuleManager();  // Stop()
  RuleManager(const RuleManager&) = delete;
  RuleManager& operator=(const RuleManager&) = delete;

  // Loads the rule files of `cfg` and applies them as described above. Errors: InvalidArgument
  // "error loading rules, previous rule set restored" (each file's errors are logged).
  absl::Status Update(const config::Config& cfg);

  // Stops every group (no stale markers: the series resume after a restart) and drops the stale
  // markers that groups removed by a reload had still to write, so that the storage may close
  // once Stop returns. Update does nothing afterwards. Idempotent.
  void Stop();

  // The running groups, sorted by file then name.
  std::vector<std::shared_ptr<Group>> RuleGroups() const;

  // The manager's shared state (opaque; public so the metrics callbacks can hold it weakly).
  struct State;

 private:
  void Janitor();

  const RuleManagerOptions opts_;
  std::shared_ptr<State> state_;
};

}  // namespace sextant::rules
