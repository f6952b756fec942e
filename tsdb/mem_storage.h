#pragma once

// MemStorage: the simplest correct Storage, a map from labels to sample vectors behind one lock.
// For tests of the modules that sit on top of the storage (promql, scrape, rules) and as the
// oracle the head is checked against; also the holder of a rule group's uncommitted outputs
// during one evaluation (rules/eval_storage.h). No WAL, no limits, no garbage collection.
//
// Append rules as the real storage: per series, a sample must be newer than the last committed
// one; the same timestamp with identical value bits is accepted and ignored.
//
// Thread-safety: all methods may be called concurrently.

#include <map>
#include <memory>
#include <vector>

#include "model/labels.h"
#include "model/sample.h"
#include "tsdb/storage.h"
#include "util/mutex.h"

namespace sextant::tsdb {

class MemStorage final : public Storage {
 public:
  MemStorage() = default;

  std::unique_ptr<Appender> NewAppender() override;
  absl::StatusOr<std::unique_ptr<Querier>> NewQuerier(int64_t mint, int64_t maxt) override;
  int64_t StartTime() override;

  // Test helper: appends and commits one sample.
  absl::Status Add(const model::Labels& labels, int64_t t, double v);

 private:
  friend class MemAppender;
  friend class MemQuerier;
  struct Stored {
    SeriesRef ref;
    std::vector<model::Sample> samples;
  };
  util::Mutex mu_;
  std::map<model::Labels, Stored> series_ ABSL_GUARDED_BY(mu_);
  SeriesRef next_ref_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace sextant::tsdb
