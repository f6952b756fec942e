// sextant: the server. Wiring only: flags, logging, config, storage directory, HTTP server,
// signals. Each piece lives in its module; see docs/ARCHITECTURE.md.

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/query_api.h"
#include "api/remote_write_status.h"
#include "api/rules_api.h"
#include "api/server.h"
#include "api/web/cors.h"
#include "api/web/web_config_watcher.h"
#include "api/web_hooks.h"
#include "config/byte_size.h"
#include "config/default_config.h"
#include "config/flags.h"
#include "config/marshal.h"
#include "config/reloader.h"
#include "model/duration.h"
#include "promql/engine.h"
#include "remote/read/read_storage.h"
#include "remote/write_storage.h"
#include "rules/manager.h"
#include "rules/notifier/notifier.h"
#include "scrape/manager.h"
#include "tsdb/db.h"
#include "util/build_info.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/process_metrics.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant {
namespace {

const util::Logger kLog("");

// Go's names for this build's target, as prometheus_build_info reports them.
#if defined(__x86_64__)
constexpr char kGoArch[] = "amd64";
#elif defined(__aarch64__)
constexpr char kGoArch[] = "arm64";
#else
constexpr char kGoArch[] = "unknown";
#endif

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

int Run(const config::Flags& flags, api::web::CorsPolicy cors) {
  const util::BuildInfo& build = util::GetBuildInfo();
  kLog.Info("Starting Sextant", {{"version", build.version}, {"revision", build.revision}});
  const absl::Time start_time = absl::Now();

  // Signals are taken synchronously by the main thread; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  util::Registry registry;
  util::RegisterProcessMetrics(&registry);
  RegisterBuildInfo(&registry);

  const std::string route_prefix = api::RoutePrefix(flags.web_route_prefix, flags.web_external_url);
  // Parsed once here; a malformed address fails the start where the listener would be opened.
  const absl::StatusOr<api::http::ListenAddress> listen =
      api::http::ParseListenAddress(flags.web_listen_address);
  config::ConfigReloader reloader(flags.config_file,
                                  config::DefaultConfigYaml(flags.web_listen_address, route_prefix),
                                  &registry);
  // The scrape manager starts once the storage is open; reloads reach it from then on.
  std::atomic<scrape::ScrapeManager*> scrape_manager{nullptr};
  reloader.Subscribe("scrape", [&scrape_manager](const config::Config& c) {
    scrape::ScrapeManager* m = scrape_manager.load();
    return m == nullptr ? absl::OkStatus() : m->ApplyConfig(c);
  });
  // Alerts go out through the notifier from the first config on.
  rules::NotifierOptions notifier_options;
  notifier_options.queue_capacity =
      static_cast<int>(flags.alertmanager_notification_queue_capacity);
  notifier_options.drain_on_shutdown = flags.alertmanager_drain_notification_queue_on_shutdown;
  rules::Notifier notifier(notifier_options, &registry);
  reloader.Subscribe("notify",
                     [&notifier](const config::Config& c) { return notifier.ApplyConfig(c); });
  // Broken rule files fail a reload (or the start) before anything is applied, so everything
  // keeps running as before.
  reloader.AddCheck("rules", [](const config::Config& c) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<std::string> files, rules::ExpandRuleFiles(c.rule_files));
    return rules::LoadGroups(files, c.global.evaluation_interval, false, nullptr).status();
  });
  // The rule manager starts once the storage is open; reloads reach it from then on.
  std::atomic<rules::RuleManager*> rule_manager{nullptr};
  reloader.Subscribe("rules", [&rule_manager](const config::Config& c) -> absl::Status {
    rules::RuleManager* m = rule_manager.load();
    return m == nullptr ? absl::OkStatus() : m->Update(c);
  });
  // The remote-write queues start once the storage is open (they tail its WAL); reloads reach
  // them from then on.
  std::atomic<remote::WriteStorage*> remote_write{nullptr};
  reloader.Subscribe("remote_write", [&remote_write](const config::Config& c) {
    remote::WriteStorage* w = remote_write.load();
    return w == nullptr ? absl::OkStatus() : w->ApplyConfig(c);
  });
  // remote_read: checked before anything is applied; the clients exist once the storage is open.
  reloader.AddCheck("remote_read",
                    [](const config::Config& c) { return remote::ReadStorage::Validate(c); });
  std::atomic<remote::ReadStorage*> remote_read{nullptr};
  reloader.Subscribe("remote_read", [&remote_read](const config::Config& c) {
    remote::ReadStorage* r = remote_read.load();
    return r == nullptr ? absl::OkStatus() : r->ApplyConfig(c);
  });
  if (absl::Status s = reloader.Reload(); !s.ok()) {
    kLog.Error("Error loading config",
               {{"file", flags.config_file.empty() ? config::kDefaultConfigName
                                                   : std::string_view(flags.config_file)},
                {"err", s}});
    return 1;
  }

  // --web.config.file: TLS, basic auth and headers, re-read on change (api/web_hooks.h).
  // Prometheus validates it after the config, before serving.
  absl::StatusOr<std::unique_ptr<api::web::WebConfigWatcher>> created =
      api::web::WebConfigWatcher::Create(flags.web_config_file);
  if (!created.ok()) {
    kLog.Error("Unable to validate web configuration file", {{"err", created.status()}});
    return 1;
  }
  const std::shared_ptr<api::web::WebConfigWatcher> web_config = *std::move(created);
  if (flags.config_file.empty() && !flags.web_config_file.empty()) {
    // As Prometheus's own default prometheus.yml, the embedded default scrapes plain HTTP without
    // credentials; scraping a server with TLS or basic auth takes a config of one's own.
    const auto web = web_config->Current();
    if (web_config->tls_enabled() || web->auth().enabled()) {
      kLog.Warn(
          "The embedded default config scrapes Sextant over plain HTTP without credentials; with "
          "TLS or basic auth on, pass a --config.file whose self-scrape job sets scheme: https, "
          "tls_config and basic_auth");
    }
  }

  remote::WriteStorageOptions remote_options;
  remote_options.wal_dir = util::JoinPath(flags.storage_tsdb_path, "wal");
  remote_options.state_dir = util::JoinPath(flags.storage_tsdb_path, "remote-write");
  remote_options.registry = &registry;
  remote_options.flush_deadline = flags.storage_remote_flush_deadline;
  // Set once the scrape manager runs: the metadata of the metric families its targets expose.
  std::atomic<scrape::ScrapeManager*> metadata_source{nullptr};
  remote_options.metadata = [&metadata_source] {
    scrape::ScrapeManager* m = metadata_source.load();
    return m == nullptr ? std::vector<remote::MetricMetadata>() : ScrapedMetadata(*m);
  };
  remote::WriteStorage remote_storage(remote_options);
  api::ServerOptions options;
  if (listen.ok()) options.listen_address = *listen;
  options.enable_lifecycle = flags.web_enable_lifecycle;
  options.route_prefix = route_prefix;
  options.page_title = flags.web_page_title;
  options.lookback_delta = model::DurationToString(flags.query_lookback_delta);
  options.read_timeout = flags.web_read_timeout;
  options.max_connections = flags.web_max_connections;
  options.query_concurrency = static_cast<int>(std::max<int64_t>(1, flags.query_max_concurrency));
  if (!flags.web_config_file.empty()) options.web = api::MakeWebHooks(web_config);
  options.cors = api::MakeCorsHook(std::move(cors));
  api::ServerHooks hooks;
  hooks.reload = [&reloader] { return reloader.Reload(); };
  hooks.quit = [] { kill(getpid(), SIGTERM); };
  hooks.config_yaml = [&reloader] { return config::ConfigToYaml(*reloader.current()); };
  hooks.runtime_info = [&] {
    api::RuntimeInfo info;
    info.start_time = start_time;
    std::error_code ec;
    info.cwd = std::filesystem::current_path(ec).string();
    info.reload_config_success = reloader.last_reload_successful();
    info.last_config_time = reloader.last_success_time();
    info.storage_retention = RetentionString(flags);
    return info;
  };
  hooks.flags = config::FlagValues(flags);
  hooks.remote_write_status = [&remote_storage] {
    return api::RemoteWriteStatusJson(remote_storage.Queues());
  };
  api::ApiServer server(options, std::move(hooks), &registry);
  if (absl::Status s = listen.ok() ? server.Start() : listen.status(); !s.ok()) {
    kLog.Error("Unable to start web listener", {{"err", s}});
    return 1;
  }
  LogListening(*listen, server.port(), *web_config);

  // The web server is up first, answering /-/ready with 503 while the WAL replays.
  kLog.Info("Starting TSDB ...",
            {{"path", flags.storage_tsdb_path}, {"retention", RetentionString(flags)}});
  auto db =
      OpenStorage(flags, &registry, [&remote_storage] { return remote_storage.TruncationHold(); });
  if (!db.ok()) {
    kLog.Error("Opening storage failed", {{"err", db.status()}});
    server.Stop();
    return 1;
  }
  // PromQL, the API and the rules read local and remote_read storage merged.
  remote::ReadStorage read_storage(**db);
  if (absl::Status s = read_storage.ApplyConfig(*reloader.current()); !s.ok()) {
    kLog.Error("Error applying the remote read config", {{"err", s}});
  }
  remote_read.store(&read_storage);
  tsdb::Storage* queryable = &read_storage.storage();
  promql::EngineOptions engine_options;
  engine_options.lookback_delta_ms = absl::ToInt64Milliseconds(flags.query_lookback_delta);
  engine_options.timeout = flags.query_timeout;
  engine_options.max_samples = flags.query_max_samples;
  engine_options.max_concurrency = static_cast<int>(flags.query_max_concurrency);
  promql::Engine engine(engine_options);
  api::QueryApiOptions query_options;
  query_options.enable_admin = flags.web_enable_admin_api;
  query_options.enable_remote_write = flags.web_enable_remote_write_receiver;
  query_options.remote_read_sample_limit = flags.storage_remote_read_sample_limit;
  query_options.remote_read_concurrent_limit = flags.storage_remote_read_concurrent_limit;
  query_options.remote_read_max_bytes_in_frame = flags.storage_remote_read_max_bytes_in_frame;
  query_options.external_labels = [&reloader] {
    return reloader.current()->global.external_labels;
  };
  scrape::ManagerOptions scrape_options;
  scrape_options.discovery_reload_interval = flags.scrape_discovery_reload_interval;
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) == 0) scrape_options.hostname = host;
  scrape::ScrapeManager scraper(db->get(), &registry, scrape_options);
  api::QueryApi query_api(query_options, queryable, &engine, db->get(), &scraper);
  scrape_manager.store(&scraper);
  metadata_source.store(&scraper);
  if (absl::Status s = remote_storage.ApplyConfig(*reloader.current()); !s.ok()) {
    kLog.Error("Error applying the remote write config", {{"err", s}});
  }
  remote_write.store(&remote_storage);
  if (absl::Status s = scraper.ApplyConfig(*reloader.current()); !s.ok()) {
    kLog.Error("Error applying the scrape config", {{"err", s}});
  }
  rules::RuleManagerOptions rule_options;
  rule_options.storage = queryable;
  rule_options.engine = &engine;
  rule_options.registry = &registry;
  rule_options.external_url = ExternalUrl(flags, host, listen);
  rule_options.outage_tolerance = flags.rules_alert_for_outage_tolerance;
  rule_options.for_grace_period = flags.rules_alert_for_grace_period;
  rule_options.resend_delay = flags.rules_alert_resend_delay;
  rule_options.send = [&notifier](std::vector<rules::NotifierAlert> alerts) {
    notifier.Send(std::move(alerts));
  };
  rules::RuleManager rules(rule_options);
  if (absl::Status s = rules.Update(*reloader.current()); !s.ok()) {
    kLog.Error("Error loading rules", {{"err", s}});
  }
  rule_manager.store(&rules);
  api::RulesApi rules_api(&rules, &notifier);
  server.SetRulesApi(&rules_api);
  server.SetReady(&query_api);
  kLog.Info("Server is ready to receive web requests.");

  for (;;) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) {
      reloader.Reload().IgnoreError();  // logged and exported by the reloader; keep running
      continue;
    }
    kLog.Warn(sig == SIGTERM ? "Received SIGTERM, exiting gracefully..."
                             : "Received SIGINT, exiting gracefully...");
    break;
  }
  server.Stop();
  scrape_manager.store(nullptr);
  scraper.Stop();
  rule_manager.store(nullptr);
  rules.Stop();
  notifier.Stop();
  // Remote write last among the writers: it sends what they appended (up to the flush deadline)
  // and saves where it got to.
  remote_write.store(nullptr);
  remote_read.store(nullptr);
  metadata_source.store(nullptr);
  remote_storage.Stop();
  if (absl::Status s = (*db)->Close(); !s.ok()) {
    kLog.Error("Error stopping storage", {{"err", s}});
  }
  kLog.Info("See you next time!");
  return 0;
}

int Main(int argc, char** argv) {
  auto parsed = config::ParseFlags(std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed.ok()) {
    std::fprintf(stderr, "sextant: error: %s, try --help\n",
                 std::string(parsed.status().message()).c_str());
    return 2;
  }
  if (parsed->help) {
    std::fputs(config::FlagsUsage().c_str(), stdout);
    return 0;
  }
  if (parsed->version) {
    PrintVersion();
    return 0;
  }
  const config::Flags& flags = parsed->flags;
  util::ConfigureLogging(*util::ParseLogLevel(flags.log_level),
                         *util::ParseLogFormat(flags.log_format));
  // As Prometheus: a bad --web.cors.origin is reported with the usage, exit code 2.
  absl::StatusOr<api::web::CorsPolicy> cors = api::web::CorsPolicy::Create(flags.web_cors_origin);
  if (!cors.ok()) {
    std::fprintf(stderr, "%s\n", std::string(cors.status().message()).c_str());
    std::fputs(config::FlagsUsage().c_str(), stderr);
    return 2;
  }
  return Run(flags, *std::move(cors));
}

}  // namespace
}  // namespace sextant

int main(int argc, char** argv) { return sextant::Main(argc, argv); }
