#pragma once

// `sextant-tool tsdb dump [--min-time=N] [--max-time=N] [--match=SELECTOR] [<db path>]`: every
// sample of the selected series in [min-time, max-time] (ms, both inclusive), head (WAL) data
// included, one line per sample in promtool's format:
//
//   {__name__="up", instance="h:9100", job="node"} 1 1700000000000
//
// labels as Labels::ToString(), the value as Go's %g (NaN, +Inf, -Inf, 1e-07, 1.23456789e+08;
// a stale marker prints as NaN), the timestamp in ms. Series in label order, samples in time
// order. Opens the database read-only (no lock, no writes), so it works while a server runs.

#include <cstdint>
#include <limits>
#include <ostream>
#include <string>

#include "absl/status/status.h"

namespace sextant::tool {

struct DumpOptions {
  std::string db_path = "data/";
  int64_t min_time = std::numeric_limits<int64_t>::min();
  int64_t max_time = std::numeric_limits<int64_t>::max();
  std::string match = "{__name__=~'(?s:.*)'}";
};

// Errors: the selector's parse error (PromQL's text, e.g. "1:5: parse error: ..."); NotFound
// "opening the db dir: stat <path>: no such file or directory"; the database's errors.
// min_time > max_time prints nothing.
absl::Status DumpSamples(const DumpOptions& options, std::ostream& out);

}  // namespace sextant::tool
