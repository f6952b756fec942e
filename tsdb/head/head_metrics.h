#pragma once

// The head's own metrics (private to tsdb/head), under Prometheus's names.

#include "tsdb/head/head.h"
#include "util/metrics.h"

namespace sextant::tsdb::head {

struct Head::Metrics {
  explicit Metrics(util::Registry& r)
      : series_created(r.NewCounter("prometheus_tsdb_head_series_created_total",
                                    "Total number of series created in the head")),
        series_removed(r.NewCounter("prometheus_tsdb_head_series_removed_total",
                                    "Total number of series removed in the head")),
        samples_appended(r.NewCounterFamily("prometheus_tsdb_head_samples_appended_total",
                                            "Total number of appended samples.", {"type"})
                             ->With({"float"})),
        out_of_order(r.NewCounterFamily("prometheus_tsdb_out_of_order_samples_total",
                                        "Total number of out of order samples ingestion failed "
                                        "attempts due to out of order being disabled.",
                                        {"type"})
                         ->With({"float"})),
        out_of_bound(r.NewCounterFamily("prometheus_tsdb_out_of_bound_samples_total",
                                        "Total number of out of bound samples ingestion failed "
                                        "attempts with out of order support disabled.",
                                        {"type"})
                         ->With({"float"})),
        truncations(r.NewCounter("prometheus_tsdb_head_truncations_total",
                                 "Total number of head truncations attempted.")),
        gc_duration(r.NewHistogram("prometheus_tsdb_head_gc_duration_seconds",
                                   "Runtime of garbage collection in the head block.",
                                   {0.001, 0.01, 0.1, 1, 10})),
        active_appenders(r.NewGauge("prometheus_tsdb_head_active_appenders",
                                    "Number of currently active appender transactions")) {}

  util::Counter* series_created;
  util::Counter* series_removed;
  util::Counter* samples_appended;
  util::Counter* out_of_order;
  util::Counter* out_of_bound;
  util::Counter* truncations;
  util::Histogram* gc_duration;
  util::Gauge* active_appenders;
};

}  // namespace sextant::tsdb::head
