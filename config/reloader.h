#pragma once

// Owns the running configuration and (re)loads it: at start, on SIGHUP and on POST /-/reload.
//
// A reload reads the file, validates it, and only then hands it to every subscriber (scrape
// manager, rule manager, ...). A file that fails to load leaves the running config untouched.
// The outcome is logged and exported as prometheus_config_last_reload_successful and
// prometheus_config_last_reload_success_timestamp_seconds.
//
// Thread-safety: all methods may be called from any thread; reloads are serialised.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "config/config.h"
#include "util/metrics.h"
#include "util/mutex.h"

namespace sextant::config {

class ConfigReloader {
 public:
  // Applies a new config; an error marks the reload as failed (the config stays current for the
  // subscribers that did accept it, as in Prometheus).
  using Subscriber = std::function<absl::Status(const Config&)>;

  // `path` is the config file; when empty, `default_yaml` (the embedded default) is used.
  // `registry` must outlive the reloader.
  ConfigReloader(std::string path, std::string default_yaml, util::Registry* registry);

  // Registers `fn` to receive every successfully loaded config, in registration order.
  // Call before the first Reload().
  void Subscribe(std::string name, Subscriber fn);

  // Registers a check of files the config names (rule files, ...), run after loading and before
  // any subscriber: when one fails, the reload fails as a load error does and nothing is
  // applied. Call before the first Reload().
  void AddCheck(std::string name, Subscriber fn);

  // Loads and applies the config. Errors: the load error (InvalidArgument, NotFound), the first
  // failed check, or the first subscriber error; on a load or check error nothing is applied and
  // current() is unchanged.
  absl::Status Reload();

  // The last config that loaded successfully; nullptr before the first success.
  std::shared_ptr<const Config> current() const;
  bool last_reload_successful() const;
  absl::Time last_success_time() const;

 private:
  const std::string path_;
  const std::string default_yaml_;
  util::Gauge* const success_gauge_;
  util::Gauge* const success_time_gauge_;

  util::Mutex reload_mu_;  // serialises whole reloads
  std::vector<std::pair<std::string, Subscriber>> subscribers_ ABSL_GUARDED_BY(reload_mu_);
  std::vector<std::pair<std::string, Subscriber>> checks_ ABSL_GUARDED_BY(reload_mu_);

  mutable util::Mutex mu_;
  std::shared_ptr<const Config> current_ ABSL_GUARDED_BY(mu_);
  bool last_successful_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time last_success_time_ ABSL_GUARDED_BY(mu_) = absl::UnixEpoch();
};

}  // namespace sextant::config
