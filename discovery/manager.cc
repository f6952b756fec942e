#include "discovery/manager.h"

#include "absl/time/clock.h"
#include "discovery/dns/dns_provider.h"
#include "discovery/file/file_provider.h"
#include "discovery/http/http_provider.h"
#include "discovery/kubernetes/kubernetes_provider.h"
#include "discovery/static/static_provider.h"

namespace sextant::discovery {

DiscoveryManager::DiscoveryManager(const config::ServiceDiscovery& sd, DiscoveryOptions options)
    : options_(options) {
  if (!sd.static_configs.empty()) {
    providers_.push_back(std::make_unique<StaticProvider>(sd.static_configs));
  }
  for (size_t i = 0; i < sd.file_sd_configs.size(); ++i) {
    providers_.push_back(std::make_unique<FileProvider>(sd.file_sd_configs[i], i));
  }
  for (size_t i = 0; i < sd.http_sd_configs.size(); ++i) {
    providers_.push_back(std::make_unique<HttpProvider>(sd.http_sd_configs[i], i));
  }
  for (size_t i = 0; i < sd.dns_sd_configs.size(); ++i) {
    providers_.push_back(std::make_unique<DnsProvider>(sd.dns_sd_configs[i], i));
  }
  for (size_t i = 0; i < sd.kubernetes_sd_configs.size(); ++i) {
    providers_.push_back(
        std::make_unique<kubernetes::KubernetesProvider>(sd.kubernetes_sd_configs[i], i));
  }
  for (const auto& p : providers_) {
    p->SetWakeup([this] {
      {
        std::lock_guard<std::mutex> l(stop_mu_);
        wake_ = true;
      }
      stop_cv_.notify_all();
    });
  }
  std::lock_guard<std::mutex> l(refresh_mu_);
  std::vector<TargetGroup> groups;
  for (const auto& p : providers_) {
    p->Refresh(absl::Now());
    groups.insert(groups.end(), p->groups().begin(), p->groups().end());
  }
  util::MutexLock lock(&mu_);
  groups_ = std::move(groups);
}

DiscoveryManager::~DiscoveryManager() {
  {
    std::lock_guard<std::mutex> l(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  providers_.clear();  // stops their workers while the wakeup's mutex still exists
}

void DiscoveryManager::Start(Callback on_change) {
  {
    std::lock_guard<std::mutex> l(refresh_mu_);
    on_change_ = std::move(on_change);
  }
  bool dynamic = false;
  for (const auto& p : providers_) dynamic = dynamic || p->dynamic();
  if (dynamic && !thread_.joinable()) thread_ = std::thread([this] { Watch(); });
}

std::vector<TargetGroup> DiscoveryManager::Groups() const {
  util::ReaderMutexLock lock(&mu_);
  return groups_;
}

uint64_t DiscoveryManager::generation() const {
  util::ReaderMutexLock lock(&mu_);
  return generation_;
}

bool DiscoveryManager::RefreshNow() {
  std::lock_guard<std::mutex> l(refresh_mu_);
  const absl::Time now = absl::Now();
  bool changed = false;
  for (const auto& p : providers_) changed = p->Refresh(now) || changed;
  if (!changed) return false;
  std::vector<TargetGroup> groups;
  for (const auto& p : providers_) {
    groups.insert(groups.end(), p->groups().begin(), p->groups().end());
  }
  {
    util::MutexLock lock(&mu_);
    groups_ = groups;
    ++generation_;
  }
  if (on_change_) on_change_(std::move(groups));
  return true;
}

void DiscoveryManager::Watch() {
  while (true) {
    {
      std::unique_lock<std::mutex> l(stop_mu_);
      stop_cv_.wait_for(l, absl::ToChronoNanoseconds(options_.check_period),
                        [this] { return stopping_ || wake_; });
      if (stopping_) return;
      if (wake_) {
        // News come at most once per update_interval; more news meanwhile wait with them.
        const absl::Time next = last_update_ + options_.update_interval;
        stop_cv_.wait_for(l, absl::ToChronoNanoseconds(next - absl::Now()),
                          [this] { return stopping_; });
        if (stopping_) return;
      }
      wake_ = false;
    }
    if (RefreshNow()) last_update_ = absl::Now();
  }
}

}  // namespace sextant::discovery
