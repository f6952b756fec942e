#pragma once

// Provider: one service discovery mechanism instance (one static_configs list, one
// file_sd_configs entry, ...), as Prometheus's discovery.Discoverer, but pulled instead of
// pushing: its owner (DiscoveryManager) calls Refresh() and reads groups().
//
// Thread-safety: not thread-safe; the owner serialises every call.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "discovery/target_group.h"

namespace sextant::discovery {

class Provider {
 public:
  virtual ~Provider() = default;

  // Prometheus's provider name: "<mechanism>/<index>", e.g. "static/0", "file/1".
  virtual std::string_view name() const = 0;

  // Brings groups() up to date as of `now` (a provider decides itself what it re-reads, e.g. only
  // changed files, and everything once per refresh_interval). Returns true when groups() changed.
  // Never fails: a broken source keeps its previous groups and is logged.
  virtual bool Refresh(absl::Time now) = 0;

  // False when Refresh() can never change anything (static targets): nothing to watch.
  virtual bool dynamic() const = 0;

  // The current groups, in a stable order (for a file: by path, then by position in the file).
  virtual const std::vector<TargetGroup>& groups() const = 0;

  // For providers that learn of changes on their own thread (refresh_provider.h): `wake` is
  // called, from any thread, when a Refresh() would now find something new. The owner calls this
  // before the first Refresh(), and `wake` must stay callable until the provider is destroyed.
  virtual void SetWakeup(std::function<void()> wake) { (void)wake; }
};

}  // namespace sextant::discovery
