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
#include "cmd/sextant/setup.h"
#include "config/byte_size.h"
#include "config/default_config.h"
#include "config/flags.h"
#include "config/loader.h"
#include "config/marshal.h"
#include "config/reloader.h"
#include "model/duration.h"
#include "promql/engine.h"
#include "remote/read/read_storage.h"
#include "remote/write_storage.h"
#include "rules/manager.h"
#include "rules/notifier/notifier.h"
#include "scrape/manager.h"
#include "tsdb/agent/agent_storage.h"
#include "tsdb/db.h"
#include "util/build_info.h"
#include "util/huge_pages.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/process_metrics.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant {
namespace {

const util::Logger kLog("");

int Run(const config::Flags& flags, api::web::CorsPolicy cors) {
  const util::BuildInfo& build = util::GetBuildInfo();
  kLog.Info(flags.agent ? "Starting Sextant in agent mode" : "Starting Sextant",
            {{"version", build.version}, {"revision", build.revision}});
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
  cmd::RegisterBuildInfo(&registry);

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
  // Alerts go out through the notifier from the first config on (server mode only).
  rules::NotifierOptions notifier_options;
  notifier_options.queue_capacity =
      static_cast<int>(flags.alertmanager_notification_queue_capacity);
  notifier_options.drain_on_shutdown = flags.alertmanager_drain_notification_queue_on_shutdown;
  rules::Notifier notifier(notifier_options, &registry);
  std::atomic<rules::RuleManager*> rule_manager{nullptr};
  std::atomic<remote::ReadStorage*> remote_read{nullptr};
  if (flags.agent) {
    // No rules, alerting or remote_read in agent mode, as in Prometheus.
    reloader.AddCheck("agent", [](const config::Config& c) { return config::CheckAgentConfig(c); });
  } else {
    reloader.Subscribe("notify",
                       [&notifier](const config::Config& c) { return notifier.ApplyConfig(c); });
    // Broken rule files fail a reload (or the start) before anything is applied, so everything
    // keeps running as before.
    reloader.AddCheck("rules", [](const config::Config& c) -> absl::Status {
      ASSIGN_OR_RETURN(std::vector<std::string> files, rules::ExpandRuleFiles(c.rule_files));
      return rules::LoadGroups(files, c.global.evaluation_interval, false, nullptr).status();
    });
    // The rule manager starts once the storage is open; reloads reach it from then on.
    reloader.Subscribe("rules", [&rule_manager](const config::Config& c) -> absl::Status {
      rules::RuleManager* m = rule_manager.load();
      return m == nullptr ? absl::OkStatus() : m->Update(c);
    });
    // remote_read: checked before anything is applied; the clients exist once the storage is
    // open.
    reloader.AddCheck("remote_read",
                      [](const config::Config& c) { return remote::ReadStorage::Validate(c); });
    reloader.Subscribe("remote_read", [&remote_read](const config::Config& c) {
      remote::ReadStorage* r = remote_read.load();
      return r == nullptr ? absl::OkStatus() : r->ApplyConfig(c);
    });
  }
  // The remote-write queues start once the storage is open (they tail its WAL); reloads reach
  // them from then on.
  std::atomic<remote::WriteStorage*> remote_write{nullptr};
  reloader.Subscribe("remote_write", [&remote_write](const config::Config& c) {
    remote::WriteStorage* w = remote_write.load();
    return w == nullptr ? absl::OkStatus() : w->ApplyConfig(c);
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

  const std::string data_dir = flags.agent ? flags.storage_agent_path : flags.storage_tsdb_path;
  remote::WriteStorageOptions remote_options;
  remote_options.wal_dir = util::JoinPath(data_dir, "wal");
  remote_options.state_dir = util::JoinPath(data_dir, "remote-write");
  remote_options.registry = &registry;
  remote_options.flush_deadline = flags.storage_remote_flush_deadline;
  // Set once the scrape manager runs: the metadata of the metric families its targets expose.
  std::atomic<scrape::ScrapeManager*> metadata_source{nullptr};
  remote_options.metadata = [&metadata_source] {
    scrape::ScrapeManager* m = metadata_source.load();
    return m == nullptr ? std::vector<remote::MetricMetadata>() : cmd::ScrapedMetadata(*m);
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
  options.agent_mode = flags.agent;
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
    if (!flags.agent) info.storage_retention = cmd::RetentionString(flags);
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
  cmd::LogListening(*listen, server.port(), *web_config);

  // The web server is up first, answering /-/ready with 503 while the WAL replays.
  std::unique_ptr<tsdb::DB> db;
  std::unique_ptr<tsdb::agent::AgentStorage> agent;
  tsdb::Storage* local = nullptr;
  if (flags.agent) {
    kLog.Info("Starting WAL storage ...", {{"path", flags.storage_agent_path}});
    auto opened = cmd::OpenAgentStorage(flags, *reloader.current(), &registry);
    if (!opened.ok()) {
      kLog.Error("Opening storage failed", {{"err", opened.status()}});
      server.Stop();
      return 1;
    }
    agent = *std::move(opened);
    agent->SetTruncationHold([&remote_storage] { return remote_storage.TruncationHold(); });
    agent->SetCommitNotifier([&remote_storage] { remote_storage.Notify(); });
    agent->SetLowestSentTimestamp(
        [&remote_storage] { return remote_storage.LowestSentTimestamp(); });
    local = agent.get();
  } else {
    kLog.Info("Starting TSDB ...",
              {{"path", flags.storage_tsdb_path}, {"retention", cmd::RetentionString(flags)}});
    auto opened = cmd::OpenStorage(flags, &registry,
                                   [&remote_storage] { return remote_storage.TruncationHold(); });
    if (!opened.ok()) {
      kLog.Error("Opening storage failed", {{"err", opened.status()}});
      server.Stop();
      return 1;
    }
    db = *std::move(opened);
    local = db.get();
  }
  // PromQL, the API and the rules read local and remote_read storage merged (server mode).
  std::unique_ptr<remote::ReadStorage> read_storage;
  tsdb::Storage* queryable = local;
  if (db != nullptr) {
    read_storage = std::make_unique<remote::ReadStorage>(*db);
    if (absl::Status s = read_storage->ApplyConfig(*reloader.current()); !s.ok()) {
      kLog.Error("Error applying the remote read config", {{"err", s}});
    }
    remote_read.store(read_storage.get());
    queryable = &read_storage->storage();
  }
  promql::EngineOptions engine_options;
  engine_options.lookback_delta_ms = absl::ToInt64Milliseconds(flags.query_lookback_delta);
  engine_options.timeout = flags.query_timeout;
  engine_options.max_samples = flags.query_max_samples;
  engine_options.max_concurrency = static_cast<int>(flags.query_max_concurrency);
  promql::Engine engine(engine_options);
  api::QueryApiOptions query_options;
  query_options.agent_mode = flags.agent;
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
  scrape::ScrapeManager scraper(local, &registry, scrape_options);
  api::QueryApi query_api(query_options, queryable, &engine, db.get(), &scraper);
  scrape_manager.store(&scraper);
  metadata_source.store(&scraper);
  if (absl::Status s = remote_storage.ApplyConfig(*reloader.current()); !s.ok()) {
    kLog.Error("Error applying the remote write config", {{"err", s}});
  }
  remote_write.store(&remote_storage);
  if (absl::Status s = scraper.ApplyConfig(*reloader.current()); !s.ok()) {
    kLog.Error("Error applying the scrape config", {{"err", s}});
  }
  std::unique_ptr<rules::RuleManager> rules;
  std::unique_ptr<api::RulesApi> rules_api;
  if (!flags.agent) {
    rules::RuleManagerOptions rule_options;
    rule_options.storage = queryable;
    rule_options.engine = &engine;
    rule_options.registry = &registry;
    rule_options.external_url = cmd::ExternalUrl(flags, host, listen);
    rule_options.outage_tolerance = flags.rules_alert_for_outage_tolerance;
    rule_options.for_grace_period = flags.rules_alert_for_grace_period;
    rule_options.resend_delay = flags.rules_alert_resend_delay;
    rule_options.send = [&notifier](std::vector<rules::NotifierAlert> alerts) {
      notifier.Send(std::move(alerts));
    };
    rules = std::make_unique<rules::RuleManager>(rule_options);
    if (absl::Status s = rules->Update(*reloader.current()); !s.ok()) {
      kLog.Error("Error loading rules", {{"err", s}});
    }
    rule_manager.store(rules.get());
    rules_api = std::make_unique<api::RulesApi>(rules.get(), &notifier);
    server.SetRulesApi(rules_api.get());
  }
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
  if (rules != nullptr) rules->Stop();
  notifier.Stop();
  // Remote write last among the writers: it sends what they appended (up to the flush deadline)
  // and saves where it got to.
  remote_write.store(nullptr);
  remote_read.store(nullptr);
  metadata_source.store(nullptr);
  remote_storage.Stop();
  absl::Status closed = db != nullptr ? db->Close() : agent->Close();
  if (!closed.ok()) kLog.Error("Error stopping storage", {{"err", closed}});
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
    cmd::PrintVersion();
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

int main(int argc, char** argv) {
  sextant::util::ReexecWithHugePageHeap(argv);
  return sextant::Main(argc, argv);
}
