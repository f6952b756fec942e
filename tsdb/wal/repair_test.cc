// The WAL under injected faults (torn writes, bit flips, full disks, failing fsyncs) and Repair.

#include "tsdb/wal/repair.h"

#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tsdb/wal/segment.h"
#include "tsdb/wal/wal.h"
#include "tsdb/wal/wal_test_util.h"
#include "util/env.h"
#include "util/fault_env.h"
#include "util/log.h"
#include "util/metrics.h"

namespace sextant::tsdb::wal {
namespace {

using testing::Compressible;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::RandomBytes;
using testing::ReadAll;
using testing::ReadResult;
using PartialWrite = util::FaultInjectionEnv::PartialWrite;

constexpr char kDir[] = "/wal";

class WalFaultTest : public ::testing::Test {
 protected:
  std::unique_ptr<Wal> Open(int64_t pages = 4, bool compress = true,
                            util::Registry* registry = nullptr) {
    WalOptions options;
    options.segment_size = pages * kPageSize;
    options.compress = compress;
    auto wal = Wal::Open(&env_, kDir, options, registry);
    EXPECT_TRUE(wal.ok()) << wal.status();
    return wal.ok() ? std::move(*wal) : nullptr;
  }
  int64_t Size(int segment) { return *env_.GetFileSize(SegmentPath(kDir, segment)); }

  std::unique_ptr<util::Env> mem_ = util::NewMemEnv();
  util::FaultInjectionEnv env_{mem_.get()};
  std::mt19937_64 rng_{11};
};

TEST_F(WalFaultTest, TornWriteAtTheTailIsCutBackAndLoggingResumes) {
  auto wal = Open();
  const std::vector<std::string> durable = {"a", Compressible(5000, 'b')};
  ASSERT_TRUE(wal->Log(durable).ok());
  ASSERT_TRUE(wal->Sync().ok());
  const int64_t synced_size = Size(0);
  const std::string big = RandomBytes(rng_, 40000);  // spans two pages
  ASSERT_TRUE(wal->Log({&big, 1}).ok());
  ASSERT_TRUE(env_.SimulateCrash(/*keep_unsynced_bytes=*/20000).ok());
  wal.reset();  // the crashed process's handles are gone

  const ReadResult torn = ReadAll(&env_, kDir);
  EXPECT_EQ(torn.records, durable);
  ASSERT_TRUE(absl::IsDataLoss(torn.status)) << torn.status;
  ASSERT_TRUE(torn.corruption.has_value());
  EXPECT_EQ(torn.corruption->segment, 0);
  EXPECT_EQ(torn.corruption->offset, synced_size);

  auto report = Repair(&env_, kDir, *torn.corruption);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->segment, 0);
  EXPECT_EQ(report->kept_bytes, synced_size);
  EXPECT_EQ(report->dropped_bytes, 20000);
  EXPECT_TRUE(report->deleted_segments.empty());

  const ReadResult repaired = ReadAll(&env_, kDir);
  EXPECT_TRUE(repaired.status.ok()) << repaired.status;
  EXPECT_EQ(repaired.records, durable);

  wal = Open();
  EXPECT_EQ(wal->current_segment(), 1);
  const std::string after = "after the repair";
  ASSERT_TRUE(wal->Log({&after, 1}).ok());
  const ReadResult resumed = ReadAll(&env_, kDir);
  EXPECT_TRUE(resumed.status.ok()) << resumed.status;
  EXPECT_THAT(resumed.records, ElementsAre("a", durable[1], after));
}

TEST_F(WalFaultTest, CrashAtARecordBoundaryLosesOnlyUnsyncedRecords) {
  auto wal = Open();
  const std::string a = "synced", b = "not synced";
  ASSERT_TRUE(wal->Log({&a, 1}).ok());
  ASSERT_TRUE(wal->Sync().ok());
  ASSERT_TRUE(wal->Log({&b, 1}).ok());
  ASSERT_TRUE(env_.SimulateCrash().ok());
  wal.reset();
  const ReadResult read = ReadAll(&env_, kDir);
  EXPECT_TRUE(read.status.ok()) << read.status;
  EXPECT_THAT(read.records, ElementsAre(a));
}

TEST_F(WalFaultTest, BitFlipInAMiddleSegmentIsRepairedByDroppingEverythingAfter) {
  auto wal = Open();
  const std::string r0 = "segment zero", r1a = "segment one, first", r1b = "segment one, second",
                    r2 = "segment two";
  ASSERT_TRUE(wal->Log({&r0, 1}).ok());
  ASSERT_TRUE(wal->NextSegment().ok());
  ASSERT_TRUE(wal->Log({&r1a, 1}).ok());
  const int64_t r1a_end = Size(1);
  ASSERT_TRUE(wal->Log({&r1b, 1}).ok());
  ASSERT_TRUE(wal->NextSegment().ok());
  ASSERT_TRUE(wal->Log({&r2, 1}).ok());
  ASSERT_TRUE(wal->Close().ok());
  ASSERT_TRUE(env_.CorruptByte(SegmentPath(kDir, 1), r1a_end + kFragmentHeaderSize + 2, 0x04).ok());

  const ReadResult corrupt = ReadAll(&env_, kDir);
  EXPECT_THAT(corrupt.records, ElementsAre(r0, r1a));
  ASSERT_TRUE(corrupt.corruption.has_value());
  EXPECT_EQ(corrupt.corruption->segment, 1);
  EXPECT_EQ(corrupt.corruption->offset, r1a_end);
  EXPECT_THAT(std::string(corrupt.status.message()), HasSubstr("checksum"));

  auto report = Repair(&env_, kDir, *corrupt.corruption);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_THAT(report->deleted_segments, ElementsAre(2));
  EXPECT_EQ(report->kept_bytes, r1a_end);
  EXPECT_EQ(*ListSegments(&env_, kDir), (std::vector<int>{0, 1}));
  const ReadResult repaired = ReadAll(&env_, kDir);
  EXPECT_TRUE(repaired.status.ok()) << repaired.status;
  EXPECT_THAT(repaired.records, ElementsAre(r0, r1a));
}

TEST_F(WalFaultTest, CorruptFirstRecordCutsTheSegmentToNothing) {
  auto wal = Open();
  const std::string a = "a", b = "b";
  ASSERT_TRUE(wal->Log({&a, 1}).ok());
  ASSERT_TRUE(wal->NextSegment().ok());
  ASSERT_TRUE(wal->Log({&b, 1}).ok());
  ASSERT_TRUE(wal->Close().ok());
  ASSERT_TRUE(env_.CorruptByte(SegmentPath(kDir, 1), kFragmentHeaderSize, 0xff).ok());
  const ReadResult corrupt = ReadAll(&env_, kDir);
  ASSERT_TRUE(corrupt.corruption.has_value());
  EXPECT_EQ(corrupt.corruption->offset, 0);
  auto report = Repair(&env_, kDir, *corrupt.corruption);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->kept_bytes, 0);
  EXPECT_EQ(Size(1), 0);
  const ReadResult repaired = ReadAll(&env_, kDir);
  EXPECT_TRUE(repaired.status.ok()) << repaired.status;
  EXPECT_THAT(repaired.records, ElementsAre(a));
}

TEST_F(WalFaultTest, RepairRefusesCorruptionOfAnotherDirectory) {
  Corruption c;
  c.dir = "/wal/checkpoint.00000003";
  c.segment = 0;
  EXPECT_TRUE(absl::IsInvalidArgument(Repair(&env_, kDir, c).status()));
}

class WalDiskFullTest : public WalFaultTest, public ::testing::WithParamInterface<PartialWrite> {};

INSTANTIATE_TEST_SUITE_P(PartialWrites, WalDiskFullTest,
                         ::testing::Values(PartialWrite::kLands, PartialWrite::kDropped),
                         [](const auto& info) {
                           return info.param == PartialWrite::kLands ? "Lands" : "Dropped";
                         });

TEST_P(WalDiskFullTest, FailedLogLeavesTheLogCleanAndLaterLogsWork) {
  util::Registry registry;
  auto wal = Open(4, /*compress=*/false, &registry);
  std::vector<std::string> acknowledged;
  for (int i = 0; i < 10; ++i) {
    acknowledged.push_back(RandomBytes(rng_, 1000 + i * 3000));
    ASSERT_TRUE(wal->Log({&acknowledged.back(), 1}).ok());
  }
  env_.SetDiskFull(/*bytes_left=*/kPageSize / 2, GetParam());
  const std::vector<std::string> rejected = {RandomBytes(rng_, 20000), RandomBytes(rng_, 30000)};
  const absl::Status status = wal->Log(rejected);
  EXPECT_TRUE(absl::IsResourceExhausted(status)) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr(kDir));
  EXPECT_THAT(registry.WriteText(), HasSubstr("prometheus_tsdb_wal_writes_failed_total 1\n"));

  ReadResult read = ReadAll(&env_, kDir);
  EXPECT_TRUE(read.status.ok()) << read.status;
  EXPECT_EQ(read.records, acknowledged);

  const std::string still_full = RandomBytes(rng_, 50000);
  EXPECT_TRUE(absl::IsResourceExhausted(wal->Log({&still_full, 1})));

  env_.ClearDiskFull();
  for (int i = 0; i < 10; ++i) {
    acknowledged.push_back(RandomBytes(rng_, 7000));
    ASSERT_TRUE(wal->Log({&acknowledged.back(), 1}).ok());
  }
  ASSERT_TRUE(wal->Sync().ok());
  read = ReadAll(&env_, kDir);
  EXPECT_TRUE(read.status.ok()) << read.status;
  EXPECT_EQ(read.records, acknowledged);

  // And all of it survives a crash, having been synced.
  ASSERT_TRUE(env_.SimulateCrash().ok());
  wal.reset();
  read = ReadAll(&env_, kDir);
  EXPECT_TRUE(read.status.ok()) << read.status;
  EXPECT_EQ(read.records, acknowledged);
}

TEST_P(WalDiskFullTest, FullDiskWhileStartingANewSegment) {
  auto wal = Open(1, /*compress=*/false);
  const std::string first = RandomBytes(rng_, kPageSize - 100);
  ASSERT_TRUE(wal->Log({&first, 1}).ok());
  env_.SetDiskFull(0, GetParam());
  const std::string second = RandomBytes(rng_, 1000);  // does not fit: cuts segment 1
  EXPECT_TRUE(absl::IsResourceExhausted(wal->Log({&second, 1})));
  env_.ClearDiskFull();
  ASSERT_TRUE(wal->Log({&second, 1}).ok());
  ASSERT_TRUE(wal->Close().ok());
  const ReadResult read = ReadAll(&env_, kDir);
  EXPECT_TRUE(read.status.ok()) << read.status;
  EXPECT_THAT(read.records, ElementsAre(first, second));
}

// A burst of failed writes logs one error (naming the directory and the Env's error) and sets the
// gauge; the first success after it logs one info line and clears the gauge. A second outage is
// logged again.
TEST_P(WalDiskFullTest, FailingAndRecoveringAreLoggedOncePerStateChange) {
  util::Registry registry;
  auto wal = Open(4, /*compress=*/false, &registry);
  std::vector<std::string> records;
  util::SetLogSinkForTesting([&](std::string_view r) { records.emplace_back(r); });
  const std::string rec = RandomBytes(rng_, 3000);
  ASSERT_TRUE(wal->Log({&rec, 1}).ok());
  EXPECT_THAT(registry.WriteText(), HasSubstr("prometheus_tsdb_wal_writes_failing 0\n"));

  for (int outage = 1; outage <= 2; ++outage) {
    env_.SetDiskFull(/*bytes_left=*/100, GetParam());
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(absl::IsResourceExhausted(wal->Log({&rec, 1})));
    ASSERT_EQ(records.size(), 1u) << outage;
    EXPECT_THAT(records[0], HasSubstr("level=error component=tsdb msg=\"WAL writes are failing; "
                                      "commits are refused until a write succeeds\" dir=/wal "));
    // The Env's error names the segment file.
    EXPECT_THAT(records[0], HasSubstr(" err=\"write " + SegmentPath(kDir, 0) + ": No space left"));
    EXPECT_THAT(registry.WriteText(), HasSubstr("prometheus_tsdb_wal_writes_failing 1\n"));
    EXPECT_THAT(registry.WriteText(),
                HasSubstr("prometheus_tsdb_wal_writes_failed_total " + std::to_string(5 * outage)));

    env_.ClearDiskFull();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(wal->Log({&rec, 1}).ok());
    ASSERT_EQ(records.size(), 2u) << outage;
    EXPECT_THAT(records[1], HasSubstr("level=info component=tsdb msg=\"WAL writes succeed again\" "
                                      "dir=/wal failed_writes=5 last_err="));
    EXPECT_THAT(records[1], HasSubstr(SegmentPath(kDir, 0)));
    EXPECT_THAT(registry.WriteText(), HasSubstr("prometheus_tsdb_wal_writes_failing 0\n"));
    records.clear();
  }
  util::SetLogSinkForTesting(nullptr);
}

TEST_F(WalFaultTest, FailingFsyncIsReportedAndNothingIsLost) {
  auto wal = Open();
  const std::string a = "a", b = "b";
  ASSERT_TRUE(wal->Log({&a, 1}).ok());
  env_.SetSyncFailure(true);
  EXPECT_TRUE(absl::IsInternal(wal->Sync()));
  EXPECT_TRUE(absl::IsInternal(wal->NextSegment().status()));
  env_.SetSyncFailure(false);
  ASSERT_TRUE(wal->Log({&b, 1}).ok());
  ASSERT_TRUE(wal->Sync().ok());
  ASSERT_TRUE(env_.SimulateCrash().ok());
  wal.reset();
  const ReadResult read = ReadAll(&env_, kDir);
  EXPECT_TRUE(read.status.ok()) << read.status;
  EXPECT_THAT(read.records, ElementsAre(a, b));
}

}  // namespace
}  // namespace sextant::tsdb::wal
