#pragma once

// Renders a loaded Config back to YAML, as /api/v1/status/config shows it: every effective value
// (defaults included), secrets as "<secret>", durations and sizes in Prometheus's notation.

#include <string>

#include "config/config.h"

namespace sextant::config {

std::string ConfigToYaml(const Config& config);

// The whole of one scrape config as text, secrets included: equal exactly when the configs are,
// so a reload can tell which scrape pools changed. Never shown to users.
std::string ScrapeConfigFingerprint(const ScrapeConfig& config);
// The same for one remote_write entry: a reload keeps a queue whose fingerprint is unchanged.
std::string RemoteWriteConfigFingerprint(const RemoteWriteConfig& config);

}  // namespace sextant::config
