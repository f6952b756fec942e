// The parser's hot path does not allocate: after the first few samples have sized its buffers,
// parsing more samples (escaped label values included) makes no heap allocation. Counted by
// replacing the global operator new for this test binary.

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "gtest/gtest.h"
#include "scrape/parser/openmetrics_parser.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace sextant::scrape {
namespace {

TEST(OpenMetricsParser, NoAllocationPerSampleAfterWarmUp) {
  std::string input = "# TYPE http_requests counter\n";
  for (int i = 0; i < 1000; ++i) {
    input += "http_requests_total{code=\"200\",path=\"/a\\\"b\\\\c\",method=\"get\"} ";
    input += std::to_string(i) + " " + std::to_string(1700000000 + i) + ".5";
    if (i % 10 == 0) input += " # {trace_id=\"abc\"} 1 1700000000";
    input += "\n";
  }
  input += "# EOF\n";
  OpenMetricsParser p(input);
  ASSERT_EQ(p.Next(), Entry::kType);
  for (int i = 0; i < 10; ++i) ASSERT_EQ(p.Next(), Entry::kSeries) << p.status();
  const long before = g_allocations.load();
  int samples = 0;
  double sum = 0;
  Entry e;
  while ((e = p.Next()) == Entry::kSeries) {
    ++samples;
    sum += p.value() + static_cast<double>(p.labels().size());
  }
  const long allocations = g_allocations.load() - before;
  ASSERT_EQ(e, Entry::kEof) << p.status();
  EXPECT_EQ(samples, 990);
  EXPECT_GT(sum, 0);
  EXPECT_EQ(allocations, 0);
}

}  // namespace
}  // namespace sextant::scrape
