#pragma once

// MetadataPool: one copy of each metric family's metadata (name, TYPE, HELP, UNIT) however many
// targets declare it. A fleet of targets running the same exporter repeats the same HELP texts on
// every page: kept per target they cost about 150 bytes per series (docs/memory.md); interned,
// each target keeps a pointer per family.
//
//   std::shared_ptr<const FamilyMetadata> f = MetadataPool::Global().Intern("up", md);
//
// Thread-safety: thread-safe. Entries live while some target holds them.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "util/mutex.h"

namespace sextant::scrape {

struct MetricMetadata {
  std::string type = "unknown";
  std::string help;
  std::string unit;
  bool operator==(const MetricMetadata&) const = default;
};

struct FamilyMetadata {
  std::string name;
  MetricMetadata metadata;
};

class MetadataPool {
 public:
  // The process's pool, which every scrape target shares.
  static MetadataPool& Global();

  // The shared entry equal to (name, md), made if there is none.
  std::shared_ptr<const FamilyMetadata> Intern(std::string_view name, const MetricMetadata& md);

 private:
  mutable util::Mutex mu_;
  // Keyed by the four strings joined with NUL bytes; entries are dropped once no target holds
  // them, swept when the map has doubled since the last sweep.
  absl::flat_hash_map<std::string, std::weak_ptr<const FamilyMetadata>> entries_
      ABSL_GUARDED_BY(mu_);
  size_t sweep_at_ ABSL_GUARDED_BY(mu_) = 1024;
};

}  // namespace sextant::scrape
