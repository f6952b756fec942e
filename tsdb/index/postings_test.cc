#include "tsdb/index/postings.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sextant::tsdb::index {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

model::Matcher M(model::MatchType type, std::string_view name, std::string_view value) {
  return *model::Matcher::Create(type, name, value);
}

class PostingsForMatchersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    p_.Add(1, model::Labels::FromPairs({{"__name__", "up"}, {"job", "node"}, {"i", "a"}}));
    p_.Add(2, model::Labels::FromPairs({{"__name__", "up"}, {"job", "app"}, {"i", "b"}}));
    p_.Add(3, model::Labels::FromPairs({{"__name__", "up"}, {"job", "api"}}));
    p_.Add(4, model::Labels::FromPairs({{"__name__", "rate"}, {"job", "node"}, {"i", "c"}}));
  }
  PostingsList Select(std::vector<model::Matcher> ms) { return PostingsForMatchers(p_, ms); }
  MemPostings p_;
};

TEST_F(PostingsForMatchersTest, Equal) {
  EXPECT_THAT(Select({M(model::MatchType::kEqual, "__name__", "up")}), ElementsAre(1, 2, 3));
  EXPECT_THAT(Select({M(model::MatchType::kEqual, "job", "nope")}), IsEmpty());
}

TEST_F(PostingsForMatchersTest, IntersectionOfSeveral) {
  EXPECT_THAT(Select({M(model::MatchType::kEqual, "__name__", "up"),
                      M(model::MatchType::kEqual, "job", "node")}),
              ElementsAre(1));
}

TEST_F(PostingsForMatchersTest, NotEqualKeepsSeriesWithoutTheLabel) {
  EXPECT_THAT(Select({M(model::MatchType::kEqual, "__name__", "up"),
                      M(model::MatchType::kNotEqual, "i", "a")}),
              ElementsAre(2, 3));
}

TEST_F(PostingsForMatchersTest, EmptyValueMeansLabelAbsent) {
  EXPECT_THAT(
      Select({M(model::MatchType::kEqual, "__name__", "up"), M(model::MatchType::kEqual, "i", "")}),
      ElementsAre(3));
  EXPECT_THAT(Select({M(model::MatchType::kNotEqual, "i", "")}), ElementsAre(1, 2, 4));
}

TEST_F(PostingsForMatchersTest, RegexAlternationPrefixAndGeneral) {
  EXPECT_THAT(Select({M(model::MatchType::kRegexMatch, "job", "node|api")}), ElementsAre(1, 3, 4));
  EXPECT_THAT(Select({M(model::MatchType::kRegexMatch, "job", "ap.*")}), ElementsAre(2, 3));
  EXPECT_THAT(Select({M(model::MatchType::kRegexMatch, "job", ".*p.*")}), ElementsAre(2, 3));
  EXPECT_THAT(Select({M(model::MatchType::kRegexMatch, "i", "a|")}), ElementsAre(1, 3));
}

TEST_F(PostingsForMatchersTest, NegativeRegex) {
  EXPECT_THAT(Select({M(model::MatchType::kEqual, "__name__", "up"),
                      M(model::MatchType::kRegexNoMatch, "job", "node|app")}),
              ElementsAre(3));
  EXPECT_THAT(Select({M(model::MatchType::kRegexNoMatch, "i", ".*")}), IsEmpty());
  EXPECT_THAT(Select({M(model::MatchType::kRegexNoMatch, "i", ".+")}), ElementsAre(3));
}

TEST_F(PostingsForMatchersTest, MatchAllRegexSelectsEverything) {
  EXPECT_THAT(Select({M(model::MatchType::kRegexMatch, "job", ".*")}), ElementsAre(1, 2, 3, 4));
  EXPECT_THAT(Select({}), ElementsAre(1, 2, 3, 4));
}

TEST(MemPostings, DeleteRemovesRefsAndEmptyValues) {
  MemPostings p;
  auto a = model::Labels::FromPairs({{"job", "x"}});
  auto b = model::Labels::FromPairs({{"job", "y"}});
  p.Add(1, a);
  p.Add(2, b);
  std::vector<std::pair<Ref, model::Labels>> del = {{1, a}};
  p.Delete(del);
  EXPECT_THAT(p.All(), ElementsAre(2));
  EXPECT_THAT(p.LabelValues("job"), ElementsAre("y"));
  p.Delete(std::vector<std::pair<Ref, model::Labels>>{{2, b}});
  EXPECT_THAT(p.LabelNames(), IsEmpty());
}

TEST(MemPostings, OutOfOrderAddStaysSorted) {
  MemPostings p;
  p.Add(5, model::Labels::FromPairs({{"a", "1"}}));
  p.Add(3, model::Labels::FromPairs({{"a", "1"}}));
  p.Add(4, model::Labels::FromPairs({{"a", "1"}}));
  EXPECT_THAT(p.Get("a", "1"), ElementsAre(3, 4, 5));
}

TEST(MemPostings, RefsBeyond32BitsKeepTheirValueAndOrder) {
  MemPostings p;
  const Ref big = (Ref{1} << 33) + 7;
  auto a = model::Labels::FromPairs({{"a", "1"}});
  p.Add(5, a);
  p.Add(big, a);
  p.Add(3, a);
  p.Add(Ref{UINT32_MAX} + 1, model::Labels::FromPairs({{"a", "2"}}));
  EXPECT_THAT(p.Get("a", "1"), ElementsAre(3, 5, big));
  EXPECT_THAT(p.Get("a", "2"), ElementsAre(Ref{UINT32_MAX} + 1));
  EXPECT_THAT(p.All(), ElementsAre(3, 5, Ref{UINT32_MAX} + 1, big));
  p.Delete(std::vector<std::pair<Ref, model::Labels>>{{big, a}});
  EXPECT_THAT(p.Get("a", "1"), ElementsAre(3, 5));
}

TEST(MemPostings, MemoryBytesCountsFourBytesPerSmallRef) {
  MemPostings p;
  const size_t empty = p.MemoryBytes();
  for (Ref r = 1; r <= 10000; ++r) p.Add(r, model::Labels::FromPairs({{"job", "node"}}));
  // Two lists of 10,000 refs (the value's and All's), with at most a third of slack each.
  const size_t lists = p.MemoryBytes() - empty;
  EXPECT_GE(lists, 2 * 10000 * sizeof(uint32_t));
  EXPECT_LE(lists, 2 * 10000 * sizeof(uint32_t) * 4 / 3 + 1024);
}

TEST(PostingsOps, IntersectUnionSubtract) {
  std::vector<PostingsList> lists = {{1, 3, 5, 7, 9}, {3, 4, 5, 9}, {0, 3, 9, 10}};
  EXPECT_THAT(Intersect(lists), ElementsAre(3, 9));
  EXPECT_THAT(Union(lists), ElementsAre(0, 1, 3, 4, 5, 7, 9, 10));
  EXPECT_THAT(Subtract(lists[0], lists[1]), ElementsAre(1, 7));
  EXPECT_THAT(Intersect({}), IsEmpty());
}

}  // namespace
}  // namespace sextant::tsdb::index
