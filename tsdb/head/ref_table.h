#pragma once

// RefTable: series refs (dense integers counted up from 1) to series, in directly indexed
// segments. The head looks a series up by ref on every append; a hash map costs two cache misses
// there (control bytes, then the slot), the table one at most, and consecutive refs share lines.
//
// Thread-safety: Get is lock-free and may run concurrently with anything; Set calls for one ref
// must be serialized by the caller (the head holds the ref's stripe lock). An entry is published
// with release semantics, so a reader that sees a series sees it fully constructed. Segments are
// allocated on first use and live as long as the table. The table does not keep series alive:
// the head's gate does (see Head).

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

namespace sextant::tsdb::head {

class MemSeries;

class RefTable {
 public:
  // Refs from here on are not in the table (the caller falls back to a map).
  static constexpr uint64_t kLimit = uint64_t{1} << 28;

  RefTable();
  ~RefTable();
  RefTable(const RefTable&) = delete;
  RefTable& operator=(const RefTable&) = delete;

  // Precondition: ref < kLimit.
  MemSeries* Get(uint64_t ref) const {
    Slot* segment = dir_[ref >> kSegmentBits].load(std::memory_order_acquire);
    return segment == nullptr ? nullptr
                              : segment[ref & kSegmentMask].load(std::memory_order_acquire);
  }
  void Set(uint64_t ref, MemSeries* series);

 private:
  static constexpr int kSegmentBits = 16;
  static constexpr uint64_t kSegmentMask = (uint64_t{1} << kSegmentBits) - 1;
  static constexpr size_t kSegments = kLimit >> kSegmentBits;

  using Slot = std::atomic<MemSeries*>;
  std::unique_ptr<std::atomic<Slot*>[]> dir_;
  std::mutex alloc_mu_;  // serializes segment allocation
};

}  // namespace sextant::tsdb::head
