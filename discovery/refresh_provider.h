#pragma once

// RefreshProvider: the base of providers whose groups come from a periodic fetch that may be slow
// (http_sd_configs, dns_sd_configs), as Prometheus's discovery/refresh: a worker thread calls
// Fetch() at once and then every `interval`; Refresh() only takes the worker's latest result, so
// a slow or dead server never blocks the DiscoveryManager. The groups start empty and fill when
// the first fetch succeeds (Prometheus does not wait for it either). A failed fetch is logged and
// keeps the previous groups.
//
// Thread-safety: as Provider for the public methods; Fetch() and Interrupt() run on other
// threads (the worker, and the destroying thread). A derived class must call Stop() first in its
// destructor, since the worker may be inside its Fetch().

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "discovery/provider.h"

namespace sextant::discovery {

class RefreshProvider : public Provider {
 public:
  RefreshProvider(std::string name, absl::Duration interval);
  ~RefreshProvider() override;

  std::string_view name() const override { return name_; }
  // Starts the worker on the first call; returns true when a fetch brought different groups.
  bool Refresh(absl::Time now) override;
  bool dynamic() const override { return true; }
  const std::vector<TargetGroup>& groups() const override { return groups_; }
  void SetWakeup(std::function<void()> wake) override;

 protected:
  // One fetch: the complete new list of groups, or why there is none. Runs on the worker.
  virtual absl::StatusOr<std::vector<TargetGroup>> Fetch() = 0;
  // Makes a Fetch() in progress return soon; called by Stop() from another thread.
  virtual void Interrupt() {}
  // True once Stop() began: a Fetch() should give up.
  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }
  // The flag behind stopping(), for blocking calls that poll one.
  const std::atomic<bool>* stop_flag() const { return &stopping_; }
  // Stops and joins the worker. Idempotent.
  void Stop();

 private:
  void Work();

  const std::string name_;
  const absl::Duration interval_;
  std::vector<TargetGroup> groups_;  // the owner's copy
  std::thread worker_;

  std::mutex mu_;  // guards the fields below
  std::condition_variable cv_;
  std::optional<std::vector<TargetGroup>> result_;  // the latest fetch not yet taken
  std::function<void()> wake_;
  std::atomic<bool> stopping_{false};
};

}  // namespace sextant::discovery
