#pragma once

// TargetGroup: what every service discovery mechanism produces, as Prometheus's
// discovery/targetgroup.Group: targets (each a label set with at least `__address__`) that share
// a set of labels, identified by a `source` unique within the provider that made it.
//
// Consumers (scrape pools, the notifier's Alertmanager sets) merge a target's own labels with the
// group's: a target's label wins over the group's label of the same name.

#include <string>
#include <vector>

#include "config/config.h"
#include "model/labels.h"

namespace sextant::discovery {

struct TargetGroup {
  std::vector<model::Labels> targets;
  model::Labels labels;
  // Prometheus's source names: the index ("0", "1", ...) for static_configs, "<path>:<index>" for
  // a group of a file_sd file.
  std::string source;

  bool operator==(const TargetGroup&) const = default;
};

// One static_configs entry as a group: each address becomes a target {__address__="<address>"}.
TargetGroup FromConfig(const config::TargetGroup& group, std::string source);

}  // namespace sextant::discovery
