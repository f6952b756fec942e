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
  explicit Fixture(const config::QueueConfig& cfg) {
    auto c = std::make_unique<FakeClient>();
    client = c.get();
    qm = std::make_unique<QueueManager>("test", cfg, std::move(c));
  }
  FakeClient* client;
  std::unique_ptr<QueueManager> qm;
};

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
