#include "api/parse_query.h"

#include <gtest/gtest.h>

#include "nlohmann/json.hpp"
#include "promql/parser.h"

namespace sextant::api {
namespace {

using Json = nlohmann::json;

std::string Translate(std::string_view query) {
  absl::StatusOr<std::unique_ptr<promql::Expr>> e = promql::ParseExpr(query);
  EXPECT_TRUE(e.ok()) << query << ": " << e.status();
  return e.ok() ? ParseQueryJson(**e) : "";
}

// What translateAST gives for `name`, with `matchers` before the name matcher.
Json Selector(const std::string& name, Json matchers = Json::array()) {
  matchers.push_back({{"name", "__name__"}, {"type", "="}, {"value", name}});
  return {{"type", "vectorSelector"}, {"name", name},         {"offset", 0},
          {"offsetExpr", nullptr},    {"matchers", matchers}, {"timestamp", nullptr},
          {"startOrEnd", nullptr},    {"anchored", false},    {"smoothed", false}};
}

Json Number(const std::string& val) { return {{"type", "numberLiteral"}, {"val", val}}; }

// The exact bytes Prometheus's encoder writes: keys sorted, HTML characters escaped.
TEST(ParseQueryJson, VectorSelectorBytes) {
  EXPECT_EQ(Translate("up"),
            R"({"anchored":false,"matchers":[{"name":"__name__","type":"=","value":"up"}],)"
            R"("name":"up","offset":0,"offsetExpr":null,"smoothed":false,"startOrEnd":null,)"
            R"("timestamp":null,"type":"vectorSelector"})");
  EXPECT_EQ(Translate("x > 1"),
            R"({"bool":false,"lhs":)" + Translate("x") +
                R"(,"matching":null,"op":"\u003e","rhs":{"type":"numberLiteral","val":"1"},)"
                R"("type":"binaryExpr"})");
}

TEST(ParseQueryJson, AggregationOfRateOfMatrixSelector) {
  const Json matrix = {{"type", "matrixSelector"},
                       {"name", "http_requests_total"},
                       {"range", 300000},
                       {"rangeExpr", nullptr},
                       {"offset", 60000},
                       {"offsetExpr", nullptr},
                       {"matchers",
                        {{{"name", "code"}, {"type", "=~"}, {"value", "5.."}},
                         {{"name", "__name__"}, {"type", "="}, {"value", "http_requests_total"}}}},
                       {"timestamp", nullptr},
                       {"startOrEnd", nullptr},
                       {"anchored", false},
                       {"smoothed", false}};
  const Json call = {
      {"type", "call"},
      {"func",
       {{"name", "rate"}, {"argTypes", {"matrix"}}, {"variadic", 0}, {"returnType", "vector"}}},
      {"args", {matrix}}};
  const Json want = {{"type", "aggregation"}, {"op", "sum"},         {"expr", call},
                     {"param", nullptr},      {"grouping", {"job"}}, {"without", false}};
  EXPECT_EQ(Json::parse(Translate(
                R"(sum by (job) (rate(http_requests_total{code=~"5.."}[5m] offset 1m)))")),
            want);
}

TEST(ParseQueryJson, AggregationParams) {
  EXPECT_EQ(Json::parse(Translate("topk(3, x)")), Json({{"type", "aggregation"},
                                                        {"op", "topk"},
                                                        {"expr", Selector("x")},
                                                        {"param", Number("3")},
                                                        {"grouping", Json::array()},
                                                        {"without", false}}));
  EXPECT_EQ(Json::parse(Translate(R"(count_values without (a, b) ("v", x))")),
            Json({{"type", "aggregation"},
                  {"op", "count_values"},
                  {"expr", Selector("x")},
                  {"param", {{"type", "stringLiteral"}, {"val", "v"}}},
                  {"grouping", {"a", "b"}},
                  {"without", true}}));
}

TEST(ParseQueryJson, BinaryMatching) {
  EXPECT_EQ(Json::parse(Translate("a / on(instance) group_left(job) b")),
            Json({{"type", "binaryExpr"},
                  {"op", "/"},
                  {"lhs", Selector("a")},
                  {"rhs", Selector("b")},
                  {"bool", false},
                  {"matching",
                   {{"card", "many-to-one"},
                    {"labels", {"instance"}},
                    {"on", true},
                    {"include", {"job"}},
                    {"fillValues", {{"lhs", nullptr}, {"rhs", nullptr}}}}}}));
  // Vector to vector without a clause: one-to-one on all labels.
  EXPECT_EQ(Json::parse(Translate("a - ignoring(x) b"))["matching"],
            Json({{"card", "one-to-one"},
                  {"labels", {"x"}},
                  {"on", false},
                  {"include", Json::array()},
                  {"fillValues", {{"lhs", nullptr}, {"rhs", nullptr}}}}));
  // Set operators are many-to-many.
  EXPECT_EQ(Json::parse(Translate("a and b"))["matching"]["card"], "many-to-many");
  // A scalar side: no matching; bool comparison.
  const Json cmp = Json::parse(Translate("a >= bool 2"));
  EXPECT_EQ(cmp["matching"], nullptr);
  EXPECT_EQ(cmp["bool"], true);
  EXPECT_EQ(cmp["op"], ">=");
}

TEST(ParseQueryJson, NumbersUnaryAndParens) {
  // A sign before a literal is folded into it, as Prometheus's parser does.
  EXPECT_EQ(Json::parse(Translate("-1.5")), Number("-1.5"));
  EXPECT_EQ(Json::parse(Translate("1e21")), Number("1000000000000000000000"));
  EXPECT_EQ(Json::parse(Translate("0x1f")), Number("31"));
  EXPECT_EQ(Json::parse(Translate("Inf")), Number("+Inf"));
  EXPECT_EQ(Json::parse(Translate("NaN")), Number("NaN"));
  EXPECT_EQ(Json::parse(Translate("-(x)")),
            Json({{"type", "unaryExpr"},
                  {"op", "-"},
                  {"expr", {{"type", "parenExpr"}, {"expr", Selector("x")}}}}));
  EXPECT_EQ(Json::parse(Translate(R"("a\"b")")),
            Json({{"type", "stringLiteral"}, {"val", "a\"b"}}));
}

TEST(ParseQueryJson, SubqueryAtAndOffset) {
  const Json sub =
      Json::parse(Translate("max_over_time(rate(x[1m])[30m:1m] @ 1700000000 offset -5m)"));
  const Json& s = sub["args"][0];
  EXPECT_EQ(s["type"], "subquery");
  EXPECT_EQ(s["range"], 1800000);
  EXPECT_EQ(s["step"], 60000);
  EXPECT_EQ(s["offset"], -300000);
  EXPECT_EQ(s["timestamp"], 1700000000000);
  EXPECT_EQ(s["startOrEnd"], nullptr);
  EXPECT_EQ(s["rangeExpr"], nullptr);
  EXPECT_EQ(s["stepExpr"], nullptr);
  EXPECT_EQ(s["offsetExpr"], nullptr);
  EXPECT_EQ(s["expr"]["func"]["name"], "rate");
  // A subquery without a step has step 0.
  EXPECT_EQ(Json::parse(Translate("x[5m:]"))["step"], 0);
  const Json at = Json::parse(Translate("x @ end()"));
  EXPECT_EQ(at["startOrEnd"], "end");
  EXPECT_EQ(at["timestamp"], nullptr);
}

TEST(ParseQueryJson, FunctionSignatures) {
  const Json join = Json::parse(Translate(R"(label_join(up, "a", ",", "b", "c"))"))["func"];
  EXPECT_EQ(join, Json({{"name", "label_join"},
                        {"argTypes", {"vector", "string", "string", "string"}},
                        {"variadic", -1},
                        {"returnType", "vector"}}));
  EXPECT_EQ(Json::parse(Translate("round(x)"))["func"], Json({{"name", "round"},
                                                              {"argTypes", {"vector", "scalar"}},
                                                              {"variadic", 1},
                                                              {"returnType", "vector"}}));
  const Json time = Json::parse(Translate("time()"));
  EXPECT_EQ(time["func"], Json({{"name", "time"},
                                {"argTypes", Json::array()},
                                {"variadic", 0},
                                {"returnType", "scalar"}}));
  EXPECT_EQ(time["args"], Json::array());
}

TEST(ParseQueryJson, SelectorWithoutNameKeepsMatcherOrder) {
  EXPECT_EQ(Json::parse(Translate(R"({__name__="x", a!~"b"})"))["matchers"],
            Json({{{"name", "__name__"}, {"type", "="}, {"value", "x"}},
                  {{"name", "a"}, {"type", "!~"}, {"value", "b"}}}));
  EXPECT_EQ(Json::parse(Translate(R"({__name__="x"})"))["name"], "");
}

}  // namespace
}  // namespace sextant::api
