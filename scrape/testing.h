#pragma once

// Helpers for the scrape tests that watch threads and background work.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <thread>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace sextant::scrape::testing {

// The threads of this process.
inline size_t ThreadCount() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

// Polls `f` until it holds or `within` has passed; its last answer.
template <typename F>
bool Eventually(F f, absl::Duration within = absl::Seconds(10)) {
  const absl::Time end = absl::Now() + within;
  while (absl::Now() < end) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return f();
}

}  // namespace sextant::scrape::testing
