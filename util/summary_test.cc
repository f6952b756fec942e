#include "util/summary.h"

#include <cmath>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "util/metrics.h"

namespace sextant::util {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A clock the test moves by hand.
struct FakeClock {
  absl::Time now = absl::FromUnixSeconds(1'700'000'000);
  SummaryOptions Options() {
    SummaryOptions o;
    o.clock = [this] { return now; };
    return o;
  }
};

const Objectives kObjectives = {{0.01, 0.001}, {0.5, 0.05}, {0.9, 0.01}, {0.99, 0.001}};

// The value of quantile `q` in a snapshot.
double Quantile(const Summary& s, double q) {
  for (const auto& [quantile, v] : s.Snapshot().quantiles) {
    if (quantile == q) return v;
  }
  ADD_FAILURE() << "no quantile " << q;
  return 0;
}

TEST(Summary, QuantilesAreNaNWithoutObservations) {
  FakeClock clock;
  Summary s(kObjectives, clock.Options());
  const Summary::Values v = s.Snapshot();
  ASSERT_EQ(v.quantiles.size(), 4u);
  for (const auto& [q, value] : v.quantiles) EXPECT_TRUE(std::isnan(value)) << q;
  EXPECT_EQ(v.sum, 0);
  EXPECT_EQ(v.count, 0u);
}

TEST(Summary, QuantilesAreNearestRankInAscendingOrder) {
  FakeClock clock;
  Summary s({{0, 0}, {0.01, 0.001}, {0.07, 0.01}, {0.5, 0.05}, {0.9, 0.01}, {0.99, 0.001}, {1, 0}},
            clock.Options());
  for (int i = 100; i >= 1; --i) s.Observe(i);
  const Summary::Values v = s.Snapshot();
  const std::vector<std::pair<double, double>> want = {{0, 1},    {0.01, 1},  {0.07, 7}, {0.5, 50},
                                                       {0.9, 90}, {0.99, 99}, {1, 100}};
  EXPECT_EQ(v.quantiles, want);
  EXPECT_EQ(v.sum, 5050);
  EXPECT_EQ(v.count, 100u);
}

TEST(Summary, ObservationsLeaveTheWindowAfterMaxAge) {
  // 10 minutes in 5 age buckets: 2-minute slices, the current one and the 4 before it.
  FakeClock clock;
  Summary s(kObjectives, clock.Options());
  s.Observe(100);
  clock.now += absl::Minutes(9) + absl::Seconds(59);  // slice 4: slice 0 is still in
  s.Observe(1);
  EXPECT_EQ(Quantile(s, 0.99), 100);
  clock.now += absl::Seconds(1);  // slice 5: slice 0 left
  EXPECT_EQ(Quantile(s, 0.99), 1);
  EXPECT_EQ(Quantile(s, 0.01), 1);
  clock.now += absl::Minutes(8);  // slice 9: slice 4 left too
  EXPECT_TRUE(std::isnan(Quantile(s, 0.5)));
  const Summary::Values v = s.Snapshot();
  EXPECT_EQ(v.sum, 101);  // sum and count cover every observation
  EXPECT_EQ(v.count, 2u);
}

TEST(Summary, ReusedAgeBucketForgetsItsOldSlice) {
  FakeClock clock;
  Summary s(kObjectives, clock.Options());
  s.Observe(100);
  clock.now += absl::Minutes(10);  // slice 5, which takes slice 0's place in the ring
  s.Observe(1);
  s.Observe(2);
  EXPECT_EQ(Quantile(s, 0.99), 2);
  EXPECT_EQ(s.Snapshot().count, 3u);
}

TEST(Summary, MaxAgeAndAgeBucketsAreOptions) {
  FakeClock clock;
  SummaryOptions o = clock.Options();
  o.max_age = absl::Minutes(1);
  o.age_buckets = 1;
  Summary s(kObjectives, o);
  s.Observe(5);
  clock.now += absl::Seconds(59);
  EXPECT_EQ(Quantile(s, 0.5), 5);
  clock.now += absl::Seconds(1);
  EXPECT_TRUE(std::isnan(Quantile(s, 0.5)));
}

TEST(Summary, ClockGoingBackwardsCountsIntoTheNewestSlice) {
  FakeClock clock;
  Summary s(kObjectives, clock.Options());
  clock.now += absl::Minutes(4);  // slice 2
  s.Observe(7);
  clock.now -= absl::Minutes(30);  // before the summary's creation
  s.Observe(3);
  EXPECT_EQ(Quantile(s, 0.01), 3);
  EXPECT_EQ(Quantile(s, 0.99), 7);
  clock.now += absl::Minutes(30) + absl::Minutes(10);  // slice 7: slice 2 left, and 3 with it
  EXPECT_TRUE(std::isnan(Quantile(s, 0.5)));
}

TEST(Summary, FullAgeBucketKeepsAUniformSample) {
  FakeClock clock;
  SummaryOptions o = clock.Options();
  o.max_samples_per_age_bucket = 100;
  Summary s(kObjectives, o);
  for (int i = 1; i <= 10000; ++i) s.Observe(i);
  const double median = Quantile(s, 0.5);
  EXPECT_GT(median, 4000);
  EXPECT_LT(median, 6000);
  EXPECT_GT(Quantile(s, 0.99), 9000);
  EXPECT_LT(Quantile(s, 0.01), 1000);
  EXPECT_EQ(s.Snapshot().count, 10000u);
}

TEST(Summary, FullAndPartialAgeBucketsAreWeightedByWhatTheySaw) {
  // Slice 0 sees 1000 observations of 1 and keeps 10; slice 1 sees 20 of 2 and keeps 10 too.
  // Weighted by what each slice saw, 2 is only the top 2%.
  FakeClock clock;
  SummaryOptions o = clock.Options();
  o.max_samples_per_age_bucket = 10;
  Summary s(kObjectives, o);
  for (int i = 0; i < 1000; ++i) s.Observe(1);
  clock.now += absl::Minutes(2);
  for (int i = 0; i < 20; ++i) s.Observe(2);
  EXPECT_EQ(Quantile(s, 0.5), 1);
  EXPECT_EQ(Quantile(s, 0.9), 1);
  EXPECT_EQ(Quantile(s, 0.99), 2);
}

TEST(Summary, WithoutObjectivesOnlySumAndCount) {
  Summary s(Objectives{});
  s.Observe(1.5);
  s.Observe(2);
  const Summary::Values v = s.Snapshot();
  EXPECT_TRUE(v.quantiles.empty());
  EXPECT_EQ(v.sum, 3.5);
  EXPECT_EQ(v.count, 2u);
}

TEST(Summary, ConcurrentObservationsAreNotLost) {
  Summary s(kObjectives);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) s.Observe(1);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(s.Snapshot().count, 40000u);
  EXPECT_EQ(Quantile(s, 0.5), 1);
}

TEST(SummaryDeathTest, QuantileOutsideZeroOneAborts) {
  EXPECT_DEATH(Summary(Objectives{{1.5, 0.01}}), "quantile outside");
}

TEST(Registry, SummaryIsWrittenAsPrometheusDoes) {
  FakeClock clock;
  Registry r;
  Summary* s =
      r.NewSummary("rule_seconds", "Rule durations.", {{0.5, 0.05}, {0.9, 0.01}}, clock.Options());
  s->Observe(1);
  s->Observe(2);
  s->Observe(3);
  EXPECT_EQ(r.WriteText(),
            "# HELP rule_seconds Rule durations.\n"
            "# TYPE rule_seconds summary\n"
            "rule_seconds{quantile=\"0.5\"} 2\n"
            "rule_seconds{quantile=\"0.9\"} 3\n"
            "rule_seconds_sum 6\n"
            "rule_seconds_count 3\n");
}

TEST(Registry, SummaryFamilyPutsQuantileLast) {
  Registry r;
  auto* f = r.NewSummaryFamily("interval_seconds", "Intervals.", {"interval"},
                               {{0.01, 0.001}, {0.99, 0.001}});
  f->With({"15s"})->Observe(15.5);
  f->With({"1m"});
  const std::string text = r.WriteText();
  EXPECT_THAT(text, HasSubstr("# TYPE interval_seconds summary\n"
                              "interval_seconds{interval=\"15s\",quantile=\"0.01\"} 15.5\n"
                              "interval_seconds{interval=\"15s\",quantile=\"0.99\"} 15.5\n"
                              "interval_seconds_sum{interval=\"15s\"} 15.5\n"
                              "interval_seconds_count{interval=\"15s\"} 1\n"
                              "interval_seconds{interval=\"1m\",quantile=\"0.01\"} NaN\n"));
  EXPECT_THAT(text, HasSubstr("interval_seconds_count{interval=\"1m\"} 0\n"));
}

TEST(Registry, SummaryWithoutObjectivesHasNoQuantiles) {
  Registry r;
  r.NewSummary("took_seconds", "Took.", {})->Observe(0.25);
  const std::string text = r.WriteText();
  EXPECT_THAT(text, HasSubstr("took_seconds_sum 0.25\ntook_seconds_count 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("quantile")));
}

TEST(RegistryDeathTest, SummaryFamilyRejectsAQuantileLabel) {
  Registry r;
  EXPECT_DEATH(r.NewSummaryFamily("x", "X.", {"quantile"}, {{0.5, 0.05}}), "reserved label");
}

}  // namespace
}  // namespace sextant::util
