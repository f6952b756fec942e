#pragma once

// DiscoveryManager: the service discovery of one config entry (a scrape job's, or an
// `alerting.alertmanagers` entry's `config::ServiceDiscovery`), as one target set of Prometheus's
// discovery.Manager. It runs a provider per mechanism (static/static_provider.h,
// file/file_provider.h, http/http_provider.h, dns/dns_provider.h,
// kubernetes/kubernetes_provider.h) and hands out their target groups: static ones first, then
// each file_sd_configs, http_sd_configs, dns_sd_configs and kubernetes_sd_configs entry's, in
// config order.
//
//   discovery::DiscoveryManager sd(cfg.sd);       // reads files once, synchronously
//   Use(sd.Groups());                              // complete right away
//   sd.Start([&](std::vector<TargetGroup> g) {     // later changes, from the watcher thread
//     Use(std::move(g));
//   });
//
// Users either poll (Groups() and generation()) or give Start() a callback. After Start(), a
// watcher thread refreshes the dynamic providers every `check_period` (Prometheus's file SD
// watches with inotify and falls back to polling; polling alone keeps this portable) and, when a
// group changed, calls the callback with all groups. Static-only configs start no thread.
// HTTP, DNS and Kubernetes providers fetch on threads of their own, so their groups are empty at
// first; the watcher refreshes as soon as one of them has news, but calls the callback at most
// once per `update_interval` (Prometheus's --scrape.discovery-reload-interval and its discovery
// manager's 5 s throttle), so a churning cluster costs one target sync per interval.
//
// Thread-safety: Groups(), generation() and RefreshNow() may be called from any thread. The
// callback runs on the watcher thread (or in RefreshNow()'s caller), one call at a time; it must
// not call RefreshNow() or destroy the manager.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "config/config.h"
#include "discovery/provider.h"
#include "discovery/target_group.h"
#include "util/mutex.h"

namespace sextant::discovery {

struct DiscoveryOptions {
  // How often the watcher thread refreshes dynamic providers (file_sd: checks modification
  // times; a full re-read still happens only every refresh_interval).
  absl::Duration check_period = absl::Seconds(5);
  // The least time between two callbacks caused by providers' news (Provider::SetWakeup).
  absl::Duration update_interval = absl::Seconds(5);
};

class DiscoveryManager {
 public:
  using Callback = std::function<void(std::vector<TargetGroup> groups)>;

  // Builds the providers of `sd` and refreshes them once on the caller's thread.
  explicit DiscoveryManager(const config::ServiceDiscovery& sd, DiscoveryOptions options = {});
  // Stops the watcher thread, waiting for a callback in progress.
  ~DiscoveryManager();
  DiscoveryManager(const DiscoveryManager&) = delete;
  DiscoveryManager& operator=(const DiscoveryManager&) = delete;

  // Starts watching: `on_change` (may be empty, for polling users) is called after every refresh
  // that changed a group. Call at most once.
  void Start(Callback on_change);

  // All current groups: static ones, then each file_sd, http_sd and dns_sd entry's.
  std::vector<TargetGroup> Groups() const;
  // Increases whenever Groups() changes; starts at 0.
  uint64_t generation() const;

  // Refreshes every provider now; calls the callback (if started) when something changed.
  // Returns whether something changed.
  bool RefreshNow();

 private:
  void Watch();

  const DiscoveryOptions options_;
  std::mutex refresh_mu_;  // serialises refreshes (and callbacks); providers_ are under it
  std::vector<std::unique_ptr<Provider>> providers_;
  Callback on_change_;  // set once by Start(), before the thread starts
  mutable util::Mutex mu_;
  std::vector<TargetGroup> groups_ ABSL_GUARDED_BY(mu_);
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // under stop_mu_
  bool wake_ = false;      // under stop_mu_: a provider has news (Provider::SetWakeup)
  absl::Time last_update_ = absl::InfinitePast();  // the watcher's last callback
  std::thread thread_;
};

}  // namespace sextant::discovery
