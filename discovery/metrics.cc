#include "discovery/metrics.h"

#include <string>

namespace sextant::discovery {

SdMetrics& GlobalSdMetrics() {
  static SdMetrics* const metrics = new SdMetrics;  // never destroyed: providers may outlive main
  return *metrics;
}

void RegisterSdMetrics(util::Registry* registry) {
  if (registry->Has("prometheus_sd_http_failures_total")) return;  // registered already
  SdMetrics& m = GlobalSdMetrics();
  registry->NewCounterFunc("prometheus_sd_http_failures_total",
                           "Number of HTTP service discovery refresh failures.",
                           [&m] { return m.http_failures.value(); });
  registry->NewCounterFunc("prometheus_sd_dns_lookups_total", "The number of DNS-SD lookups.",
                           [&m] { return m.dns_lookups.value(); });
  registry->NewCounterFunc("prometheus_sd_dns_lookup_failures_total",
                           "The number of DNS-SD lookup failures.",
                           [&m] { return m.dns_lookup_failures.value(); });
  registry->NewCallbackFamily(
      "prometheus_sd_kubernetes_events_total", "The number of Kubernetes events handled.",
      util::MetricType::kCounter, [&m](util::MetricWriter& w) {
        for (size_t r = 0; r < std::size(kKubernetesRoles); ++r) {
          for (size_t e = 0; e < std::size(kKubernetesEvents); ++e) {
            w.Sample("prometheus_sd_kubernetes_events_total", {"event", "role"},
                     {std::string(kKubernetesEvents[e]), std::string(kKubernetesRoles[r])},
                     m.kubernetes_events[r][e].value());
          }
        }
      });
  registry->NewCounterFunc("prometheus_sd_kubernetes_failures_total",
                           "The number of failed WATCH/LIST requests.",
                           [&m] { return m.kubernetes_failures.value(); });
}

}  // namespace sextant::discovery
