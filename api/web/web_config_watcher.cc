#include "api/web/web_config_watcher.h"

#include <functional>

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
  // Stamps first: a change racing with the first load is then seen by the next check.
  Stamps before = w->StampsFor(nullptr);
  auto config = LoadWebConfigFile(w->path_);
  if (!config.ok()) return config.status();
  w->tls_enabled_ = config->tls_server_config.enabled();
  SslCtxPtr tls;
  if (w->tls_enabled_) {
    auto ctx = BuildTlsContext(config->tls_server_config);
    if (!ctx.ok()) return ctx.status();
    tls = *std::move(ctx);
  }
  Stamps stamps = w->StampsFor(&*config);
  stamps.config = before.config;
  stamps.config_content = before.config_content;
  {
    util::MutexLock lock(&w->reload_mu_);
    w->stamps_ = stamps;
  }
  {
    util::MutexLock lock(&w->mu_);
    w->current_ = std::make_shared<WebSnapshot>(*std::move(config), std::move(tls), w->cache_);
  }
  w->last_check_ns_.store(NowNs());
  return w;
}

WebConfigWatcher::Stamps WebConfigWatcher::StampsFor(const WebConfig* config) const {
  Stamps s;
  s.config = internal::StatFile(path_);
  if (auto content = internal::ReadFileGo(path_); content.ok()) {
    s.config_content = std::hash<std::string>()(*content);
  }
  if (config != nullptr && tls_enabled_) {
    s.cert = internal::StatFile(config->tls_server_config.cert_file);
    s.key = internal::StatFile(config->tls_server_config.key_file);
    s.client_ca = internal::StatFile(config->tls_server_config.client_ca_file);
  }
  return s;
}

absl::StatusOr<std::shared_ptr<const WebSnapshot>> WebConfigWatcher::Load() const {
  auto config = LoadWebConfigFile(path_);
  if (!config.ok()) return config.status();
  SslCtxPtr tls;
  if (tls_enabled_) {
    auto ctx = BuildTlsContext(config->tls_server_config);
    if (!ctx.ok()) return ctx.status();
    tls = *std::move(ctx);
  }
  return std::make_shared<const WebSnapshot>(*std::move(config), std::move(tls), cache_);
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
  // own in stamps_, so an unchanged broken file is not retried (nor logged) again.
  Stamps now = StampsFor(&current->config());
  if (now == stamps_) return absl::OkStatus();
  auto loaded = Load();
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
  stamps_ = StampsFor(&(*loaded)->config());
  stamps_.config = now.config;
  stamps_.config_content = now.config_content;
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
