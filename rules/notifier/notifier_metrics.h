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
// Everything lives in the registry, so the registry may outlive the notifier.
//
// Thread-safety: all members may be used from any thread.

#include "util/metrics.h"

namespace sextant::rules {

struct NotifierMetrics {
  // Registers every family in `registry` (once per registry).
  explicit NotifierMetrics(util::Registry* registry);

  util::Family<util::Summary>* latency;
  util::Family<util::Histogram>* latency_histogram;
  util::Family<util::Counter>* errors;
  util::Family<util::Counter>* sent;
  util::Counter* dropped;
  util::Gauge* queue_length;
  util::Gauge* queue_capacity;
  util::Gauge* alertmanagers_discovered;
};

}  // namespace sextant::rules
