#include "cmd/sextant-tool/backfill_rules.h"

#include <sstream>

#include "cmd/sextant-tool/tool_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rules/group.h"

namespace sextant::tool {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int64_t kHourMs = 3600 * 1000;

absl::Time Unix(double seconds) { return absl::FromUnixNanos(static_cast<int64_t>(seconds * 1e9)); }

TEST(ParseBackfillRange, UnixAndRfc3339AndDefaultEnd) {
  const absl::Time now = absl::FromUnixSeconds(1700100000);
  auto r = ParseBackfillRange("1700000000", "2023-11-14T23:13:20Z", now);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->start, absl::FromUnixSeconds(1700000000));
  EXPECT_EQ(r->end, absl::FromUnixSeconds(1700003600));
  r = ParseBackfillRange("1700000000.5", "", now);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->start, absl::FromUnixMillis(1700000000500));
  EXPECT_EQ(r->end, now - absl::Hours(3));
}

TEST(ParseBackfillRange, ErrorsReadAsPromtools) {
  const absl::Time now = absl::FromUnixSeconds(1700100000);
  EXPECT_EQ(ParseBackfillRange("abc", "1", now).status().message(),
            "error parsing start time: cannot parse \"abc\" to a valid timestamp");
  EXPECT_EQ(ParseBackfillRange("abc", "xyz", now).status().message(),
            "error parsing end time: cannot parse \"xyz\" to a valid timestamp");
  EXPECT_EQ(ParseBackfillRange("1700003600", "1700000000", now).status().message(),
            "start time is not before end time");
  EXPECT_EQ(ParseBackfillRange("1700000000", "1700000000", now).status().message(),
            "start time is not before end time");
  // The default end is 3h ago.
  EXPECT_EQ(ParseBackfillRange("1700095000", "", now).status().message(),
            "start time is not before end time");
}

TEST(PlanRuleQueries, AlignedWindowsAndEvaluationInstants) {
  // Evaluation instants at k*60s + 24.5s (1700000000 is k*60 + 20).
  auto eval = [](absl::Time t) {
    const int64_t ns = absl::ToUnixNanos(t) - 24'500'000'000;
    return absl::FromUnixNanos(ns - ns % 60'000'000'000 + 24'500'000'000);
  };
  // 1699999200 is a 2h boundary; start and end are cut to whole seconds.
  const BackfillRange range{Unix(1700000000.9), Unix(1700008000.7)};
  std::vector<RuleQuery> q = PlanRuleQueries(range, 2 * kHourMs, absl::Seconds(60), eval);
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].window_start, 1699999200000);
  EXPECT_EQ(q[0].from, Unix(1700000004.5));
  EXPECT_EQ(q[0].to, absl::FromUnixSeconds(1700006399));  // window end - 1ms, in seconds
  EXPECT_EQ(q[1].window_start, 1700006400000);
  EXPECT_EQ(q[1].from, Unix(1700006424.5));
  EXPECT_EQ(q[1].to, absl::FromUnixSeconds(1700008000));
}

TEST(PlanRuleQueries, WindowWithoutEvaluationIsSkippedNotTheEnd) {
  // Evaluations every 15m on the quarter hour; start 1m before a 2h boundary.
  auto eval = [](absl::Time t) {
    const int64_t s = absl::ToUnixSeconds(t);
    return absl::FromUnixSeconds(s - s % 900);
  };
  const BackfillRange range{absl::FromUnixSeconds(1700006340), absl::FromUnixSeconds(1700010000)};
  std::vector<RuleQuery> q = PlanRuleQueries(range, 2 * kHourMs, absl::Minutes(15), eval);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].window_start, 1700006400000);
  EXPECT_EQ(q[0].from, absl::FromUnixSeconds(1700006400));
}

TEST(PlanRuleQueries, GroupAlignmentAsPromtool) {
  // promtool 2.42 evaluated group g2 of rules.yml (60s) at ...24.872s: the hash of the names.
  rules::Group::Options o;
  o.name = "g2";
  o.file = "rules.yml";
  o.interval = absl::Seconds(60);
  const rules::Group g(o, {}, nullptr);
  const BackfillRange range{absl::FromUnixSeconds(1700000000), absl::FromUnixSeconds(1700003600)};
  auto q = PlanRuleQueries(range, 2 * kHourMs, o.interval,
                           [&](absl::Time t) { return g.EvalTimestamp(t); });
  ASSERT_EQ(q.size(), 1u);
  // The server rounds the start it is sent to the millisecond.
  EXPECT_EQ(std::llround(absl::ToDoubleMilliseconds(q[0].from - absl::UnixEpoch())), 1700000024872);
  EXPECT_EQ(FormatApiSeconds(absl::FromUnixMillis(1700000024500)), "1700000024.5");
  EXPECT_EQ(FormatApiSeconds(absl::Seconds(60)), "60");
  EXPECT_EQ(FormatApiSeconds(absl::Milliseconds(1500)), "1.5");
}

TEST(RuleOutputSeries, RuleLabelsOverrideAndNameIsSetLast) {
  std::vector<RangeSeries> m = {
      {model::Labels::FromPairs({{"__name__", "x"}, {"job", "a"}, {"team", "q"}, {"env", "p"}}),
       {{1000, 1}, {2000, 2}}}};
  auto out = RuleOutputSeries(m, "job:x:sum", model::Labels::FromPairs({{"region", "eu"}}),
                              model::Labels::FromPairs({{"team", "ml"}, {"env", ""}}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].labels,
            model::Labels::FromPairs(
                {{"__name__", "job:x:sum"}, {"job", "a"}, {"region", "eu"}, {"team", "ml"}}));
  EXPECT_EQ(out[0].samples.size(), 2u);
}

TEST(DecodeQueryRangeResponse, MatrixAndWarnings) {
  auto r = DecodeQueryRangeResponse(
      200, R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"a"},)"
           R"("values":[[1700000024.872,"1.5"],[1700000084.872,"NaN"],[1700000144,"+Inf"]]}]},)"
           R"("warnings":["w1"]})");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->matrix.size(), 1u);
  EXPECT_EQ(r->matrix[0].metric, model::Labels::FromPairs({{"job", "a"}}));
  ASSERT_EQ(r->matrix[0].samples.size(), 3u);
  EXPECT_EQ(r->matrix[0].samples[0].t, 1700000024872);
  EXPECT_EQ(r->matrix[0].samples[0].v, 1.5);
  EXPECT_TRUE(std::isnan(r->matrix[0].samples[1].v));
  EXPECT_EQ(r->matrix[0].samples[2].t, 1700000144000);
  EXPECT_THAT(r->warnings, ElementsAre("w1"));
}

TEST(DecodeQueryRangeResponse, ErrorsReadAsClientGolangs) {
  EXPECT_EQ(DecodeQueryRangeResponse(
                422, R"({"status":"error","errorType":"execution","error":"many-to-many"})")
                .status()
                .message(),
            "execution: many-to-many");
  EXPECT_EQ(DecodeQueryRangeResponse(500, "oops").status().message(),
            "server_error: server error: 500");
  EXPECT_EQ(DecodeQueryRangeResponse(404, "").status().message(),
            "client_error: client error: 404");
  EXPECT_EQ(DecodeQueryRangeResponse(400, R"({"status":"success","data":{}})").status().message(),
            "bad_response: inconsistent body for response code");
  EXPECT_THAT(std::string(DecodeQueryRangeResponse(200, "{").status().message()),
              HasSubstr("bad_response: "));
  auto wrong = DecodeQueryRangeResponse(
      200, R"({"status":"success","data":{"resultType":"vector","result":[]}})");
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(wrong.status().message(), "rule result is wrong type vector");
}

// Answers every query with one series per entry of `series` (labels), sample value = the
// query's index, at every step from `from` to `to`; fails queries whose text is "fail".
class FakeApi : public QueryRangeApi {
 public:
  absl::StatusOr<RangeResult> QueryRange(std::string_view query, absl::Time start, absl::Time end,
                                         absl::Duration step) override {
    calls.push_back(std::string(query));
    if (query == "fail") return absl::UnavailableError("execution: boom");
    RangeResult r;
    RangeSeries s{model::Labels::FromPairs({{"__name__", "in"}, {"job", "a"}}), {}};
    for (absl::Time t = start; t <= end; t += step) {
      s.samples.push_back({absl::ToUnixMillis(t), static_cast<double>(calls.size())});
    }
    r.matrix.push_back(std::move(s));
    return r;
  }
  std::vector<std::string> calls;
};

TEST(BackfillRules, WritesEveryRecordingRuleAndSkipsAlerts) {
  testing::ScratchDir dir;
  const std::string rules = dir.Write("rules.yml", R"(groups:
  - name: g
    interval: 1h
    rules:
      - record: r:one
        expr: sum(in)
        labels: {team: ml}
      - alert: A
        expr: in > 1
      - record: r:two
        expr: max(in)
)");
  FakeApi api;
  RulesBackfillOptions o;
  o.start = "1700000000";
  o.end = "1700010000";
  o.output_dir = dir.Path("out");
  o.rule_files = {rules};
  std::ostringstream log;
  absl::Status s = BackfillRules(o, api, absl::Now(), log);
  ASSERT_TRUE(s.ok()) << s << log.str();
  // Two windows (1699999200 and 1700006400) for each of two recording rules.
  EXPECT_THAT(api.calls, ElementsAre("sum(in)", "sum(in)", "max(in)", "max(in)"));
  EXPECT_THAT(log.str(), HasSubstr("level=info backfiller=\"new rule importer\" start=\"14 Nov 23 "
                                   "22:13 UTC\" end=\"15 Nov 23 01:00 UTC\"\n"));
  EXPECT_THAT(log.str(), HasSubstr("level=info backfiller=\"processing group\" name=" + rules +
                                   ";g\nlevel=info backfiller=\"processing rule\" id=0 "
                                   "name=r:one\nlevel=info backfiller=\"skipping alerting rule\" "
                                   "id=1 name=A\nlevel=info backfiller=\"processing rule\" id=2 "
                                   "name=r:two\n"));

  auto all = testing::ReadAll(o.output_dir);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].labels,
            model::Labels::FromPairs({{"__name__", "r:one"}, {"job", "a"}, {"team", "ml"}}));
  EXPECT_EQ(all[1].labels, model::Labels::FromPairs({{"__name__", "r:two"}, {"job", "a"}}));
  // Hourly evaluations at the group's aligned instants in [start, end], none missing. The offset
  // into the hour comes from the rule file's path, which the scratch directory makes random, so
  // there are 2 or 3 of them. Values: the call that produced them (1 in the first window, 2 in
  // the second).
  const std::vector<model::Sample>& got = all[0].samples;
  ASSERT_GE(got.size(), 2u);
  EXPECT_GE(got.front().t, 1700000000000);
  EXPECT_LT(got.front().t, 1700000000000 + 3600000);
  EXPECT_LE(got.back().t, 1700010000000);
  EXPECT_GT(got.back().t, 1700010000000 - 3600000);
  for (size_t i = 1; i < got.size(); ++i) EXPECT_EQ(got[i].t - got[i - 1].t, 3600000) << i;
  EXPECT_EQ(got.front().v, 1);
  EXPECT_EQ(got.back().v, 2);
}

TEST(BackfillRules, AFailingRuleIsReportedAndTheOthersAreWritten) {
  testing::ScratchDir dir;
  const std::string rules = dir.Write("rules.yml", R"(groups:
  - name: g
    rules:
      - record: r:bad
        expr: fail
      - record: r:good
        expr: sum(in)
      - record: r:good
        expr: sum(in)
        labels: {x: y}
)");
  FakeApi api;
  RulesBackfillOptions o;
  o.start = "1700000000";
  o.end = "1700000600";
  o.output_dir = dir.Path("out");
  o.rule_files = {rules};
  std::ostringstream log;
  absl::Status s = BackfillRules(o, api, absl::Now(), log);
  EXPECT_EQ(s.message(), "error importing rules");
  EXPECT_THAT(log.str(), HasSubstr("\nrule importer error: query range: execution: boom\n"));
  auto all = testing::ReadAll(o.output_dir);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].labels.MetricName(), "r:good");
  EXPECT_EQ(all[0].samples.size(), 10u);  // every minute in [start, end]
}

TEST(BackfillRules, RuleFileErrorsStopBeforeAnyQuery) {
  testing::ScratchDir dir;
  const std::string rules = dir.Write("bad.yml", R"(groups:
- name: x
  rules:
  - record: a b
    expr: up
)");
  FakeApi api;
  RulesBackfillOptions o;
  o.start = "1700000000";
  o.end = "1700003600";
  o.output_dir = dir.Path("out");
  o.rule_files = {rules};
  std::ostringstream log;
  EXPECT_EQ(BackfillRules(o, api, absl::Now(), log).message(),
            "rule importer parse error: " + rules +
                ": 4:13: group \"x\", rule 1, \"a b\": invalid recording rule name: a b");
  EXPECT_TRUE(api.calls.empty());
  EXPECT_FALSE(std::filesystem::exists(o.output_dir));
}

}  // namespace
}  // namespace sextant::tool
