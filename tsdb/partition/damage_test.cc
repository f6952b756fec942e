// Damaged table files: the store opens past them, names the damaged partitions, serves the others,
// and Repair() removes the damage (docs/format/partitions.md, "Damage").

#include <filesystem>
#include <fstream>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/metadata.h"
#include "tsdb/partition/keys.h"
#include "tsdb/partition/partition_store.h"
#include "tsdb/partition/values.h"
#include "tsdb/testing.h"

namespace sextant::tsdb::partition {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr int64_t kH = 3600 * 1000;
constexpr int kPartitions = 4;

class DamageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sextant_damage_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto store = PartitionStore::Open(dir_.string());
    ASSERT_TRUE(store.ok()) << store.status();
    // Four 2h partitions, 200 series of 480 samples each, compacted: one table file each.
    for (int p = 0; p < kPartitions; ++p) {
      std::vector<SeriesSamples> series;
      for (int i = 0; i < 200; ++i) {
        SeriesSamples s;
        s.labels = model::Labels::FromPairs(
            {{"__name__", "up"}, {"instance", "i" + std::to_string(1000 + i)}});
        for (int k = 0; k < 480; ++k) {
          s.samples.push_back({p * 2 * kH + k * 15000, static_cast<double>(k * i + p)});
        }
        series.push_back(std::move(s));
      }
      ASSERT_TRUE((*store)->Write(p * 2 * kH, (p + 1) * 2 * kH, series).ok());
    }
    ASSERT_TRUE((*store)->CompactAll().ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The table file holding partition `p`'s data (there is exactly one after CompactAll).
  std::string FileOf(int p) {
    auto store = PartitionStore::Open(dir_.string());
    EXPECT_TRUE(store.ok()) << store.status();
    std::vector<rocksdb::LiveFileMetaData> files;
    (*store)->db()->GetLiveFilesMetaData(&files);
    std::string prefix = PartitionPrefix(p * 2 * kH, (p + 1) * 2 * kH);
    std::string found;
    for (const auto& f : files) {
      if (f.smallestkey.starts_with(prefix)) {
        EXPECT_TRUE(f.largestkey.starts_with(prefix)) << "file spans partitions: " << f.name;
        found = dir_.string() + f.name;
      }
    }
    EXPECT_FALSE(found.empty());
    return found;
  }

  std::filesystem::path dir_;

 public:
  static int CountSeries(PartitionStore& store, int64_t mint, int64_t maxt, absl::Status* err) {
    auto q = store.NewQuerier(mint, maxt);
    if (!q.ok()) {
      *err = q.status();
      return 0;
    }
    auto m = *model::Matcher::Create(model::MatchType::kEqual, "__name__", "up");
    auto set = (*q)->Select(std::span(&m, 1));
    int n = 0;
    while (set->Next()) {
      auto it = set->At().Iterator();
      std::vector<model::Sample> samples;
      *err = ReadAll(*it, &samples);
      if (!err->ok()) return n;
      ++n;
    }
    *err = set->status();
    return n;
  }
};

std::string Name(int p) {
  return std::to_string(p * 2 * kH) + "-" + std::to_string((p + 1) * 2 * kH);
}

void ExpectDamageIsolated(const std::filesystem::path& dir, const std::string& file) {
  auto store = PartitionStore::Open(dir.string());
  ASSERT_TRUE(store.ok()) << store.status();
  auto damaged = (*store)->Damaged();
  ASSERT_THAT(damaged, SizeIs(1));
  EXPECT_EQ(damaged[0].Name(), Name(2));
  EXPECT_EQ(damaged[0].file, file);
  EXPECT_TRUE((*store)->IsDamaged(4 * kH, 6 * kH));
  // Healthy ranges are served whole.
  absl::Status err;
  EXPECT_EQ(DamageTest::CountSeries(**store, 0, 4 * kH - 1, &err), 200);
  EXPECT_TRUE(err.ok()) << err;
  EXPECT_EQ(DamageTest::CountSeries(**store, 6 * kH, 8 * kH, &err), 200);
  EXPECT_TRUE(err.ok()) << err;
  // The damaged range fails, naming partition and file.
  DamageTest::CountSeries(**store, 5 * kH, 5 * kH, &err);
  EXPECT_EQ(err.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(err.message(), HasSubstr("partition " + Name(2)));
  EXPECT_THAT(err.message(), HasSubstr(file));
  // Other partitions can still be dropped (retention) while the damage stays.
  auto list = (*store)->List();
  ASSERT_TRUE(list.ok());
  ASSERT_THAT(*list, SizeIs(kPartitions));
  EXPECT_TRUE((*store)->Drop((*list)[0]).ok());
  EXPECT_THAT((*store)->Damaged(), SizeIs(1));
}

void ExpectRepaired(const std::filesystem::path& dir) {
  auto report = PartitionStore::Repair(dir.string());
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_THAT(report->files, SizeIs(1));
  ASSERT_THAT(report->dropped, SizeIs(1));
  EXPECT_EQ(report->dropped[0].Name(), Name(2));
  auto store = PartitionStore::Open(dir.string());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_THAT((*store)->Damaged(), IsEmpty());
  auto list = (*store)->List();
  ASSERT_TRUE(list.ok());
  ASSERT_THAT(*list, SizeIs(2));  // partition 0 was dropped, partition 2 repaired away
  EXPECT_EQ((*list)[0].Name(), Name(1));
  EXPECT_EQ((*list)[1].Name(), Name(3));
  absl::Status err;
  EXPECT_EQ(DamageTest::CountSeries(**store, 0, 8 * kH, &err), 200);
  EXPECT_TRUE(err.ok()) << err;
  // A second repair finds nothing.
  store->reset();
  report = PartitionStore::Repair(dir.string());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_THAT(report->files, IsEmpty());
}

TEST_F(DamageTest, MissingFileDamagesOnlyItsPartition) {
  std::string file = FileOf(2);
  ASSERT_TRUE(std::filesystem::remove(file));
  ExpectDamageIsolated(dir_, file);
  ExpectRepaired(dir_);
}

TEST_F(DamageTest, TruncatedFileDamagesOnlyItsPartition) {
  std::string file = FileOf(2);
  std::filesystem::resize_file(file, std::filesystem::file_size(file) / 2);
  ExpectDamageIsolated(dir_, file);
  ExpectRepaired(dir_);
}

TEST_F(DamageTest, CorruptBlockFailsTheQueryNamingThePartition) {
  std::string file = FileOf(2);
  {
    // Overwrite bytes of the first data block; size and footer stay intact.
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    f.write("\xde\xad\xbe\xef\xde\xad\xbe\xef", 8);
  }
  auto store = PartitionStore::Open(dir_.string());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_THAT((*store)->Damaged(), IsEmpty());  // not visible without reading the data
  absl::Status err;
  EXPECT_EQ(CountSeries(**store, 0, 4 * kH - 1, &err), 200);
  EXPECT_TRUE(err.ok()) << err;
  CountSeries(**store, 4 * kH, 6 * kH - 1, &err);
  EXPECT_EQ(err.code(), absl::StatusCode::kDataLoss) << err;
  EXPECT_THAT(err.message(), HasSubstr("partition " + Name(2)));
}

// The newest partition's table file, flushed and not yet compacted: the catalog lives in its own
// column family, so losing the file loses that partition only and the store still opens.
TEST_F(DamageTest, LosingTheNewestUncompactedFileDamagesOnlyItsPartition) {
  const int64_t start = kPartitions * 2 * kH, end = start + 2 * kH;
  {
    auto store = PartitionStore::Open(dir_.string());
    ASSERT_TRUE(store.ok()) << store.status();
    SeriesSamples s;
    s.labels = model::Labels::FromPairs({{"__name__", "up"}, {"instance", "new"}});
    for (int k = 0; k < 480; ++k) s.samples.push_back({start + k * 15000, 1.0 * k});
    ASSERT_TRUE((*store)->Write(start, end, std::span(&s, 1)).ok());
  }
  std::string file;
  {
    auto store = PartitionStore::Open(dir_.string());
    ASSERT_TRUE(store.ok()) << store.status();
    std::vector<rocksdb::LiveFileMetaData> files;
    (*store)->db()->GetLiveFilesMetaData(&files);
    for (const auto& f : files) {
      if (f.column_family_name != "default" || f.level != 0) continue;
      EXPECT_TRUE(f.smallestkey.starts_with(PartitionPrefix(start, end))) << f.name;
      EXPECT_TRUE(f.largestkey.starts_with(PartitionPrefix(start, end))) << f.name;
      file = dir_.string() + f.name;
    }
  }
  ASSERT_FALSE(file.empty());
  ASSERT_TRUE(std::filesystem::remove(file));
  auto store = PartitionStore::Open(dir_.string());
  ASSERT_TRUE(store.ok()) << store.status();
  auto damaged = (*store)->Damaged();
  ASSERT_THAT(damaged, SizeIs(1));
  EXPECT_EQ(damaged[0].start, start);
  EXPECT_EQ(damaged[0].file, file);
  absl::Status err;
  EXPECT_EQ(CountSeries(**store, 0, start - 1, &err), 200);
  EXPECT_TRUE(err.ok()) << err;
  CountSeries(**store, start, end - 1, &err);
  EXPECT_EQ(err.code(), absl::StatusCode::kDataLoss);
}

// A store written before the catalog had its own column family keeps its partitions: the entries
// move into the family when it is opened for writing, and a read-only open reads them in place.
TEST(PartitionStoreCatalog, EntriesOfAnOlderStoreMoveIntoTheCatalogFamily) {
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("sextant_catalog_move_" + std::to_string(::getpid())))
                              .string();
  std::filesystem::remove_all(dir);
  PartitionMeta meta;
  meta.start = 0;
  meta.end = 2 * kH;
  meta.complete = true;
  meta.num_series = 1;
  {
    rocksdb::Options opts;
    opts.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(opts, dir, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), CatalogKey(0, 2 * kH), EncodeMeta(meta)).ok());
  }
  {
    PartitionStoreOptions read_only;
    read_only.read_only = true;
    auto store = PartitionStore::Open(dir, read_only);
    ASSERT_TRUE(store.ok()) << store.status();
    auto list = (*store)->List();
    ASSERT_TRUE(list.ok()) << list.status();
    ASSERT_THAT(*list, SizeIs(1));
  }
  {
    auto store = PartitionStore::Open(dir);
    ASSERT_TRUE(store.ok()) << store.status();
    auto list = (*store)->List();
    ASSERT_TRUE(list.ok()) << list.status();
    ASSERT_THAT(*list, SizeIs(1));
    EXPECT_EQ((*list)[0].end, 2 * kH);
    std::string value;
    EXPECT_TRUE(
        (*store)->db()->Get(rocksdb::ReadOptions(), CatalogKey(0, 2 * kH), &value).IsNotFound());
  }
  auto store = PartitionStore::Open(dir);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_THAT(*(*store)->List(), SizeIs(1));
  store->reset();
  std::filesystem::remove_all(dir);
}

TEST_F(DamageTest, CompactionKeepsOnePartitionPerFile) {
  for (int p = 0; p < kPartitions; ++p) EXPECT_FALSE(FileOf(p).empty());
}

}  // namespace
}  // namespace sextant::tsdb::partition
