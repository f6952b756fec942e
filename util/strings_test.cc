#include "util/strings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sextant::util {
namespace {

using ::testing::ElementsAre;

TEST(StrCat, MixesTextNumbersAndChars) {
  const std::string s = "str";
  const std::string_view v = "view";
  EXPECT_EQ(StrCat(s, '-', v, ":", 42, " ", -7LL, " ", 2.5, " ", size_t{3}),
            "str-view:42 -7 2.5 3");
  std::string out = "a";
  StrAppend(&out, "b", 1);
  EXPECT_EQ(out, "ab1");
}

TEST(StrSplit, KeepsEmptyPieces) {
  EXPECT_THAT(StrSplit("a|b||c", '|'), ElementsAre("a", "b", "", "c"));
  EXPECT_THAT(StrSplit("", '|'), ElementsAre(""));
}

TEST(AsciiLower, LowersAsciiOnly) {
  EXPECT_EQ(AsciiLower("X-Scope-OrgID \xc3\x89"), "x-scope-orgid \xc3\x89");
}

TEST(StrJoin, JoinsAnyRange) {
  EXPECT_EQ(StrJoin(std::vector<std::string>{"a", "b"}, ", "), "a, b");
  EXPECT_EQ(StrJoin(std::vector<std::string>{}, ", "), "");
}

}  // namespace
}  // namespace sextant::util
