#include "rules/notifier/notifier_metrics.h"

namespace sextant::rules {

NotifierMetrics::NotifierMetrics(util::Registry* r)
    : latency(r->NewSummaryFamily("prometheus_notifications_latency_seconds",
                                  "Latency quantiles for sending alert notifications.",
                                  {"alertmanager"}, {{0.5, 0.05}, {0.9, 0.01}, {0.99, 0.001}})),
      latency_histogram(r->NewHistogramFamily("prometheus_notifications_latency_histogram_seconds",
                                              "Latency histogram for sending alert notifications.",
                                              {"alertmanager"}, {.01, .1, 1, 10})),
      errors(r->NewCounterFamily("prometheus_notifications_errors_total",
                                 "Total number of sent alerts affected by errors.",
                                 {"alertmanager"})),
      sent(r->NewCounterFamily("prometheus_notifications_sent_total",
                               "Total number of alerts sent.", {"alertmanager"})),
      dropped(r->NewCounter("prometheus_notifications_dropped_total",
                            "Total number of alerts dropped due to errors when sending to "
                            "Alertmanager.")),
      queue_length(r->NewGauge("prometheus_notifications_queue_length",
                               "The number of alert notifications in the queue.")),
      queue_capacity(r->NewGauge("prometheus_notifications_queue_capacity",
                                 "The capacity of the alert notifications queue.")),
      alertmanagers_discovered(r->NewGauge("prometheus_notifications_alertmanagers_discovered",
                                           "The number of alertmanagers discovered and active.")) {}

}  // namespace sextant::rules
