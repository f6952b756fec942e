#include "tsdb/wal/wal.h"

#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include "tsdb/wal/reader.h"
#include "tsdb/wal/segment.h"
#include "tsdb/wal/wal_test_util.h"
#include "util/env.h"
#include "util/metrics.h"

namespace sextant::tsdb::wal {
namespace {

using testing::Compressible;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::RandomBytes;
using testing::ReadAll;
using testing::ReadResult;

constexpr char kDir[] = "/wal";

WalOptions Pages(int64_t pages, bool compress) {
  WalOptions options;
  options.segment_size = pages * kPageSize;
  options.compress = compress;
  return options;
}

std::unique_ptr<Wal> OpenWal(util::Env* env, WalOptions options,
                             util::Registry* registry = nullptr) {
  auto wal = Wal::Open(env, kDir, options, registry);
  EXPECT_TRUE(wal.ok()) << wal.status();
  return wal.ok() ? std::move(*wal) : nullptr;
}

// Writer/reader round trips, with compression on and off.
class WalRoundTrip : public ::testing::TestWithParam<bool> {
 protected:
  bool compress() const { return GetParam(); }
  std::unique_ptr<util::Env> env_ = util::NewMemEnv();
  std::mt19937_64 rng_{1};
};

INSTANTIATE_TEST_SUITE_P(Compression, WalRoundTrip, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Zstd" : "Raw"; });

TEST_P(WalRoundTrip, SmallRecords) {
  auto wal = OpenWal(env_.get(), Pages(4, compress()));
  std::vector<std::string> written;
  for (int i = 0; i < 500; ++i) {
    std::vector<std::string> batch = {Compressible(10 + i % 90, 'a'), RandomBytes(rng_, i % 40)};
    ASSERT_TRUE(wal->Log(batch).ok());
    written.insert(written.end(), batch.begin(), batch.end());
  }
  ASSERT_TRUE(wal->Close().ok());
  const ReadResult read = ReadAll(env_.get(), kDir);
  ASSERT_TRUE(read.status.ok()) << read.status;
  EXPECT_EQ(read.records, written);
}

TEST_P(WalRoundTrip, RecordsAroundAndAcrossPageBoundaries) {
  auto wal = OpenWal(env_.get(), Pages(64, compress()));
  const size_t sizes[] = {0,
                          1,
                          kPageSize - kFragmentHeaderSize,
                          kPageSize - kFragmentHeaderSize - 1,
                          kPageSize - kFragmentHeaderSize + 1,
                          kPageSize,
                          3 * kPageSize + 5,
                          10 * kPageSize,
                          2,
                          kPageSize - 2 * kFragmentHeaderSize};
  std::vector<std::string> written;
  for (size_t size : sizes) {
    written.push_back(RandomBytes(rng_, size));  // incompressible: stays this size
    ASSERT_TRUE(wal->Log({&written.back(), 1}).ok()) << size;
  }
  written.push_back(Compressible(5 * kPageSize, 'x'));
  ASSERT_TRUE(wal->Log({&written.back(), 1}).ok());
  ASSERT_TRUE(wal->Close().ok());
  const ReadResult read = ReadAll(env_.get(), kDir);
  ASSERT_TRUE(read.status.ok()) << read.status;
  ASSERT_EQ(read.records.size(), written.size());
  for (size_t i = 0; i < written.size(); ++i) EXPECT_EQ(read.records[i], written[i]) << i;
}

TEST_P(WalRoundTrip, CutsSegmentsAtTheSizeTarget) {
  auto wal = OpenWal(env_.get(), Pages(2, compress()));
  std::vector<std::string> written;
  for (int i = 0; i < 100; ++i) {
    written.push_back(RandomBytes(rng_, 3000 + rng_() % 3000));
    ASSERT_TRUE(wal->Log({&written.back(), 1}).ok());
  }
  ASSERT_TRUE(wal->Close().ok());
  auto segments = ListSegments(env_.get(), kDir);
  ASSERT_TRUE(segments.ok());
  EXPECT_GE(segments->size(), 4u);
  for (int s : *segments) {
    EXPECT_LE(*env_->GetFileSize(SegmentPath(kDir, s)), 2 * kPageSize) << s;
  }
  const ReadResult read = ReadAll(env_.get(), kDir);
  ASSERT_TRUE(read.status.ok()) << read.status;
  EXPECT_EQ(read.records, written);
}

TEST_P(WalRoundTrip, RecordLargerThanASegmentFillsOneSegment) {
  auto wal = OpenWal(env_.get(), Pages(1, compress()));
  const std::vector<std::string> written = {"small", RandomBytes(rng_, 3 * kPageSize), "after"};
  for (const std::string& rec : written) ASSERT_TRUE(wal->Log({&rec, 1}).ok());
  ASSERT_TRUE(wal->Close().ok());
  // "small" in 0, the big one alone in 1, "after" in 2.
  EXPECT_THAT(*ListSegments(env_.get(), kDir), ElementsAre(0, 1, 2));
  EXPECT_GT(*env_->GetFileSize(SegmentPath(kDir, 1)), 3 * kPageSize);
  const ReadResult read = ReadAll(env_.get(), kDir);
  ASSERT_TRUE(read.status.ok()) << read.status;
  EXPECT_EQ(read.records, written);
}

TEST_P(WalRoundTrip, OneBatchStaysInOneSegment) {
  auto wal = OpenWal(env_.get(), Pages(2, compress()));
  const std::string first = RandomBytes(rng_, kPageSize);
  ASSERT_TRUE(wal->Log({&first, 1}).ok());
  std::vector<std::string> batch;
  for (int i = 0; i < 8; ++i) batch.push_back(RandomBytes(rng_, 5000));
  ASSERT_TRUE(wal->Log(batch).ok());
  ASSERT_TRUE(wal->Close().ok());
  auto reader = Reader::OpenAll(env_.get(), kDir);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->Next());
  EXPECT_EQ((*reader)->segment(), 0);
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE((*reader)->Next());
    EXPECT_EQ((*reader)->record(), batch[i]);
    EXPECT_EQ((*reader)->segment(), 1);
  }
  EXPECT_FALSE((*reader)->Next());
  EXPECT_TRUE((*reader)->status().ok());
}

TEST_P(WalRoundTrip, ReopeningStartsANewSegment) {
  std::vector<std::string> written;
  for (int round = 0; round < 3; ++round) {
    auto wal = OpenWal(env_.get(), Pages(4, compress()));
    EXPECT_EQ(wal->current_segment(), round);
    written.push_back("round " + std::to_string(round));
    ASSERT_TRUE(wal->Log({&written.back(), 1}).ok());
    // No Close(): the destructor closes.
  }
  EXPECT_THAT(*ListSegments(env_.get(), kDir), ElementsAre(0, 1, 2));
  const ReadResult read = ReadAll(env_.get(), kDir);
  ASSERT_TRUE(read.status.ok()) << read.status;
  EXPECT_EQ(read.records, written);
}

TEST(Wal, CompressionShrinksCompressibleRecords) {
  auto mem = util::NewMemEnv();
  const std::string rec = Compressible(20000, 'a');
  for (bool compress : {false, true}) {
    const std::string dir = compress ? "/zstd" : "/raw";
    auto wal = Wal::Open(mem.get(), dir, Pages(4, compress), nullptr);
    ASSERT_TRUE(wal.ok());
    ASSERT_TRUE((*wal)->Log({&rec, 1}).ok());
    ASSERT_TRUE((*wal)->Close().ok());
  }
  EXPECT_LT(*mem->GetFileSize(SegmentPath("/zstd", 0)) * 10,
            *mem->GetFileSize(SegmentPath("/raw", 0)));
}

TEST(Wal, RejectsBadSegmentSize) {
  auto mem = util::NewMemEnv();
  for (int64_t size : {int64_t{0}, kPageSize - 1, kPageSize + 1}) {
    WalOptions options;
    options.segment_size = size;
    EXPECT_TRUE(absl::IsInvalidArgument(Wal::Open(mem.get(), kDir, options, nullptr).status()))
        << size;
  }
}

TEST(Wal, NextSegmentSegmentsAndTruncate) {
  auto mem = util::NewMemEnv();
  util::Registry registry;
  auto wal = OpenWal(mem.get(), Pages(4, true), &registry);
  for (int i = 0; i < 4; ++i) {
    const std::string rec = "segment " + std::to_string(i);
    ASSERT_TRUE(wal->Log({&rec, 1}).ok());
    auto next = wal->NextSegment();
    ASSERT_TRUE(next.ok());
    EXPECT_EQ(*next, i + 1);
  }
  EXPECT_EQ(*wal->Segments(), std::make_pair(0, 4));
  ASSERT_TRUE(wal->Truncate(2).ok());
  EXPECT_EQ(*wal->Segments(), std::make_pair(2, 4));
  EXPECT_TRUE(absl::IsInvalidArgument(wal->Truncate(5)));
  ASSERT_TRUE(wal->Truncate(4).ok());
  EXPECT_EQ(*wal->Segments(), std::make_pair(4, 4));
  const std::string text = registry.WriteText();
  EXPECT_THAT(text, HasSubstr("prometheus_tsdb_wal_truncations_total 2\n"));
  EXPECT_THAT(text, HasSubstr("prometheus_tsdb_wal_truncations_failed_total 0\n"));
  EXPECT_THAT(text, HasSubstr("prometheus_tsdb_wal_segment_current 4\n"));
  EXPECT_THAT(text, HasSubstr("prometheus_tsdb_wal_fsync_duration_seconds_count 4\n"));
}

TEST(Wal, PositionIndexBoundsTheTimesLoggedBeforeEachPosition) {
  auto mem = util::NewMemEnv();
  auto wal = OpenWal(mem.get(), Pages(4, true), nullptr);
  const std::string rec(100, 'x');
  EXPECT_EQ(wal->LastPositionBelow(INT64_MAX, wal->EndPosition()), std::nullopt);
  // One record per segment, with the newest sample times 10, 20, 30, 40.
  std::vector<Position> starts;
  for (int i = 1; i <= 4; ++i) {
    starts.push_back(wal->EndPosition());
    ASSERT_TRUE(wal->Log({&rec, 1}, i * 10).ok());
    ASSERT_TRUE(wal->NextSegment().ok());
  }
  const Position end = wal->EndPosition();
  EXPECT_EQ(end, (Position{4, 0}));
  // Everything before segment 2 is older than 21; before segment 3, older than 31.
  EXPECT_EQ(wal->LastPositionBelow(21, end), starts[2]);
  EXPECT_EQ(wal->LastPositionBelow(30, end), starts[2]);
  EXPECT_EQ(wal->LastPositionBelow(31, end), starts[3]);
  EXPECT_EQ(wal->LastPositionBelow(10, end), starts[0]);          // nothing before the first record
  EXPECT_EQ(wal->LastPositionBelow(1000, starts[1]), starts[1]);  // never past the limit
  // A reopened WAL does not know what its earlier segments hold until told.
  wal.reset();
  wal = OpenWal(mem.get(), Pages(4, true), nullptr);
  wal->NoteLoggedTime(40);
  ASSERT_TRUE(wal->Log({&rec, 1}, 50).ok());
  EXPECT_EQ(wal->LastPositionBelow(40, wal->EndPosition()), std::nullopt);
  EXPECT_EQ(wal->LastPositionBelow(41, wal->EndPosition()), (Position{5, 0}));
  // Truncation forgets the positions in deleted segments.
  ASSERT_TRUE(wal->NextSegment().ok());
  ASSERT_TRUE(wal->Truncate(6).ok());
  EXPECT_EQ(wal->LastPositionBelow(41, wal->EndPosition()), std::nullopt);
}

TEST(Wal, MetricsCountPagesAndFragments) {
  auto mem = util::NewMemEnv();
  util::Registry registry;
  auto wal = OpenWal(mem.get(), Pages(8, true), &registry);
  std::mt19937_64 rng(3);
  const std::vector<std::string> records = {RandomBytes(rng, 2 * kPageSize),
                                            Compressible(10000, 'q')};
  ASSERT_TRUE(wal->Log(records).ok());
  const std::string text = registry.WriteText();
  // The random record spans three pages (two complete); the compressible one is one fragment.
  EXPECT_THAT(text, HasSubstr("prometheus_tsdb_wal_completed_pages_total 2\n"));
  EXPECT_THAT(text, HasSubstr("prometheus_tsdb_wal_record_part_writes_total 4\n"));
  EXPECT_THAT(text,
              HasSubstr("prometheus_tsdb_wal_record_bytes_saved_total{compression=\"zstd\"}"));
  EXPECT_THAT(text, HasSubstr("prometheus_tsdb_wal_writes_failed_total 0\n"));
}

TEST(Wal, CallsAfterCloseFail) {
  auto mem = util::NewMemEnv();
  auto wal = OpenWal(mem.get(), Pages(4, true));
  ASSERT_TRUE(wal->Close().ok());
  const std::string rec = "late";
  EXPECT_TRUE(absl::IsFailedPrecondition(wal->Log({&rec, 1})));
  EXPECT_TRUE(absl::IsFailedPrecondition(wal->Sync()));
  EXPECT_TRUE(absl::IsFailedPrecondition(wal->NextSegment().status()));
  EXPECT_TRUE(wal->Close().ok());
}

TEST(Wal, EmptyLogCallWritesNothing) {
  auto mem = util::NewMemEnv();
  auto wal = OpenWal(mem.get(), Pages(4, true));
  ASSERT_TRUE(wal->Log({}).ok());
  EXPECT_EQ(*mem->GetFileSize(SegmentPath(kDir, 0)), 0);
}

TEST(Wal, ConcurrentLogCallsAllLandInOrderPerThread) {
  auto mem = util::NewMemEnv();
  auto wal = OpenWal(mem.get(), Pages(2, true));
  constexpr int kThreads = 4, kPerThread = 300;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string rec = std::to_string(t) + ":" + std::to_string(i) +
                                std::string(static_cast<size_t>(i % 7) * 300, 'p');
        EXPECT_TRUE(wal->Log({&rec, 1}).ok());
        if (i % 50 == 0) {
          EXPECT_TRUE(wal->Sync().ok());
        }
        if (t == 0 && i % 100 == 0) {
          EXPECT_TRUE(wal->NextSegment().ok());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE(wal->Close().ok());
  const ReadResult read = ReadAll(mem.get(), kDir);
  ASSERT_TRUE(read.status.ok()) << read.status;
  ASSERT_EQ(read.records.size(), size_t{kThreads * kPerThread});
  std::vector<int> next(kThreads, 0);
  for (const std::string& rec : read.records) {
    const int t = rec[0] - '0';
    const size_t colon = rec.find(':');
    const int i = std::stoi(rec.substr(colon + 1));
    EXPECT_EQ(i, next[t]) << "thread " << t;
    next[t] = i + 1;
  }
}

TEST(Wal, PosixLoggedRecordsAreReadableBeforeSync) {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string dir = util::JoinPath(base != nullptr ? base : "/tmp", "sextant_wal_test.XXXXXX");
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  util::Env* env = util::Env::Default();
  const std::string wal_dir = util::JoinPath(dir, "wal");
  auto wal = Wal::Open(env, wal_dir, Pages(2, true), nullptr);
  ASSERT_TRUE(wal.ok()) << wal.status();
  std::mt19937_64 rng(9);
  std::vector<std::string> written;
  for (int i = 0; i < 50; ++i) {
    written.push_back(i % 2 ? RandomBytes(rng, 4000) : Compressible(9000, 'k'));
    ASSERT_TRUE((*wal)->Log({&written.back(), 1}).ok());
  }
  // Read while the WAL is still open and unsynced: everything must be in the OS already.
  const ReadResult read = ReadAll(env, wal_dir);
  ASSERT_TRUE(read.status.ok()) << read.status;
  EXPECT_EQ(read.records, written);
  ASSERT_TRUE((*wal)->Close().ok());
  ASSERT_TRUE(env->DeleteDirRecursive(dir).ok());
}

}  // namespace
}  // namespace sextant::tsdb::wal
