#include "promql/testing/script.h"

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "model/sample.h"
#include "promql/testing/series_desc.h"

namespace sextant::promql::testing {
namespace {

std::vector<double> Values(std::string_view text) {
  absl::StatusOr<std::vector<SequenceValue>> seq = ParseValueSequence(text);
  EXPECT_TRUE(seq.ok()) << seq.status();
  std::vector<double> out;
  if (!seq.ok()) return out;
  for (const SequenceValue& v : *seq) out.push_back(v.omitted ? -12345 : v.value);
  return out;
}

TEST(ValueSequence, PlainNumbers) {
  EXPECT_EQ(Values("1 2.5 -3 1e3 -2E-1 +4"), (std::vector<double>{1, 2.5, -3, 1000, -0.2, 4}));
}

TEST(ValueSequence, Increasing) { EXPECT_EQ(Values("1+2x3"), (std::vector<double>{1, 3, 5, 7})); }

TEST(ValueSequence, Decreasing) { EXPECT_EQ(Values("1-1x3"), (std::vector<double>{1, 0, -1, -2})); }

TEST(ValueSequence, NegativeStartAndIncrement) {
  EXPECT_EQ(Values("-2+-1x2 -1e1+1e1x1"), (std::vector<double>{-2, -3, -4, -10, 0}));
}

TEST(ValueSequence, Repeat) { EXPECT_EQ(Values("1x3"), (std::vector<double>{1, 1, 1, 1})); }

TEST(ValueSequence, ZeroRepeatIsNotHex) {
  EXPECT_EQ(Values("0x2"), (std::vector<double>{0, 0, 0}));
}

TEST(ValueSequence, Missing) {
  absl::StatusOr<std::vector<SequenceValue>> seq = ParseValueSequence("1 _ _x3 2");
  ASSERT_TRUE(seq.ok()) << seq.status();
  ASSERT_EQ(seq->size(), 6u);
  EXPECT_FALSE((*seq)[0].omitted);
  for (int i = 1; i <= 4; ++i) EXPECT_TRUE((*seq)[i].omitted) << i;
  EXPECT_EQ((*seq)[5].value, 2);
}

TEST(ValueSequence, SpecialValues) {
  absl::StatusOr<std::vector<SequenceValue>> seq =
      ParseValueSequence("stale Inf -Inf +Inf NaN NaNx1");
  ASSERT_TRUE(seq.ok()) << seq.status();
  ASSERT_EQ(seq->size(), 7u);
  EXPECT_TRUE(model::IsStaleNaN((*seq)[0].value));
  EXPECT_EQ((*seq)[1].value, INFINITY);
  EXPECT_EQ((*seq)[2].value, -INFINITY);
  EXPECT_EQ((*seq)[3].value, INFINITY);
  EXPECT_TRUE(std::isnan((*seq)[4].value) && !model::IsStaleNaN((*seq)[4].value));
  EXPECT_TRUE(std::isnan((*seq)[6].value));
}

TEST(ValueSequence, InfiniteIncrementSequence) {
  EXPECT_EQ(Values("Inf-1x1"), (std::vector<double>{INFINITY, INFINITY}));
}

TEST(ValueSequence, RejectsGarbage) {
  EXPECT_FALSE(ParseValueSequence("abc").ok());
  EXPECT_FALSE(ParseValueSequence("1+2").ok());
  EXPECT_FALSE(ParseValueSequence("1x").ok());
  EXPECT_FALSE(ParseValueSequence("_xz").ok());
}

TEST(SeriesLine, NameAndLabels) {
  absl::StatusOr<SeriesLine> s =
      ParseSeriesLine(R"(http_requests{job="api", path='/a b', x=`r\n`}	1 2)");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->labels.MetricName(), "http_requests");
  EXPECT_EQ(s->labels.Get("job"), "api");
  EXPECT_EQ(s->labels.Get("path"), "/a b");
  EXPECT_EQ(s->labels.Get("x"), "r\\n");
  EXPECT_EQ(s->values.size(), 2u);
}

TEST(SeriesLine, EscapesAndBraceInValue) {
  absl::StatusOr<SeriesLine> s = ParseSeriesLine(R"(m{a="x\"}y", b="tab\t"} 1)");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->labels.Get("a"), "x\"}y");
  EXPECT_EQ(s->labels.Get("b"), "tab\t");
}

TEST(SeriesLine, EmptyLabelSetAndQuotedName) {
  absl::StatusOr<SeriesLine> s = ParseSeriesLine(R"({} 3)");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->labels.empty());
  s = ParseSeriesLine(R"({"my.metric", "l.x"="v",} 3)");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->labels.MetricName(), "my.metric");
  EXPECT_EQ(s->labels.Get("l.x"), "v");
}

TEST(SeriesLine, NativeHistogramFlagged) {
  absl::StatusOr<SeriesLine> s = ParseSeriesLine("h {{schema:0 sum:1 count:1}}x2");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->native_histogram);
}

TEST(SeriesLine, RejectsBadLabels) {
  EXPECT_FALSE(ParseSeriesLine(R"(m{a=b} 1)").ok());
  EXPECT_FALSE(ParseSeriesLine(R"(m{a="b" 1)").ok());
  EXPECT_FALSE(ParseSeriesLine("1 2").ok());
}

TEST(Script, LoadClearAndInstantEval) {
  absl::StatusOr<Script> s = ParseScript("t.test", R"(
# comment
load 5m
  a{x="1"} 0+10x2
  b _ 1

eval instant at 10m a
  a{x="1"} 20

clear
)");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->commands.size(), 3u);
  const auto& load = std::get<LoadCommand>(s->commands[0]);
  EXPECT_EQ(load.interval_ms, 300000);
  EXPECT_EQ(load.line, 3);
  ASSERT_EQ(load.series.size(), 2u);
  EXPECT_EQ(load.series[0].line, 4);
  const auto& eval = std::get<EvalCommand>(s->commands[1]);
  EXPECT_EQ(eval.line, 7);
  EXPECT_FALSE(eval.is_range);
  EXPECT_EQ(eval.eval_time_ms, 600000);
  EXPECT_EQ(eval.expr, "a");
  ASSERT_EQ(eval.expected_series.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<ClearCommand>(s->commands[2]));
}

TEST(Script, RangeEvalWithExpectations) {
  absl::StatusOr<Script> s = ParseScript("t.test", R"(
eval range from 0 to 1m30s step 30s rate(a[1m]) > 0
  expect warn msg: PromQL warning: something
  expect no_info
  {} 1 _ 2 3
)");
  ASSERT_TRUE(s.ok()) << s.status();
  const auto& eval = std::get<EvalCommand>(s->commands[0]);
  EXPECT_TRUE(eval.is_range);
  EXPECT_EQ(eval.start_ms, 0);
  EXPECT_EQ(eval.end_ms, 90000);
  EXPECT_EQ(eval.step_ms, 30000);
  EXPECT_EQ(eval.expr, "rate(a[1m]) > 0");
  ASSERT_EQ(eval.expectations.size(), 2u);
  EXPECT_EQ(eval.expectations[0].kind, ExpectKind::kWarn);
  EXPECT_EQ(eval.expectations[0].match, Expectation::Match::kMessage);
  EXPECT_EQ(eval.expectations[0].text, "PromQL warning: something");
  EXPECT_EQ(eval.expectations[1].kind, ExpectKind::kNoInfo);
  EXPECT_EQ(eval.expectations[1].match, Expectation::Match::kAny);
  ASSERT_EQ(eval.expected_series.size(), 1u);
  EXPECT_EQ(eval.expected_series[0].values.size(), 4u);
}

TEST(Script, ScalarStringFailAndOrdered) {
  absl::StatusOr<Script> s = ParseScript("t.test", R"(
eval instant at 0 1 + 1
  2

eval instant at 0 "x"
  expect string "a\"b"

eval_fail instant at 0 foo(
  expected_fail_regexp unexpected.*

eval instant at 0 sum(x)
  expect fail regex: ^bad$

eval_ordered instant at 1m sort(x)
  x{a="1"} 1
  x{a="2"} 2

eval instant at 0 x
  expect ordered
)");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->commands.size(), 6u);
  EXPECT_EQ(std::get<EvalCommand>(s->commands[0]).expected_scalar, 2.0);
  EXPECT_EQ(std::get<EvalCommand>(s->commands[1]).expected_string, "a\"b");
  EXPECT_TRUE(std::get<EvalCommand>(s->commands[1]).exclude_from_range_check);
  const auto& fail = std::get<EvalCommand>(s->commands[2]);
  EXPECT_TRUE(fail.IsFail());
  EXPECT_EQ(fail.expected_fail_regexp, "unexpected.*");
  const auto& fail2 = std::get<EvalCommand>(s->commands[3]);
  EXPECT_TRUE(fail2.IsFail());
  EXPECT_EQ(fail2.expectations[0].match, Expectation::Match::kRegex);
  EXPECT_TRUE(std::get<EvalCommand>(s->commands[4]).IsOrdered());
  EXPECT_EQ(std::get<EvalCommand>(s->commands[4]).expected_series.size(), 2u);
  EXPECT_TRUE(std::get<EvalCommand>(s->commands[5]).IsOrdered());
}

TEST(Script, ExpectRangeVector) {
  absl::StatusOr<Script> s = ParseScript("t.test", R"(
eval instant at 1m a[1m]
  expect range vector from 10s to 1m step 10s
  a 1 2 3 4 5 6
)");
  ASSERT_TRUE(s.ok()) << s.status();
  const auto& eval = std::get<EvalCommand>(s->commands[0]);
  EXPECT_TRUE(eval.expect_range_vector);
  EXPECT_EQ(eval.start_ms, 10000);
  EXPECT_EQ(eval.end_ms, 60000);
  EXPECT_EQ(eval.step_ms, 10000);
  EXPECT_EQ(eval.eval_time_ms, 60000);
}

TEST(Script, LoadWithNhcbAndStartTimestamps) {
  absl::StatusOr<Script> s = ParseScript("t.test", R"(
load_with_nhcb 1m
  h_bucket{le="1"} 1x3
  h@st _ -1mx2
  h_count 1x3
)");
  ASSERT_TRUE(s.ok()) << s.status();
  const auto& load = std::get<LoadCommand>(s->commands[0]);
  EXPECT_TRUE(load.with_nhcb);
  EXPECT_EQ(load.start_timestamp_lines, 1);
  EXPECT_EQ(load.series.size(), 2u);
}

TEST(Script, ErrorsNameFileAndLine) {
  absl::StatusOr<Script> s = ParseScript("x.test", "load 1m\n  a 1\n\nbogus\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(std::string(s.status().message()).starts_with("x.test:4: invalid command"))
      << s.status();
  s = ParseScript("x.test", "load 1m\n  a 1 zz\n");
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(std::string(s.status().message()).starts_with("x.test:2: ")) << s.status();
  s = ParseScript("x.test", "eval instant at 1m a\n  a 1 2\n");
  EXPECT_FALSE(s.ok());  // several values for an instant eval
  s = ParseScript("x.test", "eval range from 2m to 1m step 1m a\n");
  EXPECT_FALSE(s.ok());
  s = ParseScript("x.test", "eval instant at 0 a\n  expect warn\n  expect no_warn\n");
  EXPECT_FALSE(s.ok());
  s = ParseScript("x.test", "eval_ordered range from 0 to 1m step 1m a\n");
  EXPECT_FALSE(s.ok());
}

// Every script of Prometheus's suite parses.
TEST(Script, ParsesAllConformanceScripts) {
  const std::filesystem::path dir = SEXTANT_PROMQL_TESTS_DIR;
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no " << dir;
  int files = 0;
  int evals = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".test") continue;
    absl::StatusOr<Script> s = ReadScript(entry.path().string());
    ASSERT_TRUE(s.ok()) << s.status();
    ++files;
    for (const Command& c : s->commands) evals += std::holds_alternative<EvalCommand>(c) ? 1 : 0;
  }
  EXPECT_EQ(files, 21);
  EXPECT_GT(evals, 2000);
}

}  // namespace
}  // namespace sextant::promql::testing
