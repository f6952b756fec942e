#include "discovery/target_group.h"

namespace sextant::discovery {

TargetGroup FromConfig(const config::TargetGroup& group, std::string source) {
  TargetGroup out;
  out.targets.reserve(group.targets.size());
  for (const std::string& address : group.targets) {
    out.targets.push_back(model::Labels::FromPairs({{"__address__", address}}));
  }
  out.labels = group.labels;
  out.source = std::move(source);
  return out;
}

}  // namespace sextant::discovery
