#include "remote/queue_manager.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <httplib.h>
#include <snappy.h>

#include "api/remote/prompb/remote.pb.h"
#include "gtest/gtest.h"

namespace sextant::remote {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

struct Received {
  std::string series;  // the "series" label
  int64_t t;
};

// Decodes each body, answers what `policy(call, attempt)` says (OK by default) and records the
// samples of the accepted ones, in acceptance order.
class FakeClient : public WriteClient {
 public:
  using Policy = std::function<WriteResult(int call, int attempt)>;
  // Decides by the "series" label of the request's first sample, after Policy said OK.
  using SeriesPolicy = std::function<WriteResult(const std::string& series, int attempt)>;

  WriteResult Store(std::string_view body, int attempt) override {
    std::string raw;
    EXPECT_TRUE(snappy::Uncompress(body.data(), body.size(), &raw));
    prometheus::WriteRequest req;
    EXPECT_TRUE(req.ParseFromString(raw));
    std::function<void()> block;
    Policy policy;
    int call;
    {
      std::lock_guard<std::mutex> l(mu_);
      call = calls_++;
      policy = policy_;
      attempt_times_.push_back(Clock::now());
      attempts_.push_back(attempt);
    }
    if (blocked_) {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] { return !blocked_; });
    }
    WriteResult r = policy ? policy(call, attempt) : WriteResult::Ok();
    if (r.ok() && req.timeseries_size() > 0) {
      SeriesPolicy series_policy;
      {
        std::lock_guard<std::mutex> l(mu_);
        series_policy = series_policy_;
      }
      for (const auto& l : req.timeseries(0).labels()) {
        if (series_policy && l.name() == "series") r = series_policy(l.value(), attempt);
      }
    }
    std::lock_guard<std::mutex> l(mu_);
    if (r.ok()) {
      batch_sizes_.push_back(req.timeseries_size());
      for (const auto& ts : req.timeseries()) {
        std::string series;
        for (const auto& l : ts.labels()) {
          if (l.name() == "series") series = l.value();
        }
        received_.push_back({series, ts.samples(0).timestamp()});
      }
    }
    cv_.notify_all();
    return r;
  }
  std::string_view endpoint() const override { return "fake"; }

  void SetPolicy(Policy p) {
    std::lock_guard<std::mutex> l(mu_);
    policy_ = std::move(p);
  }
  void SetSeriesPolicy(SeriesPolicy p) {
    std::lock_guard<std::mutex> l(mu_);
    series_policy_ = std::move(p);
  }
  void Block() { blocked_ = true; }
  void Unblock() {
    std::lock_guard<std::mutex> l(mu_);
    blocked_ = false;
    cv_.notify_all();
  }
  // Waits (at most 5 s) until `n` samples were accepted.
  bool WaitReceived(size_t n) {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, std::chrono::seconds(5), [&] { return received_.size() >= n; });
  }
  std::vector<Received> received() {
    std::lock_guard<std::mutex> l(mu_);
    return received_;
  }
  std::vector<int> batch_sizes() {
    std::lock_guard<std::mutex> l(mu_);
    return batch_sizes_;
  }
  std::vector<Clock::time_point> attempt_times() {
    std::lock_guard<std::mutex> l(mu_);
    return attempt_times_;
  }
  std::vector<int> attempts() {
    std::lock_guard<std::mutex> l(mu_);
    return attempts_;
  }
  int calls() {
    std::lock_guard<std::mutex> l(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> blocked_{false};
  Policy policy_;
  SeriesPolicy series_policy_;
  int calls_ = 0;
  std::vector<Received> received_;
  std::vector<int> batch_sizes_;
  std::vector<Clock::time_point> attempt_times_;
  std::vector<int> attempts_;
};

config::QueueConfig Queue(int64_t max_samples, absl::Duration deadline = absl::Hours(1)) {
  config::QueueConfig cfg;
  cfg.capacity = 1000;
  cfg.min_shards = 1;
  cfg.max_samples_per_send = max_samples;
  cfg.batch_send_deadline = deadline;
  cfg.min_backoff = absl::Milliseconds(5);
  cfg.max_backoff = absl::Milliseconds(20);
  return cfg;
}

model::Labels Series(int i) {
  return model::Labels::FromPairs({{"__name__", "m"}, {"series", std::to_string(i)}});
}

struct Fixture {
  explicit Fixture(const config::QueueConfig& cfg, QueueManagerOptions options = {}) {
    auto c = std::make_unique<FakeClient>();
    client = c.get();
    qm = std::make_unique<QueueManager>("test", cfg, std::move(c), std::move(options));
  }
  FakeClient* client;
  std::unique_ptr<QueueManager> qm;
};

// Polls `cond` every millisecond for at most `limit`.
bool WaitUntil(const std::function<bool()>& cond, milliseconds limit = milliseconds(5000)) {
  const auto until = Clock::now() + limit;
  while (!cond()) {
    if (Clock::now() >= until) return false;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return true;
}

// Per series, the received timestamps are exactly 0..n-1 in order.
void ExpectInOrder(const std::vector<Received>& got, int series, int n) {
  std::map<std::string, int64_t> next;
  for (const Received& r : got) {
    int64_t& want = next[r.series];
    ASSERT_EQ(r.t, want) << "series " << r.series;
    ++want;
  }
  ASSERT_EQ(next.size(), static_cast<size_t>(series));
  for (const auto& [s, count] : next) EXPECT_EQ(count, n) << "series " << s;
}

TEST(QueueManager, BatchesBySize) {
  Fixture f(Queue(10));
  for (int i = 0; i < 25; ++i) ASSERT_TRUE(f.qm->Append(1, Series(1), i, i));
  ASSERT_TRUE(f.client->WaitReceived(20));
  std::this_thread::sleep_for(milliseconds(30));
  EXPECT_EQ(f.client->batch_sizes(), (std::vector<int>{10, 10}));
  EXPECT_EQ(f.qm->stats().samples_pending, 5);
  ASSERT_TRUE(f.qm->Stop(absl::Seconds(5)).ok());
  EXPECT_EQ(f.client->batch_sizes(), (std::vector<int>{10, 10, 5}));
  ExpectInOrder(f.client->received(), 1, 25);
  const QueueManagerStats s = f.qm->stats();
  EXPECT_EQ(s.samples_total, 25);
  EXPECT_EQ(s.samples_pending, 0);
  EXPECT_EQ(s.highest_sent_timestamp_ms, 24);
}

TEST(QueueManager, AppendBatchQueuesInOrderUnderConsecutiveSequenceNumbers) {
  config::QueueConfig cfg = Queue(16, absl::Milliseconds(20));
  cfg.min_shards = 3;
  cfg.max_shards = 3;
  cfg.capacity = 8;  // smaller than the batch: AppendBatch waits for room as Append does
  Fixture f(cfg);
  ASSERT_TRUE(f.qm->Append(1, Series(1), 0, 0));
  std::vector<SeriesSample> batch;
  for (int t = 0; t < 41; ++t) {
    for (int s = 0; s < 5; ++s) {
      if (t == 0 && s == 1) continue;  // series 1's t=0 came through Append
      batch.push_back({static_cast<uint64_t>(s), Series(s), t, 1});
    }
  }
  uint64_t first = 0;
  EXPECT_EQ(f.qm->AppendBatch(std::span<SeriesSample>(batch), &first), batch.size());
  EXPECT_EQ(first, 1u);
  EXPECT_EQ(f.qm->appended(), 1 + batch.size());
  ASSERT_TRUE(f.client->WaitReceived(205));
  ExpectInOrder(f.client->received(), 5, 41);
  EXPECT_TRUE(WaitUntil([&] { return f.qm->DoneBefore() == 205; }));
  ASSERT_TRUE(f.qm->Stop(absl::Seconds(5)).ok());
  // After Stop nothing is queued, and it is counted.
  std::vector<SeriesSample> late = {{1, Series(1), 100, 1}, {2, Series(2), 100, 1}};
  EXPECT_EQ(f.qm->AppendBatch(std::span<SeriesSample>(late)), 0u);
  EXPECT_EQ(f.qm->stats().samples_dropped_stopped, 2);
  EXPECT_EQ(f.qm->DoneBefore(), 205u) << "samples dropped by Stop are never done";
}

TEST(QueueManager, AppendBatchDropsSamplesOlderThanTheAgeLimit) {
  config::QueueConfig cfg = Queue(4, absl::Milliseconds(10));
  cfg.sample_age_limit = absl::Minutes(1);
  QueueManagerOptions opts;
  opts.clock = [] { return absl::FromUnixMillis(1'000'000'000); };
  Fixture f(cfg, std::move(opts));
  std::vector<SeriesSample> batch = {{1, Series(1), 1'000'000'000 - 120'000, 1},
                                     {1, Series(1), 1'000'000'000 - 1'000, 2},
                                     {2, Series(2), 1'000'000'000 - 61'000, 3}};
  EXPECT_EQ(f.qm->AppendBatch(std::span<SeriesSample>(batch)), 3u);
  ASSERT_TRUE(f.client->WaitReceived(1));
  EXPECT_TRUE(WaitUntil([&] { return f.qm->DoneBefore() == 3; }));
  EXPECT_EQ(f.qm->stats().samples_dropped_too_old, 2);
  ASSERT_TRUE(f.qm->Stop(absl::Seconds(5)).ok());
  ASSERT_EQ(f.client->received().size(), 1u);
  EXPECT_EQ(f.client->received()[0].series, "1");
}

TEST(QueueManager, BatchesByDeadline) {
  Fixture f(Queue(100, absl::Milliseconds(50)));
  const auto start = Clock::now();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(f.qm->Append(1, Series(1), i, i));
  ASSERT_TRUE(f.client->WaitReceived(3));
  EXPECT_GE(Clock::now() - start, milliseconds(45));
  EXPECT_EQ(f.client->batch_sizes(), (std::vector<int>{3}));
  ASSERT_TRUE(f.qm->Stop(absl::Seconds(5)).ok());
  EXPECT_EQ(f.client->batch_sizes(), (std::vector<int>{3}));
  EXPECT_EQ(f.qm->stats().samples_pending, 0);
}

TEST(QueueManager, KeepsPerSeriesOrderAcrossShardsUnderConcurrentAppends) {
  config::QueueConfig cfg = Queue(50, absl::Milliseconds(5));
  cfg.min_shards = 4;
  cfg.capacity = 100;
  Fixture f(cfg);
  // Every fifth send fails once, so retries interleave with the other shards' sends.
  f.client->SetPolicy([](int call, int attempt) {
    return call % 5 == 0 && attempt == 0 ? WriteResult::Recoverable("flaky") : WriteResult::Ok();
  });
  constexpr int kThreads = 4, kSeriesPerThread = 8, kSamples = 200;
  std::vector<std::thread> threads;
  for (int th = 0; th < kThreads; ++th) {
    threads.emplace_back([&, th] {
      for (int t = 0; t < kSamples; ++t) {
        for (int s = 0; s < kSeriesPerThread; ++s) {
          const int id = th * kSeriesPerThread + s;
          ASSERT_TRUE(f.qm->Append(id, Series(id), t, 1));
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(f.qm->Stop(absl::Seconds(5)).ok());
  ExpectInOrder(f.client->received(), kThreads * kSeriesPerThread, kSamples);
  EXPECT_EQ(f.qm->stats().shards, 0);
  EXPECT_GT(f.qm->stats().samples_retried_total, 0);
}

TEST(QueueManager, RetriesServerErrorsWithCappedExponentialBackoff) {
  config::QueueConfig cfg = Queue(4);
  cfg.min_backoff = absl::Milliseconds(20);
  cfg.max_backoff = absl::Milliseconds(30);
  Fixture f(cfg);
  f.client->SetPolicy([](int call, int) {
    return call < 3 ? WriteResult::Recoverable("server returned HTTP status 500", {}, 500)
                    : WriteResult::Ok();
  });
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(f.qm->Append(1, Series(1), i, i));
  ASSERT_TRUE(f.client->WaitReceived(4));
  ExpectInOrder(f.client->received(), 1, 4);
  EXPECT_EQ(f.client->attempts(), (std::vector<int>{0, 1, 2, 3}));
  const auto times = f.client->attempt_times();
  ASSERT_EQ(times.size(), 4u);
  EXPECT_GE(times[1] - times[0], milliseconds(20));  // min_backoff
  EXPECT_GE(times[2] - times[1], milliseconds(30));  // doubled, capped at max_backoff
  EXPECT_GE(times[3] - times[2], milliseconds(30));
  EXPECT_LT(times[3] - times[2], milliseconds(500));
  ASSERT_TRUE(f.qm->Stop(absl::Seconds(5)).ok());  // waits for the accounting of the last send
  const QueueManagerStats s = f.qm->stats();
  EXPECT_EQ(s.samples_retried_total, 12);
  EXPECT_EQ(s.samples_total, 16);
  EXPECT_EQ(s.samples_failed_total, 0);
  EXPECT_EQ(s.samples_dropped_total, 0);
  EXPECT_EQ(s.samples_pending, 0);
}

TEST(QueueManager, HonoursRetryAfter) {
  config::QueueConfig cfg = Queue(1);
  cfg.min_backoff = absl::Milliseconds(1);
  Fixture f(cfg);
  f.client->SetPolicy([](int call, int) {
    return call == 0 ? WriteResult::Recoverable("429", absl::Milliseconds(200), 429)
                     : WriteResult::Ok();
  });
  ASSERT_TRUE(f.qm->Append(1, Series(1), 0, 0));
  ASSERT_TRUE(f.client->WaitReceived(1));
  const auto times = f.client->attempt_times();
  ASSERT_EQ(times.size(), 2u);
  EXPECT_GE(times[1] - times[0], milliseconds(200));
}

TEST(QueueManager, RetryAfterFarInTheFutureWaitsRatherThanRetryingAtOnce) {
  Fixture f(Queue(1));
  // What ParseRetryAfter makes of "Fri, 31 Dec 9999 23:59:59 GMT": beyond what nanoseconds hold.
  f.client->SetPolicy([](int call, int) {
    return call == 0 ? WriteResult::Recoverable("429", absl::Hours(24 * 365 * 8000), 429)
                     : WriteResult::Ok();
  });
  ASSERT_TRUE(f.qm->Append(1, Series(1), 0, 0));
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(f.client->calls(), 1);
  EXPECT_EQ(f.qm->Stop(absl::ZeroDuration()).code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(f.qm->stats().samples_dropped_total, 1);
}

TEST(QueueManager, StopWithAnInfiniteDeadlineWaitsForTheFlush) {
  Fixture f(Queue(1));
  f.client->Block();
  ASSERT_TRUE(f.qm->Append(1, Series(1), 0, 0));
  while (f.client->calls() == 0) std::this_thread::sleep_for(milliseconds(1));
  std::thread unblock([&] {
    std::this_thread::sleep_for(milliseconds(50));
    f.client->Unblock();
  });
  const absl::Status s = f.qm->Stop(absl::InfiniteDuration());
  unblock.join();
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(f.client->received().size(), 1u);
  EXPECT_EQ(f.qm->stats().samples_dropped_total, 0);
}

TEST(QueueManager, DropsAndCountsNonRecoverableBatches) {
  Fixture f(Queue(2));
  f.client->SetPolicy([](int call, int) {
    return call == 0 ? WriteResult::NonRecoverable("400 Bad Request", 400) : WriteResult::Ok();
  });
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(f.qm->Append(1, Series(1), i, i));
  ASSERT_TRUE(f.client->WaitReceived(2));
  ASSERT_TRUE(f.qm->Stop(absl::Seconds(5)).ok());
  ASSERT_EQ(f.client->received().size(), 2u);
  EXPECT_EQ(f.client->received()[0].t, 2);
  EXPECT_EQ(f.client->calls(), 2);  // not retried
  const QueueManagerStats s = f.qm->stats();
  EXPECT_EQ(s.samples_failed_total, 2);
  EXPECT_EQ(s.samples_retried_total, 0);
  EXPECT_EQ(s.samples_pending, 0);
  EXPECT_EQ(s.highest_sent_timestamp_ms, 3);
}

TEST(QueueManager, AppendBlocksWhileTheQueueIsFull) {
  config::QueueConfig cfg = Queue(5);
  cfg.capacity = 5;
  Fixture f(cfg);
  f.client->Block();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(f.qm->Append(1, Series(1), i, i));
  // The first five are being sent (blocked); five more fill the queue.
  while (f.client->calls() == 0) std::this_thread::sleep_for(milliseconds(1));
  for (int i = 5; i < 10; ++i) ASSERT_TRUE(f.qm->Append(1, Series(1), i, i));
  std::atomic<bool> appended{false};
  std::thread t([&] {
    EXPECT_TRUE(f.qm->Append(1, Series(1), 10, 10));
    appended = true;
  });
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_FALSE(appended.load());
  EXPECT_EQ(f.qm->stats().samples_pending, 10);
  EXPECT_EQ(f.qm->stats().enqueue_retries_total, 1);
  f.client->Unblock();
  t.join();
  EXPECT_TRUE(appended.load());
  ASSERT_TRUE(f.qm->Stop(absl::Seconds(5)).ok());
  ExpectInOrder(f.client->received(), 1, 11);
}

TEST(QueueManager, StopFlushesEverythingQueued) {
  Fixture f(Queue(1000));
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(f.qm->Append(i % 2, Series(i % 2), i / 2, i));
  EXPECT_TRUE(f.client->received().empty());
  ASSERT_TRUE(f.qm->Stop(absl::Seconds(5)).ok());
  EXPECT_EQ(f.client->received().size(), 7u);
  EXPECT_EQ(f.qm->stats().samples_pending, 0);
  EXPECT_FALSE(f.qm->Append(1, Series(1), 9, 9));
  EXPECT_EQ(f.qm->stats().samples_dropped_total, 1);
  EXPECT_TRUE(f.qm->Stop(absl::Seconds(1)).ok());
}

TEST(QueueManager, StopGivesUpAtTheDeadlineWhenTheEndpointIsDown) {
  Fixture f(Queue(2));
  f.client->SetPolicy([](int, int) { return WriteResult::Recoverable("down"); });
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(f.qm->Append(1, Series(1), i, i));
  const auto start = Clock::now();
  const absl::Status s = f.qm->Stop(absl::Milliseconds(100));
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
  EXPECT_LT(Clock::now() - start, milliseconds(2000));
  EXPECT_EQ(f.qm->stats().samples_dropped_total, 6);
  EXPECT_EQ(f.qm->stats().samples_pending, 0);
  EXPECT_TRUE(f.client->received().empty());
}

TEST(QueueManager, ReshardKeepsPerSeriesOrderAndLosesNothing) {
  config::QueueConfig cfg = Queue(20, absl::Milliseconds(2));
  cfg.min_shards = 2;
  cfg.capacity = 50;
  Fixture f(cfg);
  f.client->SetPolicy([](int call, int attempt) {
    return call % 3 == 0 && attempt == 0 ? WriteResult::Recoverable("flaky") : WriteResult::Ok();
  });
  constexpr int kSeries = 16, kSamples = 300;
  std::atomic<bool> done{false};
  std::thread appender([&] {
    for (int t = 0; t < kSamples; ++t) {
      for (int s = 0; s < kSeries; ++s) ASSERT_TRUE(f.qm->Append(s, Series(s), t, 1));
    }
    done = true;
  });
  for (int n : {5, 1, 3, 8, 2}) {
    f.qm->Reshard(n);
    EXPECT_EQ(f.qm->stats().shards, n);
    std::this_thread::sleep_for(milliseconds(5));
  }
  appender.join();
  ASSERT_TRUE(f.qm->Stop(absl::Seconds(5)).ok());
  ExpectInOrder(f.client->received(), kSeries, kSamples);
  EXPECT_EQ(f.qm->stats().samples_dropped_total, 0);
  EXPECT_EQ(f.qm->stats().samples_pending, 0);
}

TEST(QueueManager, AppendNumbersCallsInOrder) {
  Fixture f(Queue(100));
  for (uint64_t i = 0; i < 3; ++i) {
    uint64_t seq = 99;
    ASSERT_TRUE(f.qm->Append(1, Series(1), static_cast<int64_t>(i), 0, &seq));
    EXPECT_EQ(seq, i);
    EXPECT_EQ(f.qm->appended(), i + 1);
  }
  ASSERT_TRUE(f.qm->Stop(absl::Seconds(5)).ok());
  uint64_t seq = 0;
  EXPECT_FALSE(f.qm->Append(1, Series(1), 3, 0, &seq));  // after Stop: still numbered
  EXPECT_EQ(seq, 3u);
  EXPECT_EQ(f.qm->DoneBefore(), 3u);  // but never finished
}

TEST(QueueManager, DoneBeforeCountsOnlyFinishedBatchesAndProgressIsReported) {
  std::mutex mu;
  std::vector<uint64_t> seen;  // DoneBefore() at each on_progress call
  QueueManager* qm = nullptr;
  QueueManagerOptions opts;
  opts.on_progress = [&] {
    std::lock_guard<std::mutex> l(mu);
    seen.push_back(qm->DoneBefore());
  };
  Fixture f(Queue(2), std::move(opts));
  qm = f.qm.get();
  f.client->Block();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(f.qm->Append(1, Series(1), i, i));
  ASSERT_TRUE(WaitUntil([&] { return f.client->calls() == 1; }));
  EXPECT_EQ(f.qm->DoneBefore(), 0u);  // in flight
  f.client->Unblock();
  ASSERT_TRUE(WaitUntil([&] { return f.qm->DoneBefore() == 4; }));
  std::this_thread::sleep_for(milliseconds(20));
  EXPECT_EQ(f.qm->DoneBefore(), 4u);  // the fifth waits for batch_send_deadline (1 h)
  ASSERT_TRUE(f.qm->Stop(absl::Seconds(5)).ok());
  EXPECT_EQ(f.qm->DoneBefore(), 5u);
  std::lock_guard<std::mutex> l(mu);
  EXPECT_EQ(seen, (std::vector<uint64_t>{2, 4, 5}));
}

TEST(QueueManager, DoneBeforeWaitsForASeriesBeingRetriedOnAnotherShard) {
  config::QueueConfig cfg = Queue(1);
  cfg.min_shards = 4;
  Fixture f(cfg);
  std::atomic<bool> down{true};
  // Series 0 fails recoverably while `down`; series 2 is refused for good; the rest deliver.
  f.client->SetSeriesPolicy([&](const std::string& series, int) {
    if (series == "0" && down) return WriteResult::Recoverable("down");
    if (series == "2") return WriteResult::NonRecoverable("400");
    return WriteResult::Ok();
  });
  ASSERT_TRUE(f.qm->Append(0, Series(0), 0, 0));                               // seq 0: retried
  for (int s = 1; s <= 8; ++s) ASSERT_TRUE(f.qm->Append(s, Series(s), 0, 0));  // seqs 1..8
  // Everything of the other shards finishes; seq 0 holds DoneBefore at 0.
  ASSERT_TRUE(WaitUntil([&] { return f.qm->stats().samples_failed_total == 1; }));
  std::this_thread::sleep_for(milliseconds(30));
  EXPECT_GT(f.qm->stats().samples_retried_total, 0);
  EXPECT_EQ(f.qm->DoneBefore(), 0u);
  down = false;
  ASSERT_TRUE(WaitUntil([&] { return f.qm->DoneBefore() == 9; }));
  ASSERT_TRUE(f.qm->Stop(absl::Seconds(5)).ok());
  EXPECT_EQ(f.client->received().size(), 8u);  // all but the refused one
  EXPECT_EQ(f.qm->DoneBefore(), 9u);
}

TEST(QueueManager, SamplesDroppedByStopAreNotDone) {
  Fixture f(Queue(1));
  f.client->SetSeriesPolicy([](const std::string& series, int) {
    return series == "1" ? WriteResult::Recoverable("down") : WriteResult::Ok();
  });
  ASSERT_TRUE(f.qm->Append(0, Series(0), 0, 0));
  ASSERT_TRUE(f.client->WaitReceived(1));
  ASSERT_TRUE(WaitUntil([&] { return f.qm->DoneBefore() == 1; }));
  ASSERT_TRUE(f.qm->Append(1, Series(1), 0, 0));
  EXPECT_EQ(f.qm->Stop(absl::Milliseconds(20)).code(), absl::StatusCode::kDeadlineExceeded);
  const QueueManagerStats s = f.qm->stats();
  EXPECT_EQ(s.samples_dropped_stopped, 1);
  EXPECT_EQ(s.samples_dropped_total, 1);
  EXPECT_EQ(f.qm->DoneBefore(), 1u);
}

// Counts each request's body; the encoder under test writes "<n> samples".
class BodyClient : public WriteClient {
 public:
  WriteResult Store(std::string_view body, int) override {
    std::lock_guard<std::mutex> l(mu_);
    bodies_.emplace_back(body);
    return WriteResult::Ok();
  }
  std::string_view endpoint() const override { return "bodies"; }
  std::vector<std::string> bodies() {
    std::lock_guard<std::mutex> l(mu_);
    return bodies_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> bodies_;
};

TEST(QueueManager, UsesTheGivenEncoderAndCountsItsBytes) {
  auto c = std::make_unique<BodyClient>();
  BodyClient* client = c.get();
  QueueManagerOptions opts;
  opts.encode = [](std::span<const SeriesSample> samples, std::string* scratch, std::string* out) {
    *scratch = std::to_string(samples.size());
    *out = *scratch + " samples";
  };
  QueueManager qm("enc", Queue(3), std::move(c), std::move(opts));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(qm.Append(1, Series(1), i, i));
  ASSERT_TRUE(qm.Stop(absl::Seconds(5)).ok());
  EXPECT_EQ(client->bodies(), (std::vector<std::string>{"3 samples", "1 samples"}));
  EXPECT_EQ(qm.stats().bytes_total, 9 + 9);
}

// Answers each request with `result` and says it posts `message`.
class CountsClient : public WriteClient {
 public:
  CountsClient(WriteMessage message, WriteResult result)
      : message_(message), result_(std::move(result)) {}
  WriteResult Store(std::string_view, int) override {
    ++calls;
    return result_;
  }
  WriteMessage message() const override { return message_; }
  std::string_view endpoint() const override { return "counts"; }
  std::atomic<int> calls{0};

 private:
  const WriteMessage message_;
  const WriteResult result_;
};

QueueManagerStats SendThree(WriteMessage message, WriteResult result, int* calls) {
  auto c = std::make_unique<CountsClient>(message, std::move(result));
  CountsClient* client = c.get();
  QueueManager qm("counts", Queue(3), std::move(c));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(qm.Append(1, Series(1), i, i));
  EXPECT_TRUE(qm.Stop(absl::Seconds(5)).ok());
  EXPECT_EQ(qm.DoneBefore(), 3u);
  *calls = client->calls;
  return qm.stats();
}

TEST(QueueManager, SamplesAReceiverReportsNotWrittenCountAsFailed) {
  WriteResult partial = WriteResult::Ok();
  partial.samples_written = 1;
  int calls = 0;
  QueueManagerStats s = SendThree(WriteMessage::kV2, partial, &calls);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(s.samples_failed_total, 2);
  EXPECT_EQ(s.highest_sent_timestamp_ms, 2);

  // A 2.0 request answered 2xx without written counts: refused for good, not retried.
  s = SendThree(WriteMessage::kV2, WriteResult::Ok(), &calls);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(s.samples_failed_total, 3);
  EXPECT_EQ(s.samples_retried_total, 0);
  EXPECT_EQ(s.highest_sent_timestamp_ms, 0);

  // A 1.0 receiver says nothing: everything was written.
  s = SendThree(WriteMessage::kV1, WriteResult::Ok(), &calls);
  EXPECT_EQ(s.samples_failed_total, 0);
}

TEST(QueueManager, PassesEachSamplesMetadataToTheEncoder) {
  auto meta =
      std::make_shared<const MetricMetadata>(MetricMetadata{MetricType::kCounter, "m", "help", ""});
  std::mutex mu;
  std::vector<std::string> families;
  QueueManagerOptions opts;
  opts.encode = [&](std::span<const SeriesSample> samples, std::string*, std::string* out) {
    std::lock_guard<std::mutex> l(mu);
    for (const SeriesSample& s : samples) {
      families.push_back(s.metadata ? s.metadata->metric_family_name : "-");
    }
    out->clear();
  };
  QueueManager qm("meta", Queue(2), std::make_unique<BodyClient>(), std::move(opts));
  ASSERT_TRUE(qm.Append(1, Series(1), 0, 0, nullptr, meta));
  ASSERT_TRUE(qm.Append(1, Series(1), 1, 0));
  ASSERT_TRUE(qm.Stop(absl::Seconds(5)).ok());
  std::lock_guard<std::mutex> l(mu);
  EXPECT_EQ(families, (std::vector<std::string>{"m", "-"}));
}

TEST(QueueManager, ReportsSettingsAndSendDurationHistogram) {
  config::QueueConfig cfg = Queue(2);
  cfg.min_shards = 2;
  cfg.max_shards = 7;
  cfg.capacity = 123;
  Fixture f(cfg);
  f.client->SetPolicy([](int call, int) {
    std::this_thread::sleep_for(milliseconds(call == 0 ? 30 : 0));
    return WriteResult::Ok();
  });
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(f.qm->Append(1, Series(1), 1000 + i, i));
  ASSERT_TRUE(f.qm->Stop(absl::Seconds(5)).ok());
  const QueueManagerStats s = f.qm->stats();
  EXPECT_EQ(s.samples_in_total, 4);
  EXPECT_EQ(s.shards_min, 2);
  EXPECT_EQ(s.shards_max, 7);
  EXPECT_EQ(s.shard_capacity, 123);
  EXPECT_EQ(s.max_samples_per_send, 2);
  EXPECT_EQ(s.highest_timestamp_ms, 1003);
  EXPECT_EQ(s.highest_sent_timestamp_ms, 1003);
  EXPECT_GT(s.bytes_total, 0);
  const HistogramSnapshot& h = s.sent_batch_duration_seconds;
  EXPECT_EQ(h.upper_bounds, (std::vector<double>{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10,
                                                 25, 60, 120, 300}));
  ASSERT_EQ(h.cumulative_counts.size(), h.upper_bounds.size());
  EXPECT_EQ(h.count, 2);
  EXPECT_GE(h.sum, 0.030);
  EXPECT_LE(h.cumulative_counts[2], 1);  // the 30 ms send is above .025
  EXPECT_EQ(h.cumulative_counts.back(), 2);
  EXPECT_TRUE(std::is_sorted(h.cumulative_counts.begin(), h.cumulative_counts.end()));
}

// A wall clock the test moves.
struct FakeClock {
  std::atomic<int64_t> now_ms{1'700'000'000'000};
  std::function<absl::Time()> fn() {
    return [this] { return absl::FromUnixMillis(now_ms.load()); };
  }
};

TEST(QueueManager, SampleAgeLimitDropsOldSamplesAtAppend) {
  FakeClock clock;
  config::QueueConfig cfg = Queue(10);
  cfg.sample_age_limit = absl::Minutes(1);
  QueueManagerOptions opts;
  opts.clock = clock.fn();
  std::atomic<int> progress_calls{0};
  opts.on_progress = [&] { ++progress_calls; };
  opts.shard_update_interval = absl::Milliseconds(10);
  Fixture f(cfg, std::move(opts));
  const int64_t now = clock.now_ms;
  ASSERT_TRUE(f.qm->Append(1, Series(1), now - 61'000, 1));  // too old: dropped, done
  EXPECT_EQ(f.qm->DoneBefore(), 1u);
  // No batch finishes, so the timer reports that progress.
  ASSERT_TRUE(WaitUntil([&] { return progress_calls > 0; }));
  ASSERT_TRUE(f.qm->Append(1, Series(1), now - 59'000, 2));
  ASSERT_TRUE(f.qm->Stop(absl::Seconds(5)).ok());
  ASSERT_EQ(f.client->received().size(), 1u);
  EXPECT_EQ(f.client->received()[0].t, now - 59'000);
  const QueueManagerStats s = f.qm->stats();
  EXPECT_EQ(s.samples_dropped_too_old, 1);
  EXPECT_EQ(s.samples_dropped_total, 1);
  EXPECT_EQ(s.samples_total, 1);
  EXPECT_EQ(s.highest_timestamp_ms, now - 59'000);
  EXPECT_EQ(f.qm->DoneBefore(), 2u);
}

TEST(QueueManager, SampleAgeLimitDropsSamplesThatAgeWhileRetried) {
  FakeClock clock;
  config::QueueConfig cfg = Queue(2);
  cfg.sample_age_limit = absl::Minutes(1);
  QueueManagerOptions opts;
  opts.clock = clock.fn();
  Fixture f(cfg, std::move(opts));
  // The first attempt fails, and meanwhile 30 s pass: the older sample is then too old.
  f.client->SetPolicy([&](int call, int) {
    if (call > 0) return WriteResult::Ok();
    clock.now_ms += 30'000;
    return WriteResult::Recoverable("down");
  });
  const int64_t start = clock.now_ms;
  ASSERT_TRUE(f.qm->Append(1, Series(1), start - 50'000, 1));
  ASSERT_TRUE(f.qm->Append(2, Series(2), start - 10'000, 2));
  ASSERT_TRUE(f.client->WaitReceived(1));
  ASSERT_TRUE(f.qm->Stop(absl::Seconds(5)).ok());
  ASSERT_EQ(f.client->received().size(), 1u);
  EXPECT_EQ(f.client->received()[0].series, "2");
  const QueueManagerStats s = f.qm->stats();
  EXPECT_EQ(s.samples_dropped_too_old, 1);
  EXPECT_EQ(s.samples_total, 3);  // 2 in the failed attempt, 1 in the retry
  EXPECT_EQ(s.samples_pending, 0);
  EXPECT_EQ(f.qm->DoneBefore(), 2u);
}

TEST(QueueManager, SampleAgeLimitZeroSendsEverything) {
  config::QueueConfig cfg = Queue(10);
  cfg.sample_age_limit = absl::ZeroDuration();
  Fixture f(cfg);
  ASSERT_TRUE(f.qm->Append(1, Series(1), 1, 1));  // 1970
  ASSERT_TRUE(f.qm->Stop(absl::Seconds(5)).ok());
  EXPECT_EQ(f.client->received().size(), 1u);
  EXPECT_EQ(f.qm->stats().samples_dropped_total, 0);
}

ShardInputs Busy(int current) {
  ShardInputs in;
  in.current = current;
  in.min_shards = 1;
  in.max_shards = 10;
  in.out_rate = 1000;           // samples/s
  in.send_seconds_rate = 1.0;   // 1 ms a sample
  in.in_rate = 1000 * current;  // exactly what `current` shards keep up with
  return in;
}

TEST(ComputeDesiredShards, TimePerSampleTimesIncomingRate) {
  ShardInputs in = Busy(2);
  in.in_rate = 5000;
  const ShardDecision d = ComputeDesiredShards(in);
  ASSERT_TRUE(d.desired.has_value());
  EXPECT_DOUBLE_EQ(*d.desired, 5.0);
  EXPECT_EQ(d.shards, 5);
}

TEST(ComputeDesiredShards, NothingSentChangesNothing) {
  ShardInputs in = Busy(2);
  in.out_rate = 0;
  const ShardDecision d = ComputeDesiredShards(in);
  EXPECT_FALSE(d.desired.has_value());
  EXPECT_EQ(d.shards, 2);
}

TEST(ComputeDesiredShards, StaysWithinThirtyPercent) {
  ShardInputs in = Busy(10);
  in.max_shards = 20;
  for (double rate : {7000.0, 13000.0}) {  // ceil: 7 and 13, both within [7, 13]
    in.in_rate = rate;
    EXPECT_EQ(ComputeDesiredShards(in).shards, 10) << rate;
  }
  in.in_rate = 13001;
  EXPECT_EQ(ComputeDesiredShards(in).shards, 14);
  in.in_rate = 6000;
  EXPECT_EQ(ComputeDesiredShards(in).shards, 6);
}

TEST(ComputeDesiredShards, AddsFivePercentOfTheBacklogAndDropsTooOld) {
  ShardInputs in = Busy(1);
  in.in_rate = 1000;
  in.delay_seconds = 100;  // 100 s x 1000/s = 100000 behind: catch up 5000/s
  EXPECT_DOUBLE_EQ(*ComputeDesiredShards(in).desired, 6.0);
  in.delay_seconds = 0;
  in.dropped_rate = 1000;  // half of what comes in is too old to send
  in.in_rate = 4000;
  EXPECT_DOUBLE_EQ(*ComputeDesiredShards(in).desired, 2.0);
}

TEST(ComputeDesiredShards, ClampsToMinAndMaxShards) {
  ShardInputs in = Busy(5);
  in.min_shards = 3;
  in.max_shards = 8;
  in.in_rate = 1e9;
  EXPECT_EQ(ComputeDesiredShards(in).shards, 8);
  in.in_rate = 10;
  EXPECT_EQ(ComputeDesiredShards(in).shards, 3);
}

TEST(ComputeDesiredShards, DoesNotShardDownWhileMoreThanTenSecondsBehind) {
  ShardInputs in = Busy(8);
  in.in_rate = 1000;
  in.delay_seconds = 10.5;  // desired 1.525: down, but too far behind
  EXPECT_EQ(ComputeDesiredShards(in).shards, 8);
  in.delay_seconds = 9.5;
  EXPECT_EQ(ComputeDesiredShards(in).shards, 2);
}

TEST(ComputeDesiredShards, WaitsForASendAndForRecoverableErrorsToPass) {
  ShardInputs in = Busy(2);
  in.in_rate = 8000;
  in.sent_recently = false;
  ShardDecision d = ComputeDesiredShards(in);
  EXPECT_EQ(d.wanted, 8);
  EXPECT_EQ(d.shards, 2);
  in.sent_recently = true;
  in.retrying_recently = true;
  d = ComputeDesiredShards(in);
  EXPECT_EQ(d.wanted, 8);
  EXPECT_EQ(d.shards, 2);
  in.retrying_recently = false;
  EXPECT_EQ(ComputeDesiredShards(in).shards, 8);
}

TEST(QueueManager, ReshardsUpForASlowEndpointAndDownForAFastOne) {
  config::QueueConfig cfg = Queue(10, absl::Milliseconds(5));
  cfg.min_shards = 1;
  cfg.max_shards = 4;
  cfg.capacity = 100'000;
  QueueManagerOptions opts;
  opts.shard_update_interval = absl::Milliseconds(100);
  Fixture f(cfg, std::move(opts));
  std::atomic<int> sleep_ms{2};
  f.client->SetPolicy([&](int, int) {
    std::this_thread::sleep_for(milliseconds(sleep_ms.load()));
    return WriteResult::Ok();
  });
  constexpr int kSeries = 16;
  std::vector<int64_t> next(kSeries, 0);
  auto append_round = [&] {
    for (int s = 0; s < kSeries; ++s) ASSERT_TRUE(f.qm->Append(s, Series(s), next[s]++, 1));
  };
  // A burst far beyond what one shard sends at 10 samples per 2 ms.
  for (int i = 0; i < 1000; ++i) append_round();
  ASSERT_TRUE(WaitUntil([&] { return f.qm->stats().shards == 4; }));
  EXPECT_GT(f.qm->stats().shards_desired, 4 * 1.3);
  // Then a fast endpoint and a trickle.
  sleep_ms = 0;
  ASSERT_TRUE(WaitUntil(
      [&] {
        append_round();
        std::this_thread::sleep_for(milliseconds(5));
        return f.qm->stats().shards == 1;
      },
      milliseconds(10'000)));
  EXPECT_LE(f.qm->stats().shards_desired, 1);
  ASSERT_TRUE(f.qm->Stop(absl::Seconds(5)).ok());
  ExpectInOrder(f.client->received(), kSeries, static_cast<int>(next[0]));
  EXPECT_EQ(f.qm->DoneBefore(), f.qm->appended());
  EXPECT_EQ(f.qm->stats().samples_dropped_total, 0);
}

TEST(QueueManager, DoesNotReshardWhileRecoverableErrorsHappen) {
  config::QueueConfig cfg = Queue(10, absl::Milliseconds(5));
  cfg.max_shards = 4;
  cfg.capacity = 100'000;
  cfg.min_backoff = absl::Milliseconds(100);  // holds resharding off for 200 ms per failure
  cfg.max_backoff = absl::Milliseconds(100);
  QueueManagerOptions opts;
  // Longer than a batch takes (about 104 ms), so that batches do finish in every interval.
  opts.shard_update_interval = absl::Milliseconds(150);
  Fixture f(cfg, std::move(opts));
  // Every batch fails once, and each attempt is slow: the calculation wants more shards.
  f.client->SetPolicy([](int, int attempt) {
    std::this_thread::sleep_for(milliseconds(2));
    return attempt == 0 ? WriteResult::Recoverable("flaky") : WriteResult::Ok();
  });
  for (int i = 0; i < 3000; ++i) ASSERT_TRUE(f.qm->Append(i % 16, Series(i % 16), i / 16, 1));
  ASSERT_TRUE(WaitUntil([&] { return f.qm->stats().shards_desired > 2; }));
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_GT(f.qm->stats().shards_desired, 2);
  EXPECT_EQ(f.qm->stats().shards, 1);
  ASSERT_TRUE(f.qm->Stop(absl::ZeroDuration()).code() == absl::StatusCode::kDeadlineExceeded);
}

// The real client against a receiver that answers 429: dropped by default, retried when asked.
class TooManyRequestsReceiver {
 public:
  explicit TooManyRequestsReceiver(int refusals) : refusals_(refusals) {
    server_.new_task_queue = [] { return new httplib::ThreadPool(1); };
    server_.Post("/w", [this](const httplib::Request&, httplib::Response& res) {
      if (refusals_-- > 0) {
        res.status = 429;
        res.set_header("Retry-After", "0");
        return;
      }
      ++accepted_;
      res.status = 204;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~TooManyRequestsReceiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/w"; }
  int accepted() const { return accepted_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> refusals_;
  std::atomic<int> accepted_{0};
};

void RunAgainst429(bool retry_on_http_429, QueueManagerStats* stats, int* accepted) {
  TooManyRequestsReceiver r(1);
  config::RemoteWriteConfig rw;
  rw.url = r.url();
  rw.queue_config = Queue(3);
  rw.queue_config.retry_on_http_429 = retry_on_http_429;
  auto client = HttpWriteClient::Create(rw);
  ASSERT_TRUE(client.ok()) << client.status();
  QueueManager qm("429", rw.queue_config, std::move(*client));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(qm.Append(1, Series(1), i, i));
  ASSERT_TRUE(qm.Stop(absl::Seconds(5)).ok());
  *stats = qm.stats();
  *accepted = r.accepted();
}

TEST(QueueManager, TooManyRequestsIsDroppedUnlessRetryOnHttp429) {
  QueueManagerStats s;
  int accepted = 0;
  RunAgainst429(false, &s, &accepted);
  EXPECT_EQ(accepted, 0);
  EXPECT_EQ(s.samples_failed_total, 3);
  EXPECT_EQ(s.samples_retried_total, 0);

  RunAgainst429(true, &s, &accepted);
  EXPECT_EQ(accepted, 1);
  EXPECT_EQ(s.samples_failed_total, 0);
  EXPECT_EQ(s.samples_retried_total, 3);
  EXPECT_EQ(s.highest_sent_timestamp_ms, 2);
}

}  // namespace
}  // namespace sextant::remote
