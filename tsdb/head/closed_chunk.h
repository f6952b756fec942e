#pragma once

// ClosedChunk: a full head chunk, immutable, in one allocation (a 24-byte header, then the encoded
// bytes), reference counted in place. The head keeps a series' closed chunks as ClosedChunk::Ref
// (one pointer each): at two or three closed chunks per series, std::shared_ptr's separate
// control block and std::string's separate buffer cost more memory than the labels do.
//
// Thread-safety: a ClosedChunk never changes; Refs may be copied and dropped from any thread.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>

namespace sextant::tsdb::head {

class ClosedChunk {
 public:
  // An owning pointer (copyable; the chunk is freed with its last Ref).
  class Ref {
   public:
    Ref() = default;
    Ref(const Ref& o) : p_(o.p_) {
      if (p_ != nullptr) p_->refs_.fetch_add(1, std::memory_order_relaxed);
    }
    Ref(Ref&& o) noexcept : p_(o.p_) { o.p_ = nullptr; }
    Ref& operator=(Ref o) noexcept {
      std::swap(p_, o.p_);
      return *this;
    }
    ~Ref() {
      if (p_ != nullptr && p_->refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) Free(p_);
    }
    const ClosedChunk* operator->() const { return p_; }
    const ClosedChunk& operator*() const { return *p_; }
    explicit operator bool() const { return p_ != nullptr; }
    // A std::shared_ptr that keeps the chunk alive, for readers that hold owners type-erased.
    std::shared_ptr<const void> Share() const {
      return std::shared_ptr<const void>(p_, [keep = *this](const void*) {});
    }

   private:
    friend class ClosedChunk;
    explicit Ref(ClosedChunk* p) : p_(p) {}
    ClosedChunk* p_ = nullptr;
  };

  // Copies `bytes` (an encoded XorChunk holding samples from mint to maxt).
  static Ref Make(int64_t mint, int64_t maxt, std::string_view bytes);

  int64_t mint() const { return mint_; }
  int64_t maxt() const { return maxt_; }
  std::string_view bytes() const {
    return std::string_view(reinterpret_cast<const char*>(this + 1), size_);
  }

  ClosedChunk(const ClosedChunk&) = delete;
  ClosedChunk& operator=(const ClosedChunk&) = delete;

 private:
  ClosedChunk(int64_t mint, int64_t maxt, uint32_t size) : size_(size), mint_(mint), maxt_(maxt) {}
  static void Free(ClosedChunk* p);

  mutable std::atomic<uint32_t> refs_{1};
  uint32_t size_;
  int64_t mint_;
  int64_t maxt_;
  // The bytes follow the object in the same allocation.
};

}  // namespace sextant::tsdb::head
