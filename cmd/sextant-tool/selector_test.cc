#include "cmd/sextant-tool/selector.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sextant::tool {
namespace {

std::vector<std::string> Parse(std::string_view text) {
  auto m = ParseSeriesSelector(text);
  EXPECT_TRUE(m.ok()) << text << ": " << m.status();
  std::vector<std::string> out;
  if (m.ok()) {
    for (const model::Matcher& x : *m) out.push_back(x.ToString());
  }
  return out;
}

std::string Error(std::string_view text) {
  auto m = ParseSeriesSelector(text);
  EXPECT_FALSE(m.ok()) << text;
  return std::string(m.status().message());
}

using ::testing::ElementsAre;

TEST(ParseSeriesSelector, Forms) {
  EXPECT_THAT(Parse("up"), ElementsAre("__name__=\"up\""));
  EXPECT_THAT(Parse("a:b_c{}"), ElementsAre("__name__=\"a:b_c\""));
  EXPECT_THAT(Parse(" a { x = \"1\" , y!~'z.*' , } "),
              ElementsAre("__name__=\"a\"", "x=\"1\"", "y!~\"z.*\""));
  EXPECT_THAT(Parse("{__name__=~'(?s:.*)'}"), ElementsAre("__name__=~\"(?s:.*)\""));
  EXPECT_THAT(Parse("{a!=`raw\\n`}"), ElementsAre("a!=\"raw\\\\n\""));
  EXPECT_THAT(Parse("{a=\"\\u0031\\x32\\063\\\"\\n\"}"), ElementsAre("a=\"123\\\"\\n\""));
  EXPECT_THAT(Parse("{}"), ElementsAre());
}

TEST(ParseSeriesSelector, PromQLErrors) {
  EXPECT_EQ(Error(""), "1:1: parse error: unexpected end of input");
  EXPECT_EQ(Error("bad{"), "1:5: parse error: unexpected end of input inside braces");
  EXPECT_EQ(Error("{x=\"1\""), "1:7: parse error: unexpected end of input inside braces");
  EXPECT_EQ(Error("{,x=\"1\"}"),
            "1:2: parse error: unexpected \",\" in label matching, expected identifier or \"}\"");
  EXPECT_EQ(Error("{x}"),
            "1:3: parse error: unexpected \"}\" in label matching, expected label matching "
            "operator");
  EXPECT_EQ(Error("{x=}"), "1:4: parse error: unexpected \"}\" in label matching, expected string");
  EXPECT_EQ(Error("{1=\"a\"}"), "1:2: parse error: unexpected character inside braces: '1'");
  EXPECT_EQ(Error("a b"), "1:3: parse error: unexpected identifier \"b\"");
  EXPECT_EQ(Error("a{x=\"1\"}[5m]"), "1:9: parse error: unexpected \"[\"");
  EXPECT_EQ(Error("sum(a)"), "1:4: parse error: unexpected \"(\"");
  EXPECT_EQ(Error("{x=\"\\q\"}"), "1:4: parse error: unknown escape sequence U+0071 'q'");
  EXPECT_THAT(Error("{x=~\"(\"}"), ::testing::StartsWith("1:2: parse error: error parsing regexp"));
}

}  // namespace
}  // namespace sextant::tool
