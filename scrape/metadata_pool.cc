#include "scrape/metadata_pool.h"

#include <algorithm>

namespace sextant::scrape {

MetadataPool& MetadataPool::Global() {
  static MetadataPool* pool = new MetadataPool();  // never destroyed: targets may outlive main
  return *pool;
}

std::shared_ptr<const FamilyMetadata> MetadataPool::Intern(std::string_view name,
                                                           const MetricMetadata& md) {
  std::string key;
  key.reserve(name.size() + md.type.size() + md.help.size() + md.unit.size() + 3);
  key.append(name).push_back('\0');
  key.append(md.type).push_back('\0');
  key.append(md.help).push_back('\0');
  key.append(md.unit);
  util::MutexLock lock(&mu_);
  std::weak_ptr<const FamilyMetadata>& slot = entries_[key];
  if (std::shared_ptr<const FamilyMetadata> live = slot.lock()) return live;
  auto made = std::make_shared<const FamilyMetadata>(FamilyMetadata{std::string(name), md});
  slot = made;
  if (entries_.size() >= sweep_at_) {
    absl::erase_if(entries_, [](const auto& e) { return e.second.expired(); });
    sweep_at_ = std::max<size_t>(1024, 2 * entries_.size());
  }
  return made;
}

}  // namespace sextant::scrape
