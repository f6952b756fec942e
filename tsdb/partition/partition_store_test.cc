#include "tsdb/partition/partition_store.h"

#include <filesystem>
#include <limits>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "tsdb/partition/keys.h"
#include "tsdb/partition/partition_writer.h"
#include "tsdb/partition/values.h"
#include "tsdb/testing.h"

namespace sextant::tsdb::partition {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class PartitionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sextant_partition_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    store_.reset();
    auto s = PartitionStore::Open(dir_.string());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }

  static SeriesSamples Series(std::string_view job, std::string_view instance, int64_t from, int n,
                              int64_t step = 15000) {
    SeriesSamples s;
    s.labels = model::Labels::FromPairs({{"__name__", "up"}, {"job", job}, {"instance", instance}});
    for (int i = 0; i < n; ++i) s.samples.push_back({from + i * step, static_cast<double>(i)});
    return s;
  }

  testing::SelectedSeries Select(int64_t mint, int64_t maxt, std::vector<model::Matcher> m) {
    auto q = store_->NewQuerier(mint, maxt);
    EXPECT_TRUE(q.ok());
    return q.ok() ? testing::SelectAll(**q, m) : testing::SelectedSeries();
  }

  static model::Matcher Eq(std::string_view n, std::string_view v) {
    return *model::Matcher::Create(model::MatchType::kEqual, n, v);
  }

  std::filesystem::path dir_;
  std::unique_ptr<PartitionStore> store_;
};

constexpr int64_t kH = 3600 * 1000;

TEST_F(PartitionStoreTest, WriteListSelectAcrossReopen) {
  std::vector<SeriesSamples> series = {Series("api", "a", 0, 480), Series("api", "b", 0, 10),
                                       Series("node", "a", 60000, 100)};
  std::sort(series.begin(), series.end(),
            [](const auto& x, const auto& y) { return x.labels < y.labels; });
  auto meta = store_->Write(0, 2 * kH, series);
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(meta->num_series, 3u);
  EXPECT_EQ(meta->num_samples, 590u);
  EXPECT_EQ(meta->min_time, 0);
  EXPECT_EQ(meta->max_time, 479 * 15000);
  Reopen();
  auto list = store_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].Name(), "0-7200000");
  auto got = Select(0, 2 * kH, {Eq("job", "api")});
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].first, R"({__name__="up", instance="a", job="api"})");
  EXPECT_EQ(got[0].second.size(), 480u);
  EXPECT_EQ(got[1].second.size(), 10u);
  // Range restriction at series and sample level.
  got = Select(15000, 30000, {Eq("__name__", "up")});
  ASSERT_EQ(got.size(), 2u);  // node/a starts at 60s
  EXPECT_THAT(got[0].second, ElementsAre(model::Sample{15000, 1}, model::Sample{30000, 2}));
  EXPECT_THAT(Select(3 * kH, 4 * kH, {Eq("__name__", "up")}), IsEmpty());
}

TEST_F(PartitionStoreTest, WriteRejectsTakenRange) {
  std::vector<SeriesSamples> s = {Series("a", "a", 0, 1)};
  ASSERT_TRUE(store_->Write(0, 2 * kH, s).ok());
  EXPECT_EQ(store_->Write(0, 2 * kH, s).status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(PartitionStoreTest, LabelNamesAndValues) {
  std::vector<SeriesSamples> s = {Series("api", "a", 0, 3), Series("node", "b", 0, 3)};
  s.push_back({model::Labels::FromPairs({{"__name__", "x"}, {"zone", "eu"}}), {{5, 1}}});
  std::sort(s.begin(), s.end(), [](const auto& x, const auto& y) { return x.labels < y.labels; });
  ASSERT_TRUE(store_->Write(0, 2 * kH, s).ok());
  auto q = *store_->NewQuerier(0, 2 * kH);
  EXPECT_THAT(*q->LabelNames({}), ElementsAre("__name__", "instance", "job", "zone"));
  EXPECT_THAT(*q->LabelValues("job", {}), ElementsAre("api", "node"));
  auto m = Eq("__name__", "x");
  EXPECT_THAT(*q->LabelNames(std::span(&m, 1)), ElementsAre("__name__", "zone"));
  auto re = *model::Matcher::Create(model::MatchType::kRegexMatch, "job", "no.*");
  EXPECT_THAT(*q->LabelValues("instance", std::span(&re, 1)), ElementsAre("b"));
}

TEST_F(PartitionStoreTest, MergeCombinesPartitionsAndDropsInputs) {
  for (int i = 0; i < 3; ++i) {
    std::vector<SeriesSamples> s = {Series("api", "a", i * 2 * kH, 480)};
    if (i == 1) s.push_back(Series("api", "z", i * 2 * kH, 5));
    ASSERT_TRUE(store_->Write(i * 2 * kH, (i + 1) * 2 * kH, s).ok());
  }
  auto inputs = *store_->List();
  auto merged = store_->Merge(inputs, 0, 24 * kH);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->num_series, 2u);
  EXPECT_EQ(merged->num_samples, 3u * 480 + 5);
  EXPECT_EQ(merged->level, 2u);
  auto list = *store_->List();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].end, 24 * kH);
  auto got = Select(0, 24 * kH, {Eq("instance", "a")});
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].second.size(), 3u * 480);
  for (size_t i = 1; i < got[0].second.size(); ++i) {
    ASSERT_LT(got[0].second[i - 1].t, got[0].second[i].t);
  }
}

TEST_F(PartitionStoreTest, TombstonesHideThenCleanRemoves) {
  std::vector<SeriesSamples> s = {Series("api", "a", 0, 10, 1000), Series("api", "b", 0, 10, 1000)};
  ASSERT_TRUE(store_->Write(0, 2 * kH, s).ok());
  std::vector<model::Matcher> m = {Eq("instance", "a")};
  ASSERT_EQ(*store_->Delete(2000, 7000, m), 1u);
  auto got = Select(0, 2 * kH, {Eq("__name__", "up")});
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].second.size(), 4u);
  ASSERT_TRUE(store_->CleanTombstones().ok());
  EXPECT_FALSE((*store_->List())[0].has_tombstones);
  EXPECT_EQ((*store_->List())[0].num_samples, 14u);
  got = Select(0, 2 * kH, {Eq("__name__", "up")});
  EXPECT_EQ(got[0].second.size(), 4u);
  // Deleting all of a series removes it from results.
  ASSERT_EQ(*store_->Delete(INT64_MIN, INT64_MAX, m), 1u);
  EXPECT_EQ(Select(0, 2 * kH, {Eq("__name__", "up")}).size(), 1u);
  ASSERT_TRUE(store_->CleanTombstones().ok());
  EXPECT_EQ(Select(0, 2 * kH, {Eq("__name__", "up")}).size(), 1u);
}

TEST_F(PartitionStoreTest, OpenRemovesUnfinishedAndSupersededPartitions) {
  {
    // What a crash in the middle of a write leaves: the "writing" catalog entry and some data.
    PartitionMeta writing;
    writing.start = 0;
    writing.end = 2 * kH;
    writing.complete = false;
    ASSERT_TRUE(store_->db()
                    ->Put(rocksdb::WriteOptions(), store_->catalog(), CatalogKey(0, 2 * kH),
                          EncodeMeta(writing))
                    .ok());
    ASSERT_TRUE(
        store_->db()->Put(rocksdb::WriteOptions(), SeriesKey(0, 2 * kH, kLabelsTag, 0), "x").ok());
    ASSERT_TRUE(store_->db()->Flush(rocksdb::FlushOptions()).ok());
  }
  // A merge that crashed after writing its output but before dropping its inputs.
  std::vector<SeriesSamples> s = {Series("x", "y", 2 * kH, 3)};
  ASSERT_TRUE(store_->Write(2 * kH, 4 * kH, s).ok());
  ASSERT_TRUE(store_->Write(0, 24 * kH, s).ok());
  Reopen();
  auto list = *store_->List();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].end, 24 * kH);
  std::string value;
  EXPECT_TRUE(store_->db()
                  ->Get(rocksdb::ReadOptions(), store_->catalog(), CatalogKey(0, 2 * kH), &value)
                  .IsNotFound());
  EXPECT_TRUE(store_->db()
                  ->Get(rocksdb::ReadOptions(), SeriesKey(0, 2 * kH, kLabelsTag, 0), &value)
                  .IsNotFound());
}

TEST_F(PartitionStoreTest, AbandonedWriterRemovesWhatItWrote) {
  {
    auto w = PartitionWriter::Begin(store_->db(), store_->catalog(), 0, 2 * kH, 1);
    ASSERT_TRUE(w.ok());
    std::vector<model::Sample> samples = {{1, 1}};
    ASSERT_TRUE((*w)->Add(model::Labels::FromPairs({{"a", "b"}}), samples).ok());
  }  // destroyed without Finish()
  std::string value;
  EXPECT_TRUE(store_->db()
                  ->Get(rocksdb::ReadOptions(), store_->catalog(), CatalogKey(0, 2 * kH), &value)
                  .IsNotFound());
  EXPECT_TRUE(store_->List()->empty());
  // The range is free again.
  std::vector<SeriesSamples> s = {Series("a", "b", 0, 3)};
  EXPECT_TRUE(store_->Write(0, 2 * kH, s).ok());
}

TEST_F(PartitionStoreTest, DropFreesSpaceAndCheckpointIsUsable) {
  std::vector<SeriesSamples> s;
  // Noisy values, so the data does not compress to nothing.
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 2000; ++i) {
    s.push_back(Series("job", "i" + std::to_string(10000 + i), 0, 480));
    for (auto& sample : s.back().samples) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      sample.v = static_cast<double>(x % 1000000) / 7;
    }
  }
  ASSERT_TRUE(store_->Write(0, 2 * kH, s).ok());
  ASSERT_TRUE(store_->Flush().ok());
  auto cp = dir_.string() + "_cp";
  std::filesystem::remove_all(cp);
  ASSERT_TRUE(store_->Checkpoint(cp).ok());
  uint64_t before = store_->DiskBytes();
  ASSERT_TRUE(store_->Drop((*store_->List())[0]).ok());
  EXPECT_TRUE(store_->List()->empty());
  EXPECT_LT(store_->DiskBytes(), before);
  auto copy = PartitionStore::Open(cp);
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_EQ((*(*copy)->List())[0].num_series, 2000u);
  copy->reset();
  std::filesystem::remove_all(cp);
}

TEST(PartitionValues, CorruptValuesAreDataLoss) {
  PartitionMeta meta;
  EXPECT_EQ(DecodeMeta("", &meta).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeMeta("\x01\x09", &meta).code(), absl::StatusCode::kDataLoss);
  std::string good = EncodeMeta(meta);
  EXPECT_EQ(DecodeMeta(good.substr(0, good.size() - 1), &meta).code(), absl::StatusCode::kDataLoss);
  std::vector<uint64_t> ids;
  std::vector<uint32_t> in = {1, 5, 9};
  std::string p = EncodePostings(in);
  ASSERT_TRUE(DecodePostings(p, &ids).ok());
  EXPECT_THAT(ids, ElementsAre(1, 5, 9));
  EXPECT_EQ(DecodePostings(p.substr(0, p.size() - 1), &ids).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodePostings(p + "x", &ids).code(), absl::StatusCode::kDataLoss);
  std::vector<model::Sample> samples;
  EXPECT_EQ(DecodeSamples("\x05", &samples).code(), absl::StatusCode::kDataLoss);
  SeriesHeader h;
  EXPECT_EQ(DecodeSeriesHeader("\x09"
                               "ab",
                               &h)
                .code(),
            absl::StatusCode::kDataLoss);
}

TEST(PartitionKeys, TimesSortIncludingNegatives) {
  EXPECT_LT(CatalogKey(-5, 0), CatalogKey(0, 1));
  EXPECT_LT(CatalogKey(0, 2), CatalogKey(1, 2));
  EXPECT_LT(PartitionPrefix(0, 10) + "zzzz", PartitionLimit(0, 10));
  EXPECT_LE(PartitionLimit(0, 10), PartitionPrefix(0, 11));
}

}  // namespace
}  // namespace sextant::tsdb::partition
