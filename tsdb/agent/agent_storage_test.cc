#include "tsdb/agent/agent_storage.h"

#include <atomic>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <malloc.h>
#include <unistd.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/timestamp.h"
#include "tsdb/wal/checkpoint.h"
#include "tsdb/wal/reader.h"
#include "tsdb/wal/record.h"
#include "tsdb/wal/segment.h"
#include "util/strings.h"

namespace sextant::tsdb::agent {
namespace {

using ::testing::HasSubstr;

model::Labels L(std::string_view name, std::string_view instance) {
  return model::Labels::FromPairs({{"__name__", name}, {"instance", instance}});
}

constexpr int64_t kHour = 3600 * 1000;

class AgentStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = util::NewMemEnv();
    options_.env = env_.get();
    options_.metrics = registry_.get();
    options_.run_background = false;
    options_.wal_compression = false;
    options_.wal_segment_size = 32 << 10;
    options_.now_ms = [this] { return now_; };
  }
  void Open() {
    storage_.reset();
    auto s = AgentStorage::Open(dir_, options_);
    ASSERT_TRUE(s.ok()) << s.status();
    storage_ = *std::move(s);
  }
  void Reopen() {
    ASSERT_TRUE(storage_->Close().ok());
    storage_.reset();
    registry_ = std::make_unique<util::Registry>();  // the metrics register again
    options_.metrics = registry_.get();
    Open();
  }
  SeriesRef AppendOne(const model::Labels& labels, int64_t t, double v = 1) {
    auto app = storage_->NewAppender();
    auto ref = app->Append(0, labels, t, v);
    EXPECT_TRUE(ref.ok()) << ref.status();
    EXPECT_TRUE(app->Commit().ok());
    return ref.ok() ? *ref : 0;
  }
  // Every record in the WAL's segments (not checkpoints), decoded by type.
  struct Records {
    std::vector<wal::RecordType> types;
    std::vector<wal::RefSeries> series;
    std::vector<wal::RefSample> samples;
  };
  Records ReadWal(const std::string& dir) {
    Records out;
    auto reader = wal::Reader::OpenAll(env_.get(), dir);
    EXPECT_TRUE(reader.ok()) << reader.status();
    if (!reader.ok()) return out;
    while ((*reader)->Next()) {
      std::string_view rec = (*reader)->record();
      auto type = wal::PeekType(rec);
      EXPECT_TRUE(type.ok());
      out.types.push_back(*type);
      if (*type == wal::RecordType::kSeries) {
        std::vector<wal::RefSeries> s;
        EXPECT_TRUE(wal::DecodeSeries(rec, &s).ok());
        out.series.insert(out.series.end(), s.begin(), s.end());
      } else if (*type == wal::RecordType::kSamples) {
        std::vector<wal::RefSample> s;
        EXPECT_TRUE(wal::DecodeSamples(rec, &s).ok());
        out.samples.insert(out.samples.end(), s.begin(), s.end());
      }
    }
    EXPECT_TRUE((*reader)->status().ok()) << (*reader)->status();
    return out;
  }
  std::string Metric(std::string_view name) {
    std::string text = registry_->WriteText();
    for (std::string_view line : util::StrSplit(text, '\n')) {
      if (line.substr(0, name.size()) == name && line.size() > name.size() &&
          (line[name.size()] == ' ' || line[name.size()] == '{')) {
        return std::string(line.substr(line.rfind(' ') + 1));
      }
    }
    return "";
  }
  // Fills segments: `commits` commits of `n` series at t, t+1, ...
  void Fill(int n, int commits, int64_t t, std::string_view prefix = "s") {
    for (int c = 0; c < commits; ++c) {
      auto app = storage_->NewAppender();
      for (int i = 0; i < n; ++i) {
        ASSERT_TRUE(app->Append(0, L(prefix, std::to_string(i)), t + c, i).ok());
      }
      ASSERT_TRUE(app->Commit().ok());
    }
  }

  std::unique_ptr<util::Env> env_;
  std::unique_ptr<util::Registry> registry_ = std::make_unique<util::Registry>();
  AgentOptions options_;
  int64_t now_ = 100 * kHour;
  std::string dir_ = "/agent";
  std::unique_ptr<AgentStorage> storage_;
};

TEST_F(AgentStorageTest, CommitLogsSeriesRecordThenOneSamplesRecord) {
  Open();
  auto app = storage_->NewAppender();
  auto a = app->Append(0, L("up", "a"), 1000, 1);
  auto b = app->Append(0, L("up", "b"), 1000, 0);
  ASSERT_TRUE(a.ok() && b.ok());
  auto a2 = app->Append(*a, L("up", "a"), 2000, 2);
  ASSERT_TRUE(a2.ok());
  EXPECT_EQ(*a2, *a);
  EXPECT_NE(*a, *b);
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_EQ(storage_->wal_dir(), "/agent/wal");
  Records r = ReadWal(storage_->wal_dir());
  EXPECT_THAT(r.types, ::testing::ElementsAre(wal::RecordType::kSeries, wal::RecordType::kSamples));
  EXPECT_THAT(r.series, ::testing::ElementsAre(wal::RefSeries{*a, L("up", "a")},
                                               wal::RefSeries{*b, L("up", "b")}));
  EXPECT_THAT(r.samples,
              ::testing::ElementsAre(wal::RefSample{*a, 1000, 1}, wal::RefSample{*b, 1000, 0},
                                     wal::RefSample{*a, 2000, 2}));
  EXPECT_EQ(Metric("prometheus_agent_active_series"), "2");
  EXPECT_EQ(Metric("prometheus_agent_samples_appended_total"), "3");
}

TEST_F(AgentStorageTest, CommitNotifiesRemoteWrite) {
  Open();
  int notified = 0;
  storage_->SetCommitNotifier([&] { ++notified; });
  AppendOne(L("up", "a"), 1000);
  EXPECT_EQ(notified, 1);
  auto app = storage_->NewAppender();
  ASSERT_TRUE(app->Commit().ok());  // nothing to log
  EXPECT_EQ(notified, 1);
}

TEST_F(AgentStorageTest, KnownSeriesGetNoSecondSeriesRecord) {
  Open();
  SeriesRef ref = AppendOne(L("up", "a"), 1000);
  EXPECT_EQ(AppendOne(L("up", "a"), 2000), ref);
  Records r = ReadWal(storage_->wal_dir());
  EXPECT_EQ(r.series.size(), 1u);
  EXPECT_EQ(r.samples.size(), 2u);
}

TEST_F(AgentStorageTest, StaleRefHintIsIgnored) {
  Open();
  SeriesRef a = AppendOne(L("up", "a"), 1000);
  auto app = storage_->NewAppender();
  auto b = app->Append(a, L("up", "b"), 1000, 1);  // a's ref, other labels
  ASSERT_TRUE(b.ok());
  EXPECT_NE(*b, a);
  auto c = app->Append(999, L("up", "c"), 1000, 1);  // a ref nobody has
  ASSERT_TRUE(c.ok());
  EXPECT_NE(*c, 999u);
  ASSERT_TRUE(app->Commit().ok());
}

TEST_F(AgentStorageTest, EmptyLabelsRejected) {
  Open();
  auto app = storage_->NewAppender();
  auto ref = app->Append(0, model::Labels(), 1000, 1);
  EXPECT_TRUE(absl::IsInvalidArgument(ref.status())) << ref.status();
}

TEST_F(AgentStorageTest, SampleAtOrBeforeLastCommittedTimestampIsOutOfOrder) {
  Open();
  AppendOne(L("up", "a"), 2000, 1);
  auto app = storage_->NewAppender();
  auto older = app->Append(0, L("up", "a"), 1000, 1);
  EXPECT_EQ(AppendErrorOf(older.status()), AppendError::kOutOfOrder) << older.status();
  // Prometheus's agent rejects the same timestamp too, even with the same value.
  auto same = app->Append(0, L("up", "a"), 2000, 1);
  EXPECT_EQ(AppendErrorOf(same.status()), AppendError::kOutOfOrder) << same.status();
  auto newer = app->Append(0, L("up", "a"), 3000, 1);
  EXPECT_TRUE(newer.ok()) << newer.status();
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_EQ(Metric("prometheus_agent_out_of_order_samples_total"), "2");
  Records r = ReadWal(storage_->wal_dir());
  ASSERT_EQ(r.samples.size(), 2u);
  EXPECT_EQ(r.samples[1].t, 3000);
}

TEST_F(AgentStorageTest, OutOfOrderTimeWindowAcceptsSomewhatOlderSamples) {
  options_.out_of_order_time_window_ms = 10000;
  Open();
  AppendOne(L("up", "a"), 100000, 1);
  auto app = storage_->NewAppender();
  EXPECT_TRUE(app->Append(0, L("up", "a"), 95000, 1).ok());
  EXPECT_TRUE(app->Append(0, L("up", "a"), 100000, 1).ok());
  EXPECT_EQ(AppendErrorOf(app->Append(0, L("up", "a"), 90000, 1).status()),
            AppendError::kOutOfOrder);
  ASSERT_TRUE(app->Commit().ok());
  Records r = ReadWal(storage_->wal_dir());
  ASSERT_EQ(r.samples.size(), 3u);
  EXPECT_EQ(r.samples[1].t, 95000);
}

TEST_F(AgentStorageTest, RollbackDropsSamplesButLogsNewSeries) {
  Open();
  auto app = storage_->NewAppender();
  auto ref = app->Append(0, L("up", "a"), 1000, 1);
  ASSERT_TRUE(ref.ok());
  app->Rollback();
  Records r = ReadWal(storage_->wal_dir());
  EXPECT_THAT(r.types, ::testing::ElementsAre(wal::RecordType::kSeries));
  EXPECT_TRUE(r.samples.empty());
  // The rolled-back sample did not move the series' last timestamp.
  EXPECT_EQ(AppendOne(L("up", "a"), 1000), *ref);
}

TEST_F(AgentStorageTest, DroppedAppenderStillLogsItsNewSeries) {
  Open();
  {
    auto app = storage_->NewAppender();
    ASSERT_TRUE(app->Append(0, L("up", "a"), 1000, 1).ok());
  }
  Records r = ReadWal(storage_->wal_dir());
  EXPECT_THAT(r.types, ::testing::ElementsAre(wal::RecordType::kSeries));
  EXPECT_TRUE(r.samples.empty());
}

TEST_F(AgentStorageTest, NotQueryable) {
  Open();
  auto q = storage_->NewQuerier(0, 1000);
  EXPECT_TRUE(absl::IsUnimplemented(q.status())) << q.status();
  EXPECT_THAT(q.status().message(), HasSubstr("unsupported operation with WAL-only storage"));
  AppendOne(L("up", "a"), 1000);
  EXPECT_EQ(storage_->StartTime(), model::kMaxTimestamp);
}

TEST_F(AgentStorageTest, RefsAndLastTimestampsSurviveRestart) {
  Open();
  SeriesRef a = AppendOne(L("up", "a"), 1000);
  SeriesRef b = AppendOne(L("up", "b"), 5000);
  Reopen();
  EXPECT_EQ(storage_->num_series(), 2u);
  EXPECT_EQ(Metric("prometheus_agent_active_series"), "2");
  auto app = storage_->NewAppender();
  EXPECT_EQ(*app->Append(0, L("up", "b"), 6000, 1), b);
  EXPECT_EQ(AppendErrorOf(app->Append(0, L("up", "a"), 1000, 1).status()),
            AppendError::kOutOfOrder);
  EXPECT_EQ(*app->Append(0, L("up", "a"), 1001, 1), a);
  auto c = app->Append(0, L("up", "c"), 1000, 1);
  ASSERT_TRUE(c.ok());
  EXPECT_GT(*c, std::max(a, b));
  ASSERT_TRUE(app->Commit().ok());
  // Only c's series record is new.
  Records r = ReadWal(storage_->wal_dir());
  EXPECT_EQ(r.series.size(), 3u);
}

TEST_F(AgentStorageTest, TornTailIsCutBackAndCounted) {
  Open();
  AppendOne(L("up", "a"), 1000);
  AppendOne(L("up", "b"), 2000);
  ASSERT_TRUE(storage_->Close().ok());
  // Half a record at the end of the last segment, as a crash mid-write leaves.
  auto segments = wal::ListSegments(env_.get(), "/agent/wal");
  ASSERT_TRUE(segments.ok() && !segments->empty());
  std::string path = wal::SegmentPath("/agent/wal", segments->back());
  auto size = env_->GetFileSize(path);
  ASSERT_TRUE(size.ok());
  {
    auto f = env_->NewAppendableFile(path);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append(std::string("\x01\x00\x40garbage", 10)).ok());
    ASSERT_TRUE((*f)->Close().ok());
  }
  Reopen();
  EXPECT_EQ(Metric("prometheus_agent_corruptions_total"), "1");
  EXPECT_EQ(storage_->num_series(), 2u);
  EXPECT_EQ(*env_->GetFileSize(path), *size);
  AppendOne(L("up", "c"), 3000);
  Records r = ReadWal(storage_->wal_dir());
  EXPECT_EQ(r.series.size(), 3u);
}

TEST_F(AgentStorageTest, SecondOpenFailsOnLock) {
  Open();
  auto second = AgentStorage::Open(dir_, [&] {
    AgentOptions o = options_;
    o.metrics = nullptr;
    return o;
  }());
  EXPECT_TRUE(absl::IsFailedPrecondition(second.status())) << second.status();
}

TEST_F(AgentStorageTest, TruncationCheckpointsAndDropsInactiveSeries) {
  Open();
  const int64_t t0 = now_ - 2 * kHour;
  Fill(50, 5, t0, "gone");  // stops being appended to
  for (int round = 0; round < 8; ++round) {
    Fill(200, 20, now_ - 60000 + round * 100);
    (void)storage_->Truncate();  // cuts a segment each time; the first rounds fold little
  }
  ASSERT_TRUE(storage_->Truncate().ok());
  EXPECT_EQ(storage_->num_series(), 200u);
  EXPECT_EQ(Metric("prometheus_agent_active_series"), "200");
  auto checkpoint = wal::LastCheckpoint(env_.get(), storage_->wal_dir());
  ASSERT_TRUE(checkpoint.ok() && checkpoint->has_value());
  auto segments = wal::ListSegments(env_.get(), storage_->wal_dir());
  ASSERT_TRUE(segments.ok());
  EXPECT_EQ(segments->front(), (*checkpoint)->index + 1);
  EXPECT_NE(Metric("prometheus_agent_checkpoint_creations_total"), "0");
  // The restarted agent knows only the live series, under their refs.
  auto app = storage_->NewAppender();
  auto live = app->Append(0, L("s", "7"), now_, 1);
  ASSERT_TRUE(live.ok());
  app->Rollback();
  Reopen();
  EXPECT_EQ(storage_->num_series(), 200u);
  auto app2 = storage_->NewAppender();
  EXPECT_EQ(*app2->Append(0, L("s", "7"), now_ + 1, 1), *live);
  ASSERT_TRUE(app2->Commit().ok());
}

TEST_F(AgentStorageTest, TruncationHoldKeepsSegmentsUntilMaxWalTime) {
  Open();
  int hold = INT_MAX;
  storage_->SetTruncationHold([&] { return hold; });
  Fill(200, 20, now_);
  hold = 0;  // a queue still needs segment 0
  for (int round = 0; round < 6; ++round) {
    Fill(200, 20, now_ + 100 + round * 100);
    ASSERT_TRUE(storage_->Truncate().ok());
  }
  auto segments = wal::ListSegments(env_.get(), storage_->wal_dir());
  ASSERT_TRUE(segments.ok());
  EXPECT_EQ(segments->front(), 0);
  auto none = wal::LastCheckpoint(env_.get(), storage_->wal_dir());
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  // The receiver stays down: once everything but the newest segment is older than
  // max_wal_time (4h by default), it goes regardless of the hold.
  now_ += 5 * kHour;
  Fill(200, 1, now_);
  ASSERT_TRUE(storage_->Truncate().ok());
  segments = wal::ListSegments(env_.get(), storage_->wal_dir());
  ASSERT_TRUE(segments.ok());
  EXPECT_GT(segments->front(), 0);
  auto checkpoint = wal::LastCheckpoint(env_.get(), storage_->wal_dir());
  ASSERT_TRUE(checkpoint.ok() && checkpoint->has_value());
  EXPECT_EQ(segments->front(), (*checkpoint)->index + 1);
}

TEST_F(AgentStorageTest, TruncationHoldLimitsWhatIsDeleted) {
  Open();
  for (int round = 0; round < 9; ++round) {
    Fill(200, 20, now_ + round * 100);
    ASSERT_TRUE(storage_->Truncate().ok());
  }
  auto before = wal::ListSegments(env_.get(), storage_->wal_dir());
  ASSERT_TRUE(before.ok());
  const int held = before->front() + 2;
  storage_->SetTruncationHold([&] { return held; });
  for (int round = 0; round < 4; ++round) {
    Fill(200, 20, now_ + 1000 + round * 100);
    ASSERT_TRUE(storage_->Truncate().ok());
  }
  auto after = wal::ListSegments(env_.get(), storage_->wal_dir());
  ASSERT_TRUE(after.ok());
  EXPECT_LE(after->front(), held);
}

TEST_F(AgentStorageTest, ConcurrentAppendersAndTruncation) {
  Open();
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int round = 0; round < 200; ++round) {
        auto app = storage_->NewAppender();
        for (int i = 0; i < 50; ++i) {
          // Half the series are shared between writers: races on creation and timestamps.
          std::string instance = std::to_string(i % 2 == 0 ? i : w * 100 + i);
          (void)app->Append(0, L("c", instance), now_ + round * 10 + w, 1);
        }
        if (round % 7 == 0) {
          app->Rollback();
        } else {
          EXPECT_TRUE(app->Commit().ok());
        }
      }
    });
  }
  std::thread truncator([&] {
    while (!stop.load()) EXPECT_TRUE(storage_->Truncate().ok());
  });
  for (auto& t : writers) t.join();
  stop = true;
  truncator.join();
  EXPECT_EQ(storage_->num_series(), 25u + 4 * 25u);
  // Replay after truncations under load finds every series again.
  Reopen();
  EXPECT_EQ(storage_->num_series(), 25u + 4 * 25u);
}

// Not a speed test: the memory agent mode keeps per series, which is its reason to exist.
TEST(AgentStorageMemory, BytesPerSeries) {
  std::string dir =
      (std::filesystem::temp_directory_path() / ("sextant_agent_mem_" + std::to_string(::getpid())))
          .string();
  std::filesystem::remove_all(dir);
  AgentOptions options;
  options.run_background = false;
  constexpr int kSeries = 100000;
  std::vector<model::Labels> labels;
  labels.reserve(kSeries);
  for (int i = 0; i < kSeries; ++i) {
    labels.push_back(model::Labels::FromPairs({{"__name__", "http_requests_total"},
                                               {"instance", "host-" + std::to_string(i % 500)},
                                               {"job", "api"},
                                               {"path", "/v1/item/" + std::to_string(i)}}));
  }
  size_t label_bytes = 0;
  for (const auto& l : labels) label_bytes += l.bytes().size();
  auto storage = AgentStorage::Open(dir, options);
  ASSERT_TRUE(storage.ok()) << storage.status();
  // Warm up: WAL buffers and metrics allocated before the measurement.
  {
    auto app = (*storage)->NewAppender();
    ASSERT_TRUE(app->Append(0, L("warm", "up"), 1, 1).ok());
    ASSERT_TRUE(app->Commit().ok());
  }
  malloc_trim(0);
  const size_t before = mallinfo2().uordblks;
  for (int start = 0; start < kSeries; start += 1000) {
    auto app = (*storage)->NewAppender();
    for (int i = start; i < start + 1000; ++i) ASSERT_TRUE(app->Append(0, labels[i], 1000, 1).ok());
    ASSERT_TRUE(app->Commit().ok());
  }
  malloc_trim(0);
  const size_t after = mallinfo2().uordblks;
  const double per_series = static_cast<double>(after - before) / kSeries;
  std::printf("agent storage: %.0f bytes/series at %d series (labels %.0f bytes packed)\n",
              per_series, kSeries, static_cast<double>(label_bytes) / kSeries);
  RecordProperty("bytes_per_series", static_cast<int>(per_series));
  EXPECT_EQ((*storage)->num_series(), static_cast<size_t>(kSeries) + 1);
  EXPECT_LT(per_series, 300);
  ASSERT_TRUE((*storage)->Close().ok());
  storage->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sextant::tsdb::agent
