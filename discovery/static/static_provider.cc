#include "discovery/static/static_provider.h"

#include <string>

namespace sextant::discovery {

StaticProvider::StaticProvider(const std::vector<config::TargetGroup>& groups) {
  groups_.reserve(groups.size());
  for (size_t i = 0; i < groups.size(); ++i) {
    groups_.push_back(FromConfig(groups[i], std::to_string(i)));
  }
}

}  // namespace sextant::discovery
