#pragma once

// The pieces of cmd/sextant's wiring that are not the wiring itself: build info, opening either
// storage from the flags, the external URL, log lines, the metadata remote write sends.
//
// Thread-safety: plain functions; ScrapedMetadata may be called from any thread (it reads the
// scrape manager through its thread-safe ActiveTargets).

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "api/http/server.h"
#include "api/web/web_config_watcher.h"
#include "config/config.h"
#include "config/flags.h"
#include "remote/codec.h"
#include "scrape/manager.h"
#include "tsdb/agent/agent_storage.h"
#include "tsdb/db.h"
#include "util/metrics.h"

namespace sextant::cmd {

void PrintVersion();
// prometheus_build_info.
void RegisterBuildInfo(util::Registry* registry);
// Opens the TSDB with the storage flags; its metrics go to the server's registry.
absl::StatusOr<std::unique_ptr<tsdb::DB>> OpenStorage(const config::Flags& flags,
                                                      util::Registry* registry,
                                                      std::function<int()> wal_truncation_hold);
// Opens agent mode's WAL-only storage with the storage.agent.* flags.
absl::StatusOr<std::unique_ptr<tsdb::agent::AgentStorage>> OpenAgentStorage(
    const config::Flags& flags, const config::Config& config, util::Registry* registry);
// "90d", or "90d or 512MiB" (runtimeinfo's storageRetention).
std::string RetentionString(const config::Flags& flags);
// Prometheus's computeExternalURL.
std::string ExternalUrl(const config::Flags& flags, std::string_view hostname,
                        const absl::StatusOr<api::http::ListenAddress>& listen);
// What the toolkit's Serve logs once the listener is up.
void LogListening(const api::http::ListenAddress& listen, int port,
                  api::web::WebConfigWatcher& web);
// The metadata of every metric family the active targets expose, for remote write.
std::vector<remote::MetricMetadata> ScrapedMetadata(const scrape::ScrapeManager& scraper);

}  // namespace sextant::cmd
