#include "rules/notifier/notifier_metrics.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/time/clock.h"
#include "util/strings.h"

namespace sextant::rules {
namespace {

constexpr absl::Duration kWindow = absl::Minutes(10);
constexpr size_t kKeep = 1024;

}  // namespace

void LatencySummary::Observe(const std::string& alertmanager, double seconds, absl::Time now) {
  util::MutexLock lock(&mu_);
  Series& s = series_[alertmanager];
  s.recent.emplace_back(now, seconds);
  if (s.recent.size() > kKeep) s.recent.pop_front();
  s.sum += seconds;
  ++s.count;
}

void LatencySummary::Collect(std::string_view name, util::MetricWriter& out, absl::Time now) const {
  util::MutexLock lock(&mu_);
  for (auto& [am, s] : series_) {
    while (!s.recent.empty() && now - s.recent.front().first > kWindow) s.recent.pop_front();
    std::vector<double> sorted;
    sorted.reserve(s.recent.size());
    for (const auto& [t, v] : s.recent) sorted.push_back(v);
    std::sort(sorted.begin(), sorted.end());
    for (double q : {0.5, 0.9, 0.99}) {
      const double v =
          sorted.empty() ? std::nan("") : sorted[static_cast<size_t>(q * (sorted.size() - 1))];
      out.Sample(name, {"alertmanager", "quantile"}, {am, util::StrCat(q)}, v);
    }
    out.Sample(util::StrCat(name, "_sum"), {"alertmanager"}, {am}, s.sum);
    out.Sample(util::StrCat(name, "_count"), {"alertmanager"}, {am}, static_cast<double>(s.count));
  }
}

NotifierMetrics::NotifierMetrics(util::Registry* r)
    : latency(std::make_shared<LatencySummary>()),
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
                                           "The number of alertmanagers discovered and active.")) {
  r->NewCallbackFamily("prometheus_notifications_latency_seconds",
                       "Latency quantiles for sending alert notifications.",
                       util::MetricType::kSummary, [summary = latency](util::MetricWriter& out) {
                         summary->Collect("prometheus_notifications_latency_seconds", out,
                                          absl::Now());
                       });
}

}  // namespace sextant::rules
