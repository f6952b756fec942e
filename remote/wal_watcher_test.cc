#include "remote/wal_watcher.h"

#include <chrono>
#include <functional>
#include <future>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model/labels.h"
#include "tsdb/wal/checkpoint.h"
#include "tsdb/wal/reader.h"
#include "tsdb/wal/record.h"
#include "tsdb/wal/segment.h"
#include "tsdb/wal/wal.h"
#include "util/env.h"

namespace sextant::remote {
namespace {

namespace wal = tsdb::wal;

constexpr char kDir[] = "/wal";

// Records what the watcher hands over, and checks that every sample's series came first.
class Collector : public WalWatcherConsumer {
 public:
  void OnSeries(std::span<const wal::RefSeries> series) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (const wal::RefSeries& s : series) series_.insert(s.ref);
  }
  void OnSamples(std::span<const wal::RefSample> samples, WalPosition after) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (const wal::RefSample& s : samples) {
      if (!series_.contains(s.ref)) ++unknown_series_;
      samples_.push_back(s);
    }
    positions_.push_back(after);
  }
  void OnSegmentDone(int segment) override {
    std::lock_guard<std::mutex> lock(mu_);
    done_.push_back(segment);
  }

  std::vector<wal::RefSample> samples() const {
    std::lock_guard<std::mutex> lock(mu_);
    return samples_;
  }
  size_t sample_count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return samples_.size();
  }
  std::vector<WalPosition> positions() const {
    std::lock_guard<std::mutex> lock(mu_);
    return positions_;
  }
  bool knows(uint64_t ref) const {
    std::lock_guard<std::mutex> lock(mu_);
    return series_.contains(ref);
  }
  int unknown_series() const {
    std::lock_guard<std::mutex> lock(mu_);
    return unknown_series_;
  }
  std::vector<int> done() const {
    std::lock_guard<std::mutex> lock(mu_);
    return done_;
  }

 private:
  mutable std::mutex mu_;
  std::set<uint64_t> series_;
  std::vector<wal::RefSample> samples_;
  std::vector<WalPosition> positions_;
  std::vector<int> done_;
  int unknown_series_ = 0;
};

// Waits up to 5 s for `done`.
bool WaitFor(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

std::string SeriesRecord(uint64_t ref) {
  std::string rec;
  const wal::RefSeries series{
      ref, model::Labels::FromPairs({{"__name__", "m"}, {"id", std::to_string(ref)}})};
  wal::EncodeSeries({&series, 1}, &rec);
  return rec;
}

// Sample i belongs to series i % series_count, at t = i; value i.
std::string SamplesRecord(int64_t first, int64_t count, uint64_t series_count) {
  std::vector<wal::RefSample> samples;
  for (int64_t i = first; i < first + count; ++i) {
    samples.push_back({static_cast<uint64_t>(i) % series_count, i, static_cast<double>(i)});
  }
  std::string rec;
  wal::EncodeSamples(samples, &rec);
  return rec;
}

std::vector<wal::RefSample> ExpectedSamples(int64_t first, int64_t end, uint64_t series_count) {
  std::vector<wal::RefSample> samples;
  for (int64_t i = first; i < end; ++i) {
    samples.push_back({static_cast<uint64_t>(i) % series_count, i, static_cast<double>(i)});
  }
  return samples;
}

class WalWatcherTest : public ::testing::Test {
 protected:
  std::unique_ptr<wal::Wal> OpenWal(bool compress = false) {
    auto w = wal::Wal::Open(env_.get(), kDir,
                            wal::WalOptions{.segment_size = wal::kPageSize, .compress = compress},
                            nullptr);
    EXPECT_TRUE(w.ok()) << w.status();
    return w.ok() ? *std::move(w) : nullptr;
  }

  // Logs the series 0..series_count-1, then `records` samples records of `per_record` samples.
  void LogSeries(wal::Wal* w, uint64_t series_count) {
    for (uint64_t ref = 0; ref < series_count; ++ref) {
      const std::string rec = SeriesRecord(ref);
      ASSERT_TRUE(w->Log({&rec, 1}).ok());
    }
  }
  void LogSamples(wal::Wal* w, int64_t first, int64_t records, int64_t per_record,
                  uint64_t series_count) {
    for (int64_t r = 0; r < records; ++r) {
      const std::string rec = SamplesRecord(first + r * per_record, per_record, series_count);
      ASSERT_TRUE(w->Log({&rec, 1}).ok());
    }
  }

  static WalWatcherOptions Fast() {
    return WalWatcherOptions{.poll_interval = absl::Milliseconds(10), .name = "test"};
  }

  std::unique_ptr<util::Env> env_ = util::NewMemEnv();
};

TEST_F(WalWatcherTest, TailsAConcurrentWriterAcrossCutsCheckpointAndTruncation) {
  auto w = OpenWal();
  ASSERT_NE(w, nullptr);
  Collector collector;
  WalWatcher watcher(env_.get(), kDir, &collector, Fast());
  ASSERT_TRUE(watcher.StartAt({0, 0}).ok());

  constexpr int64_t kBatches = 1000;
  constexpr int64_t kPerRecord = 20;
  constexpr uint64_t kSeries = 64;
  std::thread writer([&] {
    uint64_t next_series = 0;
    for (int64_t b = 0; b < kBatches; ++b) {
      // A new series appears before its first sample (series i is first used by sample i).
      std::vector<std::string> records;
      while (next_series < kSeries && next_series < static_cast<uint64_t>((b + 1) * kPerRecord)) {
        records.push_back(SeriesRecord(next_series++));
      }
      records.push_back(SamplesRecord(b * kPerRecord, kPerRecord, kSeries));
      ASSERT_TRUE(w->Log(records).ok());
      if (b % 3 == 0) watcher.Notify();
      if (b == kBatches / 2) {
        // Checkpoint and truncate behind the watcher once it has caught up.
        const int current = w->current_segment();
        ASSERT_TRUE(WaitFor([&] { return watcher.stats().current_segment >= current; }));
        auto cut = w->NextSegment();
        ASSERT_TRUE(cut.ok());
        auto segments = w->Segments();
        ASSERT_TRUE(segments.ok());
        const int to = *cut - 2;
        ASSERT_GE(to, segments->first);
        ASSERT_TRUE(wal::Checkpoint(
                        env_.get(), kDir, segments->first, to, [](uint64_t) { return true; }, 0)
                        .ok());
        ASSERT_TRUE(w->Truncate(to + 1).ok());
      }
    }
  });
  writer.join();
  const size_t total = kBatches * kPerRecord;
  EXPECT_TRUE(WaitFor([&] { return collector.sample_count() >= total; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));  // nothing more may come
  watcher.Stop();

  EXPECT_EQ(collector.samples(), ExpectedSamples(0, total, kSeries));
  EXPECT_EQ(collector.unknown_series(), 0);
  const WalWatcherStats stats = watcher.stats();
  EXPECT_GT(stats.segments_read, 5);
  EXPECT_EQ(stats.skips, 0);
  EXPECT_EQ(stats.corruptions, 0) << stats.last_error;
  EXPECT_EQ(stats.bad_records, 0);
  EXPECT_EQ(stats.samples, static_cast<int64_t>(total));
  EXPECT_EQ(stats.samples_records, kBatches);
  EXPECT_EQ(stats.series_records, static_cast<int64_t>(kSeries));
  // Positions only increase.
  const std::vector<WalPosition> positions = collector.positions();
  EXPECT_TRUE(std::is_sorted(positions.begin(), positions.end()));
  EXPECT_TRUE(std::adjacent_find(positions.begin(), positions.end()) == positions.end());
  // Every completed segment was announced, in order.
  const std::vector<int> done = collector.done();
  EXPECT_EQ(static_cast<int64_t>(done.size()), stats.segments_read);
  EXPECT_TRUE(std::is_sorted(done.begin(), done.end()));
}

TEST_F(WalWatcherTest, ResumesFromASavedPositionWithoutSkippingOrRepeating) {
  constexpr uint64_t kSeries = 10;
  constexpr int64_t kPerRecord = 50;
  auto w = OpenWal();
  ASSERT_NE(w, nullptr);
  LogSeries(w.get(), kSeries);
  LogSamples(w.get(), 0, 80, kPerRecord, kSeries);

  WalPosition saved;
  {
    Collector first;
    WalWatcher watcher(env_.get(), kDir, &first, Fast());
    ASSERT_TRUE(watcher.StartAt({0, 0}).ok());
    ASSERT_TRUE(WaitFor([&] { return first.sample_count() == 80 * kPerRecord; }));
    watcher.Stop();
    // "Sent" the first 17 records, across at least one segment cut.
    saved = first.positions()[16];
    EXPECT_GT(first.positions().back().segment, saved.segment);
  }
  LogSamples(w.get(), 80 * kPerRecord, 10, kPerRecord, kSeries);

  Collector second;
  WalWatcher watcher(env_.get(), kDir, &second, Fast());
  ASSERT_TRUE(watcher.StartAt(saved).ok());
  ASSERT_TRUE(WaitFor([&] { return second.sample_count() >= 73 * kPerRecord; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  watcher.Stop();
  EXPECT_EQ(second.samples(), ExpectedSamples(17 * kPerRecord, 90 * kPerRecord, kSeries));
  EXPECT_EQ(second.unknown_series(), 0);  // the series came from before the position
  EXPECT_EQ(watcher.stats().skipped_samples_records, 17);
}

TEST_F(WalWatcherTest, StartFromNowHandsOverOnlyNewSamples) {
  constexpr uint64_t kSeries = 5;
  auto w = OpenWal();
  ASSERT_NE(w, nullptr);
  LogSeries(w.get(), kSeries);
  LogSamples(w.get(), 0, 30, 40, kSeries);

  Collector collector;
  WalWatcher watcher(env_.get(), kDir, &collector, Fast());
  ASSERT_TRUE(watcher.StartFromNow().ok());
  ASSERT_TRUE(WaitFor([&] { return watcher.stats().skipped_samples_records == 30; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));  // at the live end
  LogSamples(w.get(), 30 * 40, 5, 40, kSeries);
  watcher.Notify();
  ASSERT_TRUE(WaitFor([&] { return collector.sample_count() >= 5 * 40; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  watcher.Stop();
  EXPECT_EQ(collector.samples(), ExpectedSamples(30 * 40, 35 * 40, kSeries));
  EXPECT_EQ(collector.unknown_series(), 0);
}

TEST_F(WalWatcherTest, WaitsForATornTailInsteadOfReportingIt) {
  // The bytes of a finished WAL, written into the watched directory in two steps.
  ASSERT_TRUE(env_->CreateDir("/src").ok());
  {
    auto w = wal::Wal::Open(env_.get(), "/src", wal::WalOptions{.segment_size = 4 * wal::kPageSize},
                            nullptr);
    ASSERT_TRUE(w.ok());
    LogSeries(w->get(), 3);
    LogSamples(w->get(), 0, 20, 100, 3);  // ~1.7 KB each: some span pages
    ASSERT_TRUE((*w)->Close().ok());
  }
  const std::string bytes = *env_->ReadFileToString(wal::SegmentPath("/src", 0));
  ASSERT_TRUE(env_->CreateDir(kDir).ok());
  const size_t cut = bytes.size() / 2 + 3;  // inside some record
  ASSERT_TRUE(env_->WriteStringToFile(wal::SegmentPath(kDir, 0), bytes.substr(0, cut), false).ok());

  Collector collector;
  WalWatcher watcher(env_.get(), kDir, &collector, Fast());
  ASSERT_TRUE(watcher.StartAt({0, 0}).ok());
  ASSERT_TRUE(WaitFor([&] { return collector.sample_count() > 0; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // several polls at the torn tail
  const size_t before = collector.sample_count();
  EXPECT_LT(before, 2000u);
  EXPECT_EQ(watcher.stats().corruptions, 0);

  ASSERT_TRUE(env_->WriteStringToFile(wal::SegmentPath(kDir, 0), bytes, false).ok());
  watcher.Notify();
  ASSERT_TRUE(WaitFor([&] { return collector.sample_count() >= 2000; }));
  // The writer moves on: the segment is complete and read to its clean end.
  ASSERT_TRUE(env_->WriteStringToFile(wal::SegmentPath(kDir, 1), "", false).ok());
  watcher.Notify();
  ASSERT_TRUE(WaitFor([&] { return watcher.stats().segments_read == 1; }));
  watcher.Stop();
  EXPECT_EQ(collector.samples(), ExpectedSamples(0, 2000, 3));
  EXPECT_EQ(watcher.stats().corruptions, 0) << watcher.stats().last_error;
}

TEST_F(WalWatcherTest, DamageInACompleteSegmentIsReportedAndSkipped) {
  ASSERT_TRUE(env_->CreateDir("/src").ok());
  {
    auto w = wal::Wal::Open(env_.get(), "/src",
                            wal::WalOptions{.segment_size = 4 * wal::kPageSize, .compress = false},
                            nullptr);
    ASSERT_TRUE(w.ok());
    LogSeries(w->get(), 3);
    LogSamples(w->get(), 0, 10, 100, 3);
    ASSERT_TRUE((*w)->NextSegment().ok());
    LogSamples(w->get(), 1000, 10, 100, 3);
    ASSERT_TRUE((*w)->Close().ok());
  }
  ASSERT_TRUE(env_->CreateDir(kDir).ok());
  std::string seg0 = *env_->ReadFileToString(wal::SegmentPath("/src", 0));
  seg0[seg0.size() / 2] ^= 0x40;  // inside some samples record
  ASSERT_TRUE(env_->WriteStringToFile(wal::SegmentPath(kDir, 0), seg0, false).ok());
  ASSERT_TRUE(env_->WriteStringToFile(wal::SegmentPath(kDir, 1),
                                      *env_->ReadFileToString(wal::SegmentPath("/src", 1)), false)
                  .ok());
  ASSERT_TRUE(env_->WriteStringToFile(wal::SegmentPath(kDir, 2), "", false).ok());

  Collector collector;
  WalWatcher watcher(env_.get(), kDir, &collector, Fast());
  ASSERT_TRUE(watcher.StartAt({0, 0}).ok());
  ASSERT_TRUE(WaitFor([&] { return watcher.stats().segments_read == 2; }));
  watcher.Stop();
  const WalWatcherStats stats = watcher.stats();
  EXPECT_EQ(stats.corruptions, 1);
  EXPECT_THAT(stats.last_error, ::testing::HasSubstr("checksum"));
  std::vector<wal::RefSample> samples = collector.samples();
  ASSERT_GE(samples.size(), 1000u);
  // Segment 1 entirely, after what segment 0 had before the damage.
  const std::vector<wal::RefSample> tail(samples.end() - 1000, samples.end());
  EXPECT_EQ(tail, ExpectedSamples(1000, 2000, 3));
  EXPECT_LT(samples.size(), 2000u);
}

TEST_F(WalWatcherTest, StartPositionDeletedByTruncationSkipsToTheCheckpointAndNextSegment) {
  constexpr uint64_t kSeries = 4;
  auto w = OpenWal();
  ASSERT_NE(w, nullptr);
  LogSeries(w.get(), kSeries);
  LogSamples(w.get(), 0, 300, 50, kSeries);
  auto cut = w->NextSegment();
  ASSERT_TRUE(cut.ok());
  ASSERT_GE(*cut, 4);
  ASSERT_TRUE(wal::Checkpoint(
                  env_.get(), kDir, 0, 2, [](uint64_t) { return true; }, 0)
                  .ok());
  ASSERT_TRUE(w->Truncate(3).ok());
  // The samples that remain, from segment 3 on.
  auto reader = wal::Reader::Open(env_.get(), kDir, 3, *cut);
  ASSERT_TRUE(reader.ok());
  std::vector<wal::RefSample> remaining;
  while ((*reader)->Next()) {
    std::vector<wal::RefSample> samples;
    if (wal::DecodeSamples((*reader)->record(), &samples).ok()) {
      remaining.insert(remaining.end(), samples.begin(), samples.end());
    }
  }
  ASSERT_FALSE(remaining.empty());

  Collector collector;
  WalWatcher watcher(env_.get(), kDir, &collector, Fast());
  ASSERT_TRUE(watcher.StartAt({1, 0}).ok());
  ASSERT_TRUE(WaitFor([&] { return collector.sample_count() >= remaining.size(); }));
  watcher.Stop();
  EXPECT_EQ(collector.samples(), remaining);
  EXPECT_EQ(collector.unknown_series(), 0);  // the series came from the checkpoint
  const WalWatcherStats stats = watcher.stats();
  EXPECT_EQ(stats.skips, 1);
  EXPECT_EQ(stats.skipped_segments, 2);
  EXPECT_EQ(stats.checkpoints_read, 1);
}

// Blocks in its first OnSamples until released.
class BlockingCollector : public Collector {
 public:
  void OnSamples(std::span<const wal::RefSample> samples, WalPosition after) override {
    if (!blocked_once_) {
      blocked_once_ = true;
      entered_.set_value();
      release_.get_future().wait();
    }
    Collector::OnSamples(samples, after);
  }
  std::promise<void> entered_;
  std::promise<void> release_;

 private:
  bool blocked_once_ = false;  // the watcher's thread only
};

TEST_F(WalWatcherTest, SegmentsTruncatedWhileBehindAreSkippedWithTheCheckpointsSeries) {
  constexpr uint64_t kSeries = 4;
  auto w = OpenWal();
  ASSERT_NE(w, nullptr);
  LogSeries(w.get(), kSeries);
  LogSamples(w.get(), 0, 300, 50, kSeries);
  BlockingCollector collector;
  WalWatcher watcher(env_.get(), kDir, &collector, Fast());
  ASSERT_TRUE(watcher.StartAt({0, 0}).ok());
  collector.entered_.get_future().wait();  // the watcher is in segment 0
  auto cut = w->NextSegment();
  ASSERT_TRUE(cut.ok());
  ASSERT_GE(*cut, 4);
  ASSERT_TRUE(wal::Checkpoint(
                  env_.get(), kDir, 0, 2, [](uint64_t) { return true; }, 0)
                  .ok());
  ASSERT_TRUE(w->Truncate(3).ok());
  collector.release_.set_value();
  // It finishes segment 0 (still open), finds 1 and 2 gone, and goes on from 3.
  ASSERT_TRUE(WaitFor([&] { return watcher.stats().skips == 1; }));
  LogSamples(w.get(), 300 * 50, 1, 50, kSeries);
  watcher.Notify();
  ASSERT_TRUE(WaitFor([&] {
    const std::vector<wal::RefSample> samples = collector.samples();
    return !samples.empty() && samples.back().t == 301 * 50 - 1;
  }));
  watcher.Stop();
  const WalWatcherStats stats = watcher.stats();
  EXPECT_EQ(stats.skipped_segments, 2);
  EXPECT_EQ(stats.checkpoints_read, 1);
  EXPECT_EQ(stats.corruptions, 0) << stats.last_error;
  EXPECT_EQ(collector.unknown_series(), 0);
  // In order, without repeats, with a gap where segments 1 and 2 were.
  const std::vector<wal::RefSample> samples = collector.samples();
  int gaps = 0;
  for (size_t i = 1; i < samples.size(); ++i) {
    ASSERT_LT(samples[i - 1].t, samples[i].t);
    if (samples[i].t != samples[i - 1].t + 1) ++gaps;
  }
  EXPECT_EQ(gaps, 1);
  EXPECT_EQ(samples.front().t, 0);
}

TEST_F(WalWatcherTest, StopIsPromptWhileWaitingForAPoll) {
  auto w = OpenWal();
  ASSERT_NE(w, nullptr);
  LogSeries(w.get(), 2);
  Collector collector;
  WalWatcher watcher(env_.get(), kDir, &collector,
                     WalWatcherOptions{.poll_interval = absl::Seconds(30), .name = "slow"});
  ASSERT_TRUE(watcher.StartAt({0, 0}).ok());
  ASSERT_TRUE(WaitFor([&] { return collector.knows(1); }));
  const auto start = std::chrono::steady_clock::now();
  watcher.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
  watcher.Stop();  // idempotent
  EXPECT_FALSE(watcher.StartFromNow().ok());
}

TEST_F(WalWatcherTest, NotifyWakesItBeforeThePoll) {
  auto w = OpenWal();
  ASSERT_NE(w, nullptr);
  LogSeries(w.get(), 2);
  Collector collector;
  WalWatcher watcher(env_.get(), kDir, &collector,
                     WalWatcherOptions{.poll_interval = absl::Seconds(30), .name = "slow"});
  ASSERT_TRUE(watcher.StartAt({0, 0}).ok());
  ASSERT_TRUE(WaitFor([&] { return collector.knows(1); }));
  LogSamples(w.get(), 0, 1, 10, 2);
  watcher.Notify();
  EXPECT_TRUE(WaitFor([&] { return collector.sample_count() == 10; }));
}

TEST_F(WalWatcherTest, RejectsANegativePosition) {
  Collector collector;
  WalWatcher watcher(env_.get(), kDir, &collector, Fast());
  EXPECT_TRUE(absl::IsInvalidArgument(watcher.StartAt({-1, 0})));
  EXPECT_TRUE(absl::IsInvalidArgument(watcher.StartAt({0, -5})));
}

}  // namespace
}  // namespace sextant::remote
