#include "scrape/scheduler.h"

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "scrape/testing.h"

namespace sextant::scrape {
namespace {

using testing::Eventually;
using testing::ThreadCount;

TEST(Scheduler, RunsATaskAtItsDueTimes) {
  Scheduler s(SchedulerOptions{.min_workers = 2});
  std::mutex mu;
  std::vector<std::pair<absl::Time, absl::Time>> runs;  // (due, started)
  const absl::Duration period = absl::Milliseconds(30);
  s.Add(absl::Now() + period, [&](absl::Time due) -> std::optional<absl::Time> {
    std::lock_guard<std::mutex> l(mu);
    runs.emplace_back(due, absl::Now());
    return due + period;
  });
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard<std::mutex> l(mu);
    return runs.size() >= 5;
  }));
  std::lock_guard<std::mutex> l(mu);
  for (size_t i = 0; i < runs.size(); ++i) {
    EXPECT_GE(runs[i].second, runs[i].first);
    if (i > 0) {
      EXPECT_EQ(runs[i].first - runs[i - 1].first, period);
    }
  }
}

TEST(Scheduler, NeverRunsATaskConcurrentlyWithItself) {
  Scheduler s(SchedulerOptions{.min_workers = 4});
  std::atomic<int> running{0}, max_running{0}, runs{0};
  // Each run takes four periods and asks to run again one period after its due time.
  s.Add(absl::Now(), [&](absl::Time due) -> std::optional<absl::Time> {
    const int r = ++running;
    max_running = std::max(max_running.load(), r);
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
    --running;
    ++runs;
    return due + absl::Milliseconds(10);
  });
  ASSERT_TRUE(Eventually([&] { return runs >= 5; }));
  EXPECT_EQ(max_running, 1);
}

TEST(Scheduler, CancelWaitsForARunInProgressAndEndsTheTask) {
  Scheduler s(SchedulerOptions{.min_workers = 2});
  std::atomic<bool> started{false}, finished{false};
  std::atomic<int> runs{0};
  const Scheduler::TaskId id = s.Add(absl::Now(), [&](absl::Time due) -> std::optional<absl::Time> {
    ++runs;
    started = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    finished = true;
    return due + absl::Milliseconds(1);
  });
  ASSERT_TRUE(Eventually([&] { return started.load(); }));
  s.Cancel(id);
  EXPECT_TRUE(finished);
  const int after = runs;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(runs, after);
  EXPECT_EQ(s.stats().tasks, 0u);
}

TEST(Scheduler, ATaskEndsWhenItReturnsNoNextTime) {
  Scheduler s(SchedulerOptions{.min_workers = 1});
  std::atomic<int> runs{0};
  s.Add(absl::Now(), [&](absl::Time due) -> std::optional<absl::Time> {
    if (++runs == 3) return std::nullopt;
    return due + absl::Milliseconds(5);
  });
  ASSERT_TRUE(Eventually([&] { return s.stats().tasks == 0; }));
  EXPECT_EQ(runs, 3);
}

// Tasks blocked on I/O (slow targets) hold their workers; the pool grows so that a fast task
// keeps its schedule, never beyond max_workers, and shrinks back when idle.
TEST(Scheduler, SlowTasksGrowThePoolWithinBoundsThenItShrinks) {
  const size_t threads_before = ThreadCount();
  Scheduler s(SchedulerOptions{.min_workers = 2,
                               .max_workers = 8,
                               .blocked_after = absl::Milliseconds(20),
                               .idle_timeout = absl::Milliseconds(200)});
  std::atomic<bool> slow_on{true};
  std::vector<Scheduler::TaskId> slow;
  auto add_slow = [&](int n) {
    for (int i = 0; i < n; ++i) {
      slow.push_back(s.Add(absl::Now(), [&](absl::Time due) -> std::optional<absl::Time> {
        if (slow_on) std::this_thread::sleep_for(std::chrono::milliseconds(300));
        return due + absl::Milliseconds(300);
      }));
    }
  };
  std::atomic<int> fast_runs{0};
  const Scheduler::TaskId fast = s.Add(absl::Now(), [&](absl::Time due) {
    ++fast_runs;
    return std::optional<absl::Time>(due + absl::Milliseconds(20));
  });
  auto watch_threads = [&](absl::Duration d) {
    size_t most = 0;
    const absl::Time end = absl::Now() + d;
    while (absl::Now() < end) {
      most = std::max(most, ThreadCount());
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return most;
  };
  // Five slow tasks hold five workers at all times: the pool grows past its minimum of two and
  // the fast task keeps (nearly) its 20ms period: 50 runs a second.
  add_slow(5);
  const int fast_before = fast_runs;
  watch_threads(absl::Seconds(1));
  EXPECT_GE(fast_runs - fast_before, 30);
  EXPECT_GE(s.stats().workers, 6u);
  // Twelve more: the pool stops at eight workers.
  add_slow(12);
  const size_t most_threads = watch_threads(absl::Milliseconds(500));
  EXPECT_EQ(s.stats().workers, 8u);
  EXPECT_LE(most_threads, threads_before + 8 + 1);  // workers and the scheduler thread

  slow_on = false;
  s.Cancel(slow);
  s.Cancel(fast);
  ASSERT_TRUE(Eventually([&] { return s.stats().workers == 2; }));
  ASSERT_TRUE(Eventually([&] { return ThreadCount() == threads_before + 3; }));
  EXPECT_GT(s.stats().spawned, 0u);
}

// Short runs that merely outnumber the workers (the CPU, not I/O, is the limit) do not grow the
// pool: more threads would not make them faster.
TEST(Scheduler, ABusyButUnblockedPoolDoesNotGrow) {
  Scheduler s(SchedulerOptions{.min_workers = 2, .blocked_after = absl::Milliseconds(100)});
  std::atomic<int> runs{0};
  std::vector<Scheduler::TaskId> ids;
  for (int i = 0; i < 20; ++i) {
    ids.push_back(s.Add(absl::Now(), [&](absl::Time due) {
      ++runs;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      return std::optional<absl::Time>(due + absl::Milliseconds(50));
    }));
  }
  ASSERT_TRUE(Eventually([&] { return runs >= 100; }));
  EXPECT_EQ(s.stats().workers, 2u);
  EXPECT_EQ(s.stats().spawned, 0u);
  EXPECT_GT(s.stats().late, 0u);
  s.Cancel(ids);
}

TEST(Scheduler, ChurnLeavesNoTasksThreadsOrHeapBehind) {
  const size_t threads_before = ThreadCount();
  Scheduler s(SchedulerOptions{.min_workers = 4, .max_workers = 8});
  std::atomic<int> runs{0};
  std::vector<Scheduler::TaskId> live;
  for (int round = 0; round < 200; ++round) {
    for (int i = 0; i < 50; ++i) {
      // Long periods: cancelled tasks' heap entries would linger for an hour if not compacted.
      live.push_back(s.Add(absl::Now() + absl::Milliseconds(i % 10), [&](absl::Time due) {
        ++runs;
        return std::optional<absl::Time>(due + absl::Hours(1));
      }));
    }
    // Keep the newest 100.
    if (live.size() > 100) {
      std::vector<Scheduler::TaskId> gone(live.begin(), live.end() - 100);
      s.Cancel(gone);
      live.erase(live.begin(), live.end() - 100);
    }
    EXPECT_LE(ThreadCount(), threads_before + 8 + 1);
  }
  EXPECT_GT(runs, 0);
  SchedulerStats st = s.stats();
  EXPECT_EQ(st.tasks, 100u);
  EXPECT_LE(st.heap, 2 * 100u + 1024);
  s.Cancel(live);
  EXPECT_EQ(s.stats().tasks, 0u);
}

TEST(Scheduler, DestructorWaitsForRunningTasks) {
  std::atomic<bool> finished{false};
  std::atomic<bool> started{false};
  {
    Scheduler s(SchedulerOptions{.min_workers = 1});
    s.Add(absl::Now(), [&](absl::Time) -> std::optional<absl::Time> {
      started = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      finished = true;
      return std::nullopt;
    });
    ASSERT_TRUE(Eventually([&] { return started.load(); }));
  }
  EXPECT_TRUE(finished);
}

}  // namespace
}  // namespace sextant::scrape
