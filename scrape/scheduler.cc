#include "scrape/scheduler.h"

#include <algorithm>

namespace sextant::scrape {
namespace {

int DefaultMinWorkers() {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::max(4, 4 * cores);
}

}  // namespace

Scheduler::Scheduler(SchedulerOptions options)
    : options_([&] {
        if (options.min_workers <= 0) options.min_workers = DefaultMinWorkers();
        options.max_workers = std::max(options.max_workers, options.min_workers);
        return options;
      }()) {
  std::lock_guard<std::mutex> l(mu_);
  for (int i = 0; i < options_.min_workers; ++i) StartWorkerLocked();
  scheduler_ = std::thread([this] { SchedulerLoop(); });
}

Scheduler::~Scheduler() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  scheduler_cv_.notify_all();
  work_cv_.notify_all();
  scheduler_.join();
  std::map<int, std::thread> workers;
  {
    std::lock_guard<std::mutex> l(mu_);
    workers.swap(workers_);
  }
  for (auto& [index, t] : workers) t.join();
}

Scheduler::TaskId Scheduler::Add(absl::Time first, Task task) {
  std::lock_guard<std::mutex> l(mu_);
  const TaskId id = next_id_++;
  auto entry = std::make_unique<Entry>();
  entry->task = std::move(task);
  tasks_.emplace(id, std::move(entry));
  PushHeapLocked({first, id});
  return id;
}

void Scheduler::Cancel(std::span<const TaskId> ids) {
  std::vector<std::unique_ptr<Entry>> dead;  // destroyed after the lock is released
  {
    std::unique_lock<std::mutex> l(mu_);
    for (TaskId id : ids) {
      if (auto it = tasks_.find(id); it != tasks_.end()) it->second->cancelled = true;
    }
    done_cv_.wait(l, [&] {
      for (TaskId id : ids) {
        auto it = tasks_.find(id);
        if (it != tasks_.end() && it->second->running) return false;
      }
      return true;
    });
    for (TaskId id : ids) {
      if (auto it = tasks_.find(id); it != tasks_.end()) {
        dead.push_back(std::move(it->second));
        tasks_.erase(it);
      }
    }
    // Heap entries of cancelled tasks otherwise wait until they fall due: with heavy churn and
    // long intervals they could outnumber the live ones many times over.
    if (heap_.size() > 2 * tasks_.size() + 1024) {
      std::erase_if(heap_, [&](const Due& d) { return !tasks_.contains(d.id); });
      std::make_heap(heap_.begin(), heap_.end(), std::greater<>());
    }
  }
}

SchedulerStats Scheduler::stats() const {
  std::lock_guard<std::mutex> l(mu_);
  SchedulerStats s;
  s.tasks = tasks_.size();
  s.heap = heap_.size();
  s.workers = LiveWorkersLocked();
  s.busy = run_started_.size();
  s.spawned = spawned_;
  s.late = late_;
  return s;
}

void Scheduler::PushHeapLocked(Due d) {
  const bool new_front = heap_.empty() || d.at < heap_.front().at;
  heap_.push_back(d);
  std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
  if (new_front) scheduler_cv_.notify_one();
}

void Scheduler::StartWorkerLocked() {
  const int index = next_worker_++;
  workers_.emplace(index, std::thread([this, index] { WorkerLoop(index); }));
}

void Scheduler::SchedulerLoop() {
  std::unique_lock<std::mutex> l(mu_);
  while (!stopping_) {
    if (!exited_.empty()) {
      // Workers that ended on idle_timeout: they have released mu_ for good, so the joins
      // are short.
      std::vector<std::thread> done;
      for (int index : exited_) {
        done.push_back(std::move(workers_.at(index)));
        workers_.erase(index);
      }
      exited_.clear();
      l.unlock();
      for (std::thread& t : done) t.join();
      l.lock();
      continue;
    }
    const absl::Time now = absl::Now();
    while (!heap_.empty() && heap_.front().at <= now) {
      std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
      const Due d = heap_.back();
      heap_.pop_back();
      auto it = tasks_.find(d.id);
      if (it == tasks_.end() || it->second->cancelled) continue;  // cancelled: drop its entry
      ready_.push_back(d);
      work_cv_.notify_one();
    }
    absl::Time wake = heap_.empty() ? absl::InfiniteFuture() : heap_.front().at;
    if (ready_.size() > idle_ && LiveWorkersLocked() < static_cast<size_t>(options_.max_workers)) {
      // Due tasks wait. Workers stuck on slow targets are replaced so that min_workers stay
      // available; a busy but unblocked pool is left alone.
      size_t blocked = 0;
      absl::Time next_blocked = absl::InfiniteFuture();
      for (const auto& [index, started] : run_started_) {
        if (now - started >= options_.blocked_after) {
          ++blocked;
        } else {
          next_blocked = std::min(next_blocked, started + options_.blocked_after);
        }
      }
      if (LiveWorkersLocked() - blocked < static_cast<size_t>(options_.min_workers)) {
        StartWorkerLocked();
        ++spawned_;
        continue;  // look again: more may be needed
      }
      wake = std::min(wake, next_blocked);
    }
    if (wake == absl::InfiniteFuture()) {
      scheduler_cv_.wait(l);
    } else {
      scheduler_cv_.wait_until(l, absl::ToChronoTime(wake));
    }
  }
}

void Scheduler::WorkerLoop(int index) {
  std::unique_lock<std::mutex> l(mu_);
  while (true) {
    while (ready_.empty() && !stopping_) {
      ++idle_;
      const bool timed_out =
          work_cv_.wait_for(l, absl::ToChronoNanoseconds(options_.idle_timeout)) ==
          std::cv_status::timeout;
      --idle_;
      if (timed_out && ready_.empty() && !stopping_ &&
          LiveWorkersLocked() > static_cast<size_t>(options_.min_workers)) {
        exited_.push_back(index);
        scheduler_cv_.notify_one();
        return;
      }
    }
    if (stopping_) return;
    const Due d = ready_.front();
    ready_.pop_front();
    auto it = tasks_.find(d.id);
    if (it == tasks_.end() || it->second->cancelled) continue;
    Entry* const e = it->second.get();
    e->running = true;
    const absl::Time start = absl::Now();
    run_started_[index] = start;
    if (start - d.at > options_.late_after) ++late_;
    l.unlock();
    // Cancel waits while `running`, so `e` stays valid.
    const std::optional<absl::Time> next = e->task(d.at);
    l.lock();
    run_started_.erase(index);
    e->running = false;
    if (e->cancelled) {
      done_cv_.notify_all();
    } else if (!next.has_value()) {
      tasks_.erase(d.id);
    } else {
      PushHeapLocked({*next, d.id});
    }
  }
}

}  // namespace sextant::scrape
