#pragma once

// ReadGate: the bound on concurrent remote-read requests (--storage.remote.read-concurrent-limit),
// as Prometheus's util/gate: a request over the limit waits for a slot instead of failing.
//
// Thread-safety: thread-safe. The gate must outlive every Slot taken from it.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "absl/status/statusor.h"

namespace sextant::api::remote {

class ReadGate {
 public:
  // `limit` concurrent holders; 0 (or less) means no limit: Enter() never waits.
  explicit ReadGate(int64_t limit) : limit_(limit) {}
  ReadGate(const ReadGate&) = delete;
  ReadGate& operator=(const ReadGate&) = delete;

  // A held slot; released on destruction.
  class Slot {
   public:
    Slot(Slot&& other) noexcept : gate_(other.gate_) { other.gate_ = nullptr; }
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (gate_ != nullptr) gate_->Leave();
    }

   private:
    friend class ReadGate;
    explicit Slot(ReadGate* gate) : gate_(gate) {}
    ReadGate* gate_;
  };

  // Waits until a slot is free and takes it. `cancel` (may be null; must outlive the call) set to
  // true while waiting gives up: Cancelled "context canceled" (Prometheus's gate returns the
  // request context's error, which its handler answers with 500).
  absl::StatusOr<Slot> Enter(const std::atomic<bool>* cancel = nullptr);

  // Requests holding a slot or waiting for one; always 0 without a limit (Prometheus's
  // prometheus_remote_read_handler_queries counts the same).
  int64_t queries() const;

 private:
  void Leave();

  const int64_t limit_;
  // std::mutex rather than util::Mutex: waiting needs a condition variable. Guards the counts.
  mutable std::mutex mu_;
  std::condition_variable free_;
  int64_t running_ = 0;
  int64_t waiting_ = 0;
};

}  // namespace sextant::api::remote
