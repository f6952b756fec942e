#pragma once

// Loading and validating prometheus.yml.
//
// Errors are InvalidArgument (NotFound when the file is missing) and name the file, the line and
// the field, e.g.
//   prometheus.yml:12: scrape_configs[1].scrape_timeout: not a valid duration string: "banana"
// The checks and their wording follow Prometheus's own loader; see config/testdata/verdicts.tsv
// for the table of cases checked against promtool.

#include <string_view>

#include "absl/status/statusor.h"
#include "config/config.h"

namespace sextant::config {

// Reads and validates the file at `path`. Relative paths inside it (rule_files, file_sd files,
// credential and TLS files) are resolved against the file's directory.
absl::StatusOr<Config> LoadConfigFile(std::string_view path);

// Validates `yaml`; `filename` is used in error messages and as Config::source_file, `base_dir`
// to resolve relative paths ("" keeps them as written).
absl::StatusOr<Config> LoadConfig(std::string_view yaml, std::string_view filename,
                                  std::string_view base_dir = "");

// Agent mode (--agent) refuses what an agent cannot do, as Prometheus's LoadFile(agentMode):
// InvalidArgument "field alerting is not allowed in agent mode" (alertmanagers or
// alert_relabel_configs), "field rule_files is not allowed in agent mode", "field remote_read is
// not allowed in agent mode". main calls it after every load (start and reload) in agent mode.
absl::Status CheckAgentConfig(const Config& config);

}  // namespace sextant::config
