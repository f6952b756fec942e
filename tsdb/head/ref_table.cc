#include "tsdb/head/ref_table.h"

namespace sextant::tsdb::head {

RefTable::RefTable() : dir_(std::make_unique<std::atomic<Slot*>[]>(kSegments)) {}

RefTable::~RefTable() {
  for (size_t i = 0; i < kSegments; ++i) delete[] dir_[i].load(std::memory_order_relaxed);
}

void RefTable::Set(uint64_t ref, MemSeries* series) {
  std::atomic<Slot*>& dir_slot = dir_[ref >> kSegmentBits];
  Slot* segment = dir_slot.load(std::memory_order_acquire);
  if (segment == nullptr) {
    std::lock_guard<std::mutex> lock(alloc_mu_);
    segment = dir_slot.load(std::memory_order_acquire);
    if (segment == nullptr) {
      segment = new Slot[kSegmentMask + 1]();  // value-initialized: no series yet
      dir_slot.store(segment, std::memory_order_release);
    }
  }
  segment[ref & kSegmentMask].store(series, std::memory_order_release);
}

}  // namespace sextant::tsdb::head
