#pragma once

// SharedGate: a reader-writer gate for the case of very many short shared holders and rare
// exclusive ones. Shared entry costs one atomic add on the gate (no blocking unless an exclusive
// holder is in or waiting); exclusive entry waits for the shared holders to leave and keeps new
// ones out meanwhile, so a steady stream of readers cannot starve it (glibc's rwlock prefers
// readers and can).
//
// The head uses it so that appenders can hold plain pointers to series without pinning each one:
// garbage collection of series takes the gate exclusively.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>

#include "absl/base/thread_annotations.h"

namespace sextant::util {

class ABSL_LOCKABLE SharedGate {
 public:
  SharedGate() = default;
  SharedGate(const SharedGate&) = delete;
  SharedGate& operator=(const SharedGate&) = delete;

  void EnterShared() ABSL_SHARED_LOCK_FUNCTION() {
    while (true) {
      shared_.fetch_add(1, std::memory_order_seq_cst);
      if (!exclusive_.load(std::memory_order_seq_cst)) return;
      shared_.fetch_sub(1, std::memory_order_seq_cst);
      while (exclusive_.load(std::memory_order_acquire)) std::this_thread::yield();
    }
  }
  void ExitShared() ABSL_UNLOCK_FUNCTION() { shared_.fetch_sub(1, std::memory_order_release); }

  void EnterExclusive() ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    writers_.lock();
    exclusive_.store(true, std::memory_order_seq_cst);
    while (shared_.load(std::memory_order_seq_cst) != 0) std::this_thread::yield();
  }
  void ExitExclusive() ABSL_UNLOCK_FUNCTION() {
    exclusive_.store(false, std::memory_order_release);
    writers_.unlock();
  }

 private:
  std::atomic<int32_t> shared_{0};
  std::atomic<bool> exclusive_{false};
  std::mutex writers_;  // one exclusive holder at a time
};

// Holds a SharedGate shared for its scope.
class ABSL_SCOPED_LOCKABLE SharedGateHolder {
 public:
  explicit SharedGateHolder(SharedGate* gate) ABSL_SHARED_LOCK_FUNCTION(gate) : gate_(gate) {
    gate_->EnterShared();
  }
  ~SharedGateHolder() ABSL_UNLOCK_FUNCTION() { gate_->ExitShared(); }
  SharedGateHolder(const SharedGateHolder&) = delete;
  SharedGateHolder& operator=(const SharedGateHolder&) = delete;

 private:
  SharedGate* const gate_;
};

// Holds a SharedGate exclusively for its scope.
class ABSL_SCOPED_LOCKABLE SharedGateExclusiveHolder {
 public:
  explicit SharedGateExclusiveHolder(SharedGate* gate) ABSL_EXCLUSIVE_LOCK_FUNCTION(gate)
      : gate_(gate) {
    gate_->EnterExclusive();
  }
  ~SharedGateExclusiveHolder() ABSL_UNLOCK_FUNCTION() { gate_->ExitExclusive(); }
  SharedGateExclusiveHolder(const SharedGateExclusiveHolder&) = delete;
  SharedGateExclusiveHolder& operator=(const SharedGateExclusiveHolder&) = delete;

 private:
  SharedGate* const gate_;
};

}  // namespace sextant::util
