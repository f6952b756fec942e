#include "rules/rule_file.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sextant::rules {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::string_view kGood = R"(groups:
  - name: node
    interval: 30s
    query_offset: 1m
    limit: 100
    labels:
      team: infra
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
      - alert: InstanceDown
        expr: up == 0
        for: 5m
        keep_firing_for: 10m
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.instance }} is down"
  - name: other
    interval: 0s
    query_offset: 0s
    rules: []
)";

TEST(RuleFile, DecodesEveryField) {
  auto f = ParseRuleFile("rules.yml", kGood);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->path, "rules.yml");
  ASSERT_EQ(f->groups.size(), 2u);
  const RuleGroup& g = f->groups[0];
  EXPECT_EQ(g.name, "node");
  EXPECT_EQ(g.interval, absl::Seconds(30));
  EXPECT_EQ(g.query_offset, absl::Minutes(1));
  EXPECT_EQ(g.limit, 100);
  EXPECT_EQ(g.labels, model::Labels::FromPairs({{"team", "infra"}}));
  ASSERT_EQ(g.rules.size(), 2u);
  EXPECT_EQ(g.rules[0].record, "job:up:sum");
  EXPECT_EQ(g.rules[0].expr, "sum by (job) (up)");
  EXPECT_EQ(g.rules[0].line, 9);
  const RuleNode& a = g.rules[1];
  EXPECT_EQ(a.alert, "InstanceDown");
  EXPECT_EQ(a.for_duration, absl::Minutes(5));
  EXPECT_EQ(a.keep_firing_for, absl::Minutes(10));
  EXPECT_EQ(a.labels, model::Labels::FromPairs({{"severity", "page"}}));
  EXPECT_EQ(a.annotations.Get("summary"), "{{ $labels.instance }} is down");
  EXPECT_EQ(a.line, 11);
}

TEST(RuleFile, ZeroIntervalMeansGlobalButZeroQueryOffsetIsKept) {
  auto f = ParseRuleFile("rules.yml", kGood);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->groups[1].interval, std::nullopt);
  EXPECT_EQ(f->groups[1].query_offset, absl::ZeroDuration());
  EXPECT_TRUE(f->groups[1].rules.empty());
}

TEST(RuleFile, EmptyAndCommentOnlyFilesHaveNoGroups) {
  for (std::string_view content : {"", "# nothing\n", "groups:\n", "~\n"}) {
    auto f = ParseRuleFile("r.yml", content);
    ASSERT_TRUE(f.ok()) << content << ": " << f.status();
    EXPECT_TRUE(f->groups.empty());
  }
}

TEST(RuleFile, EveryErrorOnItsOwnLineWithThePath) {
  auto f = ParseRuleFile("r.yml", R"(groups:
  - name: g
    rules:
      - record: a-b
        expr: up
      - alert: A
        expr: sum(
  - name: g
)");
  ASSERT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(f.status().message(),
            "r.yml: 4:17: group \"g\", rule 1, \"a-b\": invalid recording rule name: a-b\n"
            "r.yml: 7:15: group \"g\", rule 2, \"A\": could not parse expression: 1:5: parse "
            "error: unclosed left parenthesis\n"
            "r.yml: 8:5: groupname: \"g\" is repeated in the same file");
}

TEST(RuleFile, CheckListsErrorsWithoutPath) {
  const RuleFileCheck check = CheckRuleFileContent("r.yml", "groups:\n- name: ''\n");
  EXPECT_THAT(check.errors, ElementsAre("2:3: Groupname must not be empty"));
  // Standard input: no prefix in the status either.
  EXPECT_EQ(ParseRuleFile("", "groups:\n- name: ''\n").status().message(),
            "2:3: Groupname must not be empty");
}

TEST(RuleFile, UnmarshalErrorsAreCollected) {
  auto f = ParseRuleFile("r.yml", R"(groups:
  - name: g
    foo: 1
    limit: "5"
    rules:
      - record: a
        expr: up
        bar: 2
        labels: [x]
)");
  EXPECT_EQ(f.status().message(),
            "r.yml: yaml: unmarshal errors:\n"
            "  line 3: field foo not found in type rulefmt.RuleGroup\n"
            "  line 4: cannot unmarshal !!str `5` into int\n"
            "  line 8: field bar not found in type rulefmt.RuleNode\n"
            "  line 9: cannot unmarshal !!seq into map[string]string");
}

TEST(RuleFile, IgnoreUnknownFields) {
  constexpr std::string_view kText = "groups:\n- name: g\n  owner: me\n  rules: []\n";
  EXPECT_FALSE(ParseRuleFile("r.yml", kText).ok());
  EXPECT_TRUE(ParseRuleFile("r.yml", kText, {.ignore_unknown_fields = true}).ok());
}

TEST(RuleFile, BadDurationStopsDecodingWithThatErrorAlone) {
  auto f = ParseRuleFile("r.yml", "groups:\n- name: g\n  foo: 1\n  interval: 1.5m\n");
  EXPECT_EQ(f.status().message(), "r.yml: not a valid duration string: \"1.5m\"");
}

TEST(RuleFile, IntegersAsYamlV3ReadsThem) {
  auto limit = [](std::string_view v) -> absl::StatusOr<int64_t> {
    auto f = ParseRuleFile("", std::string("groups:\n- name: g\n  limit: ") + std::string(v));
    if (!f.ok()) return f.status();
    return f->groups[0].limit;
  };
  EXPECT_EQ(*limit("0x10"), 16);
  EXPECT_EQ(*limit("1_000"), 1000);
  EXPECT_EQ(*limit("1.9"), 1);  // truncated
  EXPECT_EQ(*limit("~"), 0);
  EXPECT_EQ(limit("true").status().message(),
            "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!bool `true` into int");
  EXPECT_EQ(limit("99999999999999999999").status().message(),
            "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!float `9999999...` into int");
}

TEST(RuleFile, YamlSyntaxErrorNamesTheLine) {
  auto f = ParseRuleFile("r.yml", "groups:\n- name: g\n  rules: [\n");
  EXPECT_THAT(f.status().message(), HasSubstr("r.yml: yaml: line "));
}

TEST(RuleFile, NullSequenceElementsAreDropped) {
  auto f =
      ParseRuleFile("r.yml", "groups:\n-\n- name: g\n  rules:\n  -\n  - record: a\n    expr: up\n");
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->groups.size(), 1u);
  EXPECT_EQ(f->groups[0].rules.size(), 1u);
}

TEST(RuleFile, MergeKeysExplicitKeysWin) {
  auto f = ParseRuleFile("r.yml", R"(groups:
- name: g
  rules:
  - &base
    record: a
    expr: up
  - <<: *base
    record: b
)");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->groups[0].rules[1].record, "b");
  EXPECT_EQ(f->groups[0].rules[1].expr, "up");
}

TEST(RuleFile, LoadMissingFileIsNotFound) {
  auto f = LoadRuleFile("/nonexistent/rules.yml");
  EXPECT_EQ(f.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(f.status().message(),
            "/nonexistent/rules.yml: open /nonexistent/rules.yml: no such file or directory");
}

TEST(RuleFile, LoadReadsTheFile) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("rule_file_test_" + std::to_string(getpid())))
          .string();
  std::ofstream(path) << kGood;
  auto f = LoadRuleFile(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->path, path);
  EXPECT_EQ(f->groups.size(), 2u);
}

}  // namespace
}  // namespace sextant::rules
