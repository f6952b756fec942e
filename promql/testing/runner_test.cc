#include "promql/testing/runner.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "promql/testing/conformance.h"
#include "promql/testing/script.h"

namespace sextant::promql::testing {
namespace {

using ::testing::HasSubstr;

std::vector<EvalReport> RunText(std::string_view text) {
  absl::StatusOr<Script> script = ParseScript("t.test", text);
  EXPECT_TRUE(script.ok()) << script.status();
  if (!script.ok()) return {};
  Engine engine(ConformanceEngineOptions());
  ScriptRunner runner(engine);
  return runner.Run(*script);
}

constexpr std::string_view kLoad =
    "load 1m\n"
    "  http_requests_total{job=\"api\"} 0+10x10\n"
    "  http_requests_total{job=\"db\"} 0+1x10\n"
    "\n";

TEST(ScriptRunner, MatchingResultsPass) {
  const std::vector<EvalReport> r =
      RunText(std::string(kLoad) +
              "eval instant at 5m http_requests_total\n"
              "  http_requests_total{job=\"api\"} 50\n"
              "  http_requests_total{job=\"db\"} 5\n"
              "\n"
              "eval range from 0 to 2m step 1m sum(http_requests_total)\n"
              "  {} 0 11 22\n");
  ASSERT_EQ(r.size(), 2u);
  for (const EvalReport& e : r) EXPECT_EQ(e.outcome, EvalReport::Outcome::kPassed) << e.message;
}

TEST(ScriptRunner, WrongValueFails) {
  const std::vector<EvalReport> r = RunText(std::string(kLoad) +
                                            "eval instant at 5m http_requests_total{job=\"db\"}\n"
                                            "  http_requests_total{job=\"db\"} 6\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].outcome, EvalReport::Outcome::kFailed);
  EXPECT_THAT(r[0].message, HasSubstr("expected 6"));
  EXPECT_EQ(r[0].line, 5);
}

TEST(ScriptRunner, MissingAndExtraSeriesFail) {
  std::vector<EvalReport> r = RunText(std::string(kLoad) +
                                      "eval instant at 5m http_requests_total\n"
                                      "  http_requests_total{job=\"api\"} 50\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_THAT(r[0].message, HasSubstr("unexpected metric"));
  r = RunText(std::string(kLoad) +
              "eval instant at 5m http_requests_total{job=\"api\"}\n"
              "  http_requests_total{job=\"api\"} 50\n"
              "  http_requests_total{job=\"web\"} 50\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_THAT(r[0].message, HasSubstr("not found"));
}

TEST(ScriptRunner, ExpectedFailures) {
  const std::vector<EvalReport> r =
      RunText(std::string(kLoad) +
              "eval instant at 5m rate(http_requests_total)\n"
              "  expect fail msg: expected 1 argument(s) in call to \"rate\", got 0\n"
              "\n"
              "eval instant at 5m sum(\n"
              "  expect fail regex: unclosed left parenthesis\n"
              "\n"
              "eval instant at 5m http_requests_total\n"
              "  expect fail\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].outcome, EvalReport::Outcome::kFailed);  // wrong message
  EXPECT_EQ(r[1].outcome, EvalReport::Outcome::kPassed) << r[1].message;
  EXPECT_EQ(r[2].outcome, EvalReport::Outcome::kFailed);
  EXPECT_THAT(r[2].message, HasSubstr("expected an error"));
}

TEST(ScriptRunner, AnnotationsAreChecked) {
  const std::vector<EvalReport> r = RunText(
      "load 1m\n  gauge 1 2 3\n\n"
      "eval instant at 2m rate(gauge[5m])\n  expect info\n  {} 0.00833333333\n\n"
      "eval instant at 2m rate(gauge[5m])\n  expect no_info\n  {} 0.00833333333\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].outcome, EvalReport::Outcome::kPassed) << r[0].message;
  EXPECT_EQ(r[1].outcome, EvalReport::Outcome::kFailed);
}

TEST(ScriptRunner, AtModifierVariantsRun) {
  // time() is unsafe under `@`: no variants, so only the plain query decides.
  std::vector<EvalReport> r =
      RunText(std::string(kLoad) +
              "eval instant at 5m http_requests_total{job=\"db\"} + time()\n"
              "  {job=\"db\"} 305\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].outcome, EvalReport::Outcome::kPassed) << r[0].message;
  // A step-invariant query passes at every variant time.
  r = RunText(std::string(kLoad) +
              "eval instant at 5m max_over_time(http_requests_total{job=\"db\"}[2m])\n"
              "  {job=\"db\"} 5\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].outcome, EvalReport::Outcome::kPassed) << r[0].message;
}

TEST(Conformance, ExperimentalFeaturesAreRecognised) {
  EXPECT_TRUE(UsesExperimental("sort_by_label(foo, \"a\")"));
  EXPECT_TRUE(UsesExperimental("limitk(1, foo)"));
  EXPECT_TRUE(UsesExperimental("foo[step()]"));
  EXPECT_FALSE(UsesExperimental("foo @ start()"));
  EXPECT_FALSE(UsesExperimental("rate(info_total[5m])"));
  EXPECT_FALSE(UsesExperimental("sum(rate(http_requests_total[5m]))"));
}

}  // namespace
}  // namespace sextant::promql::testing
