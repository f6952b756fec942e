#pragma once

// Sextant's command line: Prometheus's flag names, meanings and defaults (except retention,
// 90d by default), parsed the way Prometheus's kingpin does: `--name=value` or `--name value`,
// booleans as `--name`, `--no-name` or `--name=true|false`.
//
// Agent mode (`--agent`, or `--enable-feature=agent`): as Prometheus, the flags marked "Use with
// server mode only." in --help (storage.tsdb.*, storage.remote.read-*, rules.*, alertmanager.*,
// query.*) are refused in agent mode and the storage.agent.* flags are refused in server mode,
// when given explicitly: ParseFlags fails with Prometheus's message (Prometheus exits with
// status 3 there).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace sextant::config {

struct Flags {
  std::string config_file;  // "" runs the embedded default config
  std::string web_listen_address = "0.0.0.0:9090";
  std::string web_config_file;  // exporter-toolkit's web config (api/web/web_config.h); "" = none
  absl::Duration web_read_timeout = absl::Minutes(5);
  int64_t web_max_connections = 512;
  std::string web_external_url;
  std::string web_route_prefix;
  bool web_enable_lifecycle = false;
  bool web_enable_admin_api = false;
  bool web_enable_remote_write_receiver = false;
  std::string web_cors_origin = ".*";
  std::string web_page_title = "Sextant Time Series Collection and Processing Server";
  std::string storage_tsdb_path = "data/";
  absl::Duration storage_tsdb_retention_time = absl::Hours(24 * 90);
  uint64_t storage_tsdb_retention_size = 0;  // bytes; 0 = no size limit
  bool storage_tsdb_wal_compression = true;
  absl::Duration storage_remote_flush_deadline = absl::Minutes(1);
  int64_t storage_remote_read_sample_limit = 50000000;  // per query, SAMPLES only; 0 = no limit
  int64_t storage_remote_read_concurrent_limit = 10;    // 0 = no limit
  int64_t storage_remote_read_max_bytes_in_frame = 1048576;
  absl::Duration rules_alert_for_outage_tolerance = absl::Hours(1);
  absl::Duration rules_alert_for_grace_period = absl::Minutes(10);
  absl::Duration rules_alert_resend_delay = absl::Minutes(1);
  int64_t alertmanager_notification_queue_capacity = 10000;
  bool alertmanager_drain_notification_queue_on_shutdown = true;
  absl::Duration scrape_discovery_reload_interval = absl::Seconds(5);
  absl::Duration query_lookback_delta = absl::Minutes(5);
  absl::Duration query_timeout = absl::Minutes(2);
  int64_t query_max_concurrency = 20;
  int64_t query_max_samples = 50000000;
  std::vector<std::string> enable_feature;
  // Agent mode (Prometheus's --agent): scrape and remote-write only, on a WAL-only storage
  // (tsdb/agent/agent_storage.h); no rules, no alerting, no local queries.
  bool agent = false;
  std::string storage_agent_path = "data-agent/";
  bool storage_agent_wal_compression = true;
  uint64_t storage_agent_wal_segment_size = 0;          // bytes; 0 = the default (128MB); hidden
  absl::Duration storage_agent_wal_truncate_frequency;  // 0 = the default (2h); hidden
  absl::Duration storage_agent_retention_min_time = absl::Minutes(5);
  absl::Duration storage_agent_retention_max_time = absl::Hours(4);
  bool storage_agent_no_lockfile = false;
  std::string log_level = "info";
  std::string log_format = "logfmt";
};

struct ParsedCommandLine {
  Flags flags;
  bool help = false;     // --help / -h given: print FlagsUsage() and exit 0
  bool version = false;  // --version given
};

// Errors: InvalidArgument naming the flag, e.g.
//   invalid value "banana" for flag --storage.tsdb.retention.time: not a valid duration string: ...
//   unknown long flag '--foo'
//   The following flag(s) can not be used in agent mode: ["--query.timeout"]
//   The following flag(s) can only be used in agent mode: ["--storage.agent.path"]
//   flag 'storage.agent.wal-segment-size' must be set between 10MB and 256MB
absl::StatusOr<ParsedCommandLine> ParseFlags(const std::vector<std::string>& args);

// The --help text (hidden flags left out, as kingpin does).
std::string FlagsUsage();

// Every flag (hidden ones included) and its effective value as text, for /api/v1/status/flags
// (names without "--").
std::vector<std::pair<std::string, std::string>> FlagValues(const Flags& flags);

}  // namespace sextant::config
