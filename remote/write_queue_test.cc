// WriteQueue and WriteStorage against a real DB's WAL and a fake receiver: what is sent
// (external labels, relabelling), resuming from the saved position, retries, and the WAL hold.

#include "remote/write_queue.h"

#include <atomic>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <snappy.h>
#include <unistd.h>

#include "api/remote/prompb/remote.pb.h"
#include "config/loader.h"
#include "gtest/gtest.h"
#include "remote/position_file.h"
#include "remote/write_storage.h"
#include "tsdb/db.h"

namespace sextant::remote {
namespace {

// One received sample: its series' labels as "name=value,..." and the sample.
struct Got {
  std::string labels;
  int64_t t;
  double v;
};

// Decodes every request; answers Recoverable while `failing`, else OK and records the samples.
class Receiver : public WriteClient {
 public:
  WriteResult Store(std::string_view body, int attempt) override {
    std::string raw;
    EXPECT_TRUE(snappy::Uncompress(body.data(), body.size(), &raw));
    prometheus::WriteRequest req;
    EXPECT_TRUE(req.ParseFromString(raw));
    std::lock_guard<std::mutex> l(mu_);
    ++calls_;
    if (failing_) return WriteResult::Recoverable("server returned HTTP status 503", {}, 503);
    for (const auto& ts : req.timeseries()) {
      std::string labels;
      for (const auto& l : ts.labels()) labels += l.name() + "=" + l.value() + ",";
      for (const auto& s : ts.samples()) got_.push_back({labels, s.timestamp(), s.value()});
    }
    metadata_ += req.metadata_size();
    cv_.notify_all();
    return WriteResult::Ok();
  }
  std::string_view endpoint() const override { return "fake"; }

  void SetFailing(bool failing) {
    std::lock_guard<std::mutex> l(mu_);
    failing_ = failing;
  }
  bool WaitFor(size_t n) {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, std::chrono::seconds(10), [&] { return got_.size() >= n; });
  }
  std::vector<Got> got() {
    std::lock_guard<std::mutex> l(mu_);
    return got_;
  }
  int calls() {
    std::lock_guard<std::mutex> l(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool failing_ = false;
  int calls_ = 0;
  int metadata_ = 0;
  std::vector<Got> got_;
};

config::Config Load(const std::string& yaml) {
  absl::StatusOr<config::Config> c = config::LoadConfig(yaml, "test.yml");
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *c : config::Config{};
}

constexpr char kConfig[] = R"(
global:
  external_labels: {cluster: a}
remote_write:
  - url: http://receiver.invalid/api/v1/write
    name: main
    queue_config: {max_samples_per_send: 10, batch_send_deadline: 50ms, min_backoff: 10ms, max_backoff: 20ms}
    write_relabel_configs:
      - source_labels: [__name__]
        regex: noisy
        action: drop
)";

class WriteQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            ("sextant_write_queue_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    std::filesystem::remove_all(dir_);
    OpenDb();
  }
  void TearDown() override {
    queue_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  void OpenDb() {
    tsdb::DbOptions o;
    o.compaction_interval_ms = 0;
    o.wal_segment_size = 64 << 10;
    auto db = tsdb::DB::Open(dir_ + "/data", o);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
  }
  WriteQueueOptions Options(const config::Config& c) {
    WriteQueueOptions o;
    o.env = util::Env::Default();
    o.wal_dir = dir_ + "/data/wal";
    o.position_file = dir_ + "/data/queue.position";
    o.external_labels = c.global.external_labels;
    o.flush_deadline = absl::Seconds(2);
    o.watcher_poll_interval = absl::Milliseconds(10);
    return o;
  }
  void StartQueue(const config::Config& c) {
    auto q = WriteQueue::StartWithClient("main", c.remote_write[0], Options(c), receiver_);
    ASSERT_TRUE(q.ok()) << q.status();
    queue_ = *std::move(q);
  }
  // Appends one sample for each of `series` series of metric `name` at each t in [from, to).
  void Append(std::string_view name, int series, int64_t from, int64_t to, int64_t step = 1000) {
    for (int64_t t = from; t < to; t += step) {
      auto app = db_->NewAppender();
      for (int s = 0; s < series; ++s) {
        auto ref = app->Append(
            0, model::Labels::FromPairs({{"__name__", name}, {"series", std::to_string(s)}}), t,
            static_cast<double>(t));
        ASSERT_TRUE(ref.ok()) << ref.status();
      }
      ASSERT_TRUE(app->Commit().ok());
    }
  }
  // Checks each series' samples arrived in increasing time order with no repeats; returns the
  // number of samples per series.
  static std::map<std::string, int> PerSeries(const std::vector<Got>& got) {
    std::map<std::string, int64_t> last;
    std::map<std::string, int> count;
    for (const Got& g : got) {
      auto it = last.find(g.labels);
      if (it != last.end()) {
        EXPECT_GT(g.t, it->second) << g.labels << " out of order or repeated";
      }
      last[g.labels] = g.t;
      ++count[g.labels];
    }
    return count;
  }

  std::string dir_;
  std::unique_ptr<tsdb::DB> db_;
  std::shared_ptr<Receiver> receiver_ = std::make_shared<Receiver>();
  std::unique_ptr<WriteQueue> queue_;
};

TEST_F(WriteQueueTest, SendsNewSamplesWithExternalLabelsAfterRelabelling) {
  Append("before", 1, 0, 5000);  // before the queue started: not sent (no saved position)
  const config::Config c = Load(kConfig);
  StartQueue(c);
  Append("m", 3, 10000, 30000);
  Append("noisy", 2, 10000, 15000);
  ASSERT_TRUE(receiver_->WaitFor(60));
  Append("m", 1, 30000, 31000);  // a marker that everything before was read
  ASSERT_TRUE(receiver_->WaitFor(61));
  std::vector<Got> got = receiver_->got();
  EXPECT_EQ(got.size(), 61u);
  std::map<std::string, int> per = PerSeries(got);
  EXPECT_EQ(per["__name__=m,cluster=a,series=0,"], 21);
  EXPECT_EQ(per["__name__=m,cluster=a,series=2,"], 20);
  for (const auto& [labels, n] : per) {
    EXPECT_EQ(labels.find("noisy"), std::string::npos);
    EXPECT_EQ(labels.find("before"), std::string::npos);
  }
  WriteQueueStats s = queue_->stats();
  EXPECT_EQ(s.dropped_series_samples, 10);
  EXPECT_EQ(s.unknown_series_samples, 0);
  EXPECT_EQ(s.highest_queued_timestamp_ms, 30000);
  EXPECT_FALSE(s.resumed);
}

TEST_F(WriteQueueTest, ExternalLabelsDoNotOverrideTheSeriesOwn) {
  StartQueue(Load(kConfig));
  auto app = db_->NewAppender();
  ASSERT_TRUE(
      app->Append(0, model::Labels::FromPairs({{"__name__", "x"}, {"cluster", "b"}}), 1000, 1)
          .ok());
  ASSERT_TRUE(app->Commit().ok());
  ASSERT_TRUE(receiver_->WaitFor(1));
  EXPECT_EQ(receiver_->got()[0].labels, "__name__=x,cluster=b,");
}

TEST_F(WriteQueueTest, RestartResumesAtTheSavedPositionWithoutLossOrRepeats) {
  const config::Config c = Load(kConfig);
  StartQueue(c);
  Append("m", 5, 0, 20000);
  ASSERT_TRUE(receiver_->WaitFor(100));
  queue_->Stop();
  queue_.reset();
  // Written while no queue runs (a sender that is down): sent after the restart.
  Append("m", 5, 20000, 40000);
  // Even across a restart of the storage.
  ASSERT_TRUE(db_->Close().ok());
  db_.reset();
  OpenDb();
  Append("m", 5, 40000, 45000);
  StartQueue(c);
  EXPECT_TRUE(queue_->stats().resumed);
  ASSERT_TRUE(receiver_->WaitFor(225));
  Append("m", 1, 45000, 46000);
  ASSERT_TRUE(receiver_->WaitFor(226));
  std::vector<Got> got = receiver_->got();
  EXPECT_EQ(got.size(), 226u);
  std::map<std::string, int> per = PerSeries(got);
  EXPECT_EQ(per["__name__=m,cluster=a,series=0,"], 46);
  EXPECT_EQ(per["__name__=m,cluster=a,series=4,"], 45);
}

TEST_F(WriteQueueTest, ReceiverOutageHoldsThePositionAndLosesNothing) {
  const config::Config c = Load(kConfig);
  StartQueue(c);
  Append("m", 2, 0, 5000);
  ASSERT_TRUE(receiver_->WaitFor(10));
  // The position moves just after the receiver has the batch; wait until it has settled.
  WalPosition before;
  for (int i = 0; i < 500; ++i) {
    before = queue_->stats().sent_position;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (before > WalPosition{} && queue_->stats().sent_position == before) break;
  }
  receiver_->SetFailing(true);
  Append("m", 2, 5000, 10000);
  const int calls = receiver_->calls();
  for (int i = 0; i < 200 && receiver_->calls() < calls + 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(receiver_->calls(), calls + 3) << "a recoverable failure is retried";
  EXPECT_EQ(queue_->stats().sent_position, before) << "nothing unsent is marked sent";
  auto saved = ReadPositionFile(util::Env::Default(), dir_ + "/data/queue.position");
  ASSERT_TRUE(saved.ok() && saved->has_value());
  EXPECT_EQ(**saved, before);
  receiver_->SetFailing(false);
  ASSERT_TRUE(receiver_->WaitFor(20));
  PerSeries(receiver_->got());
  // The position moves once the batch's completion is noted, just after the receiver has it.
  for (int i = 0; i < 500 && !(queue_->stats().sent_position > before); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GT(queue_->stats().sent_position, before);
  EXPECT_GT(queue_->stats().queue.samples_retried_total, 0);
}

TEST_F(WriteQueueTest, UnreadablePositionFileStartsAtTheEnd) {
  ASSERT_TRUE(util::Env::Default()
                  ->WriteStringToFile(dir_ + "/data/queue.position", "garbage\n", false)
                  .ok());
  Append("old", 1, 0, 3000);
  StartQueue(Load(kConfig));
  EXPECT_FALSE(queue_->stats().resumed);
  Append("m", 1, 5000, 6000);
  ASSERT_TRUE(receiver_->WaitFor(1))
      << queue_->stats().watcher.samples << " " << queue_->stats().queue.samples_in_total << " "
      << queue_->stats().watcher.last_error << " " << queue_->stats().watcher.current_segment;
  EXPECT_EQ(receiver_->got()[0].labels, "__name__=m,cluster=a,series=0,");
}

TEST_F(WriteQueueTest, ForgetsSeriesIdleForSixHours) {
  StartQueue(Load(kConfig));
  Append("gone", 1, 1000, 2000);
  ASSERT_TRUE(receiver_->WaitFor(1));
  constexpr int64_t kH = 3600 * 1000;
  // Seven hours later, enough data to finish WAL segments (the idle series are dropped then).
  int64_t t = 7 * kH;
  for (int i = 0; i < 400 && queue_->stats().watcher.segments_read == 0; ++i, t += 100'000) {
    Append("m", 100, t, t + 100'000, 10'000);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_GT(queue_->stats().watcher.segments_read, 0);
  // The last series record for "m" is in; wait until its segment is done too.
  for (int i = 0; i < 500 && queue_->stats().series != 100; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(queue_->stats().series, 100) << "the series idle for 7 h is forgotten, the rest kept";
  EXPECT_EQ(queue_->stats().unknown_series_samples, 0);
}

TEST(PositionFileTest, RoundTripsAndRejectsDamage) {
  std::unique_ptr<util::Env> env = util::NewMemEnv();
  ASSERT_TRUE(env->CreateDir("/d").ok());
  auto none = ReadPositionFile(env.get(), "/d/p");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(WritePositionFile(env.get(), "/d/p", {7, 12345}, "http://x/y").ok());
  auto got = ReadPositionFile(env.get(), "/d/p");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(**got, (WalPosition{7, 12345}));
  EXPECT_FALSE(env->FileExists("/d/p.tmp"));
  ASSERT_TRUE(
      env->WriteStringToFile("/d/p", "sextant remote-write position v1\nsegment 3\n", false).ok());
  EXPECT_EQ(ReadPositionFile(env.get(), "/d/p").status().code(), absl::StatusCode::kDataLoss);
  ASSERT_TRUE(env->WriteStringToFile(
                     "/d/p", "sextant remote-write position v1\nsegment -3\noffset 5\n", false)
                  .ok());
  EXPECT_EQ(ReadPositionFile(env.get(), "/d/p").status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(WriteQueueTest, StorageKeepsUnchangedQueuesAndHoldsTheWal) {
  WriteStorageOptions o;
  o.wal_dir = dir_ + "/data/wal";
  o.state_dir = dir_ + "/data/remote-write";
  o.flush_deadline = absl::Seconds(1);
  o.watcher_poll_interval = absl::Milliseconds(10);
  WriteStorage storage(o);
  EXPECT_EQ(storage.TruncationHold(), INT_MAX);
  EXPECT_EQ(storage.LowestSentTimestamp(), INT64_MAX);
  config::Config c = Load(kConfig);
  ASSERT_TRUE(storage.ApplyConfig(c).ok());
  ASSERT_EQ(storage.Queues().size(), 1u);
  EXPECT_EQ(storage.Queues()[0].name, "main");
  EXPECT_LT(storage.TruncationHold(), INT_MAX);
  EXPECT_EQ(storage.LowestSentTimestamp(), 0) << "nothing sent yet";
  const WriteQueueStats before = storage.Queues()[0].stats;
  ASSERT_TRUE(storage.ApplyConfig(c).ok());
  // Unchanged: the same queue runs on (its watcher has not started over).
  EXPECT_GE(storage.Queues()[0].stats.watcher.series_records, before.watcher.series_records);
  config::Config broken = Load(R"(
remote_write:
  - url: ftp://receiver.invalid/api/v1/write
)");
  EXPECT_FALSE(storage.ApplyConfig(broken).ok());
  ASSERT_EQ(storage.Queues().size(), 1u) << "a failed apply keeps what ran";
  EXPECT_EQ(storage.Queues()[0].name, "main");
  c.remote_write.clear();
  ASSERT_TRUE(storage.ApplyConfig(c).ok());
  EXPECT_TRUE(storage.Queues().empty());
  EXPECT_EQ(storage.TruncationHold(), INT_MAX);
}

TEST(RemoteNameTest, NameOrSixHexDigitsOfTheSettings) {
  config::RemoteWriteConfig a;
  a.url = "http://a/";
  EXPECT_EQ(RemoteName(a).size(), 6u);
  config::RemoteWriteConfig b = a;
  b.url = "http://b/";
  EXPECT_NE(RemoteName(a), RemoteName(b));
  b.name = "mimir";
  EXPECT_EQ(RemoteName(b), "mimir");
}

}  // namespace
}  // namespace sextant::remote
