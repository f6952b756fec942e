// The text parser's hot path does not allocate: after the first few samples have sized its
// buffers, parsing more samples (escaped label values, quoted names, HELP texts with escapes and
// comments included) makes no heap allocation. Counted by alloc_counter.cc.

#include <string>

#include "gtest/gtest.h"
#include "scrape/parser/alloc_counter.h"
#include "scrape/parser/text_parser.h"

namespace sextant::scrape {
namespace {

TEST(TextParser, NoAllocationPerEntryAfterWarmUp) {
  std::string input = "# TYPE http_requests_total counter\n";
  for (int i = 0; i < 1000; ++i) {
    if (i % 10 == 0) input += "# HELP http_requests_total Requests \\\\ \\n served.\n# note\n\n";
    input += "http_requests_total{code=\"200\",path=\"/a\\\"b\\\\c\",method=\"get\",} ";
    input += std::to_string(i) + " " + std::to_string(1700000000000 + i) + "\n";
    input += "{\"http.requests\", \"a\\\"b\"=\"x\"} NaN\n";
  }
  TextParser p(input);
  ASSERT_EQ(p.Next(), Entry::kType);
  for (int i = 0; i < 10; ++i) ASSERT_NE(p.Next(), Entry::kError) << p.status();
  const long before = testing::AllocationCount();
  int samples = 0;
  double sum = 0;
  Entry e;
  while ((e = p.Next()) == Entry::kSeries || e == Entry::kHelp) {
    if (e != Entry::kSeries) continue;
    ++samples;
    sum += static_cast<double>(p.labels().size() + p.metric_name().size());
  }
  const long allocations = testing::AllocationCount() - before;
  ASSERT_EQ(e, Entry::kEof) << p.status();
  EXPECT_GT(samples, 1900);
  EXPECT_GT(sum, 0);
  EXPECT_EQ(allocations, 0);
}

}  // namespace
}  // namespace sextant::scrape
