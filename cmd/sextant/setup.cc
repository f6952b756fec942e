#include "cmd/sextant/setup.h"

#include <cstdio>
#include <map>
#include <utility>

#include "config/byte_size.h"
#include "model/duration.h"
#include "util/build_info.h"
#include "util/log.h"
#include "util/strings.h"

namespace sextant::cmd {
namespace {

// Go's names for this build's target, as prometheus_build_info reports them.
#if defined(__x86_64__)
constexpr char kGoArch[] = "amd64";
#elif defined(__aarch64__)
constexpr char kGoArch[] = "arm64";
#else
constexpr char kGoArch[] = "unknown";
#endif

}  // namespace

void PrintVersion() {
  const util::BuildInfo& b = util::GetBuildInfo();
  std::printf(
      "sextant, version %.*s (branch: %.*s, revision: %.*s)\n"
      "  build user:       %.*s\n"
      "  build date:       %.*s\n"
      "  compiler:         %.*s\n",
      static_cast<int>(b.version.size()), b.version.data(), static_cast<int>(b.branch.size()),
      b.branch.data(), static_cast<int>(b.revision.size()), b.revision.data(),
      static_cast<int>(b.build_user.size()), b.build_user.data(),
      static_cast<int>(b.build_date.size()), b.build_date.data(),
      static_cast<int>(b.compiler.size()), b.compiler.data());
}

void RegisterBuildInfo(util::Registry* registry) {
  registry->NewCallbackFamily(
      "prometheus_build_info",
      "A metric with a constant '1' value labeled by version, revision, branch, goversion from "
      "which prometheus was built, and the goos and goarch for the build.",
      util::MetricType::kGauge, [](util::MetricWriter& w) {
        const util::BuildInfo& b = util::GetBuildInfo();
        w.Sample("prometheus_build_info",
                 {"branch", "goarch", "goos", "goversion", "revision", "tags", "version"},
                 {std::string(b.branch), kGoArch, "linux", std::string(b.compiler),
                  std::string(b.revision), "sextant", std::string(b.version)},
                 1);
      });
}

// Opens the TSDB with the storage flags; its metrics go to the server's registry.
absl::StatusOr<std::unique_ptr<tsdb::DB>> OpenStorage(const config::Flags& flags,
                                                      util::Registry* registry,
                                                      std::function<int()> wal_truncation_hold) {
  tsdb::DbOptions options;
  options.wal_truncation_hold = std::move(wal_truncation_hold);
  options.retention_ms = absl::ToInt64Milliseconds(flags.storage_tsdb_retention_time);
  options.retention_bytes = flags.storage_tsdb_retention_size;
  options.wal_compression = flags.storage_tsdb_wal_compression;
  options.metrics = registry;
  return tsdb::DB::Open(flags.storage_tsdb_path, options);
}

std::string RetentionString(const config::Flags& flags) {
  std::string out = model::DurationToString(flags.storage_tsdb_retention_time);
  if (flags.storage_tsdb_retention_size != 0) {
    util::StrAppend(&out, " or ", config::ByteSizeToString(flags.storage_tsdb_retention_size));
  }
  return out;
}

// Prometheus's computeExternalURL: --web.external-url without its trailing slash, or else
// http://<hostname>:<listen port> (9090 when the listen address is malformed).
std::string ExternalUrl(const config::Flags& flags, std::string_view hostname,
                        const absl::StatusOr<api::http::ListenAddress>& listen) {
  std::string url = flags.web_external_url;
  if (url.empty()) url = util::StrCat("http://", hostname, ":", listen.ok() ? listen->port : 9090);
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// What the toolkit's Serve logs once the listener is up: the address and whether TLS is on.
void LogListening(const api::http::ListenAddress& listen, int port,
                  api::web::WebConfigWatcher& web) {
  const util::Logger log("web");
  const std::string address = util::StrCat(listen.host, ":", port);
  log.Info("Listening on", {{"address", address}});
  if (web.tls_enabled()) {
    // http2 as configured: the toolkit logs the setting, though Sextant speaks HTTP/1.1 only.
    log.Info("TLS is enabled.",
             {{"http2", web.Current()->config().http_server_config.http2}, {"address", address}});
  } else {
    log.Info("TLS is disabled.", {{"http2", false}, {"address", address}});
  }
}

// The metadata of every metric family the active targets expose (the first target's wins), for
// remote write's metadata_config and 2.0 requests.
std::vector<remote::MetricMetadata> ScrapedMetadata(const scrape::ScrapeManager& scraper) {
  std::map<std::string, remote::MetricMetadata> families;
  for (const scrape::TargetStatus& t : scraper.ActiveTargets(/*with_metadata=*/true)) {
    for (const auto& [name, m] : t.metadata) {
      auto [it, added] = families.try_emplace(name);
      if (!added) continue;
      it->second.metric_family_name = name;
      it->second.type = remote::ParseMetricType(m.type).value_or(remote::MetricType::kUnknown);
      it->second.help = m.help;
      it->second.unit = m.unit;
    }
  }
  std::vector<remote::MetricMetadata> out;
  out.reserve(families.size());
  for (auto& [name, m] : families) out.push_back(std::move(m));
  return out;
}

// Opens agent mode's WAL-only storage with the storage.agent.* flags.
absl::StatusOr<std::unique_ptr<tsdb::agent::AgentStorage>> OpenAgentStorage(
    const config::Flags& flags, const config::Config& config, util::Registry* registry) {
  tsdb::agent::AgentOptions options;
  options.wal_compression = flags.storage_agent_wal_compression;
  if (flags.storage_agent_wal_segment_size != 0) {
    options.wal_segment_size = static_cast<int64_t>(flags.storage_agent_wal_segment_size);
  }
  options.min_wal_time_ms = absl::ToInt64Milliseconds(flags.storage_agent_retention_min_time);
  options.max_wal_time_ms = absl::ToInt64Milliseconds(flags.storage_agent_retention_max_time);
  options.truncate_frequency_ms =
      absl::ToInt64Milliseconds(flags.storage_agent_wal_truncate_frequency);
  options.no_lockfile = flags.storage_agent_no_lockfile;
  options.out_of_order_time_window_ms =
      absl::ToInt64Milliseconds(config.storage.out_of_order_time_window);
  options.metrics = registry;
  return tsdb::agent::AgentStorage::Open(flags.storage_agent_path, options);
}

}  // namespace sextant::cmd
