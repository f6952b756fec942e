// Runs the built sextant-tool binary (SEXTANT_TOOL_BINARY) for `check rules` and the rule-file
// half of `check config`: what goes to stdout and stderr, exit codes, usage errors, standard
// input. The expected outputs are promtool 2.42's on the same files.

#include <array>
#include <cstdio>
#include <string>

#include <sys/wait.h>

#include "cmd/sextant-tool/tool_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sextant::tool {
namespace {

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadFile(const std::string& path) {
  std::string s;
  FILE* f = fopen(path.c_str(), "r");
  if (f == nullptr) return s;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), f)) > 0) s.append(buf.data(), n);
  fclose(f);
  return s;
}

// Runs `cd <cwd> && sextant-tool <args>` (shell syntax) and returns its exit code and outputs.
Result RunTool(const std::string& cwd, const std::string& args, const testing::ScratchDir& dir) {
  const std::string err = dir.Path("stderr.txt");
  const std::string cmd =
      "cd '" + cwd + "' && " + std::string(SEXTANT_TOOL_BINARY) + " " + args + " 2>" + err;
  Result r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = ReadFile(err);
  return r;
}

TEST(CheckRulesBinary, SuccessAndFailure) {
  testing::ScratchDir dir;
  const std::string rules = SEXTANT_RULES_TESTDATA;
  Result r = RunTool(rules, "check rules good/node_recording.yml bad/record_with_for.yml", dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out,
            "Checking good/node_recording.yml\n  SUCCESS: 5 rules found\n\n"
            "Checking bad/record_with_for.yml\n\n");
  EXPECT_EQ(r.err,
            "  FAILED:\nbad/record_with_for.yml: 4:17: group \"g\", rule 1, \"job:up:sum\": "
            "invalid field 'for' in recording rule\n");

  r = RunTool(rules, "check rules --lint-fatal good/lint_duplicate_rules.yml", dir);
  EXPECT_EQ(r.exit_code, 3);
  r = RunTool(rules, "check rules --lint=none --lint-fatal good/lint_duplicate_rules.yml", dir);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "Checking good/lint_duplicate_rules.yml\n  SUCCESS: 2 rules found\n\n");
}

TEST(CheckRulesBinary, UsageErrorsAndStandardInput) {
  testing::ScratchDir dir;
  const std::string rules = SEXTANT_RULES_TESTDATA;
  Result r = RunTool(rules, "check rules good/node_recording.yml nosuch.yml", dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "sextant-tool: error: path 'nosuch.yml' does not exist, try --help\n");
  r = RunTool(rules, "check rules good", dir);
  EXPECT_EQ(r.err, "sextant-tool: error: 'good' is a directory, try --help\n");

  r = RunTool(rules, "check rules < good/alerts_for_keep_firing.yml", dir);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "Checking standard input\n  SUCCESS: 2 rules found\n\n");
  r = RunTool(rules, "check rules < bad/unknown_rule_field.yml", dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "  FAILED:\nyaml: unmarshal errors:\n  line 6: field severity not found in type "
            "rulefmt.RuleNode\n");
}

TEST(CheckConfigBinary, ChecksTheRuleFiles) {
  testing::ScratchDir dir;
  const std::string config = SEXTANT_CONFIG_TESTDATA;
  Result r = RunTool(config, "check config good/ml_platform_stack.yml", dir);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out,
            "Checking good/ml_platform_stack.yml\n  SUCCESS: 2 rule files found\n"
            " SUCCESS: good/ml_platform_stack.yml is valid prometheus config file syntax\n\n"
            "Checking rules/ml_platform_alerts.yml\n  SUCCESS: 2 rules found\n\n"
            "Checking rules/ml_platform_recording.yml\n  SUCCESS: 1 rules found\n\n");
  EXPECT_EQ(r.err, "");

  r = RunTool(config, "check config bad/rule_file_invalid_content.yml", dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out,
            "Checking bad/rule_file_invalid_content.yml\n  SUCCESS: 1 rule files found\n"
            " SUCCESS: bad/rule_file_invalid_content.yml is valid prometheus config file syntax\n\n"
            "Checking rules_invalid/bad_expr.yml\n\n");
  EXPECT_EQ(
      r.err,
      "  FAILED:\n     rules_invalid/bad_expr.yml: 5:15: group \"broken\", rule 1, \"Broken\": "
      "could not parse expression: 1:7: parse error: unclosed left parenthesis\n");

  r = RunTool(config, "check config bad/rule_file_missing.yml", dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "Checking bad/rule_file_missing.yml\n\n");
  EXPECT_EQ(r.err, "  FAILED: \"rules/does_not_exist.yml\" does not point to an existing file\n");

  r = RunTool(config, "check config --syntax-only bad/rule_file_missing.yml", dir);
  EXPECT_EQ(r.exit_code, 0);

  r = RunTool(config, "check config good/rule_files_glob_matches_nothing.yml", dir);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out,
            "Checking good/rule_files_glob_matches_nothing.yml\n SUCCESS: "
            "good/rule_files_glob_matches_nothing.yml is valid prometheus config file syntax\n\n");
}

TEST(CheckConfigBinary, LintFatalOnRuleFiles) {
  testing::ScratchDir dir;
  dir.Write("dup.yml",
            "groups:\n- name: a\n  rules:\n  - {record: x, expr: up}\n"
            "  - {record: x, expr: up}\n");
  dir.Write("prometheus.yml", "rule_files: [dup.yml]\n");
  Result r = RunTool(dir.path(), "check config prometheus.yml", dir);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err,
            "  FAILED:\n     lint error 1 duplicate rule(s) found.\nMetric: x\nLabel(s):\n"
            "Might cause inconsistency while recording expressions\n");
  r = RunTool(dir.path(), "check config --lint-fatal prometheus.yml", dir);
  EXPECT_EQ(r.exit_code, 3);
  r = RunTool(dir.path(), "check config --lint=none --lint-fatal prometheus.yml", dir);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace sextant::tool
