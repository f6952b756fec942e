#pragma once

// Helpers for the tests of discovery providers.

#include <chrono>
#include <thread>

#include "absl/time/clock.h"
#include "discovery/provider.h"

namespace sextant::discovery::testing {

// Refreshes `p` until `done` holds (5 s at most); returns whether it did.
template <typename Done>
bool RefreshUntil(Provider& p, Done done) {
  for (int i = 0; i < 500; ++i) {
    p.Refresh(absl::Now());
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace sextant::discovery::testing
