#include "model/labels.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/container/flat_hash_set.h"

namespace sextant::model {
namespace {

using ::testing::ElementsAre;

TEST(Labels, SortsByNameAndLastDuplicateWins) {
  const Labels l = Labels::FromPairs({{"job", "node"}, {"__name__", "up"}, {"job", "api"}});
  EXPECT_THAT(std::vector<Label>(l.begin(), l.end()),
              ElementsAre(Label{"__name__", "up"}, Label{"job", "api"}));
  EXPECT_EQ(l.size(), 2u);
  EXPECT_EQ(l.MetricName(), "up");
}

TEST(Labels, GetAndHas) {
  const Labels l = Labels::FromPairs({{"a", "1"}, {"c", "3"}});
  EXPECT_EQ(l.Get("a"), "1");
  EXPECT_EQ(l.Get("b"), "");
  EXPECT_TRUE(l.Has("c"));
  EXPECT_FALSE(l.Has("b"));
  EXPECT_TRUE(Labels().empty());
}

TEST(Labels, WithoutCutsOneLabel) {
  const Labels l = Labels::FromPairs({{"__name__", "up"}, {"job", "node"}, {"a", "1"}});
  EXPECT_EQ(l.Without("__name__"), Labels::FromPairs({{"job", "node"}, {"a", "1"}}));
  EXPECT_EQ(l.Without("job"), Labels::FromPairs({{"__name__", "up"}, {"a", "1"}}));
  EXPECT_EQ(l.Without("a"), Labels::FromPairs({{"__name__", "up"}, {"job", "node"}}));
  EXPECT_EQ(l.Without("missing"), l);
  EXPECT_EQ(Labels::FromPairs({{"x", "1"}}).Without("x"), Labels());
  EXPECT_TRUE(Labels().Without("x").empty());
}

TEST(Labels, ToStringQuotesLikeGo) {
  EXPECT_EQ(Labels::FromPairs({{"__name__", "up"}, {"path", "/a\"b\n"}}).ToString(),
            R"({__name__="up", path="/a\"b\n"})");
  EXPECT_EQ(Labels().ToString(), "{}");
}

TEST(Labels, EqualityHashAndOrder) {
  const Labels a = Labels::FromPairs({{"x", "1"}, {"y", "2"}});
  const Labels b = Labels::FromPairs({{"y", "2"}, {"x", "1"}});
  const Labels c = Labels::FromPairs({{"x", "1"}, {"y", "3"}});
  const Labels d = Labels::FromPairs({{"x", "1"}});
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.Hash(), b.Hash());
  EXPECT_NE(a.Hash(), c.Hash());
  EXPECT_LT(a, c);
  EXPECT_LT(d, a);  // a prefix sorts first
  EXPECT_EQ(a.Compare(b), 0);
  EXPECT_GT(c.Compare(a), 0);
}

TEST(Labels, HashDoesNotConfuseBoundaries) {
  // "ab"="c" and "a"="bc" must differ although their concatenations agree.
  EXPECT_NE(Labels::FromPairs({{"ab", "c"}}).Hash(), Labels::FromPairs({{"a", "bc"}}).Hash());
  absl::flat_hash_set<Labels> set{Labels::FromPairs({{"ab", "c"}}),
                                  Labels::FromPairs({{"a", "bc"}})};
  EXPECT_EQ(set.size(), 2u);
}

TEST(Labels, HashForAndWithoutLabels) {
  const Labels a = Labels::FromPairs({{"__name__", "m1"}, {"job", "j"}, {"instance", "i1"}});
  const Labels b = Labels::FromPairs({{"__name__", "m2"}, {"job", "j"}, {"instance", "i2"}});
  const std::vector<std::string> job = {"job"};
  const std::vector<std::string> instance = {"instance"};
  EXPECT_EQ(a.HashForLabels(job), b.HashForLabels(job));
  EXPECT_NE(a.HashForLabels(instance), b.HashForLabels(instance));
  // without(instance) also drops __name__, so only job remains.
  EXPECT_EQ(a.HashWithoutLabels(instance), b.HashWithoutLabels(instance));
  EXPECT_NE(a.HashWithoutLabels(job), b.HashWithoutLabels(job));
}

TEST(Labels, BytesRoundTrip) {
  const Labels a = Labels::FromPairs({{"k", std::string(300, 'v')}, {"a", ""}});
  EXPECT_EQ(Labels::FromBytes(a.bytes()), a);
  EXPECT_EQ(Labels::FromBytes(a.bytes()).Get("k").size(), 300u);
}

TEST(LabelsBuilder, SetDelAndEmptyValueDeletes) {
  const Labels base = Labels::FromPairs({{"a", "1"}, {"b", "2"}});
  LabelsBuilder builder(base);
  builder.Set("c", "3").Set("a", "10").Del("b");
  EXPECT_EQ(builder.Get("a"), "10");
  EXPECT_EQ(builder.Build(), Labels::FromPairs({{"a", "10"}, {"c", "3"}}));
  builder.Set("c", "");
  EXPECT_EQ(builder.Build(), Labels::FromPairs({{"a", "10"}}));
  EXPECT_EQ(base.Get("b"), "2");  // the base is untouched
}

}  // namespace
}  // namespace sextant::model
