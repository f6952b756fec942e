#pragma once

// Alert relabelling, as Prometheus's notifier relabelAlerts: each alert first gets the external
// labels it lacks (a label it has, with a non-empty value, wins), then `configs` run on its
// labels (scrape/relabel.h); an alert they drop is left out. Annotations are untouched.
//
// Thread-safety: pure.

#include <span>
#include <vector>

#include "config/config.h"
#include "model/labels.h"
#include "rules/notifier/notifier.h"

namespace sextant::rules {

std::vector<NotifierAlert> RelabelAlerts(std::span<const config::RelabelConfig> configs,
                                         const model::Labels& external_labels,
                                         std::span<const NotifierAlert> alerts);

}  // namespace sextant::rules
