#include "rules/group.h"

#include <cmath>

#include "gtest/gtest.h"
#include "rules/test_util.h"

namespace sextant::rules {
namespace {

using testing::Alerting;
using testing::Fixture;
using testing::Recording;
using testing::T;

std::vector<std::unique_ptr<Rule>> Rules(std::unique_ptr<Rule> a,
                                         std::unique_ptr<Rule> b = nullptr) {
  std::vector<std::unique_ptr<Rule>> v;
  v.push_back(std::move(a));
  if (b != nullptr) v.push_back(std::move(b));
  return v;
}

TEST(Group, EvalTimestampIsAlignedAndStable) {
  Fixture f;
  auto g = f.MakeGroup(Rules(Recording("r", "1")), absl::Seconds(30));
  const absl::Time start = absl::FromUnixNanos(1'700'000'123'456'789'000);
  const absl::Time ts = g->EvalTimestamp(start);
  EXPECT_LE(ts, start);
  EXPECT_GT(ts, start - absl::Seconds(30));
  // Every later instant of the same interval maps to the same grid.
  EXPECT_EQ(g->EvalTimestamp(ts), ts);
  EXPECT_EQ(g->EvalTimestamp(ts + absl::Seconds(29)), ts);
  EXPECT_EQ(g->EvalTimestamp(ts + absl::Seconds(30)), ts + absl::Seconds(30));
  // The offset into the interval comes from the group's name and file, not the start time.
  auto other = f.MakeGroup(Rules(Recording("r", "1")), absl::Seconds(30));
  EXPECT_EQ(other->EvalTimestamp(start + absl::Hours(5)), ts + absl::Hours(5));
}

TEST(Group, RecordingRuleWritesAtEvaluationTimeWithItsLabels) {
  Fixture f;
  f.Add(R"(http_requests_total{job="api",code="200"})", 0, 10);
  f.Add(R"(http_requests_total{job="api",code="500"})", 0, 2);
  auto g = f.MakeGroup(Rules(Recording("job:requests:sum", "sum by (job) (http_requests_total)",
                                       model::Labels::FromPairs({{"team", "ml"}}))));
  g->Eval(T(60));
  auto s = f.Samples(R"(job:requests:sum{job="api",team="ml"})");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].t, 60'000);
  EXPECT_EQ(s[0].v, 12);
  EXPECT_EQ(g->rules()[0]->status().health, RuleHealth::kGood);
  EXPECT_EQ(g->counters().last_evaluation_samples.load(), 1);
}

TEST(Group, LaterRulesSeeEarlierResultsOfTheSameEvaluation) {
  Fixture f;
  f.Add(R"(x{a="1"})", 0, 3);
  auto g =
      f.MakeGroup(Rules(Recording("x:doubled", "x * 2"), Recording("x:quad", "x:doubled * 2")));
  g->Eval(T(10));
  auto s = f.Samples(R"(x:quad{a="1"})");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].v, 12);
  EXPECT_EQ(s[0].t, 10'000);
}

TEST(Group, VanishedSeriesGetStaleMarkers) {
  Fixture f;
  f.Add(R"(up{instance="a"})", 0, 1);
  f.Add(R"(up{instance="b"})", 0, 1);
  f.Add(R"(up{instance="b"})", 15, 0);
  auto g = f.MakeGroup(Rules(Recording("up:one", "up == 1")));
  g->Eval(T(10));
  g->Eval(T(20));  // b is 0 now: its output goes stale
  auto b = f.Samples(R"(up:one{instance="b"})");
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].v, 1);
  EXPECT_EQ(b[1].t, 20'000);
  EXPECT_TRUE(model::IsStaleNaN(b[1].v));
  auto a = f.Samples(R"(up:one{instance="a"})");
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[1].v, 1);
}

TEST(Group, QueryOffsetShiftsQueryAndOutput) {
  Fixture f;
  f.Add("m", 0, 1);
  f.Add("m", 50, 2);
  Group::Options o;
  o.name = "g";
  o.file = "f";
  o.interval = absl::Seconds(10);
  o.query_offset = absl::Seconds(30);
  Group g(o, Rules(Recording("m:copy", "m")), f.Env());
  g.Eval(T(60));
  auto s = f.Samples("m:copy");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].t, 30'000);
  EXPECT_EQ(s[0].v, 1);  // m as of 30s
}

TEST(Group, LimitFailsTheRule) {
  Fixture f;
  f.Add(R"(x{a="1"})", 0, 1);
  f.Add(R"(x{a="2"})", 0, 1);
  Group::Options o;
  o.name = "g";
  o.file = "f";
  o.interval = absl::Seconds(10);
  o.limit = 1;
  Group g(o, Rules(Recording("x:copy", "x")), f.Env());
  g.Eval(T(10));
  EXPECT_EQ(g.rules()[0]->status().health, RuleHealth::kBad);
  EXPECT_EQ(g.rules()[0]->status().last_error, "exceeded limit of 1 with 2 series");
  EXPECT_TRUE(f.Samples(R"(x:copy{a="1"})").empty());
  EXPECT_EQ(g.counters().evaluation_failures.load(), 1);
}

TEST(Group, FailingRuleDoesNotStopTheOthers) {
  Fixture f;
  f.Add(R"(x{a="1"})", 0, 1);
  f.Add(R"(x{a="2"})", 0, 1);
  // Both series get the same labels once the rule's own label overwrites `a`.
  auto g = f.MakeGroup(Rules(Recording("bad", "x", model::Labels::FromPairs({{"a", "same"}})),
                             Recording("good", "count(x)")));
  g->Eval(T(10));
  EXPECT_EQ(g->rules()[0]->status().health, RuleHealth::kBad);
  EXPECT_EQ(g->rules()[0]->status().last_error,
            "vector contains metrics with the same labelset after applying rule labels");
  EXPECT_EQ(f.Samples("good").size(), 1u);
}

TEST(Group, FailedRuleEvaluationsCountInTheDurationSummary) {
  // Prometheus observes prometheus_rule_evaluation_duration_seconds for every rule evaluation,
  // failed ones included.
  Fixture f;
  f.Add(R"(x{a="1"})", 0, 1);
  f.Add(R"(x{a="2"})", 0, 1);
  auto env = f.Env();
  util::Summary durations(util::Objectives{{0.5, 0.05}});
  env->rule_duration = &durations;
  auto g = f.MakeGroup(Rules(Recording("bad", "x", model::Labels::FromPairs({{"a", "same"}})),
                             Recording("good", "count(x)")),
                       absl::Seconds(10), env);
  g->Eval(T(10));
  ASSERT_EQ(g->rules()[0]->status().health, RuleHealth::kBad);
  EXPECT_EQ(durations.Snapshot().count, 2u);
}

TEST(Group, ScalarResultIsOneUnlabelledSample) {
  Fixture f;
  auto g = f.MakeGroup(Rules(Recording("answer", "42")));
  g->Eval(T(10));
  auto s = f.Samples("answer");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].v, 42);
}

TEST(Group, StringResultIsAnError) {
  Fixture f;
  auto g = f.MakeGroup(Rules(Recording("s", "\"text\"")));
  g->Eval(T(10));
  EXPECT_EQ(g->rules()[0]->status().last_error, "rule result is not a vector or scalar");
}

TEST(Group, CopyStateKeepsAlertsAndStalesRemovedRules) {
  Fixture f;
  f.Add(R"(errors{job="a"})", 0, 5);
  auto old = f.MakeGroup(Rules(Alerting("HighErrors", "errors > 1", absl::Minutes(5)),
                               Recording("errors:copy", "errors")));
  old->Eval(T(10));
  old->Eval(T(20));
  auto fresh = f.MakeGroup(Rules(Alerting("HighErrors", "errors > 1", absl::Minutes(5))));
  fresh->CopyState(*old);
  auto alerts = static_cast<const AlertingRule&>(*fresh->rules()[0]).ActiveAlerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].active_at, T(10));
  fresh->Eval(T(30));
  auto copy = f.Samples(R"(errors:copy{job="a"})");
  ASSERT_EQ(copy.size(), 3u);
  EXPECT_TRUE(model::IsStaleNaN(copy.back().v));
  EXPECT_EQ(copy.back().t, 30'000);
}

TEST(Group, EqualsComparesDefinitions) {
  Fixture f;
  auto a = f.MakeGroup(Rules(Recording("r", "sum(x)")));
  auto b = f.MakeGroup(Rules(Recording("r", "sum(x)")));
  auto c = f.MakeGroup(Rules(Recording("r", "sum(y)")));
  auto d = f.MakeGroup(Rules(Recording("r", "sum(x)")), absl::Seconds(20));
  EXPECT_TRUE(a->Equals(*b));
  EXPECT_FALSE(a->Equals(*c));
  EXPECT_FALSE(a->Equals(*d));
}

TEST(Group, WriteStaleMarkersForRemovedGroup) {
  Fixture f;
  f.Add("m", 0, 1);
  auto g = f.MakeGroup(Rules(Recording("m:copy", "m")));
  g->Eval(T(10));
  g->WriteStaleMarkers(T(15));
  auto s = f.Samples("m:copy");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_TRUE(model::IsStaleNaN(s[1].v));
  EXPECT_EQ(s[1].t, 15'000);
}

TEST(Group, RunEvaluatesOnItsOwnThread) {
  Fixture f;
  f.Add("m", 0, 1);
  auto g = f.MakeGroup(Rules(Recording("m:copy", "vector(1)")), absl::Milliseconds(50));
  g->Run();
  absl::SleepFor(absl::Milliseconds(400));
  g->Stop();
  EXPECT_GE(f.Samples("m:copy").size(), 3u);
  EXPECT_GE(g->counters().iterations_total.load(), 3);
  EXPECT_NE(g->last_evaluation(), kZeroTime);
}

}  // namespace
}  // namespace sextant::rules
