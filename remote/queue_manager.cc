#include "remote/queue_manager.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#include "remote/codec.h"
#include "util/log.h"
#include "util/strings.h"

namespace sextant::remote {
namespace {

using Clock = std::chrono::steady_clock;

const util::Logger kLog("remote");

// Series references are often dense counters; mixing them spreads neighbours over the shards.
uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

// Waits are added to Clock::now(), which overflows for durations near the largest representable
// one (an infinite Stop deadline, a Retry-After date centuries ahead) and then lies in the past.
constexpr absl::Duration kMaxWait = absl::Hours(24 * 365 * 100);

Clock::duration ToChrono(absl::Duration d) {
  return std::chrono::duration_cast<Clock::duration>(
      absl::ToChronoNanoseconds(std::min(d, kMaxWait)));
}

}  // namespace

struct QueueManager::Shared {
  Shared(std::string name, const config::QueueConfig& cfg, std::unique_ptr<WriteClient> client)
      : name(std::move(name)),
        capacity(static_cast<size_t>(std::max<int64_t>(cfg.capacity, 1))),
        max_samples_per_send(static_cast<size_t>(std::max<int64_t>(cfg.max_samples_per_send, 1))),
        batch_send_deadline(ToChrono(cfg.batch_send_deadline)),
        min_backoff(std::max(cfg.min_backoff, absl::ZeroDuration())),
        max_backoff(std::max(cfg.max_backoff, min_backoff)),
        client(std::move(client)) {}

  const std::string name;
  const size_t capacity;
  const size_t max_samples_per_send;
  const Clock::duration batch_send_deadline;
  const absl::Duration min_backoff;
  const absl::Duration max_backoff;
  const std::unique_ptr<WriteClient> client;

  std::atomic<int64_t> samples_total{0};
  std::atomic<int64_t> samples_failed_total{0};
  std::atomic<int64_t> samples_retried_total{0};
  std::atomic<int64_t> samples_dropped_total{0};
  std::atomic<int64_t> samples_pending{0};
  std::atomic<int64_t> shards{0};
  std::atomic<int64_t> highest_sent_timestamp_ms{0};

  // Appends wait here while a Reshard swaps the shards.
  std::mutex gate_mu;
  std::condition_variable gate_cv;
  bool resharding = false;  // guarded by gate_mu
};

// One queue and the thread that batches and sends it. std::mutex rather than util::Mutex: the
// queue needs condition variables.
class QueueManager::Shard {
 public:
  enum class Mode {
    kRunning,  // batch by size and deadline
    kFlush,    // send everything queued, then exit
    kQuiesce,  // finish the batch in flight (requeued if it fails recoverably), then exit
  };
  enum class PushResult { kOk, kStopped, kRetry };

  explicit Shard(Shared* shared) : shared_(shared), thread_([this] { Run(); }) {}
  ~Shard() { Join(); }

  // Moves *sample into the queue when kOk (and leaves it alone otherwise). `block`: wait for room
  // while the queue is full (Append); without it the capacity is ignored (samples moved by
  // Reshard). kRetry when the shard is being quiesced by Reshard, kStopped when it is flushing or
  // hard-stopped.
  PushResult Push(SeriesSample* sample, bool block) {
    std::unique_lock<std::mutex> l(mu_);
    if (block) {
      space_.wait(
          l, [&] { return mode_ != Mode::kRunning || hard_ || queue_.size() < shared_->capacity; });
    }
    if (mode_ == Mode::kQuiesce && !hard_) return PushResult::kRetry;
    if (mode_ != Mode::kRunning || hard_) return PushResult::kStopped;
    if (queue_.empty()) window_start_ = Clock::now();
    queue_.push_back(std::move(*sample));
    // A new sample (Append) becomes pending here; one moved by Reshard already is.
    if (block) shared_->samples_pending.fetch_add(1);
    if (queue_.size() == 1 || queue_.size() == shared_->max_samples_per_send) wake_.notify_one();
    return PushResult::kOk;
  }

  void SetMode(Mode mode) {
    std::lock_guard<std::mutex> l(mu_);
    mode_ = mode;
    wake_.notify_all();
    space_.notify_all();
  }

  // Stops retrying and drops whatever is queued.
  void HardStop() {
    std::lock_guard<std::mutex> l(mu_);
    hard_ = true;
    wake_.notify_all();
    space_.notify_all();
  }

  // True when the thread finished before `deadline`.
  bool WaitExited(Clock::time_point deadline) {
    std::unique_lock<std::mutex> l(mu_);
    return exited_cv_.wait_until(l, deadline, [&] { return exited_; });
  }

  void Join() {
    if (thread_.joinable()) thread_.join();
  }

  // What is left queued, in order; only after Join.
  std::deque<SeriesSample> TakeQueue() {
    std::lock_guard<std::mutex> l(mu_);
    return std::exchange(queue_, {});
  }

 private:
  enum class SendOutcome { kDone, kRequeue, kAbandoned };

  void Run();
  // Waits for a batch to send; false when the thread should exit.
  bool NextBatch(std::unique_lock<std::mutex>& l, std::vector<SeriesSample>* batch);
  SendOutcome Send(const std::vector<SeriesSample>& batch);
  void Done(size_t n) { shared_->samples_pending.fetch_sub(static_cast<int64_t>(n)); }

  Shared* const shared_;
  std::mutex mu_;                      // guards the fields below up to thread_
  std::condition_variable wake_;       // the sender: samples queued, mode changed
  std::condition_variable space_;      // blocked appenders: room in the queue, mode changed
  std::condition_variable exited_cv_;  // Stop: the sender is done
  std::deque<SeriesSample> queue_;
  Clock::time_point window_start_;  // when the deadline of the next batch started
  Mode mode_ = Mode::kRunning;
  bool hard_ = false;
  bool exited_ = false;
  // The sender thread's own buffers.
  std::string scratch_;
  std::string body_;
  std::thread thread_;  // last: it starts running in the constructor
};

bool QueueManager::Shard::NextBatch(std::unique_lock<std::mutex>& l,
                                    std::vector<SeriesSample>* batch) {
  for (;;) {
    if (hard_) {
      shared_->samples_dropped_total.fetch_add(static_cast<int64_t>(queue_.size()));
      Done(queue_.size());
      queue_.clear();
      space_.notify_all();
      return false;
    }
    if (mode_ == Mode::kQuiesce) return false;
    const size_t max = shared_->max_samples_per_send;
    const Clock::time_point due = window_start_ + shared_->batch_send_deadline;
    if (queue_.size() >= max ||
        (!queue_.empty() && (mode_ == Mode::kFlush || Clock::now() >= due))) {
      const size_t n = std::min(max, queue_.size());
      batch->assign(std::make_move_iterator(queue_.begin()),
                    std::make_move_iterator(queue_.begin() + static_cast<ptrdiff_t>(n)));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(n));
      window_start_ = Clock::now();
      space_.notify_all();
      return true;
    }
    if (mode_ == Mode::kFlush) return false;  // and the queue is empty
    if (queue_.empty()) {
      wake_.wait(l);
    } else {
      wake_.wait_until(l, due);
    }
  }
}

void QueueManager::Shard::Run() {
  std::vector<SeriesSample> batch;
  std::unique_lock<std::mutex> l(mu_);
  while (NextBatch(l, &batch)) {
    l.unlock();
    const SendOutcome outcome = Send(batch);
    l.lock();
    if (outcome == SendOutcome::kRequeue) {
      queue_.insert(queue_.begin(), std::make_move_iterator(batch.begin()),
                    std::make_move_iterator(batch.end()));
    }
    batch.clear();
  }
  exited_ = true;
  exited_cv_.notify_all();
}

QueueManager::Shard::SendOutcome QueueManager::Shard::Send(const std::vector<SeriesSample>& batch) {
  const auto n = static_cast<int64_t>(batch.size());
  int64_t highest = 0;
  for (const SeriesSample& s : batch) highest = std::max(highest, s.timestamp_ms);
  EncodeSnappyWriteRequest(batch, &scratch_, &body_);

  absl::Duration backoff = shared_->min_backoff;
  for (int attempt = 0;; ++attempt) {
    shared_->samples_total.fetch_add(n);
    const WriteResult r = shared_->client->Store(body_, attempt);
    if (r.ok()) {
      int64_t seen = shared_->highest_sent_timestamp_ms.load();
      while (highest > seen &&
             !shared_->highest_sent_timestamp_ms.compare_exchange_weak(seen, highest)) {
      }
      Done(batch.size());
      return SendOutcome::kDone;
    }
    if (r.kind == WriteResult::Kind::kNonRecoverable) {
      kLog.Error("non-recoverable error", {{"remote_name", shared_->name},
                                           {"url", shared_->client->endpoint()},
                                           {"failedSampleCount", n},
                                           {"err", r.message}});
      shared_->samples_failed_total.fetch_add(n);
      Done(batch.size());
      return SendOutcome::kDone;
    }
    const absl::Duration sleep = r.retry_after > absl::ZeroDuration() ? r.retry_after : backoff;
    {
      std::unique_lock<std::mutex> l(mu_);
      wake_.wait_for(l, ToChrono(sleep), [&] { return hard_ || mode_ == Mode::kQuiesce; });
      if (hard_) {
        shared_->samples_dropped_total.fetch_add(n);
        Done(batch.size());
        return SendOutcome::kAbandoned;
      }
      if (mode_ == Mode::kQuiesce) {
        // The next shard to own these series retries them, ahead of their later samples.
        shared_->samples_retried_total.fetch_add(n);
        return SendOutcome::kRequeue;
      }
    }
    shared_->samples_retried_total.fetch_add(n);
    kLog.Warn(
        "Failed to send batch, retrying",
        {{"remote_name", shared_->name}, {"url", shared_->client->endpoint()}, {"err", r.message}});
    backoff = std::min(sleep * 2, shared_->max_backoff);
  }
}

QueueManager::QueueManager(std::string name, const config::QueueConfig& cfg,
                           std::unique_ptr<WriteClient> client)
    : shared_(std::make_unique<Shared>(std::move(name), cfg, std::move(client))) {
  const int n = static_cast<int>(std::clamp<int64_t>(cfg.min_shards, 1, 1 << 16));
  util::MutexLock lock(&shards_mu_);
  for (int i = 0; i < n; ++i) shards_.push_back(std::make_unique<Shard>(shared_.get()));
  shared_->shards.store(n);
}

QueueManager::~QueueManager() {
  // The samples still queued are lost either way; the status only says how many.
  Stop(absl::ZeroDuration()).IgnoreError();
}

bool QueueManager::Append(uint64_t ref, const model::Labels& labels, int64_t timestamp_ms,
                          double value) {
  SeriesSample sample{ref, labels, timestamp_ms, value};
  for (;;) {
    if (stopping_.load()) break;
    {
      std::unique_lock<std::mutex> gate(shared_->gate_mu);
      shared_->gate_cv.wait(gate, [&] { return !shared_->resharding; });
    }
    util::ReaderMutexLock lock(&shards_mu_);
    if (stopped_ || shards_.empty()) break;
    Shard& shard = *shards_[Mix(ref) % shards_.size()];
    const Shard::PushResult r = shard.Push(&sample, /*block=*/true);
    if (r == Shard::PushResult::kOk) return true;
    if (r == Shard::PushResult::kStopped) break;
  }
  shared_->samples_dropped_total.fetch_add(1);
  return false;
}

void QueueManager::Reshard(int n) {
  n = std::clamp(n, 1, 1 << 16);
  if (stopping_.load()) return;
  {
    std::lock_guard<std::mutex> gate(shared_->gate_mu);
    shared_->resharding = true;
  }
  {
    // Quiescing also releases appenders blocked on a full queue, which then wait at the gate.
    util::ReaderMutexLock lock(&shards_mu_);
    for (auto& s : shards_) s->SetMode(Shard::Mode::kQuiesce);
  }
  {
    util::MutexLock lock(&shards_mu_);
    std::vector<std::deque<SeriesSample>> leftovers;
    for (auto& s : shards_) {
      s->Join();
      leftovers.push_back(s->TakeQueue());
    }
    shards_.clear();
    for (int i = 0; i < n; ++i) shards_.push_back(std::make_unique<Shard>(shared_.get()));
    shared_->shards.store(n);
    // Each series lived in one old shard, whose queue is in append order: moving the queues
    // one after the other keeps every series' order.
    for (std::deque<SeriesSample>& q : leftovers) {
      for (SeriesSample& s : q) {
        Shard& to = *shards_[Mix(s.series_ref) % shards_.size()];
        if (to.Push(&s, /*block=*/false) != Shard::PushResult::kOk) {
          // Not reached: the new shards run and nothing else can stop them meanwhile.
          shared_->samples_dropped_total.fetch_add(1);
          shared_->samples_pending.fetch_sub(1);
        }
      }
    }
  }
  {
    std::lock_guard<std::mutex> gate(shared_->gate_mu);
    shared_->resharding = false;
  }
  shared_->gate_cv.notify_all();
}

absl::Status QueueManager::Stop(absl::Duration deadline) {
  if (stopping_.exchange(true)) return absl::OkStatus();
  const Clock::time_point until = Clock::now() + ToChrono(std::max(deadline, absl::ZeroDuration()));
  {
    // Flushing also releases appenders blocked on a full queue (their samples are dropped).
    util::ReaderMutexLock lock(&shards_mu_);
    for (auto& s : shards_) s->SetMode(Shard::Mode::kFlush);
  }
  util::MutexLock lock(&shards_mu_);
  stopped_ = true;
  const int64_t dropped_before = shared_->samples_dropped_total.load();
  bool flushed = true;
  for (auto& s : shards_) {
    if (!s->WaitExited(until)) {
      flushed = false;
      break;
    }
  }
  if (!flushed) {
    for (auto& s : shards_) s->HardStop();
  }
  shards_.clear();  // joins
  shared_->shards.store(0);
  if (flushed) return absl::OkStatus();
  return absl::DeadlineExceededError(util::StrCat(
      "remote_write ", shared_->name, ": ", shared_->samples_dropped_total.load() - dropped_before,
      " samples not sent before the flush deadline"));
}

QueueManagerStats QueueManager::stats() const {
  QueueManagerStats s;
  s.samples_total = shared_->samples_total.load();
  s.samples_failed_total = shared_->samples_failed_total.load();
  s.samples_retried_total = shared_->samples_retried_total.load();
  s.samples_dropped_total = shared_->samples_dropped_total.load();
  s.samples_pending = shared_->samples_pending.load();
  s.shards = shared_->shards.load();
  s.highest_sent_timestamp_ms = shared_->highest_sent_timestamp_ms.load();
  return s;
}

}  // namespace sextant::remote
