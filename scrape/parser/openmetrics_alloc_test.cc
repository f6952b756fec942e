// The parser's hot path does not allocate: after the first few samples have sized its buffers,
// parsing more samples (escaped label values included) makes no heap allocation. Counted by
// alloc_counter.cc.

#include <string>

#include "gtest/gtest.h"
#include "scrape/parser/alloc_counter.h"
#include "scrape/parser/openmetrics_parser.h"

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
  const long before = testing::AllocationCount();
  int samples = 0;
  double sum = 0;
  Entry e;
  while ((e = p.Next()) == Entry::kSeries) {
    ++samples;
    sum += p.value() + static_cast<double>(p.labels().size());
  }
  const long allocations = testing::AllocationCount() - before;
  ASSERT_EQ(e, Entry::kEof) << p.status();
  EXPECT_EQ(samples, 990);
  EXPECT_GT(sum, 0);
  EXPECT_EQ(allocations, 0);
}

}  // namespace
}  // namespace sextant::scrape
