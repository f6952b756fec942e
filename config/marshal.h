#pragma once

// Renders a loaded Config back to YAML, as /api/v1/status/config shows it: every effective value
// (defaults included), secrets as "<secret>", durations and sizes in Prometheus's notation.

#include <string>

#include "config/config.h"

namespace sextant::config {

std::string ConfigToYaml(const Config& config);

}  // namespace sextant::config
