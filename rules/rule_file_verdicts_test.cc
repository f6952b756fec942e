// The loader against the table of rules/testdata/: for every case, Sextant's verdict, rule count
// and errors are promtool 2.42's (verdicts.tsv), or Sextant's documented difference
// (expectations.tsv). promtool is not needed: the table is recorded by record_verdicts.sh.

#include <cctype>
#include <set>

#include "gtest/gtest.h"
#include "rules/rule_file.h"
#include "rules/rule_file_test_table.h"
#include "util/strings.h"

namespace sextant::rules {
namespace {

using testing::RuleFileCase;

const std::vector<RuleFileCase>& Cases() {
  static const auto* cases =
      new std::vector<RuleFileCase>(testing::LoadRuleFileCases(SEXTANT_RULES_TESTDATA));
  return *cases;
}

class RuleFileVerdicts : public ::testing::TestWithParam<RuleFileCase> {};

TEST(RuleFileVerdictTable, HasTheCases) {
  const auto& cases = Cases();
  EXPECT_GE(cases.size(), 60u);
  std::set<std::string> verdicts;
  for (const RuleFileCase& c : cases) verdicts.insert(c.verdict);
  EXPECT_EQ(verdicts, (std::set<std::string>{"error", "lint", "ok"}));
  for (const RuleFileCase& c : cases) {
    if (c.differs) {
      EXPECT_FALSE(c.note.empty()) << c.path << ": a difference must say why";
    }
  }
}

TEST_P(RuleFileVerdicts, MatchesTheTable) {
  const RuleFileCase& c = GetParam();
#ifndef SEXTANT_HAVE_RULES_TEMPLATE
  if (c.message.find("template: __alert_") != std::string::npos) {
    GTEST_SKIP() << "the template engine (rules/template/) is not built yet";
  }
#endif
  const RuleFileCheck check = CheckRuleFile(util::StrCat(SEXTANT_RULES_TESTDATA, "/", c.path));
  if (c.verdict == "error") {
    EXPECT_EQ(util::StrJoin(check.errors, "\n"), c.message);
    return;
  }
  // ok, and lint (a lint failure is promtool's; the file itself loads).
  ASSERT_TRUE(check.errors.empty()) << util::StrJoin(check.errors, "\n");
  if (c.verdict == "ok") {
    size_t n = 0;
    for (const RuleGroup& g : check.file.groups) n += g.rules.size();
    EXPECT_EQ(std::to_string(n), c.rules);
  }
}

std::string CaseName(const ::testing::TestParamInfo<RuleFileCase>& info) {
  std::string name;
  for (char ch : info.param.path.substr(0, info.param.path.size() - 4)) {
    name.push_back(std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_');
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Table, RuleFileVerdicts, ::testing::ValuesIn(Cases()), CaseName);

}  // namespace
}  // namespace sextant::rules
