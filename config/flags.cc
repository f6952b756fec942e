#include "config/flags.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <optional>

#include "config/byte_size.h"
#include "model/duration.h"
#include "util/strings.h"

namespace sextant::config {
namespace {

using util::StrCat;

// One flag: how to set it from text and how to show its value.
// Which mode a flag belongs to: given explicitly in the other mode, it is an error.
enum class Mode { kBoth, kServerOnly, kAgentOnly };

struct FlagDef {
  std::string name;
  std::string help;
  bool is_bool = false;
  std::function<absl::Status(Flags&, std::string_view)> set;
  std::function<std::string(const Flags&)> get;
  Mode mode = Mode::kBoth;
  bool hidden = false;  // left out of --help, as kingpin's Hidden()
};

FlagDef ServerOnly(FlagDef def) {
  def.mode = Mode::kServerOnly;
  def.help += " Use with server mode only.";
  return def;
}

FlagDef AgentOnly(FlagDef def) {
  def.mode = Mode::kAgentOnly;
  def.help += " Use with agent mode only.";
  return def;
}

FlagDef Hidden(FlagDef def) {
  def.hidden = true;
  return def;
}

// Go's %q of a []string: ["--a" "--b"].
std::string QuoteList(const std::vector<std::string>& names) {
  std::string out = "[";
  for (size_t i = 0; i < names.size(); ++i)
    util::StrAppend(&out, i ? " " : "", "\"", names[i], "\"");
  return out + "]";
}

absl::Status SetDuration(absl::Duration* out, std::string_view v) {
  auto d = model::ParseDuration(v);
  if (!d.ok()) return d.status();
  *out = *d;
  return absl::OkStatus();
}

absl::Status SetInt(int64_t* out, std::string_view v) {
  int64_t n = 0;
  const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || ptr != v.data() + v.size()) {
    return absl::InvalidArgumentError(
        StrCat("strconv.ParseInt: parsing \"", v, "\": invalid syntax"));
  }
  *out = n;
  return absl::OkStatus();
}

absl::Status SetBool(bool* out, std::string_view v) {
  if (v == "true" || v == "1") {
    *out = true;
  } else if (v == "false" || v == "0") {
    *out = false;
  } else {
    return absl::InvalidArgumentError(
        StrCat("strconv.ParseBool: parsing \"", v, "\": invalid syntax"));
  }
  return absl::OkStatus();
}

// Member-pointer helpers keep the table below to one line of wiring per flag.
FlagDef String(std::string name, std::string Flags::*field, std::string help) {
  return {std::move(name), std::move(help), false,
          [field](Flags& f, std::string_view v) {
            f.*field = std::string(v);
            return absl::OkStatus();
          },
          [field](const Flags& f) { return f.*field; }};
}

FlagDef Duration(std::string name, absl::Duration Flags::*field, std::string help) {
  return {std::move(name), std::move(help), false,
          [field](Flags& f, std::string_view v) { return SetDuration(&(f.*field), v); },
          [field](const Flags& f) { return model::DurationToString(f.*field); }};
}

FlagDef Int(std::string name, int64_t Flags::*field, std::string help) {
  return {std::move(name), std::move(help), false,
          [field](Flags& f, std::string_view v) { return SetInt(&(f.*field), v); },
          [field](const Flags& f) { return std::to_string(f.*field); }};
}

// An int flag as kingpin's IntVar reads it: through strconv.ParseFloat, so "5e7" (Prometheus's
// default for the remote-read sample limit) is accepted, truncated towards zero.
FlagDef FloatInt(std::string name, int64_t Flags::*field, std::string help) {
  return {std::move(name), std::move(help), false,
          [field](Flags& f, std::string_view v) {
            double d = 0;
            const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
            if (ec != std::errc() || ptr != v.data() + v.size() || !(d > -9.2e18 && d < 9.2e18)) {
              return absl::InvalidArgumentError(
                  StrCat("strconv.ParseFloat: parsing \"", v, "\": invalid syntax"));
            }
            f.*field = static_cast<int64_t>(d);
            return absl::OkStatus();
          },
          [field](const Flags& f) { return std::to_string(f.*field); }};
}

FlagDef Bool(std::string name, bool Flags::*field, std::string help) {
  return {std::move(name), std::move(help), true,
          [field](Flags& f, std::string_view v) { return SetBool(&(f.*field), v); },
          [field](const Flags& f) { return std::string(f.*field ? "true" : "false"); }};
}

FlagDef Choice(std::string name, std::string Flags::*field, std::vector<std::string> choices,
               std::string help) {
  return {std::move(name), std::move(help), false,
          [field, choices](Flags& f, std::string_view v) {
            for (const std::string& c : choices) {
              if (c == v) {
                f.*field = c;
                return absl::OkStatus();
              }
            }
            return absl::InvalidArgumentError(
                StrCat("must be one of [", util::StrJoin(choices, ", "), "], got \"", v, "\""));
          },
          [field](const Flags& f) { return f.*field; }};
}

const std::vector<FlagDef>& FlagTable() {
  static const std::vector<FlagDef> table = [] {
    std::vector<FlagDef> t;
    t.push_back(String("config.file", &Flags::config_file,
                       "Sextant configuration file path (prometheus.yml format). Without it, an "
                       "embedded default config that scrapes Sextant itself is used."));
    t.push_back(String("web.listen-address", &Flags::web_listen_address,
                       "Address to listen on for UI, API, and telemetry."));
    t.push_back(String("web.config.file", &Flags::web_config_file,
                       "[EXPERIMENTAL] Path to configuration file that can enable TLS or "
                       "authentication."));
    t.push_back(Duration("web.read-timeout", &Flags::web_read_timeout,
                         "Maximum duration before timing out read of the request, and closing "
                         "idle connections."));
    t.push_back(Int("web.max-connections", &Flags::web_max_connections,
                    "Maximum number of simultaneous connections."));
    t.push_back(String("web.external-url", &Flags::web_external_url,
                       "The URL under which Sextant is externally reachable."));
    t.push_back(String("web.route-prefix", &Flags::web_route_prefix,
                       "Prefix for the internal routes of web endpoints."));
    t.push_back(Bool("web.enable-lifecycle", &Flags::web_enable_lifecycle,
                     "Enable shutdown and reload via HTTP request."));
    t.push_back(Bool("web.enable-admin-api", &Flags::web_enable_admin_api,
                     "Enable API endpoints for admin control actions."));
    t.push_back(Bool("web.enable-remote-write-receiver", &Flags::web_enable_remote_write_receiver,
                     "Enable API endpoint accepting remote write requests."));
    t.push_back(String("web.cors.origin", &Flags::web_cors_origin,
                       "Regex for CORS origin. It is fully anchored."));
    t.push_back(String("web.page-title", &Flags::web_page_title, "Document title of the UI."));
    t.push_back(
        String("storage.tsdb.path", &Flags::storage_tsdb_path, "Base path for metrics storage."));
    FlagDef retention = Duration("storage.tsdb.retention.time", &Flags::storage_tsdb_retention_time,
                                 "How long to retain samples in storage. Units supported: y, w, "
                                 "d, h, m, s, ms.");
    t.push_back(retention);
    retention.name = "storage.tsdb.retention";
    retention.help = "[DEPRECATED] Use storage.tsdb.retention.time instead.";
    t.push_back(retention);
    t.push_back({"storage.tsdb.retention.size",
                 "Maximum number of bytes that can be stored for blocks and the WAL. A unit is "
                 "required: B, KB, MB, GB, TB, PB, EB (powers of 2). Ex: \"512MB\".",
                 false,
                 [](Flags& f, std::string_view v) {
                   auto size = ParseByteSize(v);
                   if (!size.ok()) return size.status();
                   f.storage_tsdb_retention_size = *size;
                   return absl::OkStatus();
                 },
                 [](const Flags& f) { return ByteSizeToString(f.storage_tsdb_retention_size); }});
    t.push_back(Bool("storage.tsdb.wal-compression", &Flags::storage_tsdb_wal_compression,
                     "Compress the tsdb WAL (zstd)."));
    t.push_back(Duration("storage.remote.flush-deadline", &Flags::storage_remote_flush_deadline,
                         "How long to wait flushing sample on shutdown or config reload."));
    t.push_back(FloatInt("storage.remote.read-sample-limit",
                         &Flags::storage_remote_read_sample_limit,
                         "Maximum overall number of samples to return via the remote read "
                         "interface, in a single query. 0 means no limit. This limit is ignored "
                         "for streamed response types."));
    t.push_back(FloatInt("storage.remote.read-concurrent-limit",
                         &Flags::storage_remote_read_concurrent_limit,
                         "Maximum number of concurrent remote read calls. 0 means no limit."));
    t.push_back(FloatInt("storage.remote.read-max-bytes-in-frame",
                         &Flags::storage_remote_read_max_bytes_in_frame,
                         "Maximum number of bytes in a single frame for streaming remote read "
                         "response types before marshalling. Note that client might have limit "
                         "on frame size as well. 1MB as recommended by protobuf by default."));
    t.push_back(Duration("rules.alert.for-outage-tolerance",
                         &Flags::rules_alert_for_outage_tolerance,
                         "Max time to tolerate an outage for restoring \"for\" state of alert."));
    t.push_back(Duration("rules.alert.for-grace-period", &Flags::rules_alert_for_grace_period,
                         "Minimum duration between alert and restored \"for\" state."));
    t.push_back(Duration("rules.alert.resend-delay", &Flags::rules_alert_resend_delay,
                         "Minimum amount of time to wait before resending an alert to "
                         "Alertmanager."));
    t.push_back(Int("alertmanager.notification-queue-capacity",
                    &Flags::alertmanager_notification_queue_capacity,
                    "The capacity of the queue for pending Alertmanager notifications."));
    t.push_back(Bool("alertmanager.drain-notification-queue-on-shutdown",
                     &Flags::alertmanager_drain_notification_queue_on_shutdown,
                     "Send any outstanding Alertmanager notifications when shutting down. If "
                     "false, any outstanding Alertmanager notifications will be dropped when "
                     "shutting down."));
    t.push_back(Duration("scrape.discovery-reload-interval",
                         &Flags::scrape_discovery_reload_interval,
                         "Interval used by scrape manager to throttle target groups updates."));
    t.push_back(Duration("query.lookback-delta", &Flags::query_lookback_delta,
                         "The maximum lookback duration for retrieving metrics during "
                         "expression evaluations and federation."));
    t.push_back(Duration("query.timeout", &Flags::query_timeout,
                         "Maximum time a query may take before being aborted."));
    t.push_back(Int("query.max-concurrency", &Flags::query_max_concurrency,
                    "Maximum number of queries executed concurrently."));
    t.push_back(Int("query.max-samples", &Flags::query_max_samples,
                    "Maximum number of samples a single query can load into memory."));
    t.push_back({"enable-feature",
                 "Comma separated feature names to enable (accepted for "
                 "compatibility; only \"agent\", the same as --agent, has an effect).",
                 false,
                 [](Flags& f, std::string_view v) {
                   for (std::string_view part : util::StrSplit(v, ',')) {
                     if (!part.empty()) f.enable_feature.emplace_back(part);
                   }
                   return absl::OkStatus();
                 },
                 [](const Flags& f) { return util::StrJoin(f.enable_feature, ","); }});
    t.push_back(Bool("agent", &Flags::agent, "Run Sextant in 'Agent mode'."));
    t.push_back(AgentOnly(String("storage.agent.path", &Flags::storage_agent_path,
                                 "Base path for metrics storage.")));
    t.push_back(AgentOnly(Hidden(
        {"storage.agent.wal-segment-size",
         "Size at which to split WAL segment files. Example: 100MB", false,
         [](Flags& f, std::string_view v) {
           auto size = ParseByteSize(v);
           if (!size.ok()) return size.status();
           f.storage_agent_wal_segment_size = *size;
           return absl::OkStatus();
         },
         [](const Flags& f) { return ByteSizeToString(f.storage_agent_wal_segment_size); }})));
    t.push_back(
        AgentOnly(Bool("storage.agent.wal-compression", &Flags::storage_agent_wal_compression,
                       "Compress the agent WAL (zstd).")));
    t.push_back(AgentOnly(Hidden(Duration("storage.agent.wal-truncate-frequency",
                                          &Flags::storage_agent_wal_truncate_frequency,
                                          "The frequency at which to truncate the WAL and remove "
                                          "old data."))));
    t.push_back(AgentOnly(Duration("storage.agent.retention.min-time",
                                   &Flags::storage_agent_retention_min_time,
                                   "Minimum age samples may be before being considered for "
                                   "deletion when the WAL is truncated")));
    t.push_back(AgentOnly(Duration("storage.agent.retention.max-time",
                                   &Flags::storage_agent_retention_max_time,
                                   "Maximum age samples may be before being forcibly deleted "
                                   "when the WAL is truncated")));
    t.push_back(AgentOnly(Bool("storage.agent.no-lockfile", &Flags::storage_agent_no_lockfile,
                               "Do not create lockfile in data directory.")));
    // Prometheus's serverOnlyFlag list, as far as Sextant has the flags.
    for (FlagDef& def : t) {
      if (def.name.starts_with("storage.tsdb.") || def.name.starts_with("storage.remote.read-") ||
          def.name.starts_with("rules.") || def.name.starts_with("alertmanager.") ||
          def.name.starts_with("query.")) {
        def = ServerOnly(std::move(def));
      }
    }
    t.push_back(Choice("log.level", &Flags::log_level, {"debug", "info", "warn", "error"},
                       "Only log messages with the given severity or above. One of: [debug, "
                       "info, warn, error]"));
    t.push_back(Choice("log.format", &Flags::log_format, {"logfmt", "json"},
                       "Output format of log messages. One of: [logfmt, json]"));
    return t;
  }();
  return table;
}

const FlagDef* FindFlag(std::string_view name) {
  for (const FlagDef& def : FlagTable()) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<ParsedCommandLine> ParseFlags(const std::vector<std::string>& args) {
  ParsedCommandLine parsed;
  std::vector<std::string> server_only, agent_only;  // mode-bound flags given explicitly
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      parsed.help = true;
      continue;
    }
    if (arg == "--version") {
      parsed.version = true;
      continue;
    }
    if (arg.size() < 3 || arg.substr(0, 2) != "--") {
      return absl::InvalidArgumentError(StrCat("unexpected ", arg));
    }
    std::string_view body = std::string_view(arg).substr(2);
    std::optional<std::string_view> value;
    if (const size_t eq = body.find('='); eq != std::string_view::npos) {
      value = body.substr(eq + 1);
      body = body.substr(0, eq);
    }
    const FlagDef* def = FindFlag(body);
    bool negated = false;
    if (def == nullptr && body.substr(0, 3) == "no-") {
      def = FindFlag(body.substr(3));
      negated = def != nullptr && def->is_bool && !value;
      if (!negated) def = nullptr;
    }
    if (def == nullptr)
      return absl::InvalidArgumentError(StrCat("unknown long flag '--", body, "'"));
    std::string text;
    if (negated) {
      text = "false";
    } else if (value) {
      text = std::string(*value);
    } else if (def->is_bool) {
      text = "true";
    } else if (i + 1 < args.size()) {
      text = args[++i];
    } else {
      return absl::InvalidArgumentError(StrCat("expected argument for flag '--", def->name, "'"));
    }
    if (absl::Status s = def->set(parsed.flags, text); !s.ok()) {
      return absl::InvalidArgumentError(
          StrCat("invalid value \"", text, "\" for flag --", def->name, ": ", s.message()));
    }
    // As kingpin's PreAction: each explicit use counts, a repeated flag as often as given.
    if (def->mode == Mode::kServerOnly) server_only.push_back("--" + def->name);
    if (def->mode == Mode::kAgentOnly) agent_only.push_back("--" + def->name);
  }
  Flags& f = parsed.flags;
  // Prometheus 2.x's spelling of --agent.
  if (std::find(f.enable_feature.begin(), f.enable_feature.end(), "agent") !=
      f.enable_feature.end()) {
    f.agent = true;
  }
  if (f.agent && !server_only.empty()) {
    return absl::InvalidArgumentError(
        StrCat("The following flag(s) can not be used in agent mode: ", QuoteList(server_only)));
  }
  if (!f.agent && !agent_only.empty()) {
    return absl::InvalidArgumentError(
        StrCat("The following flag(s) can only be used in agent mode: ", QuoteList(agent_only)));
  }
  if (f.agent && f.storage_agent_wal_segment_size != 0 &&
      (f.storage_agent_wal_segment_size < (10u << 20) ||
       f.storage_agent_wal_segment_size > (256u << 20))) {
    return absl::InvalidArgumentError(
        "flag 'storage.agent.wal-segment-size' must be set between 10MB and 256MB");
  }
  return parsed;
}

std::string FlagsUsage() {
  const Flags defaults;
  std::string out =
      "usage: sextant [<flags>]\n\n"
      "The Sextant monitoring server (Prometheus-compatible).\n\nFlags:\n"
      "  -h, --help  Show this help.\n"
      "      --version  Show application version.\n";
  for (const FlagDef& def : FlagTable()) {
    if (def.hidden) continue;
    const std::string value = def.get(defaults);
    util::StrAppend(&out, "      --", def.name);
    if (!def.is_bool) util::StrAppend(&out, "=\"", value, "\"");
    util::StrAppend(&out, "\n          ", def.help, "\n");
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> FlagValues(const Flags& flags) {
  std::vector<std::pair<std::string, std::string>> values;
  for (const FlagDef& def : FlagTable()) values.emplace_back(def.name, def.get(flags));
  return values;
}

}  // namespace sextant::config
