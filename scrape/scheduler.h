#pragma once

// Scheduler: runs periodic tasks (scrape loops) at their due times on a bounded, elastic pool of
// worker threads, instead of a thread per task.
//
// One scheduler thread keeps a min-heap of (due time, task) and hands each task that falls due
// to the workers through a FIFO ready queue. A task runs on one worker at a time; when it
// returns, it names its next due time (or ends), and only then goes back into the heap, so a task
// that overruns its period is never run twice concurrently: its next run is whatever time it
// returns (scrape loops skip the ticks they missed).
//
// Workers: `min_workers` always run (default max(4, 4 x cores)). A run longer than
// `blocked_after` counts as blocked (waiting on I/O: a slow target holds its worker for up to its
// timeout). While due tasks wait for a worker and fewer than `min_workers` workers are idle or
// running unblocked, one more worker starts, up to `max_workers`: slow targets then do not delay
// the others, while a pool that is merely busy (the CPU is the limit) does not grow, since more
// threads would not help it. Workers above the minimum end after `idle_timeout` without work.
// So the thread count is bounded by max_workers + 1 whatever the number of tasks and however
// fast they come and go.
//
// Sizing (scrape loops): scrapes are blocking HTTP calls (cpp-httplib), so a slow target holds a
// worker for up to its scrape_timeout. 10,000 targets at 15s are ~670 scrapes a second of about
// half a millisecond each (a 200-sample page on loopback), so the minimum pool is mostly idle; each
// target that blocks adds one thread for as long as it blocks, so N slow targets at timeout T and
// interval I cost about N x T / I extra threads, and up to max_workers - min_workers of them can
// block at once before the other targets' scrapes start late (then their timestamps leave the
// grid and missed ticks are skipped). The price of a thread is its stack (a few tens of KiB
// touched). A non-blocking client (Boost.Asio, as the HTTP server uses) would make a slow target
// cost a socket instead of a thread and remove the bound, at the price of re-implementing
// http_client.h's auth, TLS, gzip and redirects on it.
//
// Cancelled tasks leave their heap entry behind (found and dropped when it falls due); the heap
// is rebuilt when such entries outnumber the live ones, so memory follows the live task count.
//
// Thread-safety: all methods may be called from any thread, except Cancel from within the task
// it cancels (it would wait for itself).

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"

namespace sextant::scrape {

struct SchedulerOptions {
  int min_workers = 0;  // 0: max(4, 4 x hardware threads)
  int max_workers = 256;
  absl::Duration blocked_after = absl::Milliseconds(100);
  absl::Duration idle_timeout = absl::Seconds(30);
  absl::Duration late_after = absl::Milliseconds(2);  // for SchedulerStats::late
};

struct SchedulerStats {
  size_t tasks = 0;      // live (added, not cancelled or ended)
  size_t heap = 0;       // heap entries, cancelled ones included
  size_t workers = 0;    // worker threads running
  size_t busy = 0;       // of which running a task
  uint64_t spawned = 0;  // worker threads started beyond the minimum, ever
  uint64_t late = 0;     // runs that started more than late_after past their due time
};

class Scheduler {
 public:
  using TaskId = uint64_t;
  // Runs once per due time, with that due time; returns the next due time, or nullopt to end the
  // task. Runs on a worker thread, never concurrently with itself.
  using Task = std::function<std::optional<absl::Time>(absl::Time due)>;

  explicit Scheduler(SchedulerOptions options = {});
  // Stops the threads; tasks running at the time finish first, pending ones never run.
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Schedules `task` to run first at `first` (now when in the past).
  TaskId Add(absl::Time first, Task task);

  // Cancels tasks: when Cancel returns, none of them runs or will run again, and their Task
  // objects are destroyed. Waits for runs in progress. Unknown or ended ids are ignored.
  void Cancel(std::span<const TaskId> ids);
  void Cancel(TaskId id) { Cancel(std::span<const TaskId>(&id, 1)); }

  SchedulerStats stats() const;

 private:
  struct Entry {
    Task task;
    bool running = false;
    bool cancelled = false;
  };
  struct Due {
    absl::Time at;
    TaskId id;
    bool operator>(const Due& o) const { return at > o.at; }
  };

  void SchedulerLoop();
  void WorkerLoop(int index);
  void StartWorkerLocked();  // requires mu_
  void PushHeapLocked(Due d);
  // Workers not ended on idle_timeout. Needs mu_.
  size_t LiveWorkersLocked() const { return workers_.size() - exited_.size(); }

  const SchedulerOptions options_;
  mutable std::mutex mu_;
  std::condition_variable scheduler_cv_;  // heap changed, or stopping
  std::condition_variable work_cv_;       // ready_ gained an entry, or stopping
  std::condition_variable done_cv_;       // a cancelled task finished its run
  // All below guarded by mu_.
  bool stopping_ = false;
  TaskId next_id_ = 1;
  absl::flat_hash_map<TaskId, std::unique_ptr<Entry>> tasks_;
  std::vector<Due> heap_;  // min-heap on `at` (std::greater)
  std::deque<Due> ready_;  // due, waiting for a worker
  int next_worker_ = 0;
  std::map<int, std::thread> workers_;
  std::vector<int> exited_;  // workers that ended on idle_timeout, to be joined
  size_t idle_ = 0;
  std::map<int, absl::Time> run_started_;  // by worker index, while it runs a task (the busy ones)
  uint64_t spawned_ = 0;
  uint64_t late_ = 0;
  std::thread scheduler_;
};

}  // namespace sextant::scrape
