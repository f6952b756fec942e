#include "tsdb/wal/checkpoint.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tsdb/wal/record.h"
#include "tsdb/wal/repair.h"
#include "tsdb/wal/replay.h"
#include "tsdb/wal/segment.h"
#include "tsdb/wal/wal.h"
#include "tsdb/wal/wal_test_util.h"
#include "util/env.h"
#include "util/fault_env.h"

namespace sextant::tsdb::wal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ReadAll;
using testing::ReadResult;

constexpr char kDir[] = "/wal";

model::Labels Series(uint64_t ref) {
  return model::Labels::FromPairs({{"__name__", "m"}, {"ref", std::to_string(ref)}});
}

// The decoded contents of a WAL or checkpoint, by kind.
struct Contents {
  std::vector<RefSeries> series;
  std::vector<RefSample> samples;
  std::vector<Tombstone> tombstones;
};

absl::Status Collect(std::string_view rec, Contents* out) {
  auto type = PeekType(rec);
  if (!type.ok()) return type.status();
  switch (*type) {
    case RecordType::kSeries: {
      std::vector<RefSeries> v;
      if (auto s = DecodeSeries(rec, &v); !s.ok()) return s;
      out->series.insert(out->series.end(), v.begin(), v.end());
      break;
    }
    case RecordType::kSamples: {
      std::vector<RefSample> v;
      if (auto s = DecodeSamples(rec, &v); !s.ok()) return s;
      out->samples.insert(out->samples.end(), v.begin(), v.end());
      break;
    }
    case RecordType::kTombstones: {
      std::vector<Tombstone> v;
      if (auto s = DecodeTombstones(rec, &v); !s.ok()) return s;
      out->tombstones.insert(out->tombstones.end(), v.begin(), v.end());
      break;
    }
  }
  return absl::OkStatus();
}

Contents ReadContents(util::Env* env, const std::string& dir) {
  Contents contents;
  const ReadResult read = ReadAll(env, dir);
  EXPECT_TRUE(read.status.ok()) << read.status;
  for (const std::string& rec : read.records) EXPECT_TRUE(Collect(rec, &contents).ok());
  return contents;
}

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WalOptions options;
    options.segment_size = 4 * kPageSize;
    auto wal = Wal::Open(&env_, kDir, options, nullptr);
    ASSERT_TRUE(wal.ok()) << wal.status();
    wal_ = std::move(*wal);
  }

  void LogSeries(std::vector<RefSeries> series) {
    std::string rec;
    EncodeSeries(series, &rec);
    ASSERT_TRUE(wal_->Log({&rec, 1}).ok());
  }
  void LogSamples(std::vector<RefSample> samples) {
    std::string rec;
    EncodeSamples(samples, &rec);
    ASSERT_TRUE(wal_->Log({&rec, 1}).ok());
  }
  void LogTombstones(std::vector<Tombstone> tombstones) {
    std::string rec;
    EncodeTombstones(tombstones, &rec);
    ASSERT_TRUE(wal_->Log({&rec, 1}).ok());
  }
  void Cut() { ASSERT_TRUE(wal_->NextSegment().ok()); }

  // Segment 0: series 1-4 and samples at t=10..40; segment 1: samples at t=50..60, tombstones.
  void WriteTwoSegments() {
    LogSeries({{1, Series(1)}, {2, Series(2)}, {3, Series(3)}, {4, Series(4)}});
    LogSamples({{1, 10, 1}, {2, 10, 2}, {3, 20, 3}, {4, 40, 4}});
    Cut();
    LogSamples({{1, 50, 5}, {2, 50, 6}, {3, 60, 7}});
    LogTombstones({{1, 0, 20}, {2, 30, 45}, {3, 0, 100}});
    Cut();
  }

  static bool Odd(uint64_t ref) { return ref % 2 == 1; }

  std::unique_ptr<util::Env> mem_ = util::NewMemEnv();
  util::FaultInjectionEnv env_{mem_.get()};
  std::unique_ptr<Wal> wal_;
};

TEST_F(CheckpointTest, KeepsLiveSeriesAndRecentSamplesAndTombstones) {
  WriteTwoSegments();
  auto stats = Checkpoint(&env_, kDir, 0, 1, Odd, /*mint=*/30);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->total_series, 4);
  EXPECT_EQ(stats->dropped_series, 2);
  EXPECT_EQ(stats->total_samples, 7);
  EXPECT_EQ(stats->dropped_samples, 5);  // 1@10, 2@10, 3@20, 4@40 (series 4 gone), 2@50
  EXPECT_EQ(stats->total_tombstones, 3);
  EXPECT_EQ(stats->dropped_tombstones, 2);  // 1 ends before mint, 2 is not kept

  auto last = LastCheckpoint(&env_, kDir);
  ASSERT_TRUE(last.ok());
  ASSERT_TRUE(last->has_value());
  EXPECT_EQ((*last)->index, 1);
  EXPECT_EQ((*last)->dir, "/wal/checkpoint.00000001");

  const Contents cp = ReadContents(&env_, (*last)->dir);
  EXPECT_THAT(cp.series, ElementsAre(RefSeries{1, Series(1)}, RefSeries{3, Series(3)}));
  EXPECT_THAT(cp.samples, ElementsAre(RefSample{1, 50, 5}, RefSample{3, 60, 7}));
  EXPECT_THAT(cp.tombstones, ElementsAre(Tombstone{3, 0, 100}));
}

TEST_F(CheckpointTest, NewCheckpointFoldsInThePreviousOneAndReplacesIt) {
  WriteTwoSegments();
  ASSERT_TRUE(Checkpoint(&env_, kDir, 0, 1, Odd, 30).ok());
  ASSERT_TRUE(wal_->Truncate(2).ok());
  LogSeries({{5, Series(5)}});
  LogSamples({{5, 70, 8}, {1, 70, 9}});
  Cut();  // segment 2 complete; now writing 3

  // `from` below the checkpoint is moved up to the first segment after it.
  auto stats = Checkpoint(&env_, kDir, 0, 2, Odd, /*mint=*/55);
  ASSERT_TRUE(stats.ok()) << stats.status();
  auto last = LastCheckpoint(&env_, kDir);
  ASSERT_TRUE(last.ok() && last->has_value());
  EXPECT_EQ((*last)->index, 2);
  EXPECT_FALSE(env_.FileExists("/wal/checkpoint.00000001"));
  const Contents cp = ReadContents(&env_, (*last)->dir);
  EXPECT_THAT(cp.series, ElementsAre(RefSeries{1, Series(1)}, RefSeries{3, Series(3)},
                                     RefSeries{5, Series(5)}));
  EXPECT_THAT(cp.samples,
              ElementsAre(RefSample{3, 60, 7}, RefSample{5, 70, 8}, RefSample{1, 70, 9}));
}

TEST_F(CheckpointTest, RejectsRangesThatSkipOrRepeatSegments) {
  WriteTwoSegments();
  ASSERT_TRUE(Checkpoint(&env_, kDir, 0, 0, Odd, 0).ok());
  EXPECT_TRUE(absl::IsInvalidArgument(Checkpoint(&env_, kDir, 0, 0, Odd, 0).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(Checkpoint(&env_, kDir, 2, 2, Odd, 0).status()));
  EXPECT_TRUE(Checkpoint(&env_, kDir, 1, 1, Odd, 0).ok());
}

TEST_F(CheckpointTest, FailureLeavesThePreviousCheckpointAndNoLeftovers) {
  WriteTwoSegments();
  ASSERT_TRUE(Checkpoint(&env_, kDir, 0, 0, Odd, 0).ok());
  for (int i = 0; i < 50; ++i) LogSamples({{1, 100 + i, 1.5}, {3, 100 + i, 2.5}});
  Cut();
  env_.SetDiskFull(100);
  const auto stats = Checkpoint(&env_, kDir, 1, 2, Odd, 0);
  EXPECT_TRUE(absl::IsResourceExhausted(stats.status())) << stats.status();
  env_.ClearDiskFull();
  auto children = env_.GetChildren(kDir);
  ASSERT_TRUE(children.ok());
  EXPECT_THAT(*children,
              ElementsAre("00000000", "00000001", "00000002", "00000003", "checkpoint.00000000"));
  auto last = LastCheckpoint(&env_, kDir);
  ASSERT_TRUE(last.ok() && last->has_value());
  EXPECT_EQ((*last)->index, 0);
  EXPECT_THAT(ReadContents(&env_, (*last)->dir).series, ::testing::SizeIs(2));
}

TEST_F(CheckpointTest, UndecodableSourceRecordFailsNamingItsSegment) {
  for (const std::string& bad : {std::string("\x02\xff"), std::string("\x09")}) {
    SetUp();  // a fresh WAL segment for each case
    ASSERT_TRUE(wal_->Log({&bad, 1}).ok());
    const int segment = wal_->current_segment();
    Cut();
    const auto stats = Checkpoint(&env_, kDir, segment, segment, Odd, 0);
    EXPECT_TRUE(absl::IsDataLoss(stats.status())) << stats.status();
    EXPECT_THAT(std::string(stats.status().message()), HasSubstr(SegmentPath(kDir, segment)));
    EXPECT_FALSE(LastCheckpoint(&env_, kDir)->has_value());
  }
}

TEST_F(CheckpointTest, LeftoverTmpDirectoryIsIgnoredAndReplaced) {
  WriteTwoSegments();
  ASSERT_TRUE(env_.CreateDir("/wal/checkpoint.00000001.tmp").ok());
  ASSERT_TRUE(env_.WriteStringToFile("/wal/checkpoint.00000001.tmp/00000000", "junk", false).ok());
  auto last = LastCheckpoint(&env_, kDir);
  ASSERT_TRUE(last.ok());
  EXPECT_FALSE(last->has_value());
  ASSERT_TRUE(Checkpoint(&env_, kDir, 0, 1, Odd, 0).ok());
  EXPECT_FALSE(env_.FileExists("/wal/checkpoint.00000001.tmp"));
  EXPECT_THAT(ReadContents(&env_, "/wal/checkpoint.00000001").series, ::testing::SizeIs(2));
}

TEST_F(CheckpointTest, ReplayReadsTheCheckpointThenTheLaterSegments) {
  WriteTwoSegments();
  ASSERT_TRUE(Checkpoint(&env_, kDir, 0, 1, Odd, 30).ok());
  ASSERT_TRUE(wal_->Truncate(2).ok());
  LogSamples({{1, 80, 10}});
  Cut();
  LogSamples({{3, 90, 11}});
  ASSERT_TRUE(wal_->Close().ok());

  Contents contents;
  ReplayResult result;
  ASSERT_TRUE(
      ReplayWal(
          &env_, kDir, [&](std::string_view rec) { return Collect(rec, &contents); }, &result)
          .ok());
  EXPECT_EQ(result.checkpoint, 1);
  EXPECT_EQ(result.first_segment, 2);
  EXPECT_EQ(result.last_segment, 3);
  EXPECT_FALSE(result.corruption.has_value());
  EXPECT_EQ(result.records, 5);  // series, samples, tombstones from the checkpoint; two samples
  EXPECT_THAT(contents.samples, ElementsAre(RefSample{1, 50, 5}, RefSample{3, 60, 7},
                                            RefSample{1, 80, 10}, RefSample{3, 90, 11}));
}

TEST_F(CheckpointTest, ReplayWithoutACheckpointReadsEverySegment) {
  LogSamples({{1, 1, 1}});
  Cut();
  LogSamples({{1, 2, 2}});
  Contents contents;
  ReplayResult result;
  ASSERT_TRUE(
      ReplayWal(
          &env_, kDir, [&](std::string_view rec) { return Collect(rec, &contents); }, &result)
          .ok());
  EXPECT_FALSE(result.checkpoint.has_value());
  EXPECT_EQ(result.first_segment, 0);
  EXPECT_EQ(result.last_segment, 1);
  EXPECT_THAT(contents.samples, ElementsAre(RefSample{1, 1, 1}, RefSample{1, 2, 2}));
}

TEST_F(CheckpointTest, ReplayReportsWalCorruptionForRepair) {
  LogSamples({{1, 1, 1}});
  const int64_t good = *env_.GetFileSize(SegmentPath(kDir, 0));
  LogSamples({{1, 2, 2}});
  ASSERT_TRUE(wal_->Close().ok());
  ASSERT_TRUE(env_.CorruptByte(SegmentPath(kDir, 0), good + 3, 0x01).ok());  // its CRC
  ReplayResult result;
  const absl::Status status = ReplayWal(
      &env_, kDir, [](std::string_view) { return absl::OkStatus(); }, &result);
  EXPECT_TRUE(absl::IsDataLoss(status)) << status;
  ASSERT_TRUE(result.corruption.has_value());
  EXPECT_EQ(result.corruption->dir, kDir);
  EXPECT_EQ(result.corruption->offset, good);
  EXPECT_EQ(result.records, 1);
  ASSERT_TRUE(Repair(&env_, kDir, *result.corruption).ok());
  EXPECT_TRUE(ReplayWal(
                  &env_, kDir, [](std::string_view) { return absl::OkStatus(); }, &result)
                  .ok());
  EXPECT_EQ(result.records, 1);
}

TEST_F(CheckpointTest, ReplayStopsAtTheCallbacksError) {
  LogSamples({{1, 1, 1}});
  LogSamples({{1, 2, 2}});
  ReplayResult result;
  const absl::Status status = ReplayWal(
      &env_, kDir, [](std::string_view) { return absl::CancelledError("stop"); }, &result);
  EXPECT_TRUE(absl::IsCancelled(status)) << status;
  EXPECT_EQ(result.records, 0);
}

TEST_F(CheckpointTest, ReplayRefusesAGapAfterTheCheckpoint) {
  WriteTwoSegments();  // segments 0, 1 complete; writing 2
  ASSERT_TRUE(Checkpoint(&env_, kDir, 0, 0, Odd, 0).ok());
  ASSERT_TRUE(wal_->Close().ok());
  ASSERT_TRUE(env_.DeleteFile(SegmentPath(kDir, 0)).ok());
  ASSERT_TRUE(env_.DeleteFile(SegmentPath(kDir, 1)).ok());
  ReplayResult result;
  const absl::Status status = ReplayWal(
      &env_, kDir, [](std::string_view) { return absl::OkStatus(); }, &result);
  EXPECT_TRUE(absl::IsDataLoss(status)) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("missing"));
  EXPECT_FALSE(result.corruption.has_value());
}

TEST_F(CheckpointTest, DeleteCheckpointsRemovesOlderOnes) {
  for (const char* name : {"checkpoint.00000001", "checkpoint.00000003", "checkpoint.00000002.tmp",
                           "checkpoint.00000009"}) {
    ASSERT_TRUE(env_.CreateDir(util::JoinPath(kDir, name)).ok());
  }
  ASSERT_TRUE(DeleteCheckpoints(&env_, kDir, 9).ok());
  auto children = env_.GetChildren(kDir);
  ASSERT_TRUE(children.ok());
  EXPECT_THAT(*children, ElementsAre("00000000", "checkpoint.00000009"));
  EXPECT_EQ(CheckpointName(42), "checkpoint.00000042");
}

}  // namespace
}  // namespace sextant::tsdb::wal
