#pragma once

// Notifier: sends alerts to Alertmanagers, as Prometheus's notifier.Manager.
//
// Send() adds the external labels (where an alert lacks them), applies
// alerting.alert_relabel_configs (an alert relabelled away is dropped), and queues the alerts.
// The queue holds at most `queue_capacity` alerts; when full the oldest are dropped and counted
// (prometheus_notifications_dropped_total). A sender thread takes up to 256 alerts at a time and
// POSTs them as JSON to `<scheme>://<address><path_prefix>/api/v2/alerts` of every discovered
// Alertmanager of every `alerting.alertmanagers` entry (each with its own per-entry
// alert_relabel_configs, timeout, auth and TLS), concurrently. A failed or slow Alertmanager is
// counted (prometheus_notifications_errors_total) and retried only by the next Send (the rule
// manager re-sends firing alerts every resend delay); it never blocks Send().
//
// Alertmanagers are discovered from each entry's static_configs and file_sd_configs (the
// discovery module), then `relabel_configs` with `__alerts_path__`, `__scheme__`, `__address__`
// (rules/notifier/alertmanager_set.h).
//
// A batch that no Alertmanager of some entry accepted counts as dropped, as in Prometheus
// (prometheus_notifications_dropped_total also counts failed batches). The metrics are listed in
// rules/notifier/notifier_metrics.h.
//
// Thread-safety: all methods may be called from any thread.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "config/config.h"
#include "model/labels.h"
#include "util/metrics.h"

namespace sextant::rules {

// One alert as Alertmanager's v2 API receives it (postableAlert). The JSON body is described in
// docs/format/alertmanager.md (rules/notifier/alert_json.h writes it).
struct NotifierAlert {
  model::Labels labels;
  model::Labels annotations;
  // InfinitePast: not set. Prometheus sends Go's zero time then ("0001-01-01T00:00:00.000Z"),
  // which Alertmanager reads as unset; so does Sextant.
  absl::Time starts_at = absl::InfinitePast();
  absl::Time ends_at = absl::InfinitePast();
  std::string generator_url;
};

struct NotifierOptions {
  int queue_capacity = 10000;     // --alertmanager.notification-queue-capacity
  bool drain_on_shutdown = true;  // --alertmanager.drain-notification-queue-on-shutdown
  // The product in the User-Agent header: "<user_agent>/<version>" (Prometheus sends
  // "Prometheus/<version>").
  std::string user_agent = "Sextant";
  // How often file_sd_configs files of Alertmanagers are checked for changes.
  absl::Duration sd_check_period = absl::Seconds(5);
  // Alertmanagers follow discovery's news at most this often (Prometheus's discovery manager
  // throttles every consumer to 5 s).
  absl::Duration sd_update_interval = absl::Seconds(5);
};

// One Alertmanager as /api/v1/alertmanagers shows it.
struct AlertmanagerStatus {
  std::string url;  // e.g. http://127.0.0.1:9093/api/v2/alerts
};

class Notifier {
 public:
  // `registry` must outlive the notifier. Starts the sender thread.
  Notifier(NotifierOptions options, util::Registry* registry);
  // Stops: drains the queue first when drain_on_shutdown (bounded by each Alertmanager's
  // timeout), else drops what is queued.
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Takes the external labels, alert_relabel_configs and alertmanagers of `cfg`; restarts
  // discovery for them. Errors: InvalidArgument for an unusable entry (nothing changes).
  absl::Status ApplyConfig(const config::Config& cfg);

  // Queues alerts for every Alertmanager. Never blocks on the network.
  void Send(std::vector<NotifierAlert> alerts);

  // Stops the sender (see the destructor); later Send() calls drop their alerts.
  void Stop();

  std::vector<AlertmanagerStatus> ActiveAlertmanagers() const;
  std::vector<AlertmanagerStatus> DroppedAlertmanagers() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sextant::rules
