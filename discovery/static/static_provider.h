#pragma once

// StaticProvider: the `static_configs` of one scrape job or Alertmanager entry, as Prometheus's
// StaticProvider: one group per entry, sources "0", "1", ..., provider name "static/0".
//
// Thread-safety: see Provider.

#include <vector>

#include "config/config.h"
#include "discovery/provider.h"

namespace sextant::discovery {

class StaticProvider : public Provider {
 public:
  explicit StaticProvider(const std::vector<config::TargetGroup>& groups);

  std::string_view name() const override { return "static/0"; }
  bool Refresh(absl::Time) override { return false; }
  bool dynamic() const override { return false; }
  const std::vector<TargetGroup>& groups() const override { return groups_; }

 private:
  std::vector<TargetGroup> groups_;
};

}  // namespace sextant::discovery
