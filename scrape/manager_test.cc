#include "scrape/manager.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <httplib.h>
#include <unistd.h>

#include "config/loader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/sample.h"
#include "scrape/testing.h"
#include "tsdb/mem_storage.h"
#include "tsdb/testing.h"

namespace sextant::scrape {
namespace {

config::Config Cfg(const std::string& jobs) {
  absl::StatusOr<config::Config> c = config::LoadConfig(
      "global: {scrape_interval: 100ms, scrape_timeout: 80ms}\n"
      "scrape_configs:\n" +
          jobs,
      "");
  EXPECT_TRUE(c.ok()) << c.status();
  return *c;
}

std::vector<model::Sample> Samples(tsdb::MemStorage& s, std::string_view name,
                                   std::string_view instance) {
  auto m1 = model::Matcher::Create(model::MatchType::kEqual, "__name__", name);
  auto m2 = model::Matcher::Create(model::MatchType::kEqual, "instance", instance);
  auto got = tsdb::testing::SelectAll(s, 0, INT64_MAX / 2, {*m1, *m2});
  return got.empty() ? std::vector<model::Sample>{} : got[0].second;
}

using testing::Eventually;
using testing::FakeTarget;
using testing::ThreadCount;

TEST(ScrapeManager, ScrapesStaticTargetsAndReportsThem) {
  FakeTarget target;
  tsdb::MemStorage storage;
  util::Registry registry;
  ScrapeManager m(&storage, &registry);
  ASSERT_TRUE(m.ApplyConfig(Cfg("  - job_name: app\n    static_configs: [{targets: ['" +
                                target.address() + "'], labels: {env: test}}]\n"))
                  .ok());
  ASSERT_TRUE(Eventually([&] { return Samples(storage, "a", target.address()).size() >= 3; }));
  auto up = Samples(storage, "up", target.address());
  ASSERT_FALSE(up.empty());
  EXPECT_EQ(up.back().v, 1);
  // Timestamps sit on the 100ms grid of the schedule (when a scrape starts within 1ms of it,
  // which most do even on a busy machine).
  ASSERT_TRUE(Eventually([&] { return Samples(storage, "a", target.address()).size() >= 6; }));
  auto a = Samples(storage, "a", target.address());
  int on_grid = 0;
  for (size_t i = 1; i < a.size(); ++i) on_grid += (a[i].t - a[i - 1].t) % 100 == 0 ? 1 : 0;
  EXPECT_GE(on_grid, 1);

  std::vector<TargetStatus> targets = m.ActiveTargets();
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].health, "up");
  EXPECT_EQ(targets[0].scrape_pool, "app");
  EXPECT_EQ(targets[0].scrape_url, "http://" + target.address() + "/metrics");
  EXPECT_EQ(targets[0].labels.Get("env"), "test");
  EXPECT_EQ(targets[0].labels.Get("job"), "app");
  EXPECT_EQ(m.ScrapePools(), std::vector<std::string>{"app"});
  const std::string self = registry.WriteText();
  EXPECT_THAT(self,
              ::testing::HasSubstr("# TYPE prometheus_target_interval_length_seconds summary"));
  EXPECT_THAT(
      self, ::testing::HasSubstr(
                "prometheus_target_interval_length_seconds{interval=\"100ms\",quantile=\"0.5\"}"));
  EXPECT_THAT(self,
              ::testing::HasSubstr("prometheus_target_scrape_pool_targets{scrape_job=\"app\"} 1"));

  // A failing target: up 0, its series go stale, lastError says why.
  target.fail_ = true;
  ASSERT_TRUE(Eventually([&] {
    auto t = m.ActiveTargets();
    return !t.empty() && t[0].health == "down";
  }));
  EXPECT_EQ(m.ActiveTargets()[0].last_error,
            "server returned HTTP status 500 Internal Server Error");
  EXPECT_TRUE(model::IsStaleNaN(Samples(storage, "a", target.address()).back().v));
  EXPECT_EQ(Samples(storage, "up", target.address()).back().v, 0);
  m.Stop();
}

TEST(ScrapeManager, ReloadKeepsUnchangedJobsAndStalesRemovedOnes) {
  FakeTarget t1, t2;
  tsdb::MemStorage storage;
  util::Registry registry;
  ScrapeManager m(&storage, &registry);
  const std::string job1 =
      "  - job_name: one\n    static_configs: [{targets: ['" + t1.address() + "']}]\n";
  const std::string job2 =
      "  - job_name: two\n    static_configs: [{targets: ['" + t2.address() + "']}]\n";
  ASSERT_TRUE(m.ApplyConfig(Cfg(job1 + job2)).ok());
  ASSERT_TRUE(Eventually([&] {
    return !Samples(storage, "a", t1.address()).empty() &&
           !Samples(storage, "a", t2.address()).empty();
  }));
  // Same job one, job two removed.
  ASSERT_TRUE(m.ApplyConfig(Cfg(job1)).ok());
  EXPECT_TRUE(model::IsStaleNaN(Samples(storage, "a", t2.address()).back().v));
  EXPECT_TRUE(model::IsStaleNaN(Samples(storage, "up", t2.address()).back().v));
  const int hits = t1.hits_;
  ASSERT_TRUE(Eventually([&] { return t1.hits_ > hits + 2; }));
  // Job one never went stale.
  for (const model::Sample& s : Samples(storage, "a", t1.address())) {
    EXPECT_FALSE(model::IsStaleNaN(s.v));
  }
  EXPECT_EQ(m.ScrapePools(), std::vector<std::string>{"one"});
  m.Stop();
}

TEST(ScrapeManager, FileDiscoveryFollowsTheFile) {
  FakeTarget t1, t2;
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("file_sd_" + std::to_string(::getpid()))).string();
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& content) {
    std::ofstream(dir + "/targets.tmp") << content;
    std::filesystem::rename(dir + "/targets.tmp", dir + "/targets.json");
  };
  write("[{\"targets\": [\"" + t1.address() + "\"], \"labels\": {\"team\": \"ml\"}}]");
  tsdb::MemStorage storage;
  util::Registry registry;
  ManagerOptions o;
  o.file_check_period = absl::Milliseconds(50);
  ScrapeManager m(&storage, &registry, o);
  ASSERT_TRUE(m.ApplyConfig(Cfg("  - job_name: files\n    file_sd_configs: [{files: ['" + dir +
                                "/*.json']}]\n"))
                  .ok());
  ASSERT_TRUE(Eventually([&] { return !Samples(storage, "a", t1.address()).empty(); }));
  EXPECT_EQ(m.ActiveTargets()[0].labels.Get("team"), "ml");
  EXPECT_EQ(m.ActiveTargets()[0].discovered_labels.Get("__meta_filepath"), dir + "/targets.json");

  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a distinct mtime
  write("[{\"targets\": [\"" + t2.address() + "\"]}]");
  ASSERT_TRUE(Eventually([&] { return !Samples(storage, "a", t2.address()).empty(); }));
  ASSERT_TRUE(
      Eventually([&] { return model::IsStaleNaN(Samples(storage, "a", t1.address()).back().v); }));
  // A broken file keeps the targets it had.
  write("this is not json [");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(m.ActiveTargets().size(), 1u);
  EXPECT_EQ(m.ActiveTargets()[0].labels.Get("instance"), t2.address());
  m.Stop();
  std::filesystem::remove_all(dir);
}

// Targets come and go all the time (pods churning): the thread count stays within the
// scheduler's bound, every removed target's loop is freed, and its series end with stale markers.
TEST(ScrapeManager, TargetChurnLeaksNoThreadsOrLoops) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("churn_sd_" + std::to_string(::getpid())))
          .string();
  std::filesystem::create_directories(dir);
  // Targets p<first>..p<first+n-1>, on a closed port: each scrape fails at once (up 0).
  auto write = [&](int first, int n) {
    std::string json = "[";
    for (int i = first; i < first + n; ++i) {
      json += (i > first ? "," : "") + std::string("{\"targets\": [\"127.0.0.1:1\"], ") +
              "\"labels\": {\"pod\": \"p" + std::to_string(i) + "\"}}";
    }
    std::ofstream(dir + "/targets.tmp") << json << "]";
    std::filesystem::rename(dir + "/targets.tmp", dir + "/targets.json");
  };
  write(0, 60);
  const size_t threads_before = ThreadCount();
  tsdb::MemStorage storage;
  util::Registry registry;
  ManagerOptions o;
  o.file_check_period = absl::Milliseconds(20);
  o.scheduler = SchedulerOptions{.min_workers = 4, .max_workers = 16};
  ScrapeManager m(&storage, &registry, o);
  ASSERT_TRUE(m.ApplyConfig(Cfg("  - job_name: pods\n    scrape_interval: 200ms\n"
                                "    scrape_timeout: 100ms\n"
                                "    file_sd_configs: [{files: ['" +
                                dir + "/*.json']}]\n"))
                  .ok());
  size_t most_threads = 0;
  constexpr int kRounds = 60;
  for (int round = 1; round <= kRounds; ++round) {
    write(round * 10, 60);  // 10 targets leave, 10 arrive
    const absl::Time end = absl::Now() + absl::Milliseconds(50);
    while (absl::Now() < end) {
      most_threads = std::max(most_threads, ThreadCount());
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  // The scheduler (workers and its own thread) and the file discovery's watcher.
  EXPECT_LE(most_threads, threads_before + 16 + 1 + 1);
  ASSERT_TRUE(Eventually([&] {
    auto t = m.ActiveTargets();
    return t.size() == 60 && std::ranges::all_of(t, [](const TargetStatus& s) {
             return std::stoi(std::string(s.labels.Get("pod")).substr(1)) >= kRounds * 10;
           });
  }));
  EXPECT_EQ(m.scheduler_stats().tasks, 60u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // one interval: old entries due
  EXPECT_LE(m.scheduler_stats().heap, 60u);

  auto up = model::Matcher::Create(model::MatchType::kEqual, "__name__", "up");
  int ended = 0;
  for (const auto& [labels, samples] : tsdb::testing::SelectAll(storage, 0, INT64_MAX / 2, {*up})) {
    const size_t at = labels.find("pod=\"p");
    ASSERT_NE(at, std::string::npos) << labels;
    const int pod = std::stoi(labels.substr(at + 6));
    if (pod >= kRounds * 10) continue;  // still active
    ASSERT_FALSE(samples.empty());
    EXPECT_TRUE(model::IsStaleNaN(samples.back().v))
        << labels << " last sample at " << samples.back().t << " of " << samples.size();
    ++ended;
  }
  EXPECT_GT(ended, 100);
  m.Stop();
  EXPECT_EQ(m.scheduler_stats().tasks, 0u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sextant::scrape
