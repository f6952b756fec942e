#include "tsdb/tombstones.h"

#include <cstdint>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sextant::tsdb {
namespace {

using ::testing::ElementsAre;

TEST(Intervals, AddMergesOverlappingAndAdjacent) {
  Intervals iv;
  iv.Add({10, 20});
  iv.Add({30, 40});
  iv.Add({21, 25});  // adjacent to the first
  EXPECT_THAT(iv.list(), ElementsAre(Interval{10, 25}, Interval{30, 40}));
  iv.Add({0, 35});
  EXPECT_THAT(iv.list(), ElementsAre(Interval{0, 40}));
  iv.Add({50, 40});  // empty: ignored
  EXPECT_THAT(iv.list(), ElementsAre(Interval{0, 40}));
}

TEST(Intervals, ContainsAndCovers) {
  Intervals iv;
  iv.Add({10, 20});
  iv.Add({INT64_MIN, -5});
  EXPECT_TRUE(iv.Contains(10));
  EXPECT_TRUE(iv.Contains(20));
  EXPECT_FALSE(iv.Contains(21));
  EXPECT_TRUE(iv.Contains(INT64_MIN));
  EXPECT_FALSE(iv.Contains(0));
  EXPECT_TRUE(iv.Covers(12, 18));
  EXPECT_FALSE(iv.Covers(5, 18));
}

TEST(Intervals, ExtremesDoNotOverflow) {
  Intervals iv;
  iv.Add({0, INT64_MAX});
  iv.Add({INT64_MIN, -1});
  EXPECT_THAT(iv.list(), ElementsAre(Interval{INT64_MIN, INT64_MAX}));
}

}  // namespace
}  // namespace sextant::tsdb
