#pragma once

// RulesApi: /api/v1/rules, /api/v1/alerts and /api/v1/alertmanagers from the rule manager and
// the notifier, in Prometheus's shapes (web/api/v1's RuleDiscovery, AlertDiscovery and
// AlertmanagerDiscovery).
//
//   /api/v1/rules   type=alert|record, rule_name[], rule_group[], file[], match[] (on the rules'
//                   labels), exclude_alerts, group_limit + group_next_token (pagination; the
//                   token is sha256("file;group") in hex, as Prometheus)
//   /api/v1/alerts  every pending or firing alert of every alerting rule
//   /api/v1/alertmanagers   the notifier's active and dropped Alertmanager URLs
//
// Thread-safety: the handlers may run concurrently; they read snapshots of the groups.

#include "api/params.h"
#include "api/query_api.h"

namespace sextant::rules {
class Notifier;
class RuleManager;
}  // namespace sextant::rules

namespace sextant::api {

class RulesApi {
 public:
  // Either may be null (empty answers). Both must outlive the API.
  RulesApi(const rules::RuleManager* manager, const rules::Notifier* notifier);

  ApiResult Rules(const Params& p) const;
  ApiResult Alerts(const Params& p) const;
  ApiResult Alertmanagers(const Params& p) const;

 private:
  const rules::RuleManager* const manager_;
  const rules::Notifier* const notifier_;
};

// Go's strconv.FormatFloat(v, 'e', -1, 64), how Prometheus writes an alert's value ("1e+00").
std::string FormatFloatE(double v);

}  // namespace sextant::api
