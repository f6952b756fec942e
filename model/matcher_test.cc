#include "model/matcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sextant::model {
namespace {

using ::testing::ElementsAre;

Matcher Must(MatchType t, std::string_view n, std::string_view v) {
  return *Matcher::Create(t, n, v);
}

TEST(Matcher, EqualityMatchers) {
  EXPECT_TRUE(Must(MatchType::kEqual, "job", "node").Matches("node"));
  EXPECT_FALSE(Must(MatchType::kEqual, "job", "node").Matches("nodes"));
  EXPECT_TRUE(Must(MatchType::kNotEqual, "job", "node").Matches(""));
  EXPECT_TRUE(Must(MatchType::kEqual, "job", "").MatchesEmpty());
}

TEST(Matcher, RegexIsFullyAnchored) {
  const Matcher m = Must(MatchType::kRegexMatch, "job", "no.e");
  EXPECT_TRUE(m.Matches("node"));
  EXPECT_FALSE(m.Matches("a node"));
  EXPECT_FALSE(m.Matches("nodes"));
  EXPECT_FALSE(Must(MatchType::kRegexNoMatch, "job", "no.e").Matches("node"));
  EXPECT_TRUE(Must(MatchType::kRegexNoMatch, "job", "no.e").Matches("nodes"));
}

TEST(Matcher, DotMatchesNewlineAsInPrometheus3) {
  EXPECT_TRUE(Must(MatchType::kRegexMatch, "msg", "a.b").Matches("a\nb"));
  EXPECT_TRUE(Must(MatchType::kRegexMatch, "msg", ".*").Matches("x\ny"));
}

TEST(Matcher, LiteralAlternationFastPath) {
  const Matcher m = Must(MatchType::kRegexMatch, "job", "node|api|node");
  ASSERT_TRUE(m.set_values().has_value());
  EXPECT_THAT(*m.set_values(), ElementsAre("api", "node"));
  EXPECT_TRUE(m.Matches("api"));
  EXPECT_FALSE(m.Matches("ap"));
  EXPECT_FALSE(m.MatchesEmpty());
  // An empty alternative matches the empty string, as the regex would.
  EXPECT_TRUE(Must(MatchType::kRegexMatch, "job", "a|").MatchesEmpty());
}

TEST(Matcher, PrefixFastPathAgreesWithRegex) {
  const Matcher m = Must(MatchType::kRegexMatch, "__name__", "node_cpu.*");
  EXPECT_EQ(m.literal_prefix(), "node_cpu");
  EXPECT_TRUE(m.Matches("node_cpu_seconds_total"));
  EXPECT_TRUE(m.Matches("node_cpu"));
  EXPECT_TRUE(m.Matches("node_cpu\nx"));
  EXPECT_FALSE(m.Matches("xnode_cpu"));
  EXPECT_FALSE(Must(MatchType::kRegexMatch, "a", "b.+").set_values().has_value());
}

TEST(Matcher, EmptyMatchingDecidesMissingLabels) {
  EXPECT_TRUE(Must(MatchType::kRegexMatch, "x", ".*").MatchesEmpty());
  EXPECT_FALSE(Must(MatchType::kRegexMatch, "x", ".+").MatchesEmpty());
  EXPECT_TRUE(Must(MatchType::kRegexNoMatch, "x", ".+").MatchesEmpty());
}

TEST(Matcher, BadRegexGivesGoMessage) {
  auto m = Matcher::Create(MatchType::kRegexMatch, "job", "(");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "error parsing regexp: missing closing ): `(`");
  EXPECT_FALSE(Matcher::Create(MatchType::kRegexNoMatch, "job", "a**").ok());
  EXPECT_FALSE(Matcher::Create(MatchType::kRegexMatch, "job", "[z-a]").ok());
}

TEST(Matcher, UnexpectedParenQuotesWholeRegex) {
  auto m = Matcher::Create(MatchType::kRegexMatch, "job", "ab)c");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "error parsing regexp: unexpected ): `ab)c`");
}

TEST(Matcher, ToString) {
  EXPECT_EQ(Must(MatchType::kRegexNoMatch, "path", "/a\"").ToString(), R"(path!~"/a\"")");
  EXPECT_EQ(Must(MatchType::kEqual, "job", "x").ToString(), R"(job="x")");
}

}  // namespace
}  // namespace sextant::model
