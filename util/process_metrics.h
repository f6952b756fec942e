#pragma once

// The standard process_* metrics that every Prometheus server and exporter exposes, read from
// /proc/self at scrape time: process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_start_time_seconds, process_open_fds, process_max_fds.

#include "util/metrics.h"

namespace sextant::util {

// Registers the process_* families in `registry`, which must outlive nothing but itself.
void RegisterProcessMetrics(Registry* registry);

// Seconds since the Unix epoch at which this process started (from /proc), or 0 if unknown.
double ProcessStartTimeSeconds();

}  // namespace sextant::util
