#pragma once

// What this binary is: the values behind --version, /api/v1/status/buildinfo and the
// prometheus_build_info metric. Filled in by CMake when the build is configured.

#include <string_view>

namespace sextant::util {

struct BuildInfo {
  std::string_view version;     // semver, e.g. "0.1.0"
  std::string_view revision;    // git commit the build was configured from, or "unknown"
  std::string_view branch;      // git branch, or "unknown"
  std::string_view build_user;  // user@host that configured the build
  std::string_view build_date;  // YYYYMMDD-HH:MM:SS (UTC), Prometheus's format
  std::string_view compiler;    // e.g. "GNU 12.2.0"; reported where Prometheus reports goVersion
};

const BuildInfo& GetBuildInfo();

}  // namespace sextant::util
