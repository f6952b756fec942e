#include "tsdb/db.h"

#include <atomic>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tsdb/wal/segment.h"
#include "util/env.h"

namespace sextant::tsdb {
namespace {

using ::testing::ElementsAre;

constexpr int64_t kH = 3600 * 1000;

model::Labels L(std::string_view name, std::string_view instance) {
  return model::Labels::FromPairs({{"__name__", name}, {"instance", instance}});
}

model::Matcher Eq(std::string_view name, std::string_view value) {
  return *model::Matcher::Create(model::MatchType::kEqual, name, value);
}

class DbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            ("sextant_db_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    std::filesystem::remove_all(dir_);
    options_.compaction_interval_ms = 0;  // tests call Compact() themselves
    options_.wal_segment_size = 64 << 10;
    options_.replay_points = false;  // written at their own pace; tests that want one ask
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    db_.reset();
    auto db = DB::Open(dir_, options_);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
  }
  // Appends `series` series from `from` to `to` (exclusive) every `step` ms, value = t / 1000.
  void Fill(int series, int64_t from, int64_t to, int64_t step = 15000) {
    std::vector<SeriesRef> refs(series, 0);
    for (int64_t t = from; t < to; t += step) {
      auto app = db_->NewAppender();
      for (int s = 0; s < series; ++s) {
        auto ref =
            app->Append(refs[s], L("m", std::to_string(s)), t, static_cast<double>(t) / 1000);
        ASSERT_TRUE(ref.ok()) << ref.status() << " at " << t;
        refs[s] = *ref;
      }
      ASSERT_TRUE(app->Commit().ok());
    }
  }
  // Samples per series, in label order.
  std::vector<std::vector<model::Sample>> Read(int64_t mint, int64_t maxt,
                                               std::vector<model::Matcher> m = {
                                                   Eq("__name__", "m")}) {
    std::vector<std::vector<model::Sample>> out;
    auto q = db_->NewQuerier(mint, maxt);
    EXPECT_TRUE(q.ok());
    auto set = (*q)->Select(m);
    while (set->Next()) {
      auto it = set->At().Iterator();
      out.emplace_back();
      absl::Status read = ReadAll(*it, &out.back());
      EXPECT_TRUE(read.ok()) << read;
    }
    EXPECT_TRUE(set->status().ok()) << set->status();
    return out;
  }
  static void ExpectContiguous(const std::vector<model::Sample>& s, int64_t from, int64_t to,
                               int64_t step = 15000) {
    ASSERT_EQ(static_cast<int64_t>(s.size()), (to - from + step - 1) / step);
    for (size_t i = 0; i < s.size(); ++i) {
      ASSERT_EQ(s[i].t, from + static_cast<int64_t>(i) * step) << i;
      ASSERT_EQ(s[i].v, static_cast<double>(s[i].t) / 1000);
    }
  }

  std::string dir_;
  DbOptions options_;
  std::unique_ptr<DB> db_;
};

TEST_F(DbTest, SamplesSurviveRestartThroughTheWal) {
  Open();
  Fill(10, 0, 30 * 60 * 1000);
  ASSERT_TRUE(db_->Close().ok());
  Open();
  auto got = Read(0, kH);
  ASSERT_EQ(got.size(), 10u);
  ExpectContiguous(got[3], 0, 30 * 60 * 1000);
  // Appending continues where it stopped.
  Fill(10, 30 * 60 * 1000, 40 * 60 * 1000);
  EXPECT_EQ(Read(0, kH)[0].size(), 160u);
}

TEST_F(DbTest, SecondOpenOfTheSameDirectoryFails) {
  Open();
  auto second = DB::Open(dir_, options_);
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(std::string(second.status().message()), ::testing::HasSubstr("lock"));
}

TEST_F(DbTest, HeadCompactionWritesPartitionsAndQueriesSpanBoth) {
  Open();
  Fill(20, 0, 5 * kH + 30 * 60 * 1000);
  ASSERT_TRUE(db_->Compact().ok());
  auto parts = *db_->partitions().List();
  // The head spans 5.5h: [0,2h) and [2h,4h) go to partitions (the head keeps at least 1.5 ranges).
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].end, 2 * kH);
  EXPECT_EQ(parts[1].end, 4 * kH);
  EXPECT_GE(db_->head().min_time(), 4 * kH);
  auto got = Read(0, 6 * kH);
  ASSERT_EQ(got.size(), 20u);
  ExpectContiguous(got[7], 0, 5 * kH + 30 * 60 * 1000);
  {
    // Compacted ranges are closed for appends.
    auto app = db_->NewAppender();
    EXPECT_EQ(AppendErrorOf(app->Append(0, L("m", "0"), kH, 1).status()),
              AppendError::kOutOfBounds);
  }
  // After a restart: the same data, no duplicates (WAL samples of compacted ranges are skipped).
  ASSERT_TRUE(db_->Close().ok());
  Open();
  got = Read(0, 6 * kH);
  ASSERT_EQ(got.size(), 20u);
  ExpectContiguous(got[7], 0, 5 * kH + 30 * 60 * 1000);
  EXPECT_EQ(db_->StartTime(), 0);
}

TEST_F(DbTest, WalIsCheckpointedAndTruncatedAfterCompaction) {
  Open();
  Fill(50, 0, 9 * kH);
  auto wal_before = db_->Stats().wal_bytes;
  ASSERT_TRUE(db_->Compact().ok());
  ASSERT_TRUE(db_->Compact().ok());
  EXPECT_LT(db_->Stats().wal_bytes, wal_before);
  ASSERT_TRUE(db_->Close().ok());
  Open();
  auto got = Read(0, 9 * kH);
  ASSERT_EQ(got.size(), 50u);
  ExpectContiguous(got[49], 0, 9 * kH);
}

TEST_F(DbTest, WalTruncationKeepsTheSegmentsTheHoldNeeds) {
  std::atomic<int> hold{0};
  options_.wal_truncation_hold = [&hold] { return hold.load(); };
  Open();
  Fill(50, 0, 9 * kH);
  const std::string wal = dir_ + "/wal";
  auto first_segment = [&] {
    auto segments = tsdb::wal::ListSegments(util::Env::Default(), wal);
    EXPECT_TRUE(segments.ok() && !segments->empty());
    return segments->front();
  };
  const int before = first_segment();
  ASSERT_TRUE(db_->Compact().ok());
  EXPECT_EQ(first_segment(), before) << "segment 0 is held: nothing may go";
  hold = before + 3;
  ASSERT_TRUE(db_->Compact().ok());
  Fill(50, 9 * kH, 12 * kH);
  ASSERT_TRUE(db_->Compact().ok());
  EXPECT_EQ(first_segment(), before + 3) << "truncated up to the hold and no further";
  hold = INT_MAX;
  Fill(50, 12 * kH, 15 * kH);
  ASSERT_TRUE(db_->Compact().ok());
  EXPECT_GT(first_segment(), before + 3);
}

TEST_F(DbTest, FinishedDaysAreMergedIntoOnePartition) {
  Open();
  Fill(5, 0, 29 * kH, 60000);
  ASSERT_TRUE(db_->Compact().ok());
  auto parts = *db_->partitions().List();
  ASSERT_EQ(parts.size(), 2u);  // the first day, then [24h, 26h) not yet merged
  EXPECT_EQ(parts[1].end, 26 * kH);
  EXPECT_EQ(parts[0].start, 0);
  EXPECT_EQ(parts[0].end, 24 * kH);
  EXPECT_EQ(parts[0].num_samples, 5u * 24 * 60);
  ExpectContiguous(Read(0, 29 * kH)[2], 0, 29 * kH, 60000);
}

TEST_F(DbTest, RetentionByTimeDropsOldPartitions) {
  options_.retention_ms = 6 * kH;
  options_.merge_range = options_.chunk_range;  // no merging: see each 2h partition go
  Open();
  Fill(5, 0, 15 * kH, 60000);
  ASSERT_TRUE(db_->Compact().ok());
  auto parts = *db_->partitions().List();
  ASSERT_FALSE(parts.empty());
  // Newest sample at ~15h: partitions ending before 9h are gone.
  EXPECT_GE(parts.front().max_time, 9 * kH - 60000);
  EXPECT_GT(db_->StartTime(), 6 * kH);
}

TEST_F(DbTest, RetentionBySizeDropsOldestUntilUnderTheLimit) {
  options_.merge_range = options_.chunk_range;
  Open();
  // Noisy values so that the partitions, not RocksDB's bookkeeping, dominate the size.
  uint64_t x = 88172645463325252ull;
  for (int64_t t = 0; t < 13 * kH; t += 60000) {
    auto app = db_->NewAppender();
    for (int s = 0; s < 200; ++s) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      ASSERT_TRUE(app->Append(0, L("m", std::to_string(s)), t, static_cast<double>(x)).ok());
    }
    ASSERT_TRUE(app->Commit().ok());
  }
  ASSERT_TRUE(db_->Compact().ok());
  auto all = *db_->partitions().List();
  ASSERT_GE(all.size(), 4u);
  DbStats stats = db_->Stats();
  ASSERT_TRUE(db_->Close().ok());
  // Room for the WAL and a bit more than half of the partitions.
  options_.retention_bytes = stats.wal_bytes + stats.partition_bytes * 6 / 10;
  Open();
  ASSERT_TRUE(db_->Compact().ok());
  auto kept = *db_->partitions().List();
  ASSERT_FALSE(kept.empty());
  EXPECT_LT(kept.size(), all.size());
  EXPECT_EQ(kept.back().end, all.back().end);  // the newest stays
  stats = db_->Stats();
  EXPECT_LE(stats.wal_bytes + stats.partition_bytes, options_.retention_bytes);
}

TEST_F(DbTest, DeleteSpansHeadAndPartitionsAndSurvivesRestart) {
  Open();
  Fill(3, 0, 5 * kH);
  ASSERT_TRUE(db_->Compact().ok());
  std::vector<model::Matcher> m = {Eq("instance", "1")};
  // From inside the first partition to inside the head.
  ASSERT_TRUE(db_->Delete(kH, 4 * kH + 30 * 60 * 1000, m).ok());
  auto check = [&] {
    auto got = Read(0, 5 * kH);
    ASSERT_EQ(got.size(), 3u);
    for (const model::Sample& s : got[1]) {
      ASSERT_TRUE(s.t < kH || s.t > 4 * kH + 30 * 60 * 1000) << s.t;
    }
    ExpectContiguous(got[0], 0, 5 * kH);
  };
  check();
  ASSERT_TRUE(db_->CleanTombstones().ok());
  check();
  ASSERT_TRUE(db_->Close().ok());
  Open();
  check();
}

TEST_F(DbTest, SnapshotIsAUsableDataDirectory) {
  Open();
  Fill(4, 0, 5 * kH);
  ASSERT_TRUE(db_->Compact().ok());
  auto name = db_->Snapshot(/*with_head=*/true);
  ASSERT_TRUE(name.ok()) << name.status();
  std::string snap_dir = dir_ + "/snapshots/" + *name;
  db_.reset();
  auto snap = DB::Open(snap_dir, options_);
  ASSERT_TRUE(snap.ok()) << snap.status();
  auto q = *(*snap)->NewQuerier(0, 5 * kH);
  auto m = Eq("__name__", "m");
  auto set = q->Select(std::span(&m, 1));
  int n = 0;
  while (set->Next()) {
    std::vector<model::Sample> samples;
    auto it = set->At().Iterator();
    ASSERT_TRUE(ReadAll(*it, &samples).ok());
    ExpectContiguous(samples, 0, 5 * kH);
    ++n;
  }
  EXPECT_EQ(n, 4);
}

TEST_F(DbTest, CorruptWalTailIsCutBackAndCounted) {
  Open();
  Fill(5, 0, 10 * 60 * 1000);
  ASSERT_TRUE(db_->Close().ok());
  db_.reset();
  // Garbage after the last record of the newest segment.
  std::string last;
  for (const auto& e : std::filesystem::directory_iterator(dir_ + "/wal")) {
    if (e.is_regular_file() && e.path().filename().string() > last) {
      last = e.path().filename().string();
    }
  }
  {
    std::ofstream f(dir_ + "/wal/" + last, std::ios::app | std::ios::binary);
    f << std::string("\x01\x00\x10garbage-garbage-garbage", 26);
  }
  util::Registry registry;
  options_.metrics = &registry;
  Open();
  EXPECT_EQ(Read(0, kH)[0].size(), 40u);
  EXPECT_THAT(registry.WriteText(),
              ::testing::HasSubstr("prometheus_tsdb_wal_corruptions_total 1"));
  db_.reset();
}

TEST_F(DbTest, CommittedSamplesSurviveSigkill) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    // A separate program (tsdb/db_crash_writer.cc), exec'd: RocksDB's and the sanitizers'
    // threads would not survive a bare fork of this multi-threaded test.
    const std::string fd = std::to_string(fds[1]);
    execl(SEXTANT_DB_CRASH_WRITER, SEXTANT_DB_CRASH_WRITER, dir_.c_str(), fd.c_str(),
          static_cast<char*>(nullptr));
    _exit(6);
  }
  close(fds[1]);
  int64_t acked = -1, i;
  // Killed once it has written a replay point (reading on, so that the writer goes on).
  const std::string point = dir_ + "/chunks_head/replay_point";
  while ((acked < 3000 || !std::filesystem::exists(point)) &&
         read(fds[0], &i, sizeof(i)) == sizeof(i)) {
    acked = i;
  }
  kill(child, SIGKILL);
  int status;
  waitpid(child, &status, 0);
  // Drain acknowledgements written before the kill.
  while (read(fds[0], &i, sizeof(i)) == sizeof(i)) acked = i;
  close(fds[0]);
  ASSERT_GE(acked, 3000) << "child exit status " << status;
  Open();
  auto got = Read(0, INT64_MAX);
  ASSERT_EQ(got.size(), 20u);
  for (const auto& samples : got) {
    ASSERT_GE(static_cast<int64_t>(samples.size()), acked + 1);
    // Every sample exactly once: those in mapped chunks were not replayed again.
    for (size_t k = 0; k < samples.size(); ++k) ASSERT_EQ(samples[k].t, k * 1000);
  }
  // The closed chunks came back from the head chunk files; the WAL was read from the last replay
  // point the writer left (written after waves of cuts, at most every 200 ms), so not every
  // logged sample was decoded, and only those no chunk holds were replayed.
  const head::ReplayStats& stats = db_->replay_stats();
  EXPECT_GE(stats.mapped_chunks, 20u * (static_cast<uint64_t>(acked) / 120 - 1));
  EXPECT_TRUE(stats.from_replay_point);
  EXPECT_LT(stats.mapped_samples_skipped + stats.samples, 20u * static_cast<uint64_t>(acked));
  EXPECT_LT(stats.samples, 20u * 240);
}

TEST_F(DbTest, CompactionWhileAppendingAndQuerying) {
  options_.merge_range = 4 * kH;  // merges too, not only head compactions, while it all runs
  Open();
  std::atomic<bool> done{false};
  std::thread writer([&] {
    Fill(20, 0, 12 * kH, 30000);
    done = true;
  });
  std::thread reader([&] {
    while (!done) {
      for (const auto& samples : Read(0, INT64_MAX)) {
        for (size_t k = 1; k < samples.size(); ++k) ASSERT_LT(samples[k - 1].t, samples[k].t);
      }
    }
  });
  std::thread compactor([&] {
    while (!done) ASSERT_TRUE(db_->Compact().ok());
  });
  writer.join();
  reader.join();
  compactor.join();
  ASSERT_TRUE(db_->Compact().ok());
  auto got = Read(0, INT64_MAX);
  ASSERT_EQ(got.size(), 20u);
  ExpectContiguous(got[5], 0, 12 * kH, 30000);
  auto parts = *db_->partitions().List();
  ASSERT_FALSE(parts.empty());
  EXPECT_EQ(parts.front().end - parts.front().start, 4 * kH);  // merged
}

}  // namespace
}  // namespace sextant::tsdb

namespace sextant::tsdb {
namespace {

TEST_F(DbTest, ReadOnlyOpenSeesDataWhileTheServerHoldsTheDirectory) {
  Open();
  Fill(3, 0, 5 * kH + 30 * 60 * 1000);
  ASSERT_TRUE(db_->Compact().ok());  // some data in partitions, some only in the WAL
  DbOptions ro = options_;
  ro.read_only = true;
  auto reader = DB::Open(dir_, ro);
  ASSERT_TRUE(reader.ok()) << reader.status();
  auto q = *(*reader)->NewQuerier(0, INT64_MAX);
  auto m = Eq("__name__", "m");
  auto set = q->Select(std::span(&m, 1));
  ASSERT_TRUE(set->Next());
  std::vector<model::Sample> samples;
  auto it = set->At().Iterator();
  ASSERT_TRUE(ReadAll(*it, &samples).ok());
  ExpectContiguous(samples, 0, 5 * kH + 30 * 60 * 1000);
  auto app = (*reader)->NewAppender();
  EXPECT_EQ(app->Append(0, L("m", "0"), 6 * kH, 1).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(DB::Open(dir_ + "/missing", ro).ok());
}

}  // namespace
}  // namespace sextant::tsdb

namespace sextant::tsdb {
namespace {

std::vector<std::string> SnapshotDirs(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir + "/wal")) {
    if (e.path().filename().string().starts_with("chunk_snapshot.")) {
      out.push_back(e.path().filename().string());
    }
  }
  return out;
}

TEST_F(DbTest, CleanShutdownWritesAChunkSnapshotThatTheNextStartLoads) {
  Open();
  Fill(10, 0, 45 * 60 * 1000);
  ASSERT_TRUE(db_->Close().ok());
  auto first = SnapshotDirs(dir_);
  ASSERT_EQ(first.size(), 1u);
  std::filesystem::copy(dir_ + "/wal/" + first[0], dir_ + "/saved_snapshot");
  Open();
  // Appends continue the open chunks restored from the snapshot.
  Fill(10, 45 * 60 * 1000, 60 * 60 * 1000);
  auto got = Read(0, kH);
  ASSERT_EQ(got.size(), 10u);
  ExpectContiguous(got[9], 0, 60 * 60 * 1000);
  ASSERT_TRUE(db_->Close().ok());
  // As after a crash following those appends: only the first snapshot, then the segments after
  // it must be replayed on top of it.
  for (const auto& s : SnapshotDirs(dir_)) std::filesystem::remove_all(dir_ + "/wal/" + s);
  std::filesystem::rename(dir_ + "/saved_snapshot", dir_ + "/wal/" + first[0]);
  Open();
  got = Read(0, kH);
  ASSERT_EQ(got.size(), 10u);
  ExpectContiguous(got[3], 0, 60 * 60 * 1000);
}

TEST_F(DbTest, CorruptChunkSnapshotFallsBackToTheWal) {
  Open();
  Fill(10, 0, 45 * 60 * 1000);
  ASSERT_TRUE(db_->Close().ok());
  auto snaps = SnapshotDirs(dir_);
  ASSERT_EQ(snaps.size(), 1u);
  {
    std::fstream f(dir_ + "/wal/" + snaps[0] + "/00000000",
                   std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    f.write("\xff\xff\xff\xff", 4);
  }
  Open();
  auto got = Read(0, kH);
  ASSERT_EQ(got.size(), 10u);
  ExpectContiguous(got[0], 0, 45 * 60 * 1000);
}

TEST_F(DbTest, CheckpointRetiresTheChunkSnapshot) {
  Open();
  Fill(5, 0, 2 * kH);
  ASSERT_TRUE(db_->Close().ok());
  ASSERT_EQ(SnapshotDirs(dir_).size(), 1u);
  Open();
  Fill(5, 2 * kH, 6 * kH);
  ASSERT_TRUE(db_->Compact().ok());
  EXPECT_TRUE(SnapshotDirs(dir_).empty());
  db_.reset();
  Open();
  ExpectContiguous(Read(0, 6 * kH)[4], 0, 6 * kH);
}

}  // namespace
}  // namespace sextant::tsdb

namespace sextant::tsdb {
namespace {

size_t ChunkFiles(const std::string& dir) {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir + "/chunks_head")) {
    n += e.is_regular_file() && e.path().filename().string().size() == 8 ? 1 : 0;
  }
  return n;
}

// Leaves dir_ as a killed server would: what it wrote is with the operating system (the WAL is
// written before each commit returns; the chunk files are shared mappings), nothing more.
void CrashAndKeepFiles(std::unique_ptr<DB>* db, const std::string& dir) {
  const std::string copy = dir + "_crashed";
  std::filesystem::remove_all(copy);
  std::filesystem::copy(dir, copy, std::filesystem::copy_options::recursive);
  std::filesystem::remove(copy + "/lock");
  db->reset();
  std::filesystem::remove_all(dir);
  std::filesystem::rename(copy, dir);
}

TEST_F(DbTest, ClosedChunksGoToTheHeadChunkFiles) {
  Open();
  Fill(10, 0, 90 * 60 * 1000);  // 360 samples a series: two closed chunks each
  EXPECT_EQ(ChunkFiles(dir_), 1u);
  ExpectContiguous(Read(0, kH * 2)[7], 0, 90 * 60 * 1000);
}

TEST_F(DbTest, CrashRestartAttachesMappedChunksAndReplaysOnlyTheRest) {
  options_.head_chunk_file_size = 16 << 10;
  Open();
  Fill(10, 0, 90 * 60 * 1000);
  CrashAndKeepFiles(&db_, dir_);
  Open();
  const head::ReplayStats& stats = db_->replay_stats();
  EXPECT_EQ(stats.mapped_chunks, 20u);
  EXPECT_EQ(stats.mapped_samples_skipped, 10u * 240);
  EXPECT_EQ(stats.samples, 10u * 120);
  auto got = Read(0, kH * 2);
  ASSERT_EQ(got.size(), 10u);
  for (const auto& samples : got) ExpectContiguous(samples, 0, 90 * 60 * 1000);
  // Appends continue after the restored data, chunks cut into new files.
  Fill(10, 90 * 60 * 1000, 2 * kH);
  ExpectContiguous(Read(0, kH * 2)[3], 0, 2 * kH);
}

TEST_F(DbTest, HeadTruncationDeletesChunkFilesAndReadersKeepTheirChunks) {
  options_.head_chunk_file_size = 8 << 10;
  Open();
  Fill(20, 0, 4 * kH);
  const size_t before = ChunkFiles(dir_);
  ASSERT_GT(before, 4u);
  // A reader that selected before the compaction reads its chunks after the files are gone.
  auto q = *db_->NewQuerier(0, kH);
  auto m = Eq("__name__", "m");
  auto set = q->Select(std::span(&m, 1));
  std::vector<std::unique_ptr<SeriesIterator>> its;
  while (set->Next()) its.push_back(set->At().Iterator());
  ASSERT_EQ(its.size(), 20u);
  ASSERT_TRUE(db_->Compact().ok());  // the first 2h become a partition
  EXPECT_LT(ChunkFiles(dir_), before);
  for (auto& it : its) {
    std::vector<model::Sample> samples;
    ASSERT_TRUE(ReadAll(*it, &samples).ok());
    ExpectContiguous(samples, 0, kH + 1);
  }
  ExpectContiguous(Read(0, 4 * kH)[11], 0, 4 * kH);
  its.clear();
  set.reset();
  q.reset();  // before its database
  // A crash now: the remaining chunks and the WAL give the same data again.
  db_.reset();
  std::filesystem::remove_all(dir_ + "/wal/" + [&] {
    for (const auto& e : std::filesystem::directory_iterator(dir_ + "/wal")) {
      if (e.path().filename().string().starts_with("chunk_snapshot.")) {
        return e.path().filename().string();
      }
    }
    return std::string("none");
  }());
  Open();
  EXPECT_GT(db_->replay_stats().mapped_chunks, 0u);
  ExpectContiguous(Read(0, 4 * kH)[11], 0, 4 * kH);
}

TEST_F(DbTest, CleanRestartUsesTheSnapshotWithMappedChunks) {
  Open();
  Fill(10, 0, 90 * 60 * 1000);
  ASSERT_TRUE(db_->Close().ok());
  Open();
  EXPECT_EQ(db_->replay_stats().samples, 0u);  // all from the snapshot and the chunk files
  ExpectContiguous(Read(0, kH * 2)[2], 0, 90 * 60 * 1000);
  // The snapshot was used once; a crash now replays the WAL onto the mapped chunks.
  Fill(10, 90 * 60 * 1000, 2 * kH);
  db_.reset();  // Close writes a new snapshot: remove it, as a crash would not have written it
  for (const auto& e : std::filesystem::directory_iterator(dir_ + "/wal")) {
    if (e.path().filename().string().starts_with("chunk_snapshot.")) {
      std::filesystem::remove_all(e.path());
    }
  }
  Open();
  EXPECT_GT(db_->replay_stats().mapped_chunks, 0u);
  auto got = Read(0, kH * 2);
  ASSERT_EQ(got.size(), 10u);
  for (const auto& samples : got) ExpectContiguous(samples, 0, 2 * kH);
}

TEST_F(DbTest, TornChunkFileIsCutAndTheWalFillsIn) {
  options_.head_chunk_file_size = 16 << 10;
  Open();
  Fill(10, 0, 90 * 60 * 1000);
  db_.reset();
  for (const auto& e : std::filesystem::directory_iterator(dir_ + "/wal")) {
    if (e.path().filename().string().starts_with("chunk_snapshot.")) {
      std::filesystem::remove_all(e.path());
    }
  }
  // Garbage in the middle of the first chunk file.
  {
    std::fstream f(dir_ + "/chunks_head/00000001", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(700);
    f.write("\xde\xad\xbe\xef", 4);
  }
  util::Registry registry;
  options_.metrics = &registry;
  Open();
  EXPECT_THAT(registry.WriteText(),
              ::testing::HasSubstr("prometheus_tsdb_mmap_chunk_corruptions_total 1"));
  EXPECT_LT(db_->replay_stats().mapped_chunks, 20u);
  auto got = Read(0, kH * 2);
  ASSERT_EQ(got.size(), 10u);
  for (const auto& samples : got) ExpectContiguous(samples, 0, 90 * 60 * 1000);
  db_.reset();  // before the registry it reports to
}

constexpr int64_t kMin = 60 * 1000;

TEST_F(DbTest, CrashRestartStartsAtTheReplayPoint) {
  options_.replay_points = true;
  Open();
  Fill(1000, 0, 90 * kMin);  // chunks cut at 30 and 60 minutes
  ASSERT_TRUE(db_->WriteReplayPoint().ok());
  ASSERT_TRUE(std::filesystem::exists(dir_ + "/chunks_head/replay_point"));
  CrashAndKeepFiles(&db_, dir_);
  Open();
  const head::ReplayStats& stats = db_->replay_stats();
  EXPECT_TRUE(stats.from_replay_point);
  EXPECT_EQ(stats.mapped_chunks, 2000u);
  EXPECT_EQ(stats.samples, 1000u * 120);
  // Records before the point were not read at all: the point is at most a WAL segment before the
  // newest cut (the index has an entry per segment here), so most mapped samples were not even
  // decoded (a full replay decodes 240,000).
  EXPECT_LT(stats.mapped_samples_skipped, 1000u * 240 / 2);
  auto got = Read(0, 2 * kH);
  ASSERT_EQ(got.size(), 1000u);
  for (const auto& samples : got) ExpectContiguous(samples, 0, 90 * kMin);
  Fill(1000, 90 * kMin, 2 * kH);
  ExpectContiguous(Read(0, 2 * kH)[999], 0, 2 * kH);
}

TEST_F(DbTest, ReplayPointCarriesTombstonesAndTheWalAddsLaterSeries) {
  // replay_points stays off: no point but the one the test writes.
  Open();
  Fill(1000, 0, 90 * kMin);
  auto m = Eq("instance", "5");
  ASSERT_TRUE(db_->Delete(0, 10 * kMin, std::span(&m, 1)).ok());
  ASSERT_TRUE(db_->WriteReplayPoint().ok());
  {
    auto app = db_->NewAppender();
    ASSERT_TRUE(app->Append(0, L("n", "late"), 90 * kMin, 1).ok());  // after the point
    ASSERT_TRUE(app->Commit().ok());
  }
  CrashAndKeepFiles(&db_, dir_);
  Open();
  ASSERT_TRUE(db_->replay_stats().from_replay_point);
  auto q = *db_->NewQuerier(0, 2 * kH);
  auto set = q->Select(std::span(&m, 1));
  ASSERT_TRUE(set->Next());
  std::vector<model::Sample> samples;
  ASSERT_TRUE(ReadAll(*set->At().Iterator(), &samples).ok());
  ExpectContiguous(samples, 10 * kMin + 15000, 90 * kMin);
  auto late = Eq("__name__", "n");
  auto late_set = q->Select(std::span(&late, 1));
  ASSERT_TRUE(late_set->Next());
  samples.clear();
  ASSERT_TRUE(ReadAll(*late_set->At().Iterator(), &samples).ok());
  EXPECT_EQ(samples.size(), 1u);
}

TEST_F(DbTest, ReplayPointIsNotUsedWhenItsChunkFileWasCutBack) {
  // replay_points stays off: no point but the one the test writes.
  Open();
  Fill(1000, 0, 90 * kMin);
  ASSERT_TRUE(db_->WriteReplayPoint().ok());
  CrashAndKeepFiles(&db_, dir_);
  // A torn tail: the chunk file ends inside the last chunk the point counts on.
  auto point = head::ReadReplayPoint(util::Env::Default(), dir_ + "/chunks_head");
  ASSERT_TRUE(point.ok()) << point.status();
  ASSERT_EQ(point->chunks.file, 1u);
  std::filesystem::resize_file(dir_ + "/chunks_head/00000001", point->chunks.offset - 10);
  Open();
  const head::ReplayStats& stats = db_->replay_stats();
  EXPECT_FALSE(stats.from_replay_point);
  EXPECT_EQ(stats.samples + stats.mapped_samples_skipped, 1000u * 360);
  auto got = Read(0, 2 * kH);
  ASSERT_EQ(got.size(), 1000u);
  for (const auto& samples : got) ExpectContiguous(samples, 0, 90 * kMin);
}

TEST_F(DbTest, ReplayPointIsNotUsedOnceACheckpointPassedIt) {
  // replay_points stays off: no point but the one the test writes.
  Open();
  Fill(200, 0, kH);
  ASSERT_TRUE(db_->WriteReplayPoint().ok());
  Fill(200, kH, 4 * kH);
  ASSERT_TRUE(db_->Compact().ok());  // the head is truncated, the WAL checkpointed past the point
  Fill(200, 4 * kH, 4 * kH + 30 * kMin);
  CrashAndKeepFiles(&db_, dir_);
  Open();
  EXPECT_FALSE(db_->replay_stats().from_replay_point);
  auto got = Read(0, 5 * kH);
  ASSERT_EQ(got.size(), 200u);
  for (const auto& samples : got) ExpectContiguous(samples, 0, 4 * kH + 30 * kMin);
}

}  // namespace
}  // namespace sextant::tsdb
