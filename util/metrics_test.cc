#include "util/metrics.h"

#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "util/process_metrics.h"

namespace sextant::util {
namespace {

using ::testing::HasSubstr;

TEST(Registry, WritesCountersAndGaugesSortedByName) {
  Registry r;
  r.NewGauge("b_gauge", "A gauge.")->Set(2.5);
  r.NewCounter("a_total", "A counter.\nSecond line \\ here.")->Inc(3);
  EXPECT_EQ(r.WriteText(),
            "# HELP a_total A counter.\\nSecond line \\\\ here.\n"
            "# TYPE a_total counter\n"
            "a_total 3\n"
            "# HELP b_gauge A gauge.\n"
            "# TYPE b_gauge gauge\n"
            "b_gauge 2.5\n");
}

TEST(Registry, HasTheFamiliesRegistered) {
  Registry r;
  EXPECT_FALSE(r.Has("up_total"));
  r.NewCounterFunc("up_total", "help", [] { return 1.0; });
  EXPECT_TRUE(r.Has("up_total"));
  EXPECT_FALSE(r.Has("up"));
}

TEST(Registry, LabelledFamilyEscapesValues) {
  Registry r;
  auto* family = r.NewCounterFamily("http_requests_total", "Requests.", {"code", "handler"});
  family->With({"200", "/a\"b\\c\n"})->Inc();
  family->With({"200", "/a\"b\\c\n"})->Inc();
  family->With({"404", "/x"})->Inc();
  EXPECT_THAT(r.WriteText(),
              HasSubstr("http_requests_total{code=\"200\",handler=\"/a\\\"b\\\\c\\n\"} 2\n"
                        "http_requests_total{code=\"404\",handler=\"/x\"} 1\n"));
}

TEST(Registry, HistogramBucketsAreCumulative) {
  Registry r;
  auto* h = r.NewHistogram("latency_seconds", "Latency.", {0.1, 1});
  h->Observe(0.05);
  h->Observe(0.5);
  h->Observe(0.5);
  h->Observe(7);
  EXPECT_THAT(r.WriteText(), HasSubstr("latency_seconds_bucket{le=\"0.1\"} 1\n"
                                       "latency_seconds_bucket{le=\"1\"} 3\n"
                                       "latency_seconds_bucket{le=\"+Inf\"} 4\n"
                                       "latency_seconds_sum 8.05\n"
                                       "latency_seconds_count 4\n"));
}

TEST(Registry, CallbackFamilies) {
  Registry r;
  r.NewGaugeFunc("answer", "The answer.", [] { return 42.0; });
  r.NewCallbackFamily("build_info", "Build.", MetricType::kGauge,
                      [](MetricWriter& w) { w.Sample("build_info", {"version"}, {"1.0"}, 1); });
  const std::string text = r.WriteText();
  EXPECT_THAT(text, HasSubstr("answer 42\n"));
  EXPECT_THAT(text, HasSubstr("build_info{version=\"1.0\"} 1\n"));
}

TEST(Counter, ConcurrentIncrementsAreNotLost) {
  Counter c;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) c.Inc();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 40000);
}

TEST(ProcessMetrics, ReportsPlausibleValues) {
  Registry r;
  RegisterProcessMetrics(&r);
  const std::string text = r.WriteText();
  EXPECT_THAT(text, HasSubstr("# TYPE process_cpu_seconds_total counter\n"));
  EXPECT_THAT(text, HasSubstr("process_open_fds "));
  EXPECT_GT(ProcessStartTimeSeconds(), 1.6e9);  // started after 2020
  EXPECT_THAT(text, ::testing::Not(HasSubstr("process_resident_memory_bytes 0\n")));
}

}  // namespace
}  // namespace sextant::util
