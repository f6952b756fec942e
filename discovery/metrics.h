#pragma once

// The service discovery mechanisms' own counters, under Prometheus's names:
//
//   prometheus_sd_http_failures_total         failed http_sd refreshes (discovery/http/)
//   prometheus_sd_dns_lookups_total           dns_sd lookups of one name (discovery/dns/)
//   prometheus_sd_dns_lookup_failures_total   of those, the ones that failed
//
// They count for the whole process (every job's and every Alertmanager set's providers), as in
// Prometheus; RegisterSdMetrics() exposes them in a registry.
//
// Thread-safety: everything may be used from any thread.

#include "util/metrics.h"

namespace sextant::discovery {

struct SdMetrics {
  util::Counter http_failures;
  util::Counter dns_lookups;
  util::Counter dns_lookup_failures;
};

// The process's counters.
SdMetrics& GlobalSdMetrics();

// Adds the counters to `registry`; a second call with the same registry does nothing. Not for
// concurrent calls on one registry.
void RegisterSdMetrics(util::Registry* registry);

}  // namespace sextant::discovery
