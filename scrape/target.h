#pragma once

// Scrape targets: from a scrape config and its discovered target groups to the targets to
// scrape (and the ones relabelling dropped), as Prometheus's scrape/target.go PopulateLabels
// does:
//
//   1. the discovered labels: the target's own labels (`__address__` and any others), then the
//      group's labels, then the job's defaults where unset: `job`, `__scrape_interval__`,
//      `__scrape_timeout__`, `__metrics_path__`, `__scheme__` and `__param_<name>` (first value);
//   2. `relabel_configs`; a target they drop is kept, with its discovered labels, for the API;
//   3. checks: `__address__` present and a valid host[:port], interval and timeout parseable,
//      non-zero, timeout <= interval;
//   4. `__meta_*` labels removed; `instance` defaults to `__address__`.
//
// The target's labels (what its series get) are those without the `__` prefix; the scrape URL
// is `__scheme__://__address__` + `__metrics_path__` + `?` + the `__param_*` labels. Prometheus
// 3.x adds no default port.
//
// Thread-safety: the functions are pure.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "config/config.h"
#include "discovery/target_group.h"
#include "model/labels.h"

namespace sextant::scrape {

struct Target {
  model::Labels discovered;  // before relabelling (the API's discoveredLabels)
  model::Labels labels;      // after relabelling, `__` labels included (scrape URL, interval)
  std::string url;
  absl::Duration interval;
  absl::Duration timeout;

  // The labels without the `__` prefix: what every scraped series carries.
  model::Labels PublicLabels() const;
  // A stable identity of the target within its pool (hash of `labels`), for scheduling offsets
  // and for telling targets apart across reloads.
  uint64_t Hash() const;
};

struct DroppedTarget {
  model::Labels discovered;
};

struct PoolTargets {
  std::vector<Target> active;  // sorted by labels, duplicates (same labels) merged
  std::vector<DroppedTarget> dropped;
  std::vector<std::string> errors;  // targets that could not be made, as Prometheus logs them
};

// The targets of one scrape config from its discovered target groups (discovery/).
PoolTargets MakeTargets(const config::ScrapeConfig& cfg,
                        const std::vector<discovery::TargetGroup>& groups);
// The same from static_configs entries.
PoolTargets MakeTargets(const config::ScrapeConfig& cfg,
                        const std::vector<config::TargetGroup>& groups);

// One target: its labels after relabelling, or nullopt when relabelling dropped it.
// Errors: InvalidArgument with Prometheus's messages ("no address", "scrape interval cannot be
// 0", "scrape timeout cannot be greater than scrape interval (\"20s\" > \"10s\")", ...).
absl::StatusOr<std::optional<Target>> MakeTarget(const config::ScrapeConfig& cfg,
                                                 const model::Labels& target_labels,
                                                 const model::Labels& group_labels,
                                                 model::Labels* discovered);

}  // namespace sextant::scrape
