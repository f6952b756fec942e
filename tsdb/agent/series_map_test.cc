#include "tsdb/agent/series_map.h"

#include "gtest/gtest.h"

namespace sextant::tsdb::agent {
namespace {

model::Labels L(std::string_view v) { return model::Labels::FromPairs({{"a", v}}); }

TEST(SeriesMap, GetOrCreateAssignsIncreasingRefsOnce) {
  SeriesMap m;
  auto a = m.GetOrCreate(0, L("1"));
  auto b = m.GetOrCreate(0, L("2"));
  auto a2 = m.GetOrCreate(0, L("1"));
  EXPECT_TRUE(a.created);
  EXPECT_TRUE(b.created);
  EXPECT_FALSE(a2.created);
  EXPECT_EQ(a2.ref, a.ref);
  EXPECT_LT(a.ref, b.ref);
  EXPECT_EQ(m.size(), 2u);
}

TEST(SeriesMap, LastTimestampOnlyMovesForward) {
  SeriesMap m;
  uint64_t ref = m.GetOrCreate(0, L("1")).ref;
  EXPECT_TRUE(m.UpdateLastTimestamp(ref, 10));
  EXPECT_FALSE(m.UpdateLastTimestamp(ref, 10));
  EXPECT_FALSE(m.UpdateLastTimestamp(ref, 5));
  EXPECT_EQ(m.GetOrCreate(ref, L("1")).last_ts, 10);
  EXPECT_FALSE(m.UpdateLastTimestamp(12345, 1));  // unknown ref
}

TEST(SeriesMap, ReplayKeepsFirstRefOfLabelsAndAdvancesNextRef) {
  SeriesMap m;
  EXPECT_EQ(m.AddForReplay(7, L("1")), 7u);
  EXPECT_EQ(m.AddForReplay(9, L("1")), 7u);
  EXPECT_EQ(m.GetOrCreate(0, L("2")).ref, 10u);
}

TEST(SeriesMap, GcDropsInactiveSparesFreshOnce) {
  SeriesMap m;
  uint64_t old_ref = m.GetOrCreate(0, L("old")).ref;
  uint64_t new_ref = m.GetOrCreate(0, L("new")).ref;
  uint64_t fresh = m.GetOrCreate(0, L("fresh")).ref;
  ASSERT_TRUE(m.UpdateLastTimestamp(old_ref, 100));
  ASSERT_TRUE(m.UpdateLastTimestamp(new_ref, 1000));
  EXPECT_EQ(m.GC(500), std::vector<uint64_t>{old_ref});
  EXPECT_FALSE(m.Has(old_ref));
  EXPECT_TRUE(m.Has(fresh));  // created but not committed yet: spared once
  EXPECT_EQ(m.GC(500), std::vector<uint64_t>{fresh});
  // The labels can come back, under a new ref.
  auto again = m.GetOrCreate(0, L("old"));
  EXPECT_TRUE(again.created);
  EXPECT_GT(again.ref, fresh);
  EXPECT_EQ(m.size(), 2u);
}

}  // namespace
}  // namespace sextant::tsdb::agent
