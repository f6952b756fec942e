#include "tsdb/mem_storage.h"

#include <cmath>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sextant::tsdb {
namespace {

using ::testing::ElementsAre;

model::Labels L(std::string_view name, std::string_view job) {
  return model::Labels::FromPairs({{"__name__", name}, {"job", job}});
}

TEST(MemStorage, AppendErrorsMatchPrometheus) {
  MemStorage st;
  auto app = st.NewAppender();
  ASSERT_TRUE(app->Append(0, L("up", "a"), 10, 1).ok());
  ASSERT_TRUE(app->Commit().ok());
  app = st.NewAppender();
  EXPECT_EQ(AppendErrorOf(app->Append(0, L("up", "a"), 5, 1).status()), AppendError::kOutOfOrder);
  EXPECT_EQ(AppendErrorOf(app->Append(0, L("up", "a"), 10, 2).status()), AppendError::kDuplicate);
  EXPECT_TRUE(app->Append(0, L("up", "a"), 10, 1).ok());  // same value: accepted
  EXPECT_EQ(app->Append(0, model::Labels(), 10, 1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(MemStorage, CommitMakesVisibleRollbackDiscards) {
  MemStorage st;
  auto app = st.NewAppender();
  ASSERT_TRUE(app->Append(0, L("up", "a"), 10, 1).ok());
  auto q = *st.NewQuerier(0, 100);
  auto m = *model::Matcher::Create(model::MatchType::kEqual, "__name__", "up");
  EXPECT_FALSE(q->Select(std::span(&m, 1))->Next());
  app->Rollback();
  app = st.NewAppender();
  ASSERT_TRUE(app->Append(0, L("up", "a"), 20, model::StaleNaN()).ok());
  ASSERT_TRUE(app->Commit().ok());
  auto set = (*st.NewQuerier(0, 100))->Select(std::span(&m, 1));
  ASSERT_TRUE(set->Next());
  std::vector<model::Sample> got;
  auto it = set->At().Iterator();
  ASSERT_TRUE(ReadAll(*it, &got).ok());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(model::IsStaleNaN(got[0].v));
}

TEST(MemStorage, LabelNamesAndValuesHonourMatchersAndRange) {
  MemStorage st;
  ASSERT_TRUE(st.Add(L("up", "a"), 10, 1).ok());
  ASSERT_TRUE(st.Add(L("up", "b"), 50, 1).ok());
  ASSERT_TRUE(st.Add(model::Labels::FromPairs({{"__name__", "x"}, {"zone", "z"}}), 10, 1).ok());
  auto q = *st.NewQuerier(0, 20);
  EXPECT_THAT(*q->LabelValues("job", {}), ElementsAre("a"));
  EXPECT_THAT(*q->LabelNames({}), ElementsAre("__name__", "job", "zone"));
  auto m = *model::Matcher::Create(model::MatchType::kEqual, "__name__", "x");
  EXPECT_THAT(*q->LabelNames(std::span(&m, 1)), ElementsAre("__name__", "zone"));
  EXPECT_EQ(st.StartTime(), 10);
}

}  // namespace
}  // namespace sextant::tsdb
