#pragma once

// Heap allocations counted by replacing the global operator new (alloc_counter.cc), for the
// parsers' tests that their hot path allocates nothing. Link alloc_counter.cc into a test binary
// to count every allocation of that binary; one such binary per replaced operator new.
//
// Thread-safety: the count is atomic.

namespace sextant::scrape::testing {

// Allocations made so far by this process through operator new.
long AllocationCount();

}  // namespace sextant::scrape::testing
