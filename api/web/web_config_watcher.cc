#include "api/web/web_config_watcher.h"

#include <functional>

#include "util/env.h"
#include "util/log.h"

namespace sextant::api::web {
namespace {

const util::Logger kLog("web");

int64_t NowNs() { return absl::ToUnixNanos(absl::Now()); }

}  // namespace

WebSnapshot::WebSnapshot(WebConfig config, SslCtxPtr tls, std::shared_ptr<BasicAuthCache> cache)
    : config_(std::move(config)),
      tls_(std::move(tls)),
      auth_(config_.basic_auth_users, std::move(cache)) {
  for (const auto& [name, value] : config_.http_server_config.headers) {
    extra_headers_.emplace_back(name, value);
  }
}

const std::vector<std::pair<std::string, std::string>>& UnauthorizedHeaders() {
  static const std::vector<std::pair<std::string, std::string>> headers = {
      {"WWW-Authenticate", "Basic"},
      {"Content-Type", "text/plain; charset=utf-8"},
      {"X-Content-Type-Options", "nosniff"},
  };
  return headers;
}

WebConfigWatcher::WebConfigWatcher(std::string path, WebConfigWatcherOptions options)
    : path_(std::move(path)), options_(options) {}

absl::StatusOr<std::unique_ptr<WebConfigWatcher>> WebConfigWatcher::Create(
    std::string path, WebConfigWatcherOptions options) {
  std::unique_ptr<WebConfigWatcher> w(new WebConfigWatcher(std::move(path), options));
  if (w->path_.empty()) {
    util::MutexLock lock(&w->mu_);
    w->current_ = std::make_shared<WebSnapshot>(WebConfig{}, nullptr, w->cache_);
    return w;
  }
  // Stamps and content are taken together from one read, so a change racing with the first load
  // is seen by the next check.
  const FileRead file = w->ReadConfigFile();
  auto config = w->Parse(file);
  if (!config.ok()) return config.status();
  w->tls_enabled_ = config->tls_server_config.enabled();
  auto snapshot = w->Build(*std::move(config));
  if (!snapshot.ok()) return snapshot.status();
  {
    util::MutexLock lock(&w->reload_mu_);
    w->stamps_ = w->StampsFor(file, &(*snapshot)->config());
  }
  {
    util::MutexLock lock(&w->mu_);
    w->current_ = *std::move(snapshot);
  }
  w->last_check_ns_.store(NowNs());
  return w;
}

WebConfigWatcher::FileRead WebConfigWatcher::ReadConfigFile() const {
  return FileRead{internal::StatFile(path_), internal::ReadFileGo(path_)};
}

WebConfigWatcher::Stamps WebConfigWatcher::StampsFor(const FileRead& file,
                                                     const WebConfig* config) const {
  Stamps s;
  s.config = file.stamp;
  if (file.content.ok()) s.config_content = std::hash<std::string>()(*file.content);
  if (config != nullptr && tls_enabled_) {
    s.cert = internal::StatFile(config->tls_server_config.cert_file);
    s.key = internal::StatFile(config->tls_server_config.key_file);
    s.client_ca = internal::StatFile(config->tls_server_config.client_ca_file);
  }
  return s;
}

absl::StatusOr<WebConfig> WebConfigWatcher::Parse(const FileRead& file) const {
  if (!file.content.ok()) return file.content.status();
  return ParseWebConfig(*file.content, util::DirName(path_));
}

absl::StatusOr<std::shared_ptr<const WebSnapshot>> WebConfigWatcher::Build(WebConfig config) const {
  SslCtxPtr tls;
  if (tls_enabled_) {
    auto ctx = BuildTlsContext(config.tls_server_config);
    if (!ctx.ok()) return ctx.status();
    tls = *std::move(ctx);
  }
  return std::make_shared<const WebSnapshot>(std::move(config), std::move(tls), cache_);
}

absl::Status WebConfigWatcher::CheckNow() {
  if (path_.empty()) return absl::OkStatus();
  util::MutexLock reload_lock(&reload_mu_);
  std::shared_ptr<const WebSnapshot> current;
  {
    util::ReaderMutexLock lock(&mu_);
    current = current_;
  }
  // The referenced files of the current version; a version that failed to load recorded its
  // own in stamps_, so an unchanged broken file is not retried (nor logged) again. One read of
  // the config file serves both the change check and the reload.
  const FileRead file = ReadConfigFile();
  Stamps now = StampsFor(file, &current->config());
  if (now == stamps_) return absl::OkStatus();
  absl::StatusOr<WebConfig> config = Parse(file);
  absl::StatusOr<std::shared_ptr<const WebSnapshot>> loaded =
      config.ok() ? Build(*std::move(config)) : config.status();
  if (!loaded.ok()) {
    stamps_ = now;
    failed_reloads_.fetch_add(1);
    kLog.Error("Unable to reload web configuration file; keeping the previous version",
               {{"file", path_}, {"err", loaded.status()}});
    return loaded.status();
  }
  if (!tls_enabled_ && (*loaded)->config().tls_server_config.enabled() && !warned_tls_added_) {
    warned_tls_added_ = true;
    kLog.Warn("Web configuration file now has TLS settings; TLS takes effect after a restart",
              {{"file", path_}});
  }
  stamps_ = StampsFor(file, &(*loaded)->config());
  {
    util::MutexLock lock(&mu_);
    current_ = *std::move(loaded);
  }
  reloads_.fetch_add(1);
  kLog.Info("Reloaded web configuration file", {{"file", path_}});
  return absl::OkStatus();
}

std::shared_ptr<const WebSnapshot> WebConfigWatcher::Current() {
  if (!path_.empty()) {
    const int64_t now = NowNs();
    int64_t last = last_check_ns_.load(std::memory_order_relaxed);
    if (now - last >= absl::ToInt64Nanoseconds(options_.check_interval) &&
        last_check_ns_.compare_exchange_strong(last, now)) {
      // The error is logged by CheckNow; the previous version stays in use.
      CheckNow().IgnoreError();
    }
  }
  util::ReaderMutexLock lock(&mu_);
  return current_;
}

}  // namespace sextant::api::web
