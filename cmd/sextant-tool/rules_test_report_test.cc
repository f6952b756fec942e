#include "cmd/sextant-tool/rules_test_report.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace sextant::tool {
namespace {

using model::Labels;

TEST(RulesTestReport, FormatFloatLikeGoE) {
  EXPECT_EQ(FormatFloatE(3), "3E+00");
  EXPECT_EQ(FormatFloatE(31), "3.1E+01");
  EXPECT_EQ(FormatFloatE(0.5), "5E-01");
  EXPECT_EQ(FormatFloatE(5.0000000000000004e-08), "5.0000000000000004E-08");
  EXPECT_EQ(FormatFloatE(123456789.125), "1.23456789125E+08");
  EXPECT_EQ(FormatFloatE(0), "0E+00");
  EXPECT_EQ(FormatFloatE(-0.0), "-0E+00");
  EXPECT_EQ(FormatFloatE(1e100), "1E+100");
  EXPECT_EQ(FormatFloatE(5e-324), "5E-324");
  EXPECT_EQ(FormatFloatE(INFINITY), "+Inf");
  EXPECT_EQ(FormatFloatE(-INFINITY), "-Inf");
  EXPECT_EQ(FormatFloatE(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(RulesTestReport, IndentLines) {
  EXPECT_EQ(IndentLines("a", "  "), "a");
  EXPECT_EQ(IndentLines("a\nb\n", "  "), "a\n  b\n  ");
  EXPECT_EQ(IndentLines("\nx", ".."), "\n..x");
}

TEST(RulesTestReport, AlertFailureAsPromtoolPrintsIt) {
  std::vector<AlertLabelsAndAnnotations> exp = {
      {Labels::FromPairs({{"alertname", "Down"}, {"instance", "y"}}),
       Labels::FromPairs({{"summary", "y down"}})},
      {Labels::FromPairs({{"alertname", "Down"}, {"instance", "x"}}), Labels()},
  };
  SortAlerts(exp);
  EXPECT_EQ(AlertTestFailure("grp", "Down", absl::Minutes(5), exp, {}),
            "    name: grp,\n"
            "    alertname: Down, time: 5m, \n"
            "        exp:[\n"
            "            0:\n"
            "              Labels:{alertname=\"Down\", instance=\"x\"}\n"
            "              Annotations:{},\n"
            "            1:\n"
            "              Labels:{alertname=\"Down\", instance=\"y\"}\n"
            "              Annotations:{summary=\"y down\"}\n"
            "            ], \n"
            "        got:[]");
  EXPECT_EQ(AlertTestFailure("", "Down", absl::ZeroDuration(), {}, {}),
            "    alertname: Down, time: 0s, \n        exp:[], \n        got:[]");
}

TEST(RulesTestReport, SortAlertsByLabelsThenAnnotations) {
  std::vector<AlertLabelsAndAnnotations> a = {
      {Labels::FromPairs({{"a", "1"}}), Labels::FromPairs({{"s", "b"}})},
      {Labels::FromPairs({{"a", "1"}}), Labels::FromPairs({{"s", "a"}})},
      {Labels::FromPairs({{"a", "0"}}), Labels::FromPairs({{"s", "z"}})},
  };
  SortAlerts(a);
  EXPECT_EQ(a[0].annotations.ToString(), R"({s="z"})");
  EXPECT_EQ(a[1].annotations.ToString(), R"({s="a"})");
  EXPECT_EQ(a[2].annotations.ToString(), R"({s="b"})");
}

TEST(RulesTestReport, ExprFailureAndError) {
  const std::vector<ExprSample> exp = {
      {Labels::FromPairs({{"__name__", "up"}, {"i", "a"}}), 3},
      {Labels::FromPairs({{"__name__", "up"}, {"i", "b"}}), 31},
  };
  EXPECT_EQ(ExprTestFailure("up", absl::Seconds(90), exp, {}),
            "    expr: \"up\", time: 1m30s,\n"
            "        exp: {__name__=\"up\", i=\"a\"} 3E+00, {__name__=\"up\", i=\"b\"} 3.1E+01\n"
            "        got: nil");
  EXPECT_EQ(ExprTestError("sum(\"x\")", absl::Hours(2), "boom"),
            "    expr: \"sum(\\\"x\\\")\", time: 2h, err: boom");
}

}  // namespace
}  // namespace sextant::tool
