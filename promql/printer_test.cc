#include "promql/printer.h"

#include <cmath>
#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "promql/test_builders.h"

// Expected strings are Prometheus's (promql/parser/printer_test.go and the String() methods of
// promql/parser/printer.go).

namespace sextant::promql {
namespace {

using namespace ::sextant::promql::testing;  // NOLINT(build/namespaces)
using model::MatchType;

constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kHour = 60 * kMinute;

// `task:errors:rate10s{job="s"}`
std::unique_ptr<VectorSelector> TaskErrors() {
  return Sel("task:errors:rate10s", {Eq("job", "s")});
}

TEST(Printer, AggregateWithEmptyByPrintsNoClause) {
  EXPECT_EQ(Format(*Agg(AggregateOp::kSum, TaskErrors())), R"(sum(task:errors:rate10s{job="s"}))");
}

TEST(Printer, AggregateBy) {
  EXPECT_EQ(Format(*Agg(AggregateOp::kSum, TaskErrors(), {"code"})),
            R"(sum by (code) (task:errors:rate10s{job="s"}))");
}

TEST(Printer, AggregateWithout) {
  EXPECT_EQ(Format(*Agg(AggregateOp::kSum, TaskErrors(), {}, true)),
            R"(sum without () (task:errors:rate10s{job="s"}))");
  EXPECT_EQ(Format(*Agg(AggregateOp::kSum, TaskErrors(), {"instance"}, true)),
            R"(sum without (instance) (task:errors:rate10s{job="s"}))");
}

TEST(Printer, AggregateWithParam) {
  EXPECT_EQ(Format(*Agg(AggregateOp::kTopK, TaskErrors(), {}, false, Num(5))),
            R"(topk(5, task:errors:rate10s{job="s"}))");
  EXPECT_EQ(Format(*Agg(AggregateOp::kCountValues, TaskErrors(), {}, false, Str("value"))),
            R"(count_values("value", task:errors:rate10s{job="s"}))");
}

TEST(Printer, SumByOfRate) {
  auto e = Agg(AggregateOp::kSum,
               Fn("rate", Args(Range(Sel("http_requests_total", {Eq("job", "api")}), 5 * kMinute))),
               {"job"});
  EXPECT_EQ(Format(*e), R"(sum by (job) (rate(http_requests_total{job="api"}[5m])))");
}

std::unique_ptr<BinaryExpr> Matched(std::vector<std::string> labels, bool on,
                                    VectorMatchCardinality card, std::vector<std::string> include,
                                    ExprPtr rhs) {
  auto b = Bin(BinaryOp::kSub, Sel("a"), std::move(rhs));
  b->matching->matching_labels = std::move(labels);
  b->matching->on = on;
  b->matching->card = card;
  b->matching->include = std::move(include);
  return b;
}

TEST(Printer, VectorMatching) {
  using enum VectorMatchCardinality;
  EXPECT_EQ(Format(*Matched({}, true, kOneToOne, {}, Sel("c"))), "a - on () c");
  EXPECT_EQ(Format(*Matched({"b"}, true, kOneToOne, {}, Sel("c"))), "a - on (b) c");
  EXPECT_EQ(Format(*Matched({"b"}, true, kManyToOne, {"x"}, Sel("c"))),
            "a - on (b) group_left (x) c");
  EXPECT_EQ(Format(*Matched({"b"}, true, kManyToOne, {"x", "y"}, Sel("c"))),
            "a - on (b) group_left (x, y) c");
  EXPECT_EQ(Format(*Matched({"b"}, true, kManyToOne, {}, Sel("c"))), "a - on (b) group_left () c");
  EXPECT_EQ(Format(*Matched({"b"}, true, kManyToOne, {}, Paren(Sel("c")))),
            "a - on (b) group_left () (c)");
  EXPECT_EQ(Format(*Matched({"b"}, false, kOneToOne, {}, Sel("c"))), "a - ignoring (b) c");
  EXPECT_EQ(Format(*Matched({}, false, kOneToOne, {}, Sel("c"))), "a - c");
  EXPECT_EQ(Format(*Matched({"x"}, false, kOneToMany, {"y"}, Sel("c"))),
            "a - ignoring (x) group_right (y) c");
}

TEST(Printer, GroupLeftWithoutOnPrintsEmptyIgnoring) {
  using enum VectorMatchCardinality;
  EXPECT_EQ(Format(*Matched({}, false, kManyToOne, {}, Sel("c"))),
            "a - ignoring () group_left () c");
}

TEST(Printer, SetOperatorWithoutClause) {
  EXPECT_EQ(Format(*Bin(BinaryOp::kAnd, Sel("a"), Sel("b"))), "a and b");
  EXPECT_EQ(Format(*Bin(BinaryOp::kUnless, Sel("a"), Sel("b"))), "a unless b");
}

TEST(Printer, BoolModifier) {
  auto b = Bin(BinaryOp::kGtr, Sel("up"), Num(0));
  b->return_bool = true;
  EXPECT_EQ(Format(*b), "up > bool 0");
}

TEST(Printer, ScalarArithmetic) {
  EXPECT_EQ(Format(*Bin(BinaryOp::kAdd, Num(1), Num(2))), "1 + 2");
  EXPECT_EQ(Format(*Bin(BinaryOp::kPow, Num(2), Bin(BinaryOp::kPow, Num(3), Num(2)))), "2 ^ 3 ^ 2");
  EXPECT_EQ(Format(*Bin(BinaryOp::kAtan2, Sel("a"), Sel("b"))), "a atan2 b");
}

TEST(Printer, Unary) {
  EXPECT_EQ(Format(*Neg(Sel("foo"))), "-foo");
  EXPECT_EQ(Format(*Neg(Paren(Bin(BinaryOp::kAdd, Sel("a"), Num(1))))), "-(a + 1)");
}

TEST(Printer, Offset) {
  auto a = Sel("a");
  a->original_offset_ms = kMinute;
  EXPECT_EQ(Format(*a), "a offset 1m");
  auto neg = Sel("a");
  neg->original_offset_ms = -7 * kMinute;
  EXPECT_EQ(Format(*neg), "a offset -7m");
  auto mixed = Sel("a");
  mixed->original_offset_ms = kHour + 30 * kMinute;
  EXPECT_EQ(Format(*mixed), "a offset 1h30m");
}

TEST(Printer, MatrixSelectorOffsetComesAfterTheRange) {
  auto vs = Sel("a", {Eq("c", "d")});
  vs->original_offset_ms = kMinute;
  EXPECT_EQ(Format(*Range(std::move(vs), 5 * kMinute)), R"(a{c="d"}[5m] offset 1m)");
  auto neg = Sel("a");
  neg->original_offset_ms = -3 * kMinute;
  EXPECT_EQ(Format(*Range(std::move(neg), 12 * kMinute)), "a[12m] offset -3m");
}

TEST(Printer, Subquery) {
  auto sq = Subquery(Sel("a"), kHour, 5 * kMinute);
  sq->original_offset_ms = kMinute;
  EXPECT_EQ(Format(*sq), "a[1h:5m] offset 1m");
  EXPECT_EQ(Format(*Subquery(Sel("foo"), 5 * kMinute, kMinute)), "foo[5m:1m]");
  EXPECT_EQ(Format(*Subquery(Sel("foo"), 5 * kMinute, 0)), "foo[5m:]");
  auto at = Subquery(Fn("rate", Args(Range(Sel("foo"), kMinute))), 10 * kMinute, 0);
  at->timestamp_ms = 1603774568000;
  at->original_offset_ms = 5 * kMinute;
  EXPECT_EQ(Format(*at), "rate(foo[1m])[10m:] @ 1603774568.000 offset 5m");
}

TEST(Printer, NameOnlyAsMatcher) {
  auto vs = std::make_unique<VectorSelector>();
  vs->matchers.push_back(Eq("__name__", "a"));
  EXPECT_EQ(Format(*vs), R"({__name__="a"})");
}

TEST(Printer, MatchTypes) {
  EXPECT_EQ(Format(*Range(Sel("a", {M(MatchType::kNotEqual, "b", "c")}), kMinute)),
            R"(a{b!="c"}[1m])");
  EXPECT_EQ(Format(*Range(Sel("a", {M(MatchType::kRegexMatch, "b", "c")}), kMinute)),
            R"(a{b=~"c"}[1m])");
  EXPECT_EQ(Format(*Range(Sel("a", {M(MatchType::kRegexNoMatch, "b", "c")}), kMinute)),
            R"(a{b!~"c"}[1m])");
}

TEST(Printer, VectorSelectorShapes) {
  EXPECT_EQ(Format(VectorSelector()), "");
  auto no_matchers = std::make_unique<VectorSelector>();
  no_matchers->name = "foobar";
  EXPECT_EQ(Format(*no_matchers), "foobar");
  EXPECT_EQ(Format(*Sel("foobar", {Eq("a", "x")})), R"(foobar{a="x"})");
  EXPECT_EQ(Format(*Sel("foobar", {Eq("a", "x"), Eq("b", "y")})), R"(foobar{a="x",b="y"})");
  auto nameless = std::make_unique<VectorSelector>();
  nameless->matchers = {Eq("a", "x"), Eq("b", "y")};
  EXPECT_EQ(Format(*nameless), R"({a="x",b="y"})");
  EXPECT_EQ(Format(*Sel("foobar")), "foobar");
}

TEST(Printer, MatchersAreSortedByTheirText) {
  EXPECT_EQ(Format(*Sel("foo", {Eq("z", "1"), M(MatchType::kRegexMatch, "a", "b.*")})),
            R"(foo{a=~"b.*",z="1"})");
}

TEST(Printer, MatcherQuotingFollowsGo) {
  EXPECT_EQ(Format(*Sel("foo", {Eq("a", "x\"y\\z\n")})), R"(foo{a="x\"y\\z\n"})");
  EXPECT_EQ(Format(*Sel("foo", {Eq("a", "日本")})), "foo{a=\"日本\"}");
}

TEST(Printer, Utf8LabelNamesAreQuoted) {
  EXPECT_EQ(Format(*Sel("foo", {Eq("host.name", "x")})), R"(foo{"host.name"="x"})");
  EXPECT_EQ(Format(*Agg(AggregateOp::kSum, Sel("foo"), {"host.name", "job"})),
            R"(sum by ("host.name", job) (foo))");
}

TEST(Printer, AtModifier) {
  auto a = Sel("a");
  a->timestamp_ms = 10000;
  EXPECT_EQ(Format(*a), "a @ 10.000");
  auto m = Sel("a");
  m->timestamp_ms = 10000;
  EXPECT_EQ(Format(*Range(std::move(m), kMinute)), "a[1m] @ 10.000");
  auto start = Sel("a");
  start->start_or_end = AtModifier::kStart;
  EXPECT_EQ(Format(*start), "a @ start()");
  auto end = Sel("a");
  end->start_or_end = AtModifier::kEnd;
  EXPECT_EQ(Format(*end), "a @ end()");
  auto ms = Sel("a");
  ms->start_or_end = AtModifier::kStart;
  EXPECT_EQ(Format(*Range(std::move(ms), kMinute)), "a[1m] @ start()");
  auto me = Sel("a");
  me->start_or_end = AtModifier::kEnd;
  EXPECT_EQ(Format(*Range(std::move(me), kMinute)), "a[1m] @ end()");
}

TEST(Printer, AtComesBeforeOffset) {
  auto a = Sel("foo");
  a->timestamp_ms = 1603774568123;
  a->original_offset_ms = 5 * kMinute;
  EXPECT_EQ(Format(*a), "foo @ 1603774568.123 offset 5m");
  auto neg = Sel("foo");
  neg->timestamp_ms = -1500;
  EXPECT_EQ(Format(*neg), "foo @ -1.500");
}

TEST(Printer, Calls) {
  EXPECT_EQ(Format(*Fn("time")), "time()");
  EXPECT_EQ(
      Format(*Fn("label_replace", Args(Sel("up"), Str("a"), Str("$1"), Str("b"), Str("(.*)")))),
      R"x(label_replace(up, "a", "$1", "b", "(.*)"))x");
  EXPECT_EQ(Format(*Fn("histogram_quantile",
                       Args(Num(0.9), Fn("rate", Args(Range(Sel("h"), 5 * kMinute)))))),
            "histogram_quantile(0.9, rate(h[5m]))");
}

TEST(Printer, StringLiteralIsGoQuoted) { EXPECT_EQ(Format(*Str("a\tb'\"")), R"("a\tb'\"")"); }

TEST(FormatNumber, GoShortestFixed) {
  EXPECT_EQ(FormatNumber(1), "1");
  EXPECT_EQ(FormatNumber(0.5), "0.5");
  EXPECT_EQ(FormatNumber(-2.25), "-2.25");
  EXPECT_EQ(FormatNumber(0.1), "0.1");
  EXPECT_EQ(FormatNumber(1e21), "1000000000000000000000");
  EXPECT_EQ(FormatNumber(1e-7), "0.0000001");
  EXPECT_EQ(FormatNumber(1e23), "100000000000000000000000");
  EXPECT_EQ(FormatNumber(61), "61");
  EXPECT_EQ(FormatNumber(0), "0");
  EXPECT_EQ(FormatNumber(123.456), "123.456");
  EXPECT_EQ(FormatNumber(1.5e300).substr(0, 3), "150");
  EXPECT_EQ(FormatNumber(0.000123), "0.000123");
  EXPECT_EQ(FormatNumber(-0.0), "-0");
  EXPECT_EQ(FormatNumber(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatNumber(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatNumber(std::nan("")), "NaN");
  EXPECT_EQ(FormatNumber(std::numeric_limits<double>::max()).size(), 309u);
  EXPECT_EQ(FormatNumber(std::numeric_limits<double>::denorm_min()),
            "0." + std::string(323, '0') + "5");
}

}  // namespace
}  // namespace sextant::promql
