#include "tsdb/head/head.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <random>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tsdb/mem_storage.h"
#include "tsdb/testing.h"
#include "tsdb/wal/reader.h"
#include "tsdb/wal/wal.h"
#include "util/env.h"

namespace sextant::tsdb::head {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

model::Labels L(std::string_view name, std::string_view instance) {
  return model::Labels::FromPairs({{"__name__", name}, {"instance", instance}});
}

model::Matcher Eq(std::string_view name, std::string_view value) {
  return *model::Matcher::Create(model::MatchType::kEqual, name, value);
}

// Every series matching `m` in [mint, maxt] with its samples, rendered for comparison.
testing::SelectedSeries Read(Storage& st, int64_t mint, int64_t maxt,
                             std::vector<model::Matcher> m) {
  return testing::SelectAll(st, mint, maxt, m);
}

TEST(Head, AppendCommitQuery) {
  Head head({});
  auto app = head.NewAppender();
  auto ref = app->Append(0, L("up", "a"), 1000, 1);
  ASSERT_TRUE(ref.ok());
  ASSERT_TRUE(app->Append(*ref, L("up", "a"), 2000, 0).ok());
  ASSERT_TRUE(app->Append(0, L("up", "b"), 1000, 1).ok());
  // Nothing visible before commit.
  EXPECT_THAT(Read(head, 0, 10000, {Eq("__name__", "up")}), IsEmpty());
  ASSERT_TRUE(app->Commit().ok());
  auto got = Read(head, 0, 10000, {Eq("__name__", "up")});
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].first, R"({__name__="up", instance="a"})");
  EXPECT_THAT(got[0].second, ElementsAre(model::Sample{1000, 1}, model::Sample{2000, 0}));
  EXPECT_EQ(head.num_series(), 2u);
  EXPECT_EQ(head.min_time(), 1000);
  EXPECT_EQ(head.max_time(), 2000);
}

TEST(Head, AppendErrors) {
  Head head({});
  auto app = head.NewAppender();
  ASSERT_TRUE(app->Append(0, L("up", "a"), 10'000'000, 1).ok());
  ASSERT_TRUE(app->Commit().ok());
  app = head.NewAppender();
  EXPECT_EQ(AppendErrorOf(app->Append(0, L("up", "a"), 9'999'999, 1).status()),
            AppendError::kOutOfOrder);
  EXPECT_EQ(AppendErrorOf(app->Append(0, L("up", "a"), 10'000'000, 2).status()),
            AppendError::kDuplicate);
  EXPECT_TRUE(app->Append(0, L("up", "a"), 10'000'000, 1).ok());
  // More than half a chunk range (1h) behind the newest sample: out of bounds.
  EXPECT_EQ(AppendErrorOf(app->Append(0, L("up", "z"), 10'000'000 - 3'600'001, 1).status()),
            AppendError::kOutOfBounds);
  // Within one appender, order is checked against the pending samples too.
  ASSERT_TRUE(app->Append(0, L("up", "b"), 9'000'000, 1).ok());
  EXPECT_EQ(AppendErrorOf(app->Append(0, L("up", "b"), 8'999'999, 1).status()),
            AppendError::kOutOfOrder);
  EXPECT_EQ(app->Append(0, model::Labels(), 9'000'000, 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(app->Commit().ok());
}

TEST(Head, StaleMarkersNaNAndInfinitiesRoundTrip) {
  Head head({});
  auto app = head.NewAppender();
  const double values[] = {model::StaleNaN(),
                           std::numeric_limits<double>::quiet_NaN(),
                           std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity(),
                           -0.0,
                           1e300};
  int64_t t = 0;
  for (double v : values) ASSERT_TRUE(app->Append(0, L("x", "a"), t += 1000, v).ok());
  ASSERT_TRUE(app->Commit().ok());
  auto got = Read(head, 0, t, {Eq("__name__", "x")});
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].second.size(), std::size(values));
  for (size_t i = 0; i < std::size(values); ++i) {
    EXPECT_EQ(std::bit_cast<uint64_t>(got[0].second[i].v), std::bit_cast<uint64_t>(values[i]));
  }
  EXPECT_TRUE(model::IsStaleNaN(got[0].second[0].v));
}

TEST(Head, ChunksAreCutAt120SamplesAndAtRangeBoundaries) {
  Head head({});
  auto app = head.NewAppender();
  // 15s interval from just before a 2h boundary: 300 samples.
  int64_t start = 2 * 3600 * 1000 - 100 * 15000;
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(app->Append(0, L("x", "a"), start + i * 15000, i).ok());
  ASSERT_TRUE(app->Commit().ok());
  auto data = head.SeriesInRange(INT64_MIN, INT64_MAX);
  ASSERT_EQ(data.size(), 1u);
  // 100 samples before the boundary (one chunk), then 120 + 80 after it.
  ASSERT_EQ(data[0].chunks->chunks.size(), 3u);
  EXPECT_LT(data[0].chunks->chunks[0].maxt, 2 * 3600 * 1000);
  EXPECT_EQ(data[0].chunks->chunks[1].mint, 2 * 3600 * 1000);
}

TEST(Head, RangeRestrictionAndSeek) {
  Head head({});
  auto app = head.NewAppender();
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(app->Append(0, L("x", "a"), i * 10, i).ok());
  ASSERT_TRUE(app->Commit().ok());
  auto got = Read(head, 995, 2005, {Eq("__name__", "x")});
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].second.size(), 101u);
  EXPECT_EQ(got[0].second.front().t, 1000);
  EXPECT_EQ(got[0].second.back().t, 2000);
  auto q = *head.NewQuerier(0, 100000);
  auto m = Eq("__name__", "x");
  auto set = q->Select(std::span(&m, 1));
  ASSERT_TRUE(set->Next());
  auto it = set->At().Iterator();
  ASSERT_TRUE(it->Seek(5555));
  EXPECT_EQ(it->t(), 5560);
  ASSERT_TRUE(it->Seek(10));  // never backwards
  EXPECT_EQ(it->t(), 5560);
  EXPECT_FALSE(it->Seek(10000));
}

TEST(Head, LabelNamesAndValues) {
  Head head({});
  auto app = head.NewAppender();
  ASSERT_TRUE(app->Append(0, L("up", "a"), 1000, 1).ok());
  ASSERT_TRUE(
      app->Append(0, model::Labels::FromPairs({{"__name__", "y"}, {"zone", "eu"}}), 1000, 1).ok());
  ASSERT_TRUE(app->Commit().ok());
  auto q = *head.NewQuerier(0, 2000);
  EXPECT_THAT(*q->LabelNames({}), ElementsAre("__name__", "instance", "zone"));
  EXPECT_THAT(*q->LabelValues("__name__", {}), ElementsAre("up", "y"));
  auto m = Eq("__name__", "y");
  EXPECT_THAT(*q->LabelNames(std::span(&m, 1)), ElementsAre("__name__", "zone"));
  auto far = *head.NewQuerier(5000, 6000);
  EXPECT_THAT(*far->LabelNames({}), IsEmpty());
}

TEST(Head, DeleteHidesSamplesAndTruncateCollectsSeries) {
  Head head({});
  auto app = head.NewAppender();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(app->Append(0, L("x", "a"), i * 1000, i).ok());
    ASSERT_TRUE(app->Append(0, L("x", "b"), i * 1000, i).ok());
  }
  ASSERT_TRUE(app->Commit().ok());
  std::vector<model::Matcher> m = {Eq("instance", "a")};
  ASSERT_EQ(*head.Delete(2000, 7000, m), 1u);
  auto got = Read(head, 0, 100000, {Eq("__name__", "x")});
  ASSERT_EQ(got.size(), 2u);
  EXPECT_THAT(got[0].second, ElementsAre(model::Sample{0, 0}, model::Sample{1000, 1},
                                         model::Sample{8000, 8}, model::Sample{9000, 9}));
  EXPECT_EQ(got[1].second.size(), 10u);
  // Deleting everything of a series hides it.
  ASSERT_EQ(*head.Delete(INT64_MIN, INT64_MAX, m), 1u);
  EXPECT_EQ(Read(head, 0, 100000, {Eq("__name__", "x")}).size(), 1u);
  // Truncation past all data removes both series from the index.
  EXPECT_EQ(head.Truncate(2 * 3600 * 1000), 2u);
  EXPECT_EQ(head.num_series(), 0u);
  EXPECT_THAT(head.postings().LabelNames(), IsEmpty());
  EXPECT_EQ(head.symbols().size(), 0u);
  EXPECT_EQ(head.min_valid_time(), 2 * 3600 * 1000);
}

TEST(Head, TruncationWaitsForOpenAppenders) {
  Head head({});
  auto app = head.NewAppender();
  ASSERT_TRUE(app->Append(0, L("x", "a"), 1000, 1).ok());
  ASSERT_TRUE(app->Commit().ok());
  auto open = head.NewAppender();
  ASSERT_TRUE(open->Append(0, L("x", "b"), 2'000'000, 1).ok());
  // x/b exists but has no data yet; garbage collection must not take it from under `open`.
  std::atomic<bool> truncated{false};
  size_t removed = 0;
  std::thread gc([&] {
    removed = head.Truncate(1'000'000);
    truncated = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(truncated.load());
  ASSERT_TRUE(open->Commit().ok());
  gc.join();
  EXPECT_EQ(removed, 1u);  // x/a only
  EXPECT_EQ(head.num_series(), 1u);
  EXPECT_EQ(Read(head, 0, INT64_MAX, {Eq("__name__", "x")}).size(), 1u);
}

// The head against the trivially correct MemStorage on random appends and random queries.
TEST(Head, AgreesWithMemStorageOnRandomData) {
  Head head({});
  MemStorage oracle;
  std::mt19937_64 rng(42);
  for (int round = 0; round < 50; ++round) {
    auto a = head.NewAppender();
    auto b = oracle.NewAppender();
    for (int i = 0; i < 200; ++i) {
      auto labels = L("m" + std::to_string(rng() % 3), std::to_string(rng() % 7));
      int64_t t = round * 10000 + static_cast<int64_t>(rng() % 10000);
      double v = static_cast<double>(rng() % 100) / 4;
      auto ra = a->Append(0, labels, t, v);
      auto rb = b->Append(0, labels, t, v);
      // The head checks each sample against the stored data and the sample just before it in
      // the same appender; repeats further apart are dropped at commit (as in Prometheus), so
      // it may accept at Append what MemStorage refuses, but never the other way round, and
      // the committed data must be the same.
      if (rb.ok()) {
        ASSERT_TRUE(ra.ok()) << labels.ToString() << " " << ra.status();
      }
    }
    ASSERT_TRUE(a->Commit().ok());
    ASSERT_TRUE(b->Commit().ok());
  }
  for (int q = 0; q < 50; ++q) {
    int64_t mint = static_cast<int64_t>(rng() % 500000);
    int64_t maxt = mint + static_cast<int64_t>(rng() % 200000);
    std::vector<model::Matcher> m = {
        *model::Matcher::Create(model::MatchType::kRegexMatch, "instance", "[0-3]")};
    EXPECT_EQ(Read(head, mint, maxt, m), Read(oracle, mint, maxt, m));
  }
}

TEST(Head, ConcurrentAppendQueryAndTruncate) {
  Head head({});
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int round = 0; round < 400; ++round) {
      auto app = head.NewAppender();
      for (int s = 0; s < 50; ++s) {
        (void)app->Append(0, L("x", std::to_string(s)), round * 60'000, round);
      }
      ASSERT_TRUE(app->Commit().ok());
    }
    stop = true;
  });
  std::thread reader([&] {
    while (!stop) {
      auto got = Read(head, 0, INT64_MAX, {Eq("__name__", "x")});
      for (const auto& [labels, samples] : got) {
        for (size_t i = 1; i < samples.size(); ++i) ASSERT_LT(samples[i - 1].t, samples[i].t);
      }
    }
  });
  std::thread truncator([&] {
    while (!stop) {
      int64_t maxt = head.max_time();
      if (maxt > 4 * 3600 * 1000) head.Truncate(maxt - 3 * 3600 * 1000);
      std::this_thread::yield();
    }
  });
  writer.join();
  reader.join();
  truncator.join();
  EXPECT_EQ(head.num_series(), 50u);
}

}  // namespace
}  // namespace sextant::tsdb::head
