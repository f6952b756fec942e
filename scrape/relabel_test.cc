#include "scrape/relabel.h"

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "config/loader.h"
#include "model/regex.h"

namespace sextant::scrape {
namespace {

using config::RelabelAction;
using config::RelabelConfig;
using model::Labels;

// A config as the loader leaves it: `compiled` is the anchored form of `regex`.
RelabelConfig Rule(RelabelConfig c) {
  auto re = model::CompileAnchoredRegex(c.regex);
  EXPECT_TRUE(re.ok()) << c.regex;
  if (re.ok()) c.compiled = *std::move(re);
  return c;
}

struct Case {
  std::string name;
  Labels input;
  std::vector<RelabelConfig> rules;
  std::optional<Labels> want;  // nullopt: dropped
};

const std::optional<Labels> kDropped = std::nullopt;

std::string Show(const std::optional<Labels>& l) { return l ? l->ToString() : "<dropped>"; }

// Runs every case through both Relabel() and RelabelInPlace(). Labels are compared by their
// rendering, which is exact for non-empty names and readable in failure messages.
void RunCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::optional<Labels> got = Relabel(c.input, c.rules);
    EXPECT_EQ(Show(got), Show(c.want));
    EXPECT_TRUE(got == c.want);

    model::LabelsBuilder builder(c.input);
    const bool kept = RelabelInPlace(&builder, c.rules);
    EXPECT_EQ(kept, c.want.has_value());
    if (kept && c.want) {
      EXPECT_EQ(builder.Build().ToString(), c.want->ToString());
    }
  }
}

TEST(Relabel, Replace) {
  const Labels foo = Labels::FromPairs({{"a", "foo"}});
  RunCases({
      {"default regex and replacement copy the source value",
       foo,
       {Rule({.source_labels = {"a"}, .target_label = "b"})},
       Labels::FromPairs({{"a", "foo"}, {"b", "foo"}})},
      {"numbered groups",
       foo,
       {Rule({.source_labels = {"a"},
              .regex = "f(.*)",
              .target_label = "d",
              .replacement = "ch${1}-ch${1}"})},
       Labels::FromPairs({{"a", "foo"}, {"d", "choo-choo"}})},
      {"group 0 is the whole match",
       foo,
       {Rule(
           {.source_labels = {"a"}, .regex = "f(o)o", .target_label = "d", .replacement = "<$0>"})},
       Labels::FromPairs({{"a", "foo"}, {"d", "<foo>"}})},
      {"named groups, braced and bare",
       Labels::FromPairs({{"__address__", "example.org:9100"}}),
       {Rule({.source_labels = {"__address__"},
              .regex = "(?P<host>[^:]+):(?P<port>\\d+)",
              .target_label = "hp",
              .replacement = "${port}@$host-x"})},
       Labels::FromPairs({{"__address__", "example.org:9100"}, {"hp", "9100@example.org-x"}})},
      {"${1}x is group 1 then x",
       foo,
       {Rule({.source_labels = {"a"},
              .regex = "(f)(o+)",
              .target_label = "d",
              .replacement = "${1}x"})},
       Labels::FromPairs({{"a", "foo"}, {"d", "fx"}})},
      {"$1x names the missing group 1x, so the result is empty and deletes the target",
       Labels::FromPairs({{"a", "foo"}, {"d", "old"}}),
       {Rule({.source_labels = {"a"},
              .regex = "(f)(o+)",
              .target_label = "d",
              .replacement = "$1x"})},
       foo},
      {"a letter outside ASCII continues the group name",
       foo,
       {Rule({.source_labels = {"a"},
              .regex = "(f)oo",
              .target_label = "d",
              .replacement = "[$1é][${1}é]"})},
       Labels::FromPairs({{"a", "foo"}, {"d", "[][fé]"}})},
      {"a leading zero makes a name, not a number",
       foo,
       {Rule({.source_labels = {"a"},
              .regex = "(f)oo",
              .target_label = "d",
              .replacement = "[$01][$1]"})},
       Labels::FromPairs({{"a", "foo"}, {"d", "[][f]"}})},
      {"$$ is a dollar sign; a malformed reference stays literal",
       foo,
       {Rule({.source_labels = {"a"},
              .regex = "(f)oo",
              .target_label = "d",
              .replacement = "$$1 ${1 ${} $- end$"})},
       Labels::FromPairs({{"a", "foo"}, {"d", "$1 ${1 ${} $- end$"}})},
      {"a group that did not take part expands to nothing",
       Labels::FromPairs({{"a", "b"}}),
       {Rule({.source_labels = {"a"},
              .regex = "(a)|(b)",
              .target_label = "d",
              .replacement = "[$1][$2]"})},
       Labels::FromPairs({{"a", "b"}, {"d", "[][b]"}})},
      {"no match, no change",
       Labels::FromPairs({{"a", "boo"}}),
       {Rule({.source_labels = {"a"}, .regex = "f", .target_label = "b", .replacement = "bar"})},
       Labels::FromPairs({{"a", "boo"}})},
      {"the regex is anchored at both ends",
       foo,
       {Rule({.source_labels = {"a"}, .regex = "o+", .target_label = "b"})},
       foo},
      {"an empty expansion deletes the target label",
       Labels::FromPairs({{"a", "foo"}, {"f", "baz"}}),
       {Rule(
           {.source_labels = {"a"}, .regex = "(f).*", .target_label = "$1", .replacement = "$2"})},
       foo},
      {"an empty static replacement deletes the target label",
       Labels::FromPairs({{"a", "foo"}, {"env", "dev"}}),
       {Rule({.target_label = "env", .replacement = ""})},
       foo},
      {"a static label needs no source labels",
       foo,
       {Rule({.target_label = "env", .replacement = "prod"})},
       Labels::FromPairs({{"a", "foo"}, {"env", "prod"}})},
      {"the target label is expanded",
       Labels::FromPairs({{"a", "some-name-value"}}),
       {Rule({.source_labels = {"a"},
              .regex = "some-([^-]+)-([^,]+)",
              .target_label = "${1}",
              .replacement = "${2}"})},
       Labels::FromPairs({{"a", "some-name-value"}, {"name", "value"}})},
      {"a target that expands to an empty name changes nothing",
       Labels::FromPairs({{"a", "some-name-0"}}),
       {Rule({.source_labels = {"a"},
              .regex = "some-([^-]+)-([^,]+)",
              .target_label = "${3}",
              .replacement = "${1}"})},
       Labels::FromPairs({{"a", "some-name-0"}})},
      {"any non-empty UTF-8 target name is valid",
       Labels::FromPairs({{"a", "some-name-0"}}),
       {Rule({.source_labels = {"a"},
              .regex = "some-([^-]+)-([^,]+)",
              .target_label = "0.${1}-ü",
              .replacement = "${2}"})},
       Labels::FromPairs({{"0.name-ü", "0"}, {"a", "some-name-0"}})},
      {"source values are joined with the separator",
       Labels::FromPairs({{"a", "foo"}, {"b", "bar"}}),
       {Rule({.source_labels = {"a", "b"},
              .separator = "::",
              .regex = "f(.*)::b(.*)",
              .target_label = "d",
              .replacement = "$1/$2"})},
       Labels::FromPairs({{"a", "foo"}, {"b", "bar"}, {"d", "oo/ar"}})},
      {"a missing source label counts as empty",
       foo,
       {Rule({.source_labels = {"a", "missing", "b"},
              .regex = "foo;;",
              .target_label = "d",
              .replacement = "matched"})},
       Labels::FromPairs({{"a", "foo"}, {"d", "matched"}})},
      {"`.` matches a newline",
       Labels::FromPairs({{"a", "line1\nline2"}}),
       {Rule({.source_labels = {"a"},
              .regex = "line1.*line2",
              .target_label = "d",
              .replacement = "match${1}"}),
        Rule({.source_labels = {"a"},
              .regex = "(.*)\n(.*)",
              .target_label = "e",
              .replacement = "$2"})},
       Labels::FromPairs({{"a", "line1\nline2"}, {"d", "match"}, {"e", "line2"}})},
      {"the default regex copies a value with a newline",
       Labels::FromPairs({{"a", "foo\nbar"}}),
       {Rule({.source_labels = {"a"}, .target_label = "b"})},
       Labels::FromPairs({{"a", "foo\nbar"}, {"b", "foo\nbar"}})},
  });
}

TEST(Relabel, KeepAndDrop) {
  const Labels foo = Labels::FromPairs({{"a", "foo"}, {"b", "bar"}});
  RunCases({
      {"keep: match",
       foo,
       {Rule({.source_labels = {"a"}, .regex = "f.*", .action = RelabelAction::kKeep})},
       foo},
      {"keep: no match",
       foo,
       {Rule({.source_labels = {"a"}, .regex = "no-match", .action = RelabelAction::kKeep})},
       kDropped},
      {"keep: anchored, so a partial match is no match",
       foo,
       {Rule({.source_labels = {"a"}, .regex = "f|o", .action = RelabelAction::kKeep})},
       kDropped},
      {"keep: on joined values",
       foo,
       {Rule({.source_labels = {"a", "b"}, .regex = "foo;bar", .action = RelabelAction::kKeep})},
       foo},
      {"drop: match",
       foo,
       {Rule({.source_labels = {"a"}, .regex = ".*o.*", .action = RelabelAction::kDrop})},
       kDropped},
      {"drop: no match",
       foo,
       {Rule({.source_labels = {"a"}, .regex = "no-match", .action = RelabelAction::kDrop})},
       foo},
      {"drop: anchored, so a partial match is no match",
       foo,
       {Rule({.source_labels = {"a"}, .regex = "f|o", .action = RelabelAction::kDrop})},
       foo},
      {"drop: a missing label matches the empty regex",
       foo,
       {Rule({.source_labels = {"missing"}, .regex = "", .action = RelabelAction::kDrop})},
       kDropped},
      {"drop: `.` matches a newline",
       Labels::FromPairs({{"a", "x\ny"}}),
       {Rule({.source_labels = {"a"}, .regex = "x.y", .action = RelabelAction::kDrop})},
       kDropped},
      {"a drop ends the chain",
       foo,
       {Rule({.source_labels = {"a"}, .regex = ".*o.*", .action = RelabelAction::kDrop}),
        Rule({.target_label = "never", .replacement = "set"})},
       kDropped},
  });
}

TEST(Relabel, KeepEqualAndDropEqual) {
  const Labels ports =
      Labels::FromPairs({{"__tmp_port", "1234"}, {"__port1", "1234"}, {"__port2", "5678"}});
  RunCases({
      {"keepequal: equal",
       ports,
       {Rule({.source_labels = {"__tmp_port"},
              .target_label = "__port1",
              .action = RelabelAction::kKeepEqual})},
       ports},
      {"keepequal: different",
       ports,
       {Rule({.source_labels = {"__tmp_port"},
              .target_label = "__port2",
              .action = RelabelAction::kKeepEqual})},
       kDropped},
      {"keepequal: a missing target equals a missing source",
       ports,
       {Rule({.source_labels = {"missing"},
              .target_label = "also_missing",
              .action = RelabelAction::kKeepEqual})},
       ports},
      {"keepequal: joined source values",
       ports,
       {Rule({.source_labels = {"__port1", "missing"},
              .target_label = "__port1",
              .action = RelabelAction::kKeepEqual})},
       kDropped},  // "1234;" != "1234"
      {"dropequal: equal",
       ports,
       {Rule({.source_labels = {"__tmp_port"},
              .target_label = "__port1",
              .action = RelabelAction::kDropEqual})},
       kDropped},
      {"dropequal: different",
       ports,
       {Rule({.source_labels = {"__tmp_port"},
              .target_label = "__port2",
              .action = RelabelAction::kDropEqual})},
       ports},
  });
}

// Expected values computed independently of this code with
//   python3 -c "import hashlib,sys; h=hashlib.md5(sys.argv[1].encode()).digest();
//               print(int.from_bytes(h[8:], 'big') % M)" VALUE
// e.g. "baz": last 8 bytes 16450797887570275976 -> 976 (mod 1000), the value Prometheus's own
// test expects; "foo\nbar" -> 734 (mod 1000), likewise; "a;b" -> 74 (mod 1000);
// "10.0.0.1:9100" -> 2 (mod 3); "" -> 958 (mod 1000).
TEST(Relabel, HashMod) {
  RunCases({
      {"mod 1000",
       Labels::FromPairs({{"c", "baz"}}),
       {Rule({.source_labels = {"c"},
              .modulus = 1000,
              .target_label = "d",
              .action = RelabelAction::kHashMod})},
       Labels::FromPairs({{"c", "baz"}, {"d", "976"}})},
      {"a value with a newline",
       Labels::FromPairs({{"a", "foo\nbar"}}),
       {Rule({.source_labels = {"a"},
              .modulus = 1000,
              .target_label = "b",
              .action = RelabelAction::kHashMod})},
       Labels::FromPairs({{"a", "foo\nbar"}, {"b", "734"}})},
      {"joined values, overwriting the target",
       Labels::FromPairs({{"a", "a"}, {"b", "b"}}),
       {Rule({.source_labels = {"a", "b"},
              .modulus = 1000,
              .target_label = "a",
              .action = RelabelAction::kHashMod})},
       Labels::FromPairs({{"a", "74"}, {"b", "b"}})},
      {"sharding by address",
       Labels::FromPairs({{"__address__", "10.0.0.1:9100"}}),
       {Rule({.source_labels = {"__address__"},
              .modulus = 3,
              .target_label = "__tmp_hash",
              .action = RelabelAction::kHashMod})},
       Labels::FromPairs({{"__address__", "10.0.0.1:9100"}, {"__tmp_hash", "2"}})},
      {"an empty value is hashed too",
       Labels(),
       {Rule({.source_labels = {"missing"},
              .modulus = 1000,
              .target_label = "h",
              .action = RelabelAction::kHashMod})},
       Labels::FromPairs({{"h", "958"}})},
  });
}

TEST(Relabel, LabelMap) {
  RunCases({
      {"prefix",
       Labels::FromPairs({{"a", "foo"}, {"b1", "bar"}, {"b2", "baz"}}),
       {Rule({.regex = "(b.*)", .replacement = "bar_${1}", .action = RelabelAction::kLabelMap})},
       Labels::FromPairs(
           {{"a", "foo"}, {"b1", "bar"}, {"b2", "baz"}, {"bar_b1", "bar"}, {"bar_b2", "baz"}})},
      {"meta labels",
       Labels::FromPairs({{"a", "foo"},
                          {"__meta_my_bar", "aaa"},
                          {"__meta_my_baz", "bbb"},
                          {"__meta_other", "ccc"}}),
       {Rule(
           {.regex = "__meta_(my.*)", .replacement = "${1}", .action = RelabelAction::kLabelMap})},
       Labels::FromPairs({{"a", "foo"},
                          {"__meta_my_bar", "aaa"},
                          {"__meta_my_baz", "bbb"},
                          {"__meta_other", "ccc"},
                          {"my_bar", "aaa"},
                          {"my_baz", "bbb"}})},
      {"labels added by the step are not mapped again",
       Labels::FromPairs({{"a", "1"}}),
       {Rule({.regex = "(.*)", .replacement = "x_$1", .action = RelabelAction::kLabelMap})},
       Labels::FromPairs({{"a", "1"}, {"x_a", "1"}})},
      {"an existing label is overwritten",
       Labels::FromPairs({{"k_a", "new"}, {"a", "old"}}),
       {Rule({.regex = "k_(.*)", .replacement = "$1", .action = RelabelAction::kLabelMap})},
       Labels::FromPairs({{"a", "new"}, {"k_a", "new"}})},
      {"the regex is anchored",
       Labels::FromPairs({{"xab", "1"}}),
       {Rule({.regex = "a(b)", .replacement = "$1", .action = RelabelAction::kLabelMap})},
       Labels::FromPairs({{"xab", "1"}})},
  });
}

TEST(Relabel, LabelDropAndLabelKeep) {
  const Labels in = Labels::FromPairs({{"a", "foo"}, {"b1", "bar"}, {"b2", "baz"}});
  RunCases({
      {"labeldrop",
       in,
       {Rule({.regex = "(b.*)", .action = RelabelAction::kLabelDrop})},
       Labels::FromPairs({{"a", "foo"}})},
      {"labeldrop: anchored", in, {Rule({.regex = "b", .action = RelabelAction::kLabelDrop})}, in},
      {"labelkeep",
       in,
       {Rule({.regex = "(b.*)", .action = RelabelAction::kLabelKeep})},
       Labels::FromPairs({{"b1", "bar"}, {"b2", "baz"}})},
      {"labelkeep: alternation",
       in,
       {Rule({.regex = "a|b2", .action = RelabelAction::kLabelKeep})},
       Labels::FromPairs({{"a", "foo"}, {"b2", "baz"}})},
      {"dropping every label leaves an empty set, not a dropped one",
       in,
       {Rule({.regex = ".*", .action = RelabelAction::kLabelDrop})},
       Labels()},
  });
}

TEST(Relabel, LowercaseAndUppercase) {
  RunCases({
      {"ASCII",
       Labels::FromPairs({{"foo", "bAr123Foo"}}),
       {Rule({.source_labels = {"foo"},
              .target_label = "foo_uppercase",
              .action = RelabelAction::kUppercase}),
        Rule({.source_labels = {"foo"},
              .target_label = "foo_lowercase",
              .action = RelabelAction::kLowercase})},
       Labels::FromPairs(
           {{"foo", "bAr123Foo"}, {"foo_lowercase", "bar123foo"}, {"foo_uppercase", "BAR123FOO"}})},
      // Go maps code point by code point (simple case mapping): ß has no single upper-case code
      // point and stays, a final sigma becomes σ, and the Kelvin sign becomes k.
      {"Unicode, as Go's strings.ToUpper/ToLower",
       Labels::FromPairs({{"s", "äöü straße ΣΑΣ \u212A"}}),
       {Rule({.source_labels = {"s"}, .target_label = "up", .action = RelabelAction::kUppercase}),
        Rule({.source_labels = {"s"}, .target_label = "low", .action = RelabelAction::kLowercase})},
       Labels::FromPairs({{"s", "äöü straße ΣΑΣ \u212A"},
                          {"up", "ÄÖÜ STRAßE ΣΑΣ \u212A"},
                          {"low", "äöü straße σασ k"}})},
      {"bytes that are not UTF-8 become U+FFFD",
       Labels::FromPairs({{"s",
                           "A\xff"
                           "B"}}),
       {Rule({.source_labels = {"s"}, .target_label = "s", .action = RelabelAction::kLowercase})},
       Labels::FromPairs({{"s",
                           "a\uFFFD"
                           "b"}})},
      {"joined values",
       Labels::FromPairs({{"a", "X"}, {"b", "Y"}}),
       {Rule({.source_labels = {"a", "b"},
              .target_label = "c",
              .action = RelabelAction::kLowercase})},
       Labels::FromPairs({{"a", "X"}, {"b", "Y"}, {"c", "x;y"}})},
      {"an empty source deletes the target",
       Labels::FromPairs({{"t", "old"}}),
       {Rule({.source_labels = {"missing"},
              .target_label = "t",
              .action = RelabelAction::kUppercase})},
       Labels()},
  });
}

TEST(Relabel, Chains) {
  RunCases({
      {"later steps see earlier results",
       Labels::FromPairs({{"a", "foo"}, {"b", "bar"}, {"c", "baz"}}),
       {Rule({.source_labels = {"a", "b"},
              .regex = "f(.*);(.*)r",
              .target_label = "a",
              .replacement = "b${1}${2}m"}),
        Rule({.source_labels = {"c", "a"},
              .regex = "(b).*b(.*)ba(.*)",
              .target_label = "d",
              .replacement = "$1$2$2$3"})},
       Labels::FromPairs({{"a", "boobam"}, {"b", "bar"}, {"c", "baz"}, {"d", "boooom"}})},
      {"labeldrop, replace, keep (Prometheus issue 12283)",
       Labels::FromPairs({{"__meta_kubernetes_pod_container_port_name", "foo"},
                          {"__meta_kubernetes_pod_annotation_XXX_metrics_port", "9091"}}),
       {Rule({.regex = "__meta_kubernetes_pod_container_port_name",
              .action = RelabelAction::kLabelDrop}),
        Rule({.source_labels = {"__meta_kubernetes_pod_annotation_XXX_metrics_port"},
              .regex = "(.+)",
              .target_label = "__meta_kubernetes_pod_container_port_name",
              .replacement = "metrics"}),
        Rule({.source_labels = {"__meta_kubernetes_pod_container_port_name"},
              .regex = "metrics",
              .action = RelabelAction::kKeep})},
       Labels::FromPairs({{"__meta_kubernetes_pod_annotation_XXX_metrics_port", "9091"},
                          {"__meta_kubernetes_pod_container_port_name", "metrics"}})},
      {"tags parsed into labels",
       Labels::FromPairs({{"__meta_sd_tags", "path:/secret,job:some-job,label:foo=bar"}}),
       {Rule({.source_labels = {"__meta_sd_tags"},
              .regex = "(?:.+,|^)path:(/[^,]+).*",
              .target_label = "__metrics_path__",
              .replacement = "${1}"}),
        Rule({.source_labels = {"__meta_sd_tags"},
              .regex = "(?:.+,|^)job:([^,]+).*",
              .target_label = "job",
              .replacement = "${1}"}),
        Rule({.source_labels = {"__meta_sd_tags"},
              .regex = "(?:.+,|^)label:([^=]+)=([^,]+).*",
              .target_label = "${1}",
              .replacement = "${2}"})},
       Labels::FromPairs({{"__meta_sd_tags", "path:/secret,job:some-job,label:foo=bar"},
                          {"__metrics_path__", "/secret"},
                          {"job", "some-job"},
                          {"foo", "bar"}})},
      {"sharding: hashmod, keep one shard, drop the temporary label",
       Labels::FromPairs({{"__address__", "10.0.0.1:9100"}}),
       {Rule({.source_labels = {"__address__"},
              .modulus = 3,
              .target_label = "__tmp_hash",
              .action = RelabelAction::kHashMod}),
        Rule({.source_labels = {"__tmp_hash"}, .regex = "2", .action = RelabelAction::kKeep}),
        Rule({.regex = "__tmp_hash", .action = RelabelAction::kLabelDrop})},
       Labels::FromPairs({{"__address__", "10.0.0.1:9100"}})},
      {"sharding: another shard drops the target",
       Labels::FromPairs({{"__address__", "10.0.0.1:9100"}}),
       {Rule({.source_labels = {"__address__"},
              .modulus = 3,
              .target_label = "__tmp_hash",
              .action = RelabelAction::kHashMod}),
        Rule({.source_labels = {"__tmp_hash"}, .regex = "0", .action = RelabelAction::kKeep})},
       kDropped},
      {"no configs: unchanged",
       Labels::FromPairs({{"a", "1"}}),
       {},
       Labels::FromPairs({{"a", "1"}})},
  });
}

TEST(Relabel, EmptyInputValuesAreRemoved) {
  // Only Relabel(): RelabelInPlace() leaves a builder's own empty values to its caller.
  const Labels in = Labels::FromPairs({{"a", ""}, {"x_a", "keep"}, {"b", "1"}});
  EXPECT_EQ(Show(Relabel(in, {})), Show(Labels::FromPairs({{"x_a", "keep"}, {"b", "1"}})));
  // An empty value is an absent label: labelmap does not copy it over x_a.
  const std::vector<RelabelConfig> map = {
      Rule({.regex = "(a)", .replacement = "x_$1", .action = RelabelAction::kLabelMap})};
  EXPECT_EQ(Show(Relabel(in, map)), Show(Labels::FromPairs({{"x_a", "keep"}, {"b", "1"}})));
}

TEST(RelabelInPlace, EmptyBuilderValuesCountAsAbsent) {
  // LabelsBuilder::Reset keeps empty values; labelmap must not copy one over x_a.
  model::LabelsBuilder builder(Labels::FromPairs({{"a", ""}, {"x_a", "keep"}}));
  const std::vector<RelabelConfig> map = {
      Rule({.regex = "(a)", .replacement = "x_$1", .action = RelabelAction::kLabelMap})};
  ASSERT_TRUE(RelabelInPlace(&builder, map));
  EXPECT_EQ(builder.Get("x_a"), "keep");
}

TEST(Relabel, UsesConfigsAsTheLoaderBuildsThem) {
  auto config = config::LoadConfig(R"(
scrape_configs:
  - job_name: j
    metric_relabel_configs:
      - source_labels: [a]
        regex: 'line1.*line2'
        target_label: d
        replacement: match
      - source_labels: [__name__]
        regex: 'go_.*'
        action: drop
)",
                                   "test.yml");
  ASSERT_TRUE(config.ok()) << config.status();
  const auto& rules = config->scrape_configs[0].metric_relabel_configs;
  EXPECT_EQ(Show(Relabel(Labels::FromPairs({{"__name__", "up"}, {"a", "line1\nline2"}}), rules)),
            Show(Labels::FromPairs({{"__name__", "up"}, {"a", "line1\nline2"}, {"d", "match"}})));
  EXPECT_EQ(Relabel(Labels::FromPairs({{"__name__", "go_goroutines"}}), rules), std::nullopt);
}

}  // namespace
}  // namespace sextant::scrape
