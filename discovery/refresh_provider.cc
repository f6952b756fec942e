#include "discovery/refresh_provider.h"

#include "util/log.h"

namespace sextant::discovery {
namespace {

const util::Logger kLog("discovery");

}  // namespace

RefreshProvider::RefreshProvider(std::string name, absl::Duration interval)
    : name_(std::move(name)), interval_(interval) {}

RefreshProvider::~RefreshProvider() { Stop(); }

void RefreshProvider::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) {
    Interrupt();
    worker_.join();
  }
}

void RefreshProvider::SetWakeup(std::function<void()> wake) {
  std::lock_guard<std::mutex> l(mu_);
  wake_ = std::move(wake);
}

bool RefreshProvider::Refresh(absl::Time) {
  if (!worker_.joinable() && !stopping()) worker_ = std::thread([this] { Work(); });
  std::optional<std::vector<TargetGroup>> result;
  {
    std::lock_guard<std::mutex> l(mu_);
    result.swap(result_);
  }
  if (!result || *result == groups_) return false;
  groups_ = *std::move(result);
  return true;
}

void RefreshProvider::Work() {
  while (!stopping()) {
    absl::StatusOr<std::vector<TargetGroup>> groups = Fetch();
    std::function<void()> wake;
    {
      std::unique_lock<std::mutex> l(mu_);
      if (stopping()) return;
      if (groups.ok()) {
        result_ = *std::move(groups);
        wake = wake_;
      } else {
        kLog.Error("Unable to refresh target groups",
                   {{"provider", name_}, {"err", groups.status()}});
      }
    }
    if (wake) wake();
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, absl::ToChronoNanoseconds(interval_), [this] { return stopping(); });
  }
}

}  // namespace sextant::discovery
