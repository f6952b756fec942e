#include "discovery/metrics.h"

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
}

}  // namespace sextant::discovery
