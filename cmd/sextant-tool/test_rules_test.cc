// `test rules`: the command against promtool 2.42's recorded output on the files in
// testdata/test_rules/ (cases.tsv lists them; record_expected.sh re-records), and the pieces of
// the runner on their own.

#include "cmd/sextant-tool/test_rules.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

#include "cmd/sextant-tool/tool_test_util.h"
#include "gtest/gtest.h"

namespace sextant::tool {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool Exists(const std::string& path) { return std::ifstream(path).good(); }

struct Outcome {
  std::string stdout_text;
  std::string stderr_text;
  int exit_code = -1;
};

// Runs the binary's `test rules <args>` from `dir`.
Outcome RunTool(const std::string& dir, const std::string& args, const std::string& scratch) {
  const std::string out = scratch + "/stdout", err = scratch + "/stderr";
  const std::string cmd = "cd '" + dir + "' && '" SEXTANT_TOOL_BINARY "' test rules " + args +
                          " >'" + out + "' 2>'" + err + "'";
  const int rc = std::system(cmd.c_str());
  return {ReadFile(out), ReadFile(err), WIFEXITED(rc) ? WEXITSTATUS(rc) : -1};
}

// The expected outcome of a case: Sextant's own recording where it deliberately differs, else
// promtool's (with promtool's name in usage errors replaced by ours).
Outcome Expected(const std::string& name) {
  const std::string base = std::string(SEXTANT_TEST_RULES_TESTDATA) + "/expected/" + name;
  const std::string prefix = Exists(base + ".sextant.exit") ? base + ".sextant" : base;
  Outcome o{ReadFile(prefix + ".stdout"), ReadFile(prefix + ".stderr"),
            std::atoi(ReadFile(prefix + ".exit").c_str())};
  if (o.stderr_text.starts_with("promtool: ")) o.stderr_text.replace(0, 8, "sextant-tool");
  return o;
}

TEST(TestRules, MatchesPromtoolRecordings) {
  testing::ScratchDir scratch;
  std::istringstream cases(ReadFile(std::string(SEXTANT_TEST_RULES_TESTDATA) + "/cases.tsv"));
  std::string line;
  int n = 0;
  while (std::getline(cases, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    const std::string name = line.substr(0, tab);
    SCOPED_TRACE(name);
    const Outcome got = RunTool(SEXTANT_TEST_RULES_TESTDATA, line.substr(tab + 1), scratch.path());
    const Outcome want = Expected(name);
    EXPECT_EQ(got.exit_code, want.exit_code);
    EXPECT_EQ(got.stdout_text, want.stdout_text);
    EXPECT_EQ(got.stderr_text, want.stderr_text);
    ++n;
  }
  EXPECT_GE(n, 16);
}

TEST(TestRules, MlopsExamplesPass) {
  testing::ScratchDir scratch;
  const Outcome got = RunTool(SEXTANT_SOURCE_DIR,
                              "examples/mlops/alerts_test.yml "
                              "examples/mlops/recording_rules_test.yml",
                              scratch.path());
  EXPECT_EQ(got.exit_code, 0) << got.stderr_text;
  EXPECT_EQ(got.stdout_text,
            "Unit Testing:  examples/mlops/alerts_test.yml\n  SUCCESS\n\n"
            "Unit Testing:  examples/mlops/recording_rules_test.yml\n  SUCCESS\n\n");
  EXPECT_EQ(got.stderr_text, "");
}

TEST(TestRules, CleanPathAsGo) {
  EXPECT_EQ(CleanPath(""), ".");
  EXPECT_EQ(CleanPath("./a/./b/"), "a/b");
  EXPECT_EQ(CleanPath("a/../../b"), "../b");
  EXPECT_EQ(CleanPath("/../a//b/.."), "/a");
  EXPECT_EQ(CleanPath("a/.."), ".");
}

TEST(TestRules, ResolveRuleFilesJoinsGlobsAndWarns) {
  testing::ScratchDir dir;
  dir.Write("b.yml", "");
  dir.Write("a.yml", "");
  std::ostringstream err;
  absl::StatusOr<std::vector<std::string>> files =
      ResolveRuleFiles(dir.path(), {"./*.yml", "none_*.yml", dir.Path("a.yml"), "gone.yml"}, err);
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(*files,
            (std::vector<std::string>{dir.Path("a.yml"), dir.Path("b.yml"), dir.Path("a.yml")}));
  EXPECT_EQ(err.str(), "  WARNING: no file match pattern " + dir.Path("none_*.yml") +
                           "\n  WARNING: no file match pattern " + dir.Path("gone.yml") + "\n");
  for (const char* bad : {"[", "a[]b", "x\\", "[a-"}) {
    files = ResolveRuleFiles(dir.path(), {bad}, err);
    EXPECT_FALSE(files.ok()) << bad;
    if (!files.ok()) {
      EXPECT_EQ(files.status().message(), "syntax error in pattern");
    }
  }
}

TEST(TestRules, FuzzyCompareAcceptsOneUlp) {
  testing::ScratchDir dir;
  const std::string body = R"(
tests:
  - interval: 1m
    input_series:
      - series: x
        values: 50
    promql_expr_test:
      - expr: x * 1e-9
        eval_time: 0m
        exp_samples:
          - value: 5e-8
            labels: '{}'
)";
  std::ostringstream err;
  EXPECT_EQ(RunRulesTestFile(dir.Write("exact.yml", body), err).size(), 1u);
  EXPECT_TRUE(
      RunRulesTestFile(dir.Write("fuzzy.yml", "fuzzy_compare: true\n" + body), err).empty());
}

TEST(TestRules, SeriesWithoutIntervalUseTheEvaluationInterval) {
  testing::ScratchDir dir;
  std::ostringstream err;
  const std::vector<std::string> errors = RunRulesTestFile(dir.Write("t.yml", R"(
evaluation_interval: 30s
tests:
  - input_series:
      - series: x
        values: 1 2 3
    promql_expr_test:
      - expr: x
        eval_time: 1m
        exp_samples:
          - labels: x
            value: 3
)"),
                                                           err);
  EXPECT_TRUE(errors.empty()) << errors[0];
}

TEST(TestRules, BadSeriesEndsTheGroup) {
  testing::ScratchDir dir;
  std::ostringstream err;
  const std::vector<std::string> errors = RunRulesTestFile(dir.Write("t.yml", R"(
tests:
  - interval: 1m
    input_series:
      - series: up{
        values: 1 2
  - interval: 1m
    input_series:
      - series: up
        values: 1 a 2
)"),
                                                           err);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], "1:5: parse error: unexpected character inside braces: '1'");
  EXPECT_TRUE(errors[1].starts_with("1:4: parse error: ")) << errors[1];
}

}  // namespace
}  // namespace sextant::tool
