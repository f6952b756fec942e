#include "remote/queue_manager.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <limits>
#include <mutex>
#include <thread>
#include <utility>

#include "util/log.h"
#include "util/strings.h"

namespace sextant::remote {
namespace {

using Clock = std::chrono::steady_clock;

const util::Logger kLog("remote");

// Prometheus's constants (queue_manager.go).
constexpr double kEwmaWeight = 0.2;
constexpr double kShardToleranceFraction = 0.3;
// prometheus.DefBuckets plus 25, 60, 120, 300.
constexpr std::array<double, 15> kSendDurationBuckets = {.005, .01, .025, .05, .1, .25, .5, 1,
                                                         2.5,  5,   10,   25,  60, 120, 300};

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

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

void StoreMax(std::atomic<int64_t>* a, int64_t v) {
  int64_t seen = a->load();
  while (v > seen && !a->compare_exchange_weak(seen, v)) {
  }
}

// An exponentially weighted moving average of a per-second rate (Prometheus's ewmaRate): events
// are counted from any thread, Tick is called every `interval` by the timer only.
class EwmaRate {
 public:
  void Add(int64_t n) { events_.fetch_add(n, std::memory_order_relaxed); }
  void Tick(double interval_seconds) {
    const int64_t n = events_.exchange(0);
    const double instant = static_cast<double>(n) / interval_seconds;
    if (init_) {
      rate_ += kEwmaWeight * (instant - rate_);
    } else if (n > 0) {
      init_ = true;
      rate_ = instant;
    }
  }
  double rate() const { return rate_; }

 private:
  std::atomic<int64_t> events_{0};
  double rate_ = 0;  // the timer thread's
  bool init_ = false;
};

// Which sequence numbers are finished. Numbers are handed out in order and finished in any
// order; `base_` is the lowest unfinished one, and done_[i] says whether base_ + i is finished.
class SeqTracker {
 public:
  uint64_t Begin() { return BeginN(1); }
  // `n` consecutive sequence numbers; returns the first.
  uint64_t BeginN(size_t n) {
    std::lock_guard<std::mutex> l(mu_);
    const uint64_t first = base_ + done_.size();
    done_.resize(done_.size() + n, false);
    return first;
  }
  void Finish(std::span<const uint64_t> seqs) {
    if (seqs.empty()) return;
    std::lock_guard<std::mutex> l(mu_);
    for (uint64_t s : seqs) done_[s - base_] = true;
    while (!done_.empty() && done_.front()) {
      done_.pop_front();
      ++base_;
    }
  }
  uint64_t done_before() const {
    std::lock_guard<std::mutex> l(mu_);
    return base_;
  }
  uint64_t next() const {
    std::lock_guard<std::mutex> l(mu_);
    return base_ + done_.size();
  }

 private:
  mutable std::mutex mu_;
  uint64_t base_ = 0;
  std::deque<bool> done_;
};

}  // namespace

struct QueueManager::Shared {
  Shared(std::string name, const config::QueueConfig& cfg, std::unique_ptr<WriteClient> client,
         QueueManagerOptions opts)
      : name(std::move(name)),
        capacity(static_cast<size_t>(std::max<int64_t>(cfg.capacity, 1))),
        max_samples_per_send(static_cast<size_t>(std::max<int64_t>(cfg.max_samples_per_send, 1))),
        batch_send_deadline(ToChrono(cfg.batch_send_deadline)),
        min_backoff(std::max(cfg.min_backoff, absl::ZeroDuration())),
        max_backoff(std::max(cfg.max_backoff, min_backoff)),
        sample_age_limit(std::max(cfg.sample_age_limit, absl::ZeroDuration())),
        min_shards(static_cast<int>(std::clamp<int64_t>(cfg.min_shards, 1, 1 << 16))),
        max_shards(static_cast<int>(std::clamp<int64_t>(cfg.max_shards, min_shards, 1 << 16))),
        update_interval(std::max(opts.shard_update_interval, absl::Milliseconds(1))),
        client(std::move(client)),
        on_progress(std::move(opts.on_progress)),
        encode(opts.encode ? std::move(opts.encode) : RequestEncoder(EncodeSnappyWriteRequest)),
        clock(opts.clock ? std::move(opts.clock) : std::function<absl::Time()>(absl::Now)) {}

  // True when a sample at `timestamp_ms` is older than sample_age_limit at `now`.
  bool TooOld(int64_t timestamp_ms, absl::Time now) const {
    return sample_age_limit > absl::ZeroDuration() &&
           absl::FromUnixMillis(timestamp_ms) < now - sample_age_limit;
  }
  void DroppedTooOld(int64_t n) {
    samples_dropped_too_old.fetch_add(n);
    data_dropped.Add(n);
  }
  void Progress() {
    if (!on_progress) return;
    notified_done_before.store(seqs.done_before());
    on_progress();
  }
  void ObserveSendDuration(double seconds) {
    std::lock_guard<std::mutex> l(histogram_mu);
    const auto it =
        std::lower_bound(kSendDurationBuckets.begin(), kSendDurationBuckets.end(), seconds);
    ++bucket_counts[static_cast<size_t>(it - kSendDurationBuckets.begin())];
    duration_sum += seconds;
  }

  const std::string name;
  const size_t capacity;
  const size_t max_samples_per_send;
  const Clock::duration batch_send_deadline;
  const absl::Duration min_backoff;
  const absl::Duration max_backoff;
  const absl::Duration sample_age_limit;
  const int min_shards;
  const int max_shards;
  const absl::Duration update_interval;
  const std::unique_ptr<WriteClient> client;
  const std::function<void()> on_progress;
  const RequestEncoder encode;
  const std::function<absl::Time()> clock;

  SeqTracker seqs;
  std::atomic<uint64_t> notified_done_before{0};

  std::atomic<int64_t> samples_in_total{0};
  std::atomic<int64_t> samples_total{0};
  std::atomic<int64_t> samples_failed_total{0};
  std::atomic<int64_t> samples_retried_total{0};
  std::atomic<int64_t> samples_dropped_too_old{0};
  std::atomic<int64_t> samples_dropped_stopped{0};
  std::atomic<int64_t> samples_pending{0};
  std::atomic<int64_t> enqueue_retries_total{0};
  std::atomic<int64_t> bytes_total{0};
  std::atomic<int64_t> shards{0};
  std::atomic<double> shards_desired{0};
  std::atomic<int64_t> highest_timestamp_ms{0};
  std::atomic<int64_t> highest_sent_timestamp_ms{0};

  std::mutex histogram_mu;
  // One count per bucket (not cumulative) and the +Inf one last; guarded by histogram_mu.
  std::array<int64_t, kSendDurationBuckets.size() + 1> bucket_counts{};
  double duration_sum = 0;  // guarded by histogram_mu

  // The shard calculation's inputs (Prometheus's dataIn, dataOut, dataDropped, dataOutDuration;
  // the duration in nanoseconds).
  EwmaRate data_in, data_out, data_dropped, data_out_duration;
  // Clock::now() in nanoseconds when a batch last finished, and until when a recoverable failure
  // holds resharding off.
  std::atomic<int64_t> last_send_nanos{0};
  std::atomic<int64_t> reshard_disabled_until_nanos{0};

  // Appends wait here while a Reshard swaps the shards.
  std::mutex gate_mu;
  std::condition_variable gate_cv;
  bool resharding = false;  // guarded by gate_mu

  // The timer sleeps here; Stop wakes it.
  std::mutex timer_mu;
  std::condition_variable timer_cv;
  bool timer_stop = false;  // guarded by timer_mu
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
  PushResult Push(SeriesSample* sample, uint64_t seq, bool block) {
    std::unique_lock<std::mutex> l(mu_);
    if (block) {
      auto room = [&] {
        return mode_ != Mode::kRunning || hard_ || queue_.size() < shared_->capacity;
      };
      if (!room()) {
        shared_->enqueue_retries_total.fetch_add(1);
        space_.wait(l, room);
      }
    }
    if (mode_ == Mode::kQuiesce && !hard_) return PushResult::kRetry;
    if (mode_ != Mode::kRunning || hard_) return PushResult::kStopped;
    if (queue_.empty()) window_start_ = Clock::now();
    queue_.push_back(std::move(*sample));
    seqs_.push_back(seq);
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

  // What is left queued, in order, with the sequence numbers; only after Join.
  void TakeQueue(std::deque<SeriesSample>* samples, std::deque<uint64_t>* seqs) {
    std::lock_guard<std::mutex> l(mu_);
    *samples = std::exchange(queue_, {});
    *seqs = std::exchange(seqs_, {});
  }

 private:
  enum class SendOutcome { kDone, kRequeue, kAbandoned };

  void Run();
  // Waits for a batch to send; false when the thread should exit.
  bool NextBatch(std::unique_lock<std::mutex>& l);
  SendOutcome Send();
  // Drops the samples of the batch that are older than sample_age_limit; true when any was.
  bool DropTooOld();
  void Done(size_t n) { shared_->samples_pending.fetch_sub(static_cast<int64_t>(n)); }

  Shared* const shared_;
  std::mutex mu_;                      // guards the fields below up to the batch
  std::condition_variable wake_;       // the sender: samples queued, mode changed
  std::condition_variable space_;      // blocked appenders: room in the queue, mode changed
  std::condition_variable exited_cv_;  // Stop: the sender is done
  std::deque<SeriesSample> queue_;
  std::deque<uint64_t> seqs_;       // the sequence number of each queued sample
  Clock::time_point window_start_;  // when the deadline of the next batch started
  Mode mode_ = Mode::kRunning;
  bool hard_ = false;
  bool exited_ = false;
  // The sender thread's own: the batch being sent, its sequence numbers, and buffers.
  std::vector<SeriesSample> batch_;
  std::vector<uint64_t> batch_seqs_;
  std::string scratch_;
  std::string body_;
  std::thread thread_;  // last: it starts running in the constructor
};

bool QueueManager::Shard::NextBatch(std::unique_lock<std::mutex>& l) {
  for (;;) {
    if (hard_) {
      shared_->samples_dropped_stopped.fetch_add(static_cast<int64_t>(queue_.size()));
      Done(queue_.size());
      queue_.clear();
      seqs_.clear();
      space_.notify_all();
      return false;
    }
    if (mode_ == Mode::kQuiesce) return false;
    const size_t max = shared_->max_samples_per_send;
    const Clock::time_point due = window_start_ + shared_->batch_send_deadline;
    if (queue_.size() >= max ||
        (!queue_.empty() && (mode_ == Mode::kFlush || Clock::now() >= due))) {
      const auto n = static_cast<ptrdiff_t>(std::min(max, queue_.size()));
      batch_.assign(std::make_move_iterator(queue_.begin()),
                    std::make_move_iterator(queue_.begin() + n));
      queue_.erase(queue_.begin(), queue_.begin() + n);
      batch_seqs_.assign(seqs_.begin(), seqs_.begin() + n);
      seqs_.erase(seqs_.begin(), seqs_.begin() + n);
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
  std::unique_lock<std::mutex> l(mu_);
  while (NextBatch(l)) {
    l.unlock();
    const SendOutcome outcome = Send();
    if (outcome == SendOutcome::kDone) {
      shared_->seqs.Finish(batch_seqs_);
      shared_->Progress();
    }
    l.lock();
    if (outcome == SendOutcome::kRequeue) {
      queue_.insert(queue_.begin(), std::make_move_iterator(batch_.begin()),
                    std::make_move_iterator(batch_.end()));
      seqs_.insert(seqs_.begin(), batch_seqs_.begin(), batch_seqs_.end());
    }
    batch_.clear();
    batch_seqs_.clear();
  }
  exited_ = true;
  exited_cv_.notify_all();
}

bool QueueManager::Shard::DropTooOld() {
  if (shared_->sample_age_limit <= absl::ZeroDuration()) return false;
  const absl::Time now = shared_->clock();
  std::vector<uint64_t> dropped;
  size_t kept = 0;
  for (size_t i = 0; i < batch_.size(); ++i) {
    if (shared_->TooOld(batch_[i].timestamp_ms, now)) {
      dropped.push_back(batch_seqs_[i]);
      continue;
    }
    if (kept != i) {
      batch_[kept] = std::move(batch_[i]);
      batch_seqs_[kept] = batch_seqs_[i];
    }
    ++kept;
  }
  if (dropped.empty()) return false;
  batch_.resize(kept);
  batch_seqs_.resize(kept);
  shared_->DroppedTooOld(static_cast<int64_t>(dropped.size()));
  Done(dropped.size());
  // Finished now, whatever becomes of the rest of the batch.
  shared_->seqs.Finish(dropped);
  return true;
}

QueueManager::Shard::SendOutcome QueueManager::Shard::Send() {
  const Clock::time_point begin = Clock::now();
  DropTooOld();
  if (batch_.empty()) {
    batch_seqs_.clear();  // finished by DropTooOld
    return SendOutcome::kDone;
  }
  shared_->encode(batch_, &scratch_, &body_);

  absl::Duration backoff = shared_->min_backoff;
  // What 2.0 receivers reported written, summed over the attempts, as Prometheus does.
  WriteCounts written;
  bool confirmed = false;
  for (int attempt = 0;; ++attempt) {
    const auto n = static_cast<int64_t>(batch_.size());
    shared_->samples_total.fetch_add(n);
    const Clock::time_point attempt_begin = Clock::now();
    const WriteResult r = shared_->client->StoreBatch(body_, attempt, WriteCounts{.samples = n});
    const Clock::time_point end = Clock::now();
    shared_->ObserveSendDuration(std::chrono::duration<double>(end - attempt_begin).count());
    if (r.written_confirmed()) {
      confirmed = true;
      written.samples += r.written().samples;
    }
    if (r.ok() || r.kind == WriteResult::Kind::kNonRecoverable) {
      const int64_t accepted = r.ok() && !confirmed ? n : written.samples;
      const int64_t failed = std::clamp<int64_t>(n - accepted, 0, n);
      if (r.ok()) {
        int64_t highest = 0;
        for (const SeriesSample& s : batch_) highest = std::max(highest, s.timestamp_ms);
        StoreMax(&shared_->highest_sent_timestamp_ms, highest);
        if (failed > 0) {
          kLog.Error(
              "we got 2xx status code from the Receiver yet statistics indicate some data was "
              "not written; investigation needed",
              {{"remote_name", shared_->name},
               {"url", shared_->client->endpoint()},
               {"failedSampleCount", failed}});
        }
      } else {
        kLog.Error("non-recoverable error", {{"remote_name", shared_->name},
                                             {"url", shared_->client->endpoint()},
                                             {"failedSampleCount", failed},
                                             {"err", r.message}});
      }
      shared_->samples_failed_total.fetch_add(failed);
      shared_->bytes_total.fetch_add(static_cast<int64_t>(body_.size()));
      shared_->data_out.Add(n);
      shared_->data_out_duration.Add(std::chrono::nanoseconds(end - begin).count());
      shared_->last_send_nanos.store(NowNanos());
      Done(batch_.size());
      return SendOutcome::kDone;
    }
    const absl::Duration sleep = r.retry_after > absl::ZeroDuration() ? r.retry_after : backoff;
    // Never reshard on a recoverable error: more shards would make rate limiting worse.
    StoreMax(&shared_->reshard_disabled_until_nanos,
             NowNanos() + absl::ToInt64Nanoseconds(std::min(sleep, kMaxWait) * 2));
    {
      std::unique_lock<std::mutex> l(mu_);
      wake_.wait_for(l, ToChrono(sleep), [&] { return hard_ || mode_ == Mode::kQuiesce; });
      if (hard_) {
        shared_->samples_dropped_stopped.fetch_add(n);
        Done(batch_.size());
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
    if (DropTooOld()) {
      if (batch_.empty()) return SendOutcome::kDone;
      shared_->encode(batch_, &scratch_, &body_);
    }
  }
}

QueueManager::QueueManager(std::string name, const config::QueueConfig& cfg,
                           std::unique_ptr<WriteClient> client, QueueManagerOptions options)
    : shared_(
          std::make_unique<Shared>(std::move(name), cfg, std::move(client), std::move(options))) {
  {
    util::MutexLock lock(&shards_mu_);
    for (int i = 0; i < shared_->min_shards; ++i) {
      shards_.push_back(std::make_unique<Shard>(shared_.get()));
    }
    shared_->shards.store(shared_->min_shards);
  }
  timer_ = std::thread([this] { TimerLoop(); });
}

QueueManager::~QueueManager() {
  // The samples still queued are lost either way; the status only says how many.
  Stop(absl::ZeroDuration()).IgnoreError();
}

bool QueueManager::Append(uint64_t ref, SharedLabels labels, int64_t timestamp_ms, double value,
                          uint64_t* seq, std::shared_ptr<const MetricMetadata> metadata) {
  const uint64_t my_seq = shared_->seqs.Begin();
  if (seq != nullptr) *seq = my_seq;
  shared_->samples_in_total.fetch_add(1);
  shared_->data_in.Add(1);
  if (shared_->sample_age_limit > absl::ZeroDuration() && !stopping_.load() &&
      shared_->TooOld(timestamp_ms, shared_->clock())) {
    shared_->DroppedTooOld(1);
    const uint64_t one[] = {my_seq};
    shared_->seqs.Finish(one);
    return true;
  }
  SeriesSample sample{ref, std::move(labels), timestamp_ms, value, std::move(metadata)};
  for (;;) {
    if (stopping_.load()) break;
    {
      std::unique_lock<std::mutex> gate(shared_->gate_mu);
      shared_->gate_cv.wait(gate, [&] { return !shared_->resharding; });
    }
    util::ReaderMutexLock lock(&shards_mu_);
    if (stopped_ || shards_.empty()) break;
    Shard& shard = *shards_[Mix(ref) % shards_.size()];
    const Shard::PushResult r = shard.Push(&sample, my_seq, /*block=*/true);
    if (r == Shard::PushResult::kOk) {
      StoreMax(&shared_->highest_timestamp_ms, timestamp_ms);
      return true;
    }
    if (r == Shard::PushResult::kStopped) break;
  }
  shared_->samples_dropped_stopped.fetch_add(1);
  return false;
}

size_t QueueManager::AppendBatch(std::span<SeriesSample> samples, uint64_t* first_seq) {
  if (samples.empty()) return 0;
  const uint64_t first = shared_->seqs.BeginN(samples.size());
  if (first_seq != nullptr) *first_seq = first;
  shared_->samples_in_total.fetch_add(static_cast<int64_t>(samples.size()));
  shared_->data_in.Add(static_cast<int64_t>(samples.size()));
  const bool age_limit = shared_->sample_age_limit > absl::ZeroDuration();
  const absl::Time now = age_limit ? shared_->clock() : absl::InfinitePast();
  std::vector<uint64_t> too_old;
  int64_t highest = INT64_MIN;
  size_t i = 0;
  while (i < samples.size() && !stopping_.load()) {
    {
      std::unique_lock<std::mutex> gate(shared_->gate_mu);
      shared_->gate_cv.wait(gate, [&] { return !shared_->resharding; });
    }
    util::ReaderMutexLock lock(&shards_mu_);
    if (stopped_ || shards_.empty()) break;
    bool stopped = false;
    for (; i < samples.size(); ++i) {
      SeriesSample& sample = samples[i];
      if (age_limit && shared_->TooOld(sample.timestamp_ms, now)) {
        too_old.push_back(first + i);
        continue;
      }
      const int64_t t = sample.timestamp_ms;
      Shard& shard = *shards_[Mix(sample.series_ref) % shards_.size()];
      const Shard::PushResult r = shard.Push(&sample, first + i, /*block=*/true);
      if (r == Shard::PushResult::kOk) {
        highest = std::max(highest, t);
        continue;
      }
      stopped = r == Shard::PushResult::kStopped;
      break;  // kRetry: a reshard began; wait for it at the gate and go on with this sample
    }
    if (stopped) break;
  }
  if (highest != INT64_MIN) StoreMax(&shared_->highest_timestamp_ms, highest);
  if (!too_old.empty()) {
    shared_->DroppedTooOld(static_cast<int64_t>(too_old.size()));
    shared_->seqs.Finish(too_old);
  }
  shared_->samples_dropped_stopped.fetch_add(static_cast<int64_t>(samples.size() - i));
  return i;
}

uint64_t QueueManager::appended() const { return shared_->seqs.next(); }

uint64_t QueueManager::DoneBefore() const { return shared_->seqs.done_before(); }

void QueueManager::Reshard(int n) {
  util::MutexLock control(&control_mu_);
  ReshardLocked(n);
}

void QueueManager::ReshardLocked(int n) {
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
    std::vector<std::deque<SeriesSample>> leftovers(shards_.size());
    std::vector<std::deque<uint64_t>> leftover_seqs(shards_.size());
    for (size_t i = 0; i < shards_.size(); ++i) {
      shards_[i]->Join();
      shards_[i]->TakeQueue(&leftovers[i], &leftover_seqs[i]);
    }
    shards_.clear();
    for (int i = 0; i < n; ++i) shards_.push_back(std::make_unique<Shard>(shared_.get()));
    shared_->shards.store(n);
    // Each series lived in one old shard, whose queue is in append order: moving the queues
    // one after the other keeps every series' order.
    for (size_t q = 0; q < leftovers.size(); ++q) {
      for (size_t i = 0; i < leftovers[q].size(); ++i) {
        SeriesSample& s = leftovers[q][i];
        Shard& to = *shards_[Mix(s.series_ref) % shards_.size()];
        if (to.Push(&s, leftover_seqs[q][i], /*block=*/false) != Shard::PushResult::kOk) {
          // Not reached: the new shards run and nothing else can stop them meanwhile.
          shared_->samples_dropped_stopped.fetch_add(1);
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

void QueueManager::TimerLoop() {
  const Clock::duration interval = ToChrono(shared_->update_interval);
  Clock::time_point next = Clock::now() + interval;
  for (;;) {
    {
      std::unique_lock<std::mutex> l(shared_->timer_mu);
      if (shared_->timer_cv.wait_until(l, next, [&] { return shared_->timer_stop; })) return;
    }
    // A tick delayed by a long reshard is not made up for: the rates assume `interval`.
    next += interval;
    if (const Clock::time_point now = Clock::now(); next <= now) next = now + interval;
    // Progress made without a batch finishing (samples dropped as too old at Append).
    if (shared_->seqs.done_before() > shared_->notified_done_before.load()) shared_->Progress();
    const int n = UpdateDesiredShards();
    if (n == 0) continue;
    util::MutexLock control(&control_mu_);
    kLog.Info("Remote storage resharding",
              {{"remote_name", shared_->name}, {"from", shared_->shards.load()}, {"to", n}});
    ReshardLocked(n);
  }
}

int QueueManager::UpdateDesiredShards() {
  Shared& s = *shared_;
  const double interval = absl::ToDoubleSeconds(s.update_interval);
  s.data_in.Tick(interval);
  s.data_out.Tick(interval);
  s.data_dropped.Tick(interval);
  s.data_out_duration.Tick(interval);
  const int current = static_cast<int>(s.shards.load());
  if (current == 0) return 0;  // stopping
  const int64_t now = NowNanos();
  ShardInputs in;
  in.in_rate = s.data_in.rate();
  in.out_rate = s.data_out.rate();
  in.dropped_rate = s.data_dropped.rate();
  in.send_seconds_rate = s.data_out_duration.rate() / 1e9;
  in.delay_seconds =
      static_cast<double>(s.highest_timestamp_ms.load() - s.highest_sent_timestamp_ms.load()) /
      1000.0;
  in.current = current;
  in.min_shards = s.min_shards;
  in.max_shards = s.max_shards;
  in.sent_recently = s.last_send_nanos.load() >= now - absl::ToInt64Nanoseconds(s.update_interval);
  in.retrying_recently = now < s.reshard_disabled_until_nanos.load();
  const ShardDecision d = ComputeDesiredShards(in);
  if (!d.desired) return 0;
  s.shards_desired.store(*d.desired);
  if (d.wanted != current && d.shards == current) {
    kLog.Warn(
        in.sent_recently
            ? "Skipping resharding, resharding is disabled while waiting for recoverable errors"
            : "Skipping resharding, last successful send was beyond threshold",
        {{"remote_name", s.name}, {"from", current}, {"to", d.wanted}});
  }
  return d.shards == current ? 0 : d.shards;
}

ShardDecision ComputeDesiredShards(const ShardInputs& in) {
  ShardDecision d;
  d.wanted = d.shards = in.current;
  if (in.out_rate <= 0) return d;
  // The incoming rate predicts the work of the next interval; the backlog (appended but not yet
  // delivered) is caught up at 5% per second; the average send time per sample says how many
  // shards that takes.
  const double kept_ratio = in.out_rate / (in.dropped_rate + in.out_rate);
  const double backlog = in.delay_seconds * in.in_rate * kept_ratio;
  const double time_per_sample = in.send_seconds_rate / in.out_rate;
  d.desired = time_per_sample * (in.in_rate * kept_ratio + 0.05 * backlog);

  const double lower = in.current * (1.0 - kShardToleranceFraction);
  const double upper = in.current * (1.0 + kShardToleranceFraction);
  const double wanted = std::ceil(*d.desired);
  if (lower <= wanted && wanted <= upper) return d;
  int n = wanted >= in.max_shards ? in.max_shards : static_cast<int>(wanted);
  if (n < in.current && in.delay_seconds > 10.0) return d;  // not down while far behind
  d.wanted = std::clamp(n, in.min_shards, std::max(in.min_shards, in.max_shards));
  if (in.sent_recently && !in.retrying_recently) d.shards = d.wanted;
  return d;
}

absl::Status QueueManager::Stop(absl::Duration deadline) {
  if (stopping_.exchange(true)) return absl::OkStatus();
  const Clock::time_point until = Clock::now() + ToChrono(std::max(deadline, absl::ZeroDuration()));
  {
    std::lock_guard<std::mutex> l(shared_->timer_mu);
    shared_->timer_stop = true;
  }
  shared_->timer_cv.notify_all();
  if (timer_.joinable()) timer_.join();  // after a reshard it was running, if any
  util::MutexLock control(&control_mu_);
  {
    // Flushing also releases appenders blocked on a full queue (their samples are dropped).
    util::ReaderMutexLock lock(&shards_mu_);
    for (auto& s : shards_) s->SetMode(Shard::Mode::kFlush);
  }
  util::MutexLock lock(&shards_mu_);
  stopped_ = true;
  const int64_t dropped_before = shared_->samples_dropped_stopped.load();
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
  return absl::DeadlineExceededError(
      util::StrCat("remote_write ", shared_->name, ": ",
                   shared_->samples_dropped_stopped.load() - dropped_before,
                   " samples not sent before the flush deadline"));
}

QueueManagerStats QueueManager::stats() const {
  const Shared& sh = *shared_;
  QueueManagerStats s;
  s.samples_in_total = sh.samples_in_total.load();
  s.samples_total = sh.samples_total.load();
  s.samples_failed_total = sh.samples_failed_total.load();
  s.samples_retried_total = sh.samples_retried_total.load();
  s.samples_dropped_too_old = sh.samples_dropped_too_old.load();
  s.samples_dropped_stopped = sh.samples_dropped_stopped.load();
  s.samples_dropped_total = s.samples_dropped_too_old + s.samples_dropped_stopped;
  s.samples_pending = sh.samples_pending.load();
  s.enqueue_retries_total = sh.enqueue_retries_total.load();
  s.bytes_total = sh.bytes_total.load();
  {
    std::lock_guard<std::mutex> l(shared_->histogram_mu);
    HistogramSnapshot& h = s.sent_batch_duration_seconds;
    h.upper_bounds.assign(kSendDurationBuckets.begin(), kSendDurationBuckets.end());
    int64_t cumulative = 0;
    for (size_t i = 0; i < kSendDurationBuckets.size(); ++i) {
      cumulative += sh.bucket_counts[i];
      h.cumulative_counts.push_back(cumulative);
    }
    h.count = cumulative + sh.bucket_counts.back();
    h.sum = sh.duration_sum;
  }
  s.shards = sh.shards.load();
  s.shards_min = sh.min_shards;
  s.shards_max = sh.max_shards;
  s.shards_desired = sh.shards_desired.load();
  s.shard_capacity = static_cast<int64_t>(sh.capacity);
  s.max_samples_per_send = static_cast<int64_t>(sh.max_samples_per_send);
  s.highest_timestamp_ms = sh.highest_timestamp_ms.load();
  s.highest_sent_timestamp_ms = sh.highest_sent_timestamp_ms.load();
  return s;
}

}  // namespace sextant::remote
