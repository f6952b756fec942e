#include "tsdb/merge.h"

#include <memory>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tsdb/list_series.h"

namespace sextant::tsdb {
namespace {

using ::testing::ElementsAre;

std::unique_ptr<Series> MakeSeries(std::string_view job, std::vector<model::Sample> samples) {
  return std::make_unique<ListSeries>(
      model::Labels::FromPairs({{"job", job}}),
      std::make_shared<const std::vector<model::Sample>>(std::move(samples)));
}

std::unique_ptr<SeriesSet> MakeSet(std::vector<std::unique_ptr<Series>> series) {
  return std::make_unique<ListSeriesSet>(std::move(series));
}

TEST(MergeSeriesSets, InterleavesByLabelsAndMergesSameSeries) {
  std::vector<std::unique_ptr<Series>> a, b;
  a.push_back(MakeSeries("a", {{1, 1}, {3, 3}}));
  a.push_back(MakeSeries("c", {{1, 10}}));
  b.push_back(MakeSeries("a", {{2, 2}, {3, 99}, {4, 4}}));
  b.push_back(MakeSeries("b", {{5, 5}}));
  std::vector<std::unique_ptr<SeriesSet>> sets;
  sets.push_back(MakeSet(std::move(a)));
  sets.push_back(MakeSet(std::move(b)));
  auto merged = MergeSeriesSets(std::move(sets));
  std::vector<std::string> jobs;
  std::vector<model::Sample> first;
  while (merged->Next()) {
    jobs.emplace_back(merged->At().labels().Get("job"));
    if (jobs.size() == 1) {
      auto it = merged->At().Iterator();
      ASSERT_TRUE(ReadAll(*it, &first).ok());
    }
  }
  ASSERT_TRUE(merged->status().ok());
  EXPECT_THAT(jobs, ElementsAre("a", "b", "c"));
  // On the shared timestamp 3 the first set's value wins.
  EXPECT_THAT(first, ElementsAre(model::Sample{1, 1}, model::Sample{2, 2}, model::Sample{3, 3},
                                 model::Sample{4, 4}));
}

TEST(MergeIterators, SeekNeverMovesBackwards) {
  std::vector<std::unique_ptr<SeriesIterator>> its;
  its.push_back(
      std::make_unique<ListSeriesIterator>(std::make_shared<const std::vector<model::Sample>>(
          std::vector<model::Sample>{{1, 1}, {5, 5}, {9, 9}})));
  its.push_back(
      std::make_unique<ListSeriesIterator>(std::make_shared<const std::vector<model::Sample>>(
          std::vector<model::Sample>{{2, 2}, {6, 6}})));
  auto it = MergeIterators(std::move(its));
  ASSERT_TRUE(it->Seek(5));
  EXPECT_EQ(it->t(), 5);
  ASSERT_TRUE(it->Seek(3));
  EXPECT_EQ(it->t(), 5);
  ASSERT_TRUE(it->Next());
  EXPECT_EQ(it->t(), 6);
  ASSERT_TRUE(it->Next());
  EXPECT_EQ(it->t(), 9);
  EXPECT_FALSE(it->Next());
}

TEST(ListSeries, RestrictsToRange) {
  ListSeries s(model::Labels::FromPairs({{"a", "b"}}),
               std::make_shared<const std::vector<model::Sample>>(
                   std::vector<model::Sample>{{1, 1}, {2, 2}, {3, 3}, {4, 4}}),
               2, 3);
  std::vector<model::Sample> got;
  auto it = s.Iterator();
  ASSERT_TRUE(ReadAll(*it, &got).ok());
  EXPECT_THAT(got, ElementsAre(model::Sample{2, 2}, model::Sample{3, 3}));
}

}  // namespace
}  // namespace sextant::tsdb
