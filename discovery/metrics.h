#pragma once

// The service discovery mechanisms' own counters, under Prometheus's names:
//
//   prometheus_sd_http_failures_total         failed http_sd refreshes (discovery/http/)
//   prometheus_sd_dns_lookups_total           dns_sd lookups of one name (discovery/dns/)
//   prometheus_sd_dns_lookup_failures_total   of those, the ones that failed
//   prometheus_sd_kubernetes_events_total     Kubernetes events handled, by role and event
//   prometheus_sd_kubernetes_failures_total   failed Kubernetes lists and watches
//
// They count for the whole process (every job's and every Alertmanager set's providers), as in
// Prometheus; RegisterSdMetrics() exposes them in a registry.
//
// Thread-safety: everything may be used from any thread.

#include <iterator>
#include <string_view>

#include "util/metrics.h"

namespace sextant::discovery {

// The role label values of prometheus_sd_kubernetes_events_total, and its event values.
inline constexpr std::string_view kKubernetesRoles[] = {"endpointslice", "endpoints", "node",
                                                        "pod",           "service",   "ingress"};
inline constexpr std::string_view kKubernetesEvents[] = {"add", "delete", "update"};

struct SdMetrics {
  util::Counter http_failures;
  util::Counter dns_lookups;
  util::Counter dns_lookup_failures;
  // [index in kKubernetesRoles][index in kKubernetesEvents]
  util::Counter kubernetes_events[std::size(kKubernetesRoles)][std::size(kKubernetesEvents)];
  util::Counter kubernetes_failures;
};

// The process's counters.
SdMetrics& GlobalSdMetrics();

// Adds the counters to `registry`; a second call with the same registry does nothing. Not for
// concurrent calls on one registry.
void RegisterSdMetrics(util::Registry* registry);

}  // namespace sextant::discovery
