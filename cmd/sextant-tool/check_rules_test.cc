#include "cmd/sextant-tool/check_rules.h"

#include <sstream>

#include "cmd/sextant-tool/tool_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rules/rule_file_test_table.h"
#include "util/strings.h"

namespace sextant::tool {
namespace {

using rules::testing::RuleFileCase;
using ::testing::HasSubstr;

struct Output {
  int exit_code = -1;
  std::string out;
  std::string err;
};

Output RunCheck(const std::vector<std::string>& files, std::string_view lint = "duplicate-rules",
                bool fatal = false, const std::string& stdin_text = "") {
  std::ostringstream out, err, warnings;
  std::istringstream in(stdin_text);
  const LintSettings settings = ParseLintSettings(lint, fatal, warnings);
  Output o;
  o.exit_code = CheckRules(files, {}, settings, in, out, err);
  o.out = warnings.str() + out.str();
  o.err = err.str();
  return o;
}

// Every case of rules/testdata through the command: exit code, verdict lines and errors.
TEST(CheckRules, VerdictTable) {
  const auto cases = rules::testing::LoadRuleFileCases(SEXTANT_RULES_TESTDATA);
  ASSERT_GE(cases.size(), 60u);
  for (const RuleFileCase& c : cases) {
#ifndef SEXTANT_HAVE_RULES_TEMPLATE
    if (c.message.find("template: __alert_") != std::string::npos) continue;  // no engine yet
#endif
    SCOPED_TRACE(c.path);
    const std::string path = std::string(SEXTANT_RULES_TESTDATA) + "/" + c.path;
    const Output o = RunCheck({path});
    EXPECT_EQ(o.exit_code, c.exit_code);
    if (c.verdict == "ok") {
      EXPECT_EQ(o.out, "Checking " + path + "\n  SUCCESS: " + c.rules + " rules found\n\n");
      EXPECT_EQ(o.err, "");
      continue;
    }
    EXPECT_EQ(o.out, "Checking " + path + "\n\n");
    // Each error line starts with the path; continuation lines (yaml's) and lint text do not.
    std::string expected;
    for (std::string_view line : util::StrSplit(c.message, '\n')) {
      const bool continuation = line.starts_with("  line ") || c.verdict == "lint";
      util::StrAppend(&expected, continuation ? std::string() : path + ": ", line, "\n");
    }
    EXPECT_EQ(o.err, "  FAILED:\n" + expected);
  }
}

TEST(CheckRules, LintFatalExitsThree) {
  testing::ScratchDir dir;
  const std::string f = dir.Write("dup.yml", R"(groups:
- name: a
  rules:
  - record: x
    expr: up
    labels: {b: "2", a: "1"}
- name: b
  rules:
  - alert: x
    expr: up
    labels: {a: "1", b: "2"}
)");
  Output o = RunCheck({f}, "duplicate-rules", /*fatal=*/true);
  EXPECT_EQ(o.exit_code, kLintExitCode);
  EXPECT_EQ(o.err,
            "  FAILED:\nlint error 1 duplicate rule(s) found.\nMetric: x\nLabel(s):\n\ta: 1\n"
            "\tb: 2\nMight cause inconsistency while recording expressions\n");
  o = RunCheck({f}, "all", /*fatal=*/false);
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_THAT(o.err, HasSubstr("lint error 1 duplicate"));
  o = RunCheck({f}, "none", /*fatal=*/true);
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.out, "Checking " + f + "\n  SUCCESS: 2 rules found\n\n");
}

TEST(CheckRules, UnknownLintOptionWarns) {
  testing::ScratchDir dir;
  const std::string f = dir.Write("r.yml", "groups: []\n");
  const Output o = RunCheck({f}, "bogus,none");
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.out,
            "WARNING: unknown lint option bogus\nChecking " + f + "\n  SUCCESS: 0 rules found\n\n");
}

TEST(CheckRules, ErrorsOutrankLintFailures) {
  testing::ScratchDir dir;
  const std::string dup = dir.Write("dup.yml", R"(groups:
- name: a
  rules:
  - {record: x, expr: up}
  - {record: x, expr: up}
)");
  const std::string bad = dir.Write("bad.yml", "groups:\n- name: a\n  interval: 5\n");
  const Output o = RunCheck({dup, bad}, "duplicate-rules", /*fatal=*/true);
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.out, "Checking " + dup + "\n\nChecking " + bad + "\n\n");
  EXPECT_THAT(o.err, HasSubstr("  FAILED:\n" + bad + ": not a valid duration string: \"5\"\n"));
}

TEST(CheckRules, StandardInput) {
  Output o = RunCheck({}, "duplicate-rules", false,
                      "groups:\n- name: a\n  rules:\n  - {record: x, expr: up}\n");
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.out, "Checking standard input\n  SUCCESS: 1 rules found\n\n");
  o = RunCheck({}, "duplicate-rules", false,
               "groups:\n- name: a\n  rules:\n  - {record: x-y, expr: up}\n");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.err,
            "  FAILED:\n4:14: group \"a\", rule 1, \"x-y\": invalid recording rule name: x-y\n");
}

TEST(CheckRules, FilesMustExist) {
  testing::ScratchDir dir;
  const std::string f = dir.Write("r.yml", "");
  EXPECT_EQ(CheckFilesExist({f}), "");
  EXPECT_EQ(CheckFilesExist({f, dir.Path("nope.yml")}),
            "path '" + dir.Path("nope.yml") + "' does not exist");
  EXPECT_EQ(CheckFilesExist({dir.path() + "/"}),
            "'" + dir.path().substr(dir.path().rfind('/') + 1) + "' is a directory");
  EXPECT_EQ(CheckFilesExist({"."}), "'.' is a directory");
}

}  // namespace
}  // namespace sextant::tool
