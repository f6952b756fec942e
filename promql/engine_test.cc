#include "promql/engine.h"

#include <atomic>
#include <bit>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/sample.h"
#include "tsdb/mem_storage.h"

namespace sextant::promql {
namespace {

using model::Labels;
using ::testing::HasSubstr;

constexpr int64_t kMin = 60 * 1000;

Labels L(std::initializer_list<std::pair<std::string_view, std::string_view>> p) {
  return Labels::FromPairs(p);
}

// Loads `start + step*i` for i in [0, n] at t = i * interval (like `load 5m` / `a+bxn`).
void Load(tsdb::MemStorage& s, const Labels& l, double start, double step, int n,
          int64_t interval) {
  for (int i = 0; i <= n; ++i) {
    ASSERT_TRUE(s.Add(l, i * interval, start + step * i).ok());
  }
}

class EngineTest : public ::testing::Test {
 protected:
  Vector Instant(std::string_view q, int64_t t) {
    auto r = engine_.InstantQuery(storage_, q, t);
    EXPECT_TRUE(r.ok()) << q << ": " << r.status();
    if (!r.ok()) return {};
    EXPECT_EQ(r->type(), ValueType::kVector) << q;
    if (r->type() != ValueType::kVector) return {};
    return std::get<Vector>(r->value);
  }
  double Value(std::string_view q, int64_t t) {
    Vector v = Instant(q, t);
    EXPECT_EQ(v.size(), 1u) << q;
    return v.empty() ? std::nan("") : v[0].v;
  }
  absl::Status Error(std::string_view q, int64_t t) {
    auto r = engine_.InstantQuery(storage_, q, t);
    EXPECT_FALSE(r.ok()) << q;
    return r.status();
  }

  tsdb::MemStorage storage_;
  Engine engine_{EngineOptions{}};
};

TEST_F(EngineTest, NumberAndStringLiterals) {
  auto r = engine_.InstantQuery(storage_, "1 + 2 * 3", 1000);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->type(), ValueType::kScalar);
  EXPECT_EQ(std::get<Scalar>(r->value).v, 7);
  EXPECT_EQ(std::get<Scalar>(r->value).t, 1000);
  r = engine_.InstantQuery(storage_, "\"hello\"", 1000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<String>(r->value).v, "hello");
}

TEST_F(EngineTest, LookbackIsLeftOpen) {
  ASSERT_TRUE(storage_.Add(L({{"__name__", "m"}}), 0, 1).ok());
  EXPECT_EQ(Value("m", 5 * kMin - 1), 1);
  // The sample at exactly t - 5m is outside (t - 5m, t].
  EXPECT_TRUE(Instant("m", 5 * kMin).empty());
}

TEST_F(EngineTest, StaleMarkerEndsSeries) {
  const Labels l = L({{"__name__", "m"}});
  ASSERT_TRUE(storage_.Add(l, 0, 1).ok());
  ASSERT_TRUE(storage_.Add(l, 10000, model::StaleNaN()).ok());
  ASSERT_TRUE(storage_.Add(l, 60000, 3).ok());
  EXPECT_EQ(Value("m", 9000), 1);
  EXPECT_TRUE(Instant("m", 10000).empty());
  EXPECT_TRUE(Instant("m", 50000).empty());
  EXPECT_EQ(Value("m", 60000), 3);
  // Range selectors drop the marker.
  EXPECT_EQ(Value("count_over_time(m[5m])", 60000), 2);
}

TEST_F(EngineTest, OffsetAndAt) {
  Load(storage_, L({{"__name__", "m"}}), 0, 1, 10, kMin);  // m = minutes
  EXPECT_EQ(Value("m offset 3m", 10 * kMin), 7);
  EXPECT_EQ(Value("m offset -2m", 5 * kMin), 7);
  EXPECT_EQ(Value("m @ 240", 10 * kMin), 4);
  EXPECT_EQ(Value("m @ 240 offset 1m", 10 * kMin), 3);
  auto r = engine_.RangeQuery(storage_, "m @ start()", 2 * kMin, 4 * kMin, kMin);
  ASSERT_TRUE(r.ok()) << r.status();
  const Matrix& m = std::get<Matrix>(r->value);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_THAT(m[0].points, ::testing::ElementsAre(FPoint{2 * kMin, 2}, FPoint{3 * kMin, 2},
                                                  FPoint{4 * kMin, 2}));
  r = engine_.RangeQuery(storage_, "m @ end()", 2 * kMin, 4 * kMin, kMin);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<Matrix>(r->value)[0].points[0].v, 4);
}

TEST_F(EngineTest, MatrixSelectorIsLeftOpen) {
  Load(storage_, L({{"__name__", "m"}}), 0, 1, 10, kMin);
  auto r = engine_.InstantQuery(storage_, "m[3m]", 5 * kMin);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->type(), ValueType::kMatrix);
  const Matrix& m = std::get<Matrix>(r->value);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_THAT(m[0].points, ::testing::ElementsAre(FPoint{3 * kMin, 3}, FPoint{4 * kMin, 4},
                                                  FPoint{5 * kMin, 5}));
}

TEST_F(EngineTest, UnaryMinusDropsName) {
  ASSERT_TRUE(storage_.Add(L({{"__name__", "m"}, {"a", "x"}}), 0, 2).ok());
  Vector v = Instant("-m", 0);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].v, -2);
  EXPECT_EQ(v[0].labels, L({{"a", "x"}}));
}

// Prometheus's functions.test: `http_requests_total 0+10x10` every 5m.
TEST_F(EngineTest, RateAndIncreaseExtrapolate) {
  Load(storage_, L({{"__name__", "http_requests_total"}, {"path", "/foo"}}), 0, 10, 10, 5 * kMin);
  Load(storage_, L({{"__name__", "http_requests_total"}, {"path", "/dings"}}), 10, 10, 10,
       5 * kMin);
  Vector v = Instant("increase(http_requests_total[50m])", 50 * kMin);
  ASSERT_EQ(v.size(), 2u);
  for (const VectorSample& s : v) {
    EXPECT_DOUBLE_EQ(s.v, 100) << s.labels.ToString();
    EXPECT_FALSE(s.labels.Has("__name__"));
  }
  EXPECT_DOUBLE_EQ(Value("rate(http_requests_total{path=\"/foo\"}[50m])", 50 * kMin), 100.0 / 3000);
  EXPECT_DOUBLE_EQ(Value("delta(http_requests_total{path=\"/foo\"}[50m])", 50 * kMin), 100);
  EXPECT_DOUBLE_EQ(Value("irate(http_requests_total{path=\"/foo\"}[50m])", 50 * kMin), 10.0 / 300);
  EXPECT_DOUBLE_EQ(Value("idelta(http_requests_total{path=\"/foo\"}[50m])", 50 * kMin), 10);
  EXPECT_DOUBLE_EQ(Value("deriv(http_requests_total{path=\"/foo\"}[50m])", 50 * kMin), 10.0 / 300);
}

TEST_F(EngineTest, RateHandlesCounterResets) {
  const Labels l = L({{"__name__", "c_total"}});
  for (int i = 0; i <= 4; ++i) ASSERT_TRUE(storage_.Add(l, i * kMin, i == 3 ? 1 : i * 10).ok());
  // 0 10 20 1 40: resets add the value before the drop.
  EXPECT_EQ(Value("resets(c_total[5m])", 4 * kMin), 1);
  EXPECT_EQ(Value("changes(c_total[5m])", 4 * kMin), 4);
}

TEST_F(EngineTest, RateOnNonCounterGivesInfo) {
  Load(storage_, L({{"__name__", "foo"}}), 0, 1, 10, kMin);
  auto r = engine_.InstantQuery(storage_, "rate(foo[5m])", 10 * kMin);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->infos, ::testing::ElementsAre(
                            "PromQL info: metric might not be a counter, name does not end in "
                            "_total/_sum/_count/_bucket: \"foo\" (1:6)"));
  Load(storage_, L({{"__name__", "foo_total"}}), 0, 1, 10, kMin);
  r = engine_.InstantQuery(storage_, "rate(foo_total[5m])", 10 * kMin);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->infos.empty());
}

TEST_F(EngineTest, InvalidQuantileGivesWarning) {
  Load(storage_, L({{"__name__", "m"}, {"i", "a"}}), 1, 1, 10, kMin);
  Load(storage_, L({{"__name__", "h_bucket"}, {"le", "+Inf"}}), 1, 1, 10, kMin);
  for (std::string_view q :
       {"quantile(2, m)", "quantile_over_time(-1, m[5m])", "histogram_quantile(NaN, h_bucket)"}) {
    auto r = engine_.InstantQuery(storage_, q, 10 * kMin);
    ASSERT_TRUE(r.ok()) << q << ": " << r.status();
    ASSERT_EQ(r->warnings.size(), 1u) << q;
    EXPECT_THAT(r->warnings[0],
                ::testing::StartsWith("PromQL warning: quantile value should be between 0 and 1"))
        << q;
  }
  auto ok = engine_.InstantQuery(storage_, "quantile(0.5, m)", 10 * kMin);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->warnings.empty());
}

TEST_F(EngineTest, SortInRangeQueryGivesWarning) {
  Load(storage_, L({{"__name__", "m"}}), 1, 1, 10, kMin);
  auto range = engine_.RangeQuery(storage_, "sort(m)", kMin, 2 * kMin, kMin);
  ASSERT_TRUE(range.ok()) << range.status();
  EXPECT_THAT(range->warnings,
              ::testing::ElementsAre("PromQL warning: sort is ineffective for range queries since "
                                     "results are always ordered by labels"));
  auto instant = engine_.InstantQuery(storage_, "sort(m)", kMin);
  ASSERT_TRUE(instant.ok());
  EXPECT_TRUE(instant->warnings.empty());
}

TEST_F(EngineTest, OverTimeFunctions) {
  Load(storage_, L({{"__name__", "m"}}), 1, 1, 4, kMin);  // 1 2 3 4 5
  const int64_t t = 4 * kMin;
  EXPECT_EQ(Value("avg_over_time(m[10m])", t), 3);
  EXPECT_EQ(Value("sum_over_time(m[10m])", t), 15);
  EXPECT_EQ(Value("min_over_time(m[10m])", t), 1);
  EXPECT_EQ(Value("max_over_time(m[10m])", t), 5);
  EXPECT_EQ(Value("count_over_time(m[10m])", t), 5);
  EXPECT_EQ(Value("last_over_time(m[10m])", t), 5);
  EXPECT_EQ(Value("present_over_time(m[10m])", t), 1);
  EXPECT_EQ(Value("quantile_over_time(0.5, m[10m])", t), 3);
  EXPECT_EQ(Value("stdvar_over_time(m[10m])", t), 2);
  EXPECT_DOUBLE_EQ(Value("stddev_over_time(m[10m])", t), std::sqrt(2.0));
  EXPECT_TRUE(Instant("absent_over_time(m[10m])", t).empty());
  Vector v = Instant("absent_over_time(nope{job=\"x\"}[1m])", t);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].labels, L({{"job", "x"}}));
  EXPECT_EQ(Instant("last_over_time(m[10m])", t)[0].labels.MetricName(), "m");
  EXPECT_DOUBLE_EQ(Value("predict_linear(m[10m], 60)", t), 6);
}

TEST_F(EngineTest, ArithmeticAndComparison) {
  ASSERT_TRUE(storage_.Add(L({{"__name__", "a"}, {"i", "1"}}), 0, 1).ok());
  ASSERT_TRUE(storage_.Add(L({{"__name__", "a"}, {"i", "2"}}), 0, 5).ok());
  ASSERT_TRUE(storage_.Add(L({{"__name__", "b"}, {"i", "1"}}), 0, 10).ok());
  ASSERT_TRUE(storage_.Add(L({{"__name__", "b"}, {"i", "2"}}), 0, 20).ok());
  Vector v = Instant("a + b", 0);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].v, 11);
  EXPECT_EQ(v[0].labels, L({{"i", "1"}}));
  v = Instant("a > 2", 0);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].labels.MetricName(), "a");
  v = Instant("a > bool 2", 0);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].v, 0);
  EXPECT_FALSE(v[0].labels.Has("__name__"));
  v = Instant("2 < a", 0);  // a comparison keeps the vector's value
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].v, 5);
  v = Instant("b / on(i) a", 0);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1].v, 4);
  EXPECT_EQ(Value("a{i=\"1\"} == ignoring(__name__) b{i=\"1\"} - 9", 0), 1);
  auto r = engine_.InstantQuery(storage_, "2 ^ 3 % 5 > bool 2", 0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<Scalar>(r->value).v, 1);
}

TEST_F(EngineTest, SetOperators) {
  ASSERT_TRUE(storage_.Add(L({{"__name__", "a"}, {"i", "1"}}), 0, 1).ok());
  ASSERT_TRUE(storage_.Add(L({{"__name__", "a"}, {"i", "2"}}), 0, 2).ok());
  ASSERT_TRUE(storage_.Add(L({{"__name__", "b"}, {"i", "2"}}), 0, 3).ok());
  ASSERT_TRUE(storage_.Add(L({{"__name__", "b"}, {"i", "3"}}), 0, 4).ok());
  EXPECT_EQ(Instant("a and b", 0).size(), 1u);
  EXPECT_EQ(Instant("a or b", 0).size(), 3u);
  Vector v = Instant("a unless b", 0);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].labels.Get("i"), "1");
  EXPECT_EQ(Instant("a and on() b", 0).size(), 2u);
}

TEST_F(EngineTest, GroupLeftCopiesIncludeLabels) {
  ASSERT_TRUE(storage_.Add(L({{"__name__", "req"}, {"job", "j"}, {"path", "/a"}}), 0, 10).ok());
  ASSERT_TRUE(storage_.Add(L({{"__name__", "req"}, {"job", "j"}, {"path", "/b"}}), 0, 20).ok());
  ASSERT_TRUE(storage_.Add(L({{"__name__", "info"}, {"job", "j"}, {"team", "t"}}), 0, 2).ok());
  Vector v = Instant("req * on(job) group_left(team) info", 0);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].labels, L({{"job", "j"}, {"path", "/a"}, {"team", "t"}}));
  EXPECT_EQ(v[1].v, 40);
  v = Instant("info * on(job) group_right(team) req", 0);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1].labels, L({{"job", "j"}, {"path", "/b"}, {"team", "t"}}));
}

TEST_F(EngineTest, VectorMatchingErrors) {
  ASSERT_TRUE(storage_.Add(L({{"__name__", "req"}, {"job", "j"}, {"path", "/a"}}), 0, 10).ok());
  ASSERT_TRUE(storage_.Add(L({{"__name__", "req"}, {"job", "j"}, {"path", "/b"}}), 0, 20).ok());
  ASSERT_TRUE(storage_.Add(L({{"__name__", "info"}, {"job", "j"}}), 0, 2).ok());
  EXPECT_EQ(Error("req * on(job) info", 0).message(),
            "multiple matches for labels: many-to-one matching must be explicit "
            "(group_left/group_right)");
  absl::Status s = Error("info * on(job) req", 0);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("found duplicate series for the match group {job=\"j\"} on the right "
                        "hand-side of the operation"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("many-to-many matching not allowed"));
}

TEST_F(EngineTest, Aggregations) {
  for (int i = 1; i <= 4; ++i) {
    const std::string v = std::to_string(i);
    ASSERT_TRUE(
        storage_.Add(L({{"__name__", "m"}, {"g", i <= 2 ? "a" : "b"}, {"i", v}}), 0, i).ok());
  }
  EXPECT_EQ(Value("sum(m)", 0), 10);
  EXPECT_EQ(Value("avg(m)", 0), 2.5);
  EXPECT_EQ(Value("min(m)", 0), 1);
  EXPECT_EQ(Value("max(m)", 0), 4);
  EXPECT_EQ(Value("count(m)", 0), 4);
  EXPECT_EQ(Value("group(m)", 0), 1);
  EXPECT_EQ(Value("stdvar(m)", 0), 1.25);
  EXPECT_DOUBLE_EQ(Value("stddev(m)", 0), std::sqrt(1.25));
  EXPECT_EQ(Value("quantile(0.5, m)", 0), 2.5);
  Vector v = Instant("sum by (g) (m)", 0);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].labels, L({{"g", "a"}}));
  EXPECT_EQ(v[0].v, 3);
  v = Instant("sum without (i) (m)", 0);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1].labels, L({{"g", "b"}}));
  EXPECT_EQ(v[1].v, 7);
  v = Instant("count_values(\"val\", m > 2)", 0);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].labels, L({{"val", "3"}}));
  v = Instant("topk(1, m) by (g)", 0);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].labels.MetricName(), "m");
  EXPECT_EQ(v[0].v, 2);
  EXPECT_EQ(v[1].v, 4);
  v = Instant("bottomk(2, m)", 0);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].v, 1);
  EXPECT_EQ(v[1].v, 2);
  EXPECT_THAT(std::string(Error("count_values(\"1x\", m)", 0).message()),
              HasSubstr("invalid label name"));
}

TEST_F(EngineTest, TopkTiesKeepFirstSeen) {
  // As Go's heap in Prometheus: with [1, 1, 2] and k = 2 the first 1 is evicted.
  ASSERT_TRUE(storage_.Add(L({{"__name__", "m"}, {"i", "a"}}), 0, 1).ok());
  ASSERT_TRUE(storage_.Add(L({{"__name__", "m"}, {"i", "b"}}), 0, 1).ok());
  ASSERT_TRUE(storage_.Add(L({{"__name__", "m"}, {"i", "c"}}), 0, 2).ok());
  Vector v = Instant("topk(2, m)", 0);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].labels.Get("i"), "c");
  EXPECT_EQ(v[1].labels.Get("i"), "b");
  EXPECT_TRUE(Instant("topk(0, m)", 0).empty());
}

TEST_F(EngineTest, HistogramQuantile) {
  auto bucket = [&](std::string_view le, double v) {
    ASSERT_TRUE(storage_.Add(L({{"__name__", "h_bucket"}, {"le", le}}), 0, v).ok());
  };
  bucket("0.1", 10);
  bucket("0.5", 50);
  bucket("1", 90);
  bucket("+Inf", 100);
  EXPECT_DOUBLE_EQ(Value("histogram_quantile(0.5, h_bucket)", 0), 0.5);
  EXPECT_DOUBLE_EQ(Value("histogram_quantile(0.05, h_bucket)", 0), 0.05);
  EXPECT_DOUBLE_EQ(Value("histogram_quantile(0.7, h_bucket)", 0), 0.75);
  // Beyond the last finite bucket: its upper bound.
  EXPECT_DOUBLE_EQ(Value("histogram_quantile(0.95, h_bucket)", 0), 1);
  EXPECT_EQ(Value("histogram_quantile(2, h_bucket)", 0), INFINITY);
  Vector v = Instant("histogram_quantile(0.5, h_bucket)", 0);
  EXPECT_TRUE(v[0].labels.empty());
  // Fractions: below 0.5 is 50 of 100; (0.1, 0.3] interpolates 20 of the 40 in (0.1, 0.5].
  EXPECT_DOUBLE_EQ(Value("histogram_fraction(0, 0.5, h_bucket)", 0), 0.5);
  EXPECT_DOUBLE_EQ(Value("histogram_fraction(0.1, 0.3, h_bucket)", 0), 0.2);
  EXPECT_DOUBLE_EQ(Value("histogram_fraction(-Inf, +Inf, h_bucket)", 0), 1);
}

TEST_F(EngineTest, HistogramQuantileEdgeCases) {
  auto bucket = [&](std::string_view job, std::string_view le, double v) {
    ASSERT_TRUE(storage_.Add(L({{"__name__", "h"}, {"job", job}, {"le", le}}), 0, v).ok());
  };
  bucket("noinf", "1", 10);  // no +Inf bucket: NaN
  bucket("nonmono", "1", 10);
  bucket("nonmono", "2", 5);  // forced monotonic to 10
  bucket("nonmono", "+Inf", 20);
  Vector v = Instant("histogram_quantile(0.5, h)", 0);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_TRUE(std::isnan(v[0].v));
  EXPECT_DOUBLE_EQ(v[1].v, 1);  // rank 10 is reached in the first bucket
}

TEST_F(EngineTest, MathAndLabelFunctions) {
  ASSERT_TRUE(storage_.Add(L({{"__name__", "m"}, {"src", "a-b"}}), 0, -2.5).ok());
  EXPECT_EQ(Value("abs(m)", 0), 2.5);
  EXPECT_EQ(Value("ceil(m)", 0), -2);
  EXPECT_EQ(Value("floor(m)", 0), -3);
  EXPECT_EQ(Value("sgn(m)", 0), -1);
  EXPECT_EQ(Value("round(m)", 0), -2);
  EXPECT_EQ(Value("clamp(m, -1, 1)", 0), -1);
  EXPECT_EQ(Value("clamp_min(m, 0)", 0), 0);
  EXPECT_EQ(Value("clamp_max(m, -3)", 0), -3);
  EXPECT_TRUE(Instant("clamp(m, 1, -1)", 0).empty());
  EXPECT_DOUBLE_EQ(Value("exp(abs(m))", 0), std::exp(2.5));
  Vector v = Instant("label_replace(m, \"dst\", \"$2/$1\", \"src\", \"(.*)-(.*)\")", 0);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].labels.Get("dst"), "b/a");
  EXPECT_EQ(v[0].labels.MetricName(), "m");
  v = Instant("label_join(m, \"dst\", \",\", \"src\", \"__name__\")", 0);
  EXPECT_EQ(v[0].labels.Get("dst"), "a-b,m");
  EXPECT_THAT(std::string(Error("label_replace(m, \"1x\", \"\", \"src\", \"\")", 0).message()),
              HasSubstr("invalid destination label name"));
}

TEST_F(EngineTest, ScalarVectorTimeFunctions) {
  ASSERT_TRUE(storage_.Add(L({{"__name__", "m"}}), 30000, 7).ok());
  auto r = engine_.InstantQuery(storage_, "scalar(m) + time()", 60000);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(std::get<Scalar>(r->value).v, 67);
  EXPECT_EQ(Value("vector(3)", 0), 3);
  EXPECT_EQ(Value("timestamp(m)", 60000), 30);
  EXPECT_EQ(Instant("absent(m)", 60000).size(), 0u);
  Vector v = Instant("absent(nope{a=\"b\", c=~\"d\"})", 60000);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].labels, L({{"a", "b"}}));
}

TEST_F(EngineTest, DateFunctions) {
  // 2024-02-29T13:45:00Z (a Thursday) = 1709214300.
  ASSERT_TRUE(storage_.Add(L({{"__name__", "t"}}), 0, 1709214300).ok());
  EXPECT_EQ(Value("year(t)", 0), 2024);
  EXPECT_EQ(Value("month(t)", 0), 2);
  EXPECT_EQ(Value("day_of_month(t)", 0), 29);
  EXPECT_EQ(Value("day_of_week(t)", 0), 4);
  EXPECT_EQ(Value("day_of_year(t)", 0), 60);
  EXPECT_EQ(Value("days_in_month(t)", 0), 29);
  EXPECT_EQ(Value("hour(t)", 0), 13);
  EXPECT_EQ(Value("minute(t)", 0), 45);
  EXPECT_EQ(Value("year()", 0), 1970);
}

TEST_F(EngineTest, SortFunctions) {
  for (int i : {3, 1, 2}) {
    ASSERT_TRUE(storage_.Add(L({{"__name__", "m"}, {"i", std::to_string(i)}}), 0, i).ok());
  }
  Vector v = Instant("sort_desc(m)", 0);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].v, 3);
  EXPECT_EQ(v[2].v, 1);
  v = Instant("sort(m)", 0);
  EXPECT_EQ(v[0].v, 1);
}

TEST_F(EngineTest, Subquery) {
  Load(storage_, L({{"__name__", "m_total"}}), 0, 1, 20, kMin);
  // Inner steps at 1m multiples within (t - 5m, t]: 6m..10m.
  EXPECT_EQ(Value("count_over_time(m_total[5m:1m])", 10 * kMin), 5);
  EXPECT_EQ(Value("max_over_time(m_total[5m:1m] offset 2m)", 10 * kMin), 8);
  EXPECT_DOUBLE_EQ(Value("max_over_time(rate(m_total[2m])[5m:1m])", 10 * kMin), 1.0 / 60);
}

TEST_F(EngineTest, RangeQueryMatchesInstantQueries) {
  for (int s = 0; s < 3; ++s) {
    const Labels l = L({{"__name__", "x_total"}, {"s", std::to_string(s)}});
    for (int i = 0; i <= 60; ++i) {
      if (s == 1 && i == 30) {
        ASSERT_TRUE(storage_.Add(l, i * 15000, model::StaleNaN()).ok());
        continue;
      }
      ASSERT_TRUE(storage_.Add(l, i * 15000, i * (s + 1.0)).ok());
    }
  }
  for (std::string_view q :
       {"x_total", "rate(x_total[1m])", "sum(rate(x_total[1m]))", "x_total offset 1m",
        "avg_over_time(x_total[2m])", "x_total - x_total offset 30s", "topk(1, x_total)"}) {
    auto r = engine_.RangeQuery(storage_, q, 0, 15 * kMin, 30000);
    ASSERT_TRUE(r.ok()) << q << ": " << r.status();
    const Matrix& m = std::get<Matrix>(r->value);
    size_t points = 0;
    for (const Series& s : m) {
      for (const FPoint& p : s.points) {
        ++points;
        bool found = false;
        for (const VectorSample& vs : Instant(q, p.t)) {
          if (vs.labels == s.labels) {
            found = true;
            EXPECT_DOUBLE_EQ(vs.v, p.v) << q << " at " << p.t;
          }
        }
        EXPECT_TRUE(found) << q << " at " << p.t;
      }
    }
    size_t instant_points = 0;
    for (int64_t t = 0; t <= 15 * kMin; t += 30000) instant_points += Instant(q, t).size();
    EXPECT_EQ(points, instant_points) << q;
  }
}

TEST_F(EngineTest, RangeQueryOfScalarAndBadType) {
  auto r = engine_.RangeQuery(storage_, "time()", 0, 120000, 60000);
  ASSERT_TRUE(r.ok());
  const Matrix& m = std::get<Matrix>(r->value);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_THAT(m[0].points,
              ::testing::ElementsAre(FPoint{0, 0}, FPoint{60000, 60}, FPoint{120000, 120}));
  r = engine_.RangeQuery(storage_, "foo[5m]", 0, 120000, 60000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "invalid expression type \"range vector\" for range query, must be Scalar or instant "
            "Vector");
}

TEST_F(EngineTest, ParseErrorsPassThrough) {
  absl::Status s = Error("rate(foo)", 0);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
}

TEST(EngineLimits, MaxSamples) {
  tsdb::MemStorage storage;
  Load(storage, L({{"__name__", "m"}}), 0, 1, 100, 1000);
  EngineOptions opts;
  opts.max_samples = 50;
  Engine engine(opts);
  auto r = engine.InstantQuery(storage, "sum_over_time(m[100s])", 100000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().message(),
            "query processing would load too many samples into memory in query execution");
  EXPECT_TRUE(engine.InstantQuery(storage, "sum_over_time(m[10s])", 100000).ok());
}

TEST(EngineLimits, Timeout) {
  tsdb::MemStorage storage;
  ASSERT_TRUE(storage.Add(L({{"__name__", "m"}}), 0, 1).ok());
  EngineOptions opts;
  opts.timeout = absl::ZeroDuration();
  Engine engine(opts);
  auto r = engine.InstantQuery(storage, "m", 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(r.status().message(), "query timed out in expression evaluation");
}

TEST(EngineLimits, ConcurrencyQueues) {
  tsdb::MemStorage storage;
  Load(storage, L({{"__name__", "m"}}), 0, 1, 100, 1000);
  EngineOptions opts;
  opts.max_concurrency = 1;
  Engine engine(opts);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 10; ++j) {
        if (engine.RangeQuery(storage, "rate(m[10s])", 0, 100000, 1000).ok()) ++ok;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 40);
}

}  // namespace
}  // namespace sextant::promql

namespace sextant::promql {
namespace {

// Enough data that a subquery over it runs for seconds, so a cancel or a short timeout lands
// while it is evaluating. Loaded once for the suite.
class EngineCancel : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    storage_ = new tsdb::MemStorage;
    for (int s = 0; s < 20; ++s) {
      const std::string v = std::to_string(s);
      Load(*storage_, L({{"__name__", "m"}, {"s", v}}), 0, 1, 20000, 1000);
    }
  }
  static void TearDownTestSuite() {
    delete storage_;
    storage_ = nullptr;
  }
  static constexpr std::string_view kHeavyQuery = "sum_over_time(sum(rate(m[1m]))[5h:50ms])";
  static constexpr int64_t kHeavyAt = 20000 * 1000;
  static tsdb::MemStorage* storage_;
};
tsdb::MemStorage* EngineCancel::storage_ = nullptr;

TEST_F(EngineCancel, CancelFlagStopsARunningQuery) {
  Engine engine(EngineOptions{});
  std::atomic<bool> cancel{false};
  QueryOptions opts;
  opts.cancel = &cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    cancel = true;
  });
  auto r = engine.InstantQuery(*storage_, kHeavyQuery, kHeavyAt, opts);
  canceller.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(r.status().message(), "query was canceled in expression evaluation");
  // The engine is still usable afterwards.
  cancel = false;
  EXPECT_TRUE(engine.InstantQuery(*storage_, "sum(m)", 1000, opts).ok());
}

TEST_F(EngineCancel, PerQueryTimeoutStopsARunningQuery) {
  Engine engine(EngineOptions{});
  QueryOptions opts;
  opts.timeout = absl::Milliseconds(50);
  auto r = engine.InstantQuery(*storage_, kHeavyQuery, kHeavyAt, opts);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(r.status().message(), "query timed out in expression evaluation");
}

TEST_F(EngineCancel, CancelledWhileQueued) {
  EngineOptions eo;
  eo.max_concurrency = 1;
  Engine engine(eo);
  std::atomic<bool> cancel_first{false};
  QueryOptions first;
  first.cancel = &cancel_first;
  std::thread running([&] { (void)engine.InstantQuery(*storage_, kHeavyQuery, kHeavyAt, first); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::atomic<bool> cancel_second{true};
  QueryOptions second;
  second.cancel = &cancel_second;
  auto r = engine.InstantQuery(*storage_, "m", 1000, second);
  cancel_first = true;
  running.join();
  // Either it was refused in the queue, or (if the first query had not taken its slot yet) it
  // ran and was cancelled in evaluation; never a result.
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled);
}

TEST(EngineOptionsPerQuery, LookbackDelta) {
  tsdb::MemStorage storage;
  ASSERT_TRUE(storage.Add(L({{"__name__", "m"}}), 0, 7).ok());
  Engine engine(EngineOptions{});
  auto r = engine.InstantQuery(storage, "m", 6 * kMin);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(std::get<Vector>(r->value).empty());
  QueryOptions opts;
  opts.lookback_delta_ms = 10 * kMin;
  r = engine.InstantQuery(storage, "m", 6 * kMin, opts);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(std::get<Vector>(r->value).size(), 1u);
  EXPECT_EQ(std::get<Vector>(r->value)[0].v, 7);
  opts.lookback_delta_ms = -1;
  EXPECT_EQ(engine.InstantQuery(storage, "m", 6 * kMin, opts).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(EngineLimits, HugeSubqueryFailsCleanly) {
  tsdb::MemStorage storage;
  ASSERT_TRUE(storage.Add(L({{"__name__", "m"}}), 0, 1).ok());
  Engine engine(EngineOptions{});
  // 31.5 billion inner steps: refused before anything is allocated.
  auto r = engine.InstantQuery(storage, "count_over_time(m[365d:1ms])", 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  r = engine.RangeQuery(storage, "m", 0, 365LL * 24 * 3600 * 1000, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
}

// The range functions that slide their window (min/max_over_time, changes, resets, and the
// counter resets of rate/increase) against a scan of each window written here, and against
// per-step instant queries, over irregular data with NaNs, signed zeros, ties and resets.
TEST_F(EngineTest, SlidingWindowsMatchAScanOfEachWindow) {
  const Labels l = L({{"__name__", "x_total"}});
  std::vector<model::Sample> samples;
  uint64_t rng = 12345;
  auto next = [&] {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return rng >> 33;
  };
  const double kValues[] = {0.0, -0.0, 1, 2, 2, 5, std::nan(""), 3, -1, 7};
  int64_t t = 0;
  for (int i = 0; i < 400; ++i) {
    t += 1000 + static_cast<int64_t>(next() % 20'000);  // irregular gaps, some windows empty
    const double v = kValues[next() % std::size(kValues)];
    samples.push_back({t, v});
    ASSERT_TRUE(storage_.Add(l, t, v).ok());
  }
  constexpr int64_t kRange = 60'000;
  auto window = [&](int64_t ts) {
    std::vector<model::Sample> w;
    for (const model::Sample& s : samples) {
      if (s.t > ts - kRange && s.t <= ts) w.push_back(s);
    }
    return w;
  };
  auto scan = [](std::string_view fn, const std::vector<model::Sample>& w) {
    double out = w[0].v;
    if (fn == "min_over_time" || fn == "max_over_time") {
      for (const model::Sample& s : w) {
        const bool better = fn == "min_over_time" ? s.v < out : s.v > out;
        if (better || std::isnan(out)) out = s.v;
      }
      return out;
    }
    out = 0;
    for (size_t i = 1; i < w.size(); ++i) {
      const double a = w[i - 1].v, b = w[i].v;
      if (fn == "resets" ? b < a : (b != a && !(std::isnan(a) && std::isnan(b)))) out++;
    }
    return out;
  };
  const int64_t start = 30'000, end = t, step = 7'000;
  for (std::string_view fn : {"min_over_time", "max_over_time", "changes", "resets"}) {
    const std::string q = std::string(fn) + "(x_total[1m])";
    auto r = engine_.RangeQuery(storage_, q, start, end, step);
    ASSERT_TRUE(r.ok()) << r.status();
    const Matrix& m = std::get<Matrix>(r->value);
    ASSERT_EQ(m.size(), 1u);
    size_t k = 0;
    for (int64_t ts = start; ts <= end; ts += step) {
      const std::vector<model::Sample> w = window(ts);
      if (w.empty()) continue;
      ASSERT_LT(k, m[0].points.size());
      ASSERT_EQ(m[0].points[k].t, ts) << q;
      const double want = scan(fn, w);
      EXPECT_EQ(std::bit_cast<uint64_t>(m[0].points[k].v), std::bit_cast<uint64_t>(want))
          << q << " at " << ts << ": " << m[0].points[k].v << " != " << want;
      ++k;
    }
    EXPECT_EQ(k, m[0].points.size()) << q;
  }
  // rate and increase: a range query gives each step what an instant query there gives; so do
  // the sliding functions under `@`, where every step sees the same window.
  for (std::string q : {"rate(x_total[1m])", "increase(x_total[2m])", "min_over_time(x_total[1m])",
                        "changes(x_total[3m])", "max_over_time(x_total[1m] @ 2000000)",
                        "resets(x_total[5m] @ 1500000)"}) {
    auto r = engine_.RangeQuery(storage_, q, start, end, step);
    ASSERT_TRUE(r.ok()) << r.status();
    const Matrix& m = std::get<Matrix>(r->value);
    ASSERT_LE(m.size(), 1u);
    size_t k = 0;
    for (int64_t ts = start; ts <= end; ts += step) {
      auto one = engine_.InstantQuery(storage_, q, ts);
      ASSERT_TRUE(one.ok()) << one.status();
      const Vector& v = std::get<Vector>(one->value);
      if (v.empty()) continue;
      ASSERT_EQ(m.size(), 1u);
      ASSERT_LT(k, m[0].points.size());
      EXPECT_EQ(m[0].points[k].t, ts) << q;
      EXPECT_EQ(std::bit_cast<uint64_t>(m[0].points[k].v), std::bit_cast<uint64_t>(v[0].v))
          << q << " at " << ts;
      ++k;
    }
    if (!m.empty()) {
      EXPECT_EQ(k, m[0].points.size()) << q;
    }
  }
}

// An aggregation that would need more accumulators than max_series_wise_cells evaluates its
// argument step by step instead, with the same result and the same sample accounting.
TEST_F(EngineTest, AggregationFallsBackToStepWiseBeyondItsAccumulatorLimit) {
  for (int i = 0; i < 20; ++i) {
    Load(storage_,
         L({{"__name__", "x_total"}, {"l", std::to_string(i % 7)}, {"i", std::to_string(i)}}), i,
         1 + i % 3, 40, 15'000);
  }
  EngineOptions small;
  small.max_series_wise_cells = 30;  // 3 groups x 10 steps; the queries need 7 x 10
  Engine limited(small);
  // The vector-scalar operations are series-wise under an aggregation and step-wise beyond the
  // limit, so these also compare the two implementations of them.
  for (std::string q :
       {"sum by (l) (rate(x_total[1m]))", "avg by (l) (x_total)", "count without (i) (x_total)",
        "sum by (l) (rate(x_total[1m]) * 8)", "count by (l) (x_total > 10)",
        "sum by (l) (2 - x_total)", "count by (l) (x_total >= bool 20)",
        "max by (l) (30 < x_total)", "min by (l) ((x_total / 2) % 3)"}) {
    auto want = engine_.RangeQuery(storage_, q, 60'000, 600'000, 60'000);
    auto got = limited.RangeQuery(storage_, q, 60'000, 600'000, 60'000);
    ASSERT_TRUE(want.ok()) << want.status();
    ASSERT_TRUE(got.ok()) << got.status();
    const Matrix& w = std::get<Matrix>(want->value);
    const Matrix& g = std::get<Matrix>(got->value);
    ASSERT_EQ(w.size(), 7u) << q;
    ASSERT_EQ(g.size(), w.size()) << q;
    for (size_t k = 0; k < w.size(); ++k) {
      EXPECT_EQ(g[k].labels, w[k].labels) << q;
      EXPECT_EQ(g[k].points, w[k].points) << q;
    }
    EXPECT_EQ(got->stats.total_samples, want->stats.total_samples) << q;
  }
  // Two series that become one when the operation drops their names: the same error both ways.
  Load(storage_, L({{"__name__", "y_total"}, {"l", "0"}, {"i", "0"}}), 0, 1, 40, 15'000);
  const std::string q = "sum by (l) ({__name__=~\"x_total|y_total\"} * 2)";
  auto want = engine_.RangeQuery(storage_, q, 60'000, 600'000, 60'000);
  auto got = limited.RangeQuery(storage_, q, 60'000, 600'000, 60'000);
  ASSERT_FALSE(want.ok());
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(want.status().message(), HasSubstr("same labelset"));
  EXPECT_EQ(got.status(), want.status());
}

}  // namespace
}  // namespace sextant::promql
