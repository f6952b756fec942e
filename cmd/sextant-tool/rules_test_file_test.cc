#include "cmd/sextant-tool/rules_test_file.h"

#include <cmath>
#include <string>

#include "gtest/gtest.h"

namespace sextant::tool {
namespace {

std::string ErrorOf(std::string_view content) {
  absl::StatusOr<RulesTestFile> f = ParseRulesTestFile(content);
  EXPECT_FALSE(f.ok()) << content;
  return f.ok() ? "" : std::string(f.status().message());
}

TEST(RulesTestFile, DecodesEveryField) {
  absl::StatusOr<RulesTestFile> f = ParseRulesTestFile(R"(
rule_files: [a.yml, 'rules/*.yml']
evaluation_interval: 30s
group_eval_order: [g1, g2]
tests:
  - name: first
    interval: 1m
    external_labels: {cluster: eu, replica: "1"}
    external_url: https://example.com
    input_series:
      - series: 'up{job="x"}'
        values: 1 0 1
    alert_rule_test:
      - eval_time: 5m
        alertname: Down
        exp_alerts:
          - exp_labels: {severity: page, code: 500}
            exp_annotations: {summary: down}
    promql_expr_test:
      - expr: up
        eval_time: 1h30m
        exp_samples:
          - labels: 'up{job="x"}'
            value: 1.5
          - value: 0x10
)");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->rule_files, (std::vector<std::string>{"a.yml", "rules/*.yml"}));
  EXPECT_EQ(f->evaluation_interval, absl::Seconds(30));
  EXPECT_EQ(f->group_eval_order, (std::vector<std::string>{"g1", "g2"}));
  EXPECT_FALSE(f->fuzzy_compare);
  ASSERT_EQ(f->tests.size(), 1u);
  const RulesTestGroup& g = f->tests[0];
  EXPECT_EQ(g.name, "first");
  EXPECT_EQ(g.interval, absl::Minutes(1));
  EXPECT_EQ(g.external_labels.ToString(), R"({cluster="eu", replica="1"})");
  EXPECT_EQ(g.external_url, "https://example.com");
  ASSERT_EQ(g.input_series.size(), 1u);
  EXPECT_EQ(g.input_series[0].series, R"(up{job="x"})");
  EXPECT_EQ(g.input_series[0].values, "1 0 1");
  ASSERT_EQ(g.alert_rule_test.size(), 1u);
  EXPECT_EQ(g.alert_rule_test[0].eval_time, absl::Minutes(5));
  EXPECT_EQ(g.alert_rule_test[0].alertname, "Down");
  ASSERT_EQ(g.alert_rule_test[0].exp_alerts.size(), 1u);
  EXPECT_EQ(g.alert_rule_test[0].exp_alerts[0].exp_labels,
            (std::map<std::string, std::string>{{"code", "500"}, {"severity", "page"}}));
  EXPECT_EQ(g.alert_rule_test[0].exp_alerts[0].exp_annotations.at("summary"), "down");
  ASSERT_EQ(g.promql_expr_test.size(), 1u);
  EXPECT_EQ(g.promql_expr_test[0].eval_time, absl::Minutes(90));
  ASSERT_EQ(g.promql_expr_test[0].exp_samples.size(), 2u);
  EXPECT_EQ(g.promql_expr_test[0].exp_samples[0].labels, R"(up{job="x"})");
  EXPECT_EQ(g.promql_expr_test[0].exp_samples[0].value, 1.5);
  EXPECT_EQ(g.promql_expr_test[0].exp_samples[1].labels, "");
  EXPECT_EQ(g.promql_expr_test[0].exp_samples[1].value, 16);
}

TEST(RulesTestFile, EmptyDocumentHasDefaults) {
  for (std::string_view content : {"", "# nothing\n", "~\n"}) {
    absl::StatusOr<RulesTestFile> f = ParseRulesTestFile(content);
    ASSERT_TRUE(f.ok()) << f.status();
    EXPECT_TRUE(f->rule_files.empty());
    EXPECT_EQ(f->evaluation_interval, absl::ZeroDuration());
    EXPECT_TRUE(f->tests.empty());
  }
}

TEST(RulesTestFile, NullValuesLeaveDefaults) {
  absl::StatusOr<RulesTestFile> f = ParseRulesTestFile(
      "rule_files:\nevaluation_interval:\ntests:\n  -\n  - interval:\n    name: ~\n");
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->tests.size(), 2u);
  EXPECT_EQ(f->tests[1].interval, absl::ZeroDuration());
  EXPECT_EQ(f->tests[1].name, "");
}

TEST(RulesTestFile, UnknownFieldsAtEveryLevel) {
  EXPECT_EQ(ErrorOf(R"(foo: 1
tests:
  - bar: 2
    input_series:
      - series: up
        baz: 3
    alert_rule_test:
      - alertname: X
        exp_alerts:
          - zzz: 1
    promql_expr_test:
      - qq: 1
        exp_samples:
          - ww: 2
)"),
            "yaml: unmarshal errors:\n"
            "  line 1: field foo not found in type main.unitTestFile\n"
            "  line 3: field bar not found in type main.testGroup\n"
            "  line 6: field baz not found in type main.series\n"
            "  line 10: field zzz not found in type main.alert\n"
            "  line 12: field qq not found in type main.promqlTestCase\n"
            "  line 14: field ww not found in type main.sample");
}

TEST(RulesTestFile, RepeatedFieldsAndKeys) {
  EXPECT_EQ(ErrorOf("tests:\n  - interval: 1m\n    interval: 2m\n    external_labels: {a: b, a: "
                    "c}\n"),
            "yaml: unmarshal errors:\n"
            "  line 3: field interval already set in type main.testGroup\n"
            "  line 4: key \"a\" already set in map");
}

TEST(RulesTestFile, TypeErrorsNameGoTypes) {
  EXPECT_EQ(ErrorOf(R"(rule_files: r.yml
group_eval_order: {a: 1}
tests:
  - name: [a]
    external_labels: [x]
    input_series:
      - series: {a: b}
    alert_rule_test:
      - not a mapping
    promql_expr_test:
      - exp_samples:
          - value: abcdefghijklmn
          - value: "1"
          - value: true
          - value: [1]
  - 42
)"),
            "yaml: unmarshal errors:\n"
            "  line 1: cannot unmarshal !!str `r.yml` into []string\n"
            "  line 2: cannot unmarshal !!map into []string\n"
            "  line 4: cannot unmarshal !!seq into string\n"
            "  line 5: cannot unmarshal !!seq into map[string]string\n"
            "  line 7: cannot unmarshal !!map into string\n"
            "  line 9: cannot unmarshal !!str `not a m...` into main.alertTestCase\n"
            "  line 12: cannot unmarshal !!str `abcdefg...` into float64\n"
            "  line 13: cannot unmarshal !!str `1` into float64\n"
            "  line 14: cannot unmarshal !!bool `true` into float64\n"
            "  line 15: cannot unmarshal !!seq into float64\n"
            "  line 16: cannot unmarshal !!int `42` into main.testGroup");
  EXPECT_EQ(ErrorOf("[1, 2]\n"),
            "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into main.unitTestFile");
}

TEST(RulesTestFile, ScalarsDecodeIntoStrings) {
  absl::StatusOr<RulesTestFile> f = ParseRulesTestFile(
      "tests:\n  - name: 12\n    external_url: true\n    input_series:\n      - series: 1.5\n"
      "        values: 1 2\n");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->tests[0].name, "12");
  EXPECT_EQ(f->tests[0].external_url, "true");
  EXPECT_EQ(f->tests[0].input_series[0].series, "1.5");
}

TEST(RulesTestFile, FloatValuesResolveAsYamlV2) {
  absl::StatusOr<RulesTestFile> f = ParseRulesTestFile(R"(tests:
  - promql_expr_test:
      - exp_samples:
          - value: 1_000
          - value: 1e3
          - value: -.inf
          - value: .nan
          - value: 017
          - value: 0b101
          - value: +7
          - value: ~
)");
  ASSERT_TRUE(f.ok()) << f.status();
  const auto& s = f->tests[0].promql_expr_test[0].exp_samples;
  ASSERT_EQ(s.size(), 8u);
  EXPECT_EQ(s[0].value, 1000);
  EXPECT_EQ(s[1].value, 1000);
  EXPECT_EQ(s[2].value, -INFINITY);
  EXPECT_TRUE(std::isnan(s[3].value));
  EXPECT_EQ(s[4].value, 15);
  EXPECT_EQ(s[5].value, 5);
  EXPECT_EQ(s[6].value, 7);
  EXPECT_EQ(s[7].value, 0);
}

TEST(RulesTestFile, BadDurationStopsDecoding) {
  // The duration error comes alone, even after type errors.
  EXPECT_EQ(ErrorOf("foo: 1\nevaluation_interval: 1x\ntests: []\n"),
            "not a valid duration string: \"1x\"");
  EXPECT_EQ(ErrorOf("tests:\n  - promql_expr_test:\n      - eval_time: 1.5m\n"),
            "not a valid duration string: \"1.5m\"");
  EXPECT_EQ(ErrorOf("tests:\n  - interval: ''\n"), "not a valid duration string: \"\"");
  // A duration of the wrong YAML type is a type error into string.
  EXPECT_EQ(ErrorOf("tests:\n  - interval: [1]\n"),
            "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!seq into string");
}

TEST(RulesTestFile, FuzzyCompareIsABool) {
  absl::StatusOr<RulesTestFile> f = ParseRulesTestFile("fuzzy_compare: yes\n");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_TRUE(f->fuzzy_compare);
  EXPECT_EQ(ErrorOf("fuzzy_compare: maybe\n"),
            "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `maybe` into bool");
}

TEST(RulesTestFile, SyntaxError) {
  const std::string e = ErrorOf("rule_files: [a.yml\ntests:\n");
  EXPECT_TRUE(e.starts_with("yaml: line ")) << e;
}

}  // namespace
}  // namespace sextant::tool
