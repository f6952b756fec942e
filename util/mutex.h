#pragma once

// Mutex: Sextant's lock, with Abseil's thread-safety annotations, on top of std::shared_mutex.
//
// Why not absl::Mutex (style.md's first choice): Debian's Abseil is a prebuilt shared library
// without ThreadSanitizer instrumentation, so under the `tsan` preset TSan cannot see
// absl::Mutex's acquire/release and reports every guarded access as a data race. std::shared_mutex
// is built on pthreads, which TSan intercepts, and the annotations below keep clang's
// -Wthread-safety analysis exactly as with absl::Mutex: guard members with ABSL_GUARDED_BY(mu_).
//
//   util::Mutex mu_;
//   int n_ ABSL_GUARDED_BY(mu_);
//   { util::MutexLock lock(&mu_); ++n_; }
//   { util::ReaderMutexLock lock(&mu_); return n_; }

#include <shared_mutex>

#include "absl/base/thread_annotations.h"

namespace sextant::util {

class ABSL_LOCKABLE Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }
  void ReaderLock() ABSL_SHARED_LOCK_FUNCTION() { mu_.lock_shared(); }
  void ReaderUnlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock_shared(); }

 private:
  std::shared_mutex mu_;
};

// Holds `mu` exclusively for the scope.
class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

// Holds `mu` shared (readers only) for the scope.
class ABSL_SCOPED_LOCKABLE ReaderMutexLock {
 public:
  explicit ReaderMutexLock(Mutex* mu) ABSL_SHARED_LOCK_FUNCTION(mu) : mu_(mu) { mu_->ReaderLock(); }
  ~ReaderMutexLock() ABSL_UNLOCK_FUNCTION() { mu_->ReaderUnlock(); }
  ReaderMutexLock(const ReaderMutexLock&) = delete;
  ReaderMutexLock& operator=(const ReaderMutexLock&) = delete;

 private:
  Mutex* const mu_;
};

}  // namespace sextant::util
