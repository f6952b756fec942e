#include "api/remote/read_gate.h"

#include <chrono>

namespace sextant::api::remote {

absl::StatusOr<ReadGate::Slot> ReadGate::Enter(const std::atomic<bool>* cancel) {
  if (limit_ <= 0) return Slot(nullptr);
  std::unique_lock<std::mutex> lock(mu_);
  ++waiting_;
  // The cancel flag is set by another thread without notifying us: poll it while waiting.
  while (running_ >= limit_) {
    if (cancel != nullptr && cancel->load()) {
      --waiting_;
      return absl::CancelledError("context canceled");
    }
    free_.wait_for(lock, std::chrono::milliseconds(50));
  }
  --waiting_;
  ++running_;
  return Slot(this);
}

void ReadGate::Leave() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --running_;
  }
  free_.notify_one();
}

int64_t ReadGate::queries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_ + waiting_;
}

}  // namespace sextant::api::remote
