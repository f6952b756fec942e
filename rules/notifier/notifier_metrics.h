#pragma once

// The notifier's metrics under Prometheus's names (notifier/metric.go):
//
//   prometheus_notifications_latency_seconds{alertmanager}            summary (0.5, 0.9, 0.99
//                                                                      over the last 10 minutes)
//   prometheus_notifications_latency_histogram_seconds{alertmanager}  histogram (.01 .1 1 10)
//   prometheus_notifications_errors_total{alertmanager}               alerts in failed sends
//   prometheus_notifications_sent_total{alertmanager}                 alerts sent (failed or not)
//   prometheus_notifications_dropped_total                            alerts dropped: queue
//                                                                      overflow, failed batches
//   prometheus_notifications_queue_length / _queue_capacity
//   prometheus_notifications_alertmanagers_discovered
//
// Everything lives in the registry (the summary's state is shared with its collector), so the
// registry may outlive the notifier.
//
// Thread-safety: all members may be used from any thread.

#include <deque>
#include <map>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "util/metrics.h"
#include "util/mutex.h"

namespace sextant::rules {

// A summary by `alertmanager` label with Prometheus's quantiles 0.5, 0.9, 0.99 over a sliding
// window of observations (the last 10 minutes, at most 1024 per Alertmanager).
class LatencySummary {
 public:
  void Observe(const std::string& alertmanager, double seconds, absl::Time now);
  // Writes <name>{alertmanager,quantile}, <name>_sum, <name>_count.
  void Collect(std::string_view name, util::MetricWriter& out, absl::Time now) const;

 private:
  struct Series {
    std::deque<std::pair<absl::Time, double>> recent;
    double sum = 0;
    uint64_t count = 0;
  };
  mutable util::Mutex mu_;
  mutable std::map<std::string, Series> series_ ABSL_GUARDED_BY(mu_);
};

struct NotifierMetrics {
  // Registers every family in `registry` (once per registry).
  explicit NotifierMetrics(util::Registry* registry);

  std::shared_ptr<LatencySummary> latency;
  util::Family<util::Histogram>* latency_histogram;
  util::Family<util::Counter>* errors;
  util::Family<util::Counter>* sent;
  util::Counter* dropped;
  util::Gauge* queue_length;
  util::Gauge* queue_capacity;
  util::Gauge* alertmanagers_discovered;
};

}  // namespace sextant::rules
