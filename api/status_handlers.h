#pragma once

// The `data` JSON of the /api/v1/status/* endpoints, in Prometheus's shapes.

#include <string>
#include <utility>
#include <vector>

#include "api/server.h"

namespace sextant::api {

// {"version":..,"revision":..,"branch":..,"buildUser":..,"buildDate":..,"goVersion":..}
// (goVersion carries the C++ compiler; Grafana only needs `version` to be semver).
std::string BuildInfoJson();
// {"<flag name>":"<value>",...}
std::string FlagsJson(const std::vector<std::pair<std::string, std::string>>& flags);
// {"yaml":"..."}
std::string ConfigJson(const std::string& yaml);
// Prometheus's runtimeinfo fields; Go-specific ones carry their nearest C++ meaning
// (goroutineCount = threads, GOMAXPROCS = hardware threads).
std::string RuntimeInfoJson(const RuntimeInfo& info);

}  // namespace sextant::api
