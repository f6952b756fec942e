#include "config/reloader.h"

#include "config/default_config.h"
#include "config/loader.h"
#include "util/log.h"

namespace sextant::config {
namespace {

const util::Logger kLog("config");

}  // namespace

ConfigReloader::ConfigReloader(std::string path, std::string default_yaml, util::Registry* registry)
    : path_(std::move(path)),
      default_yaml_(std::move(default_yaml)),
      success_gauge_(registry->NewGauge("prometheus_config_last_reload_successful",
                                        "Whether the last configuration reload attempt was "
                                        "successful.")),
      success_time_gauge_(
          registry->NewGauge("prometheus_config_last_reload_success_timestamp_seconds",
                             "Timestamp of the last successful configuration reload.")) {}

void ConfigReloader::Subscribe(std::string name, Subscriber fn) {
  util::MutexLock lock(&reload_mu_);
  subscribers_.emplace_back(std::move(name), std::move(fn));
}

void ConfigReloader::AddCheck(std::string name, Subscriber fn) {
  util::MutexLock lock(&reload_mu_);
  checks_.emplace_back(std::move(name), std::move(fn));
}

absl::Status ConfigReloader::Reload() {
  util::MutexLock reload_lock(&reload_mu_);
  const absl::Time start = absl::Now();
  const std::string_view name = path_.empty() ? kDefaultConfigName : std::string_view(path_);
  kLog.Info("Loading configuration file", {{"filename", name}});

  auto loaded =
      path_.empty() ? LoadConfig(default_yaml_, kDefaultConfigName) : LoadConfigFile(path_);
  absl::Status status = loaded.status();
  for (const auto& [check, fn] : checks_) {
    if (!status.ok()) break;
    status = fn(*loaded);
    if (!status.ok())
      kLog.Error("Failed to check configuration", {{"check", check}, {"err", status}});
  }
  std::shared_ptr<const Config> config;
  if (status.ok()) {
    config = std::make_shared<const Config>(*std::move(loaded));
    for (const auto& [subscriber, fn] : subscribers_) {
      if (absl::Status s = fn(*config); !s.ok()) {
        kLog.Error("Failed to apply configuration", {{"subscriber", subscriber}, {"err", s}});
        if (status.ok()) status = s;
      }
    }
  }

  const absl::Time now = absl::Now();
  {
    util::MutexLock lock(&mu_);
    if (config != nullptr) current_ = std::move(config);
    last_successful_ = status.ok();
    if (status.ok()) last_success_time_ = now;
  }
  success_gauge_->Set(status.ok() ? 1 : 0);
  if (!status.ok()) {
    kLog.Error("Error reloading config", {{"err", status}});
    return status;
  }
  success_time_gauge_->Set(absl::ToDoubleSeconds(now - absl::UnixEpoch()));
  kLog.Info("Completed loading of configuration file",
            {{"filename", name}, {"totalDuration", absl::FormatDuration(absl::Now() - start)}});
  return status;
}

std::shared_ptr<const Config> ConfigReloader::current() const {
  util::MutexLock lock(&mu_);
  return current_;
}

bool ConfigReloader::last_reload_successful() const {
  util::MutexLock lock(&mu_);
  return last_successful_;
}

absl::Time ConfigReloader::last_success_time() const {
  util::MutexLock lock(&mu_);
  return last_success_time_;
}

}  // namespace sextant::config
