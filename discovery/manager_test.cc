#include "discovery/manager.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <httplib.h>
#include <unistd.h>

#include "discovery/metrics.h"
#include "gtest/gtest.h"
#include "util/metrics.h"

namespace sextant::discovery {
namespace {

std::string Dir() {
  static int n = 0;
  const std::string d = ::testing::TempDir() + "/discovery_manager_" + std::to_string(::getpid()) +
                        "_" + std::to_string(n++);
  std::filesystem::create_directories(d);
  return d;
}

void Write(const std::string& path, const std::string& content) {
  std::ofstream(path + ".tmp") << content;
  std::filesystem::rename(path + ".tmp", path);
}

config::ServiceDiscovery Sd(const std::string& file) {
  config::ServiceDiscovery sd;
  sd.static_configs.push_back(config::TargetGroup{{"s:1"}, {}});
  sd.file_sd_configs.push_back(config::FileSdConfig{{file}, absl::Minutes(5)});
  return sd;
}

TEST(DiscoveryManager, StaticThenFileGroupsRightAfterConstruction) {
  const std::string dir = Dir();
  Write(dir + "/t.json", R"([{"targets": ["f:1"]}])");
  DiscoveryManager m(Sd(dir + "/t.json"));
  std::vector<TargetGroup> g = m.Groups();
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].source, "0");
  EXPECT_EQ(g[1].source, dir + "/t.json:0");
  EXPECT_EQ(m.generation(), 0u);
  std::filesystem::remove_all(dir);
}

TEST(DiscoveryManager, PollingWithRefreshNow) {
  const std::string dir = Dir();
  Write(dir + "/t.json", R"([{"targets": ["f:1"]}])");
  DiscoveryManager m(Sd(dir + "/t.json"));
  EXPECT_FALSE(m.RefreshNow());
  Write(dir + "/t.json", R"([{"targets": ["f:1", "f:2"]}])");
  EXPECT_TRUE(m.RefreshNow());
  EXPECT_EQ(m.generation(), 1u);
  EXPECT_EQ(m.Groups()[1].targets.size(), 2u);
  std::filesystem::remove_all(dir);
}

TEST(DiscoveryManager, CallbackFromWatcherOnChange) {
  const std::string dir = Dir();
  Write(dir + "/t.json", R"([{"targets": ["f:1"]}])");
  DiscoveryManager m(Sd(dir + "/t.json"), {.check_period = absl::Milliseconds(10)});
  std::mutex mu;
  std::vector<TargetGroup> seen;
  std::atomic<int> calls{0};
  m.Start([&](std::vector<TargetGroup> g) {
    std::lock_guard<std::mutex> l(mu);
    seen = std::move(g);
    ++calls;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(calls, 0);  // nothing changed yet
  std::filesystem::remove(dir + "/t.json");
  for (int i = 0; i < 500 && calls == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_GE(calls, 1);
  std::lock_guard<std::mutex> l(mu);
  ASSERT_EQ(seen.size(), 1u);  // only the static group is left
  EXPECT_EQ(seen[0].source, "0");
  std::filesystem::remove_all(dir);
}

TEST(DiscoveryManager, StaticOnlyStartsNoWatcher) {
  config::ServiceDiscovery sd;
  sd.static_configs.push_back(config::TargetGroup{{"a:1"}, {}});
  DiscoveryManager m(sd, {.check_period = absl::Milliseconds(1)});
  m.Start([](std::vector<TargetGroup>) { FAIL() << "static targets never change"; });
  EXPECT_FALSE(m.RefreshNow());
  EXPECT_EQ(m.Groups().size(), 1u);
}

TEST(DiscoveryManager, HttpGroupsArriveWithoutWaitingForTheCheckPeriod) {
  httplib::Server server;
  server.new_task_queue = [] { return new httplib::ThreadPool(1); };  // see http_provider_test
  server.Get("/sd", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"([{"targets": ["h:1"]}])", "application/json");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { server.listen_after_bind(); });
  config::ServiceDiscovery sd;
  sd.static_configs.push_back(config::TargetGroup{{"s:1"}, {}});
  sd.http_sd_configs.push_back(
      config::HttpSdConfig{.url = "http://127.0.0.1:" + std::to_string(port) + "/sd"});
  {
    // The watcher's own period is an hour: only the provider's wakeup can bring the groups.
    DiscoveryManager m(sd, {.check_period = absl::Hours(1)});
    std::mutex mu;
    std::vector<TargetGroup> seen;
    m.Start([&](std::vector<TargetGroup> g) {
      std::lock_guard<std::mutex> l(mu);
      seen = std::move(g);
    });
    for (int i = 0; i < 500 && m.generation() == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::lock_guard<std::mutex> l(mu);
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].source, "0");
    EXPECT_EQ(seen[1].source, sd.http_sd_configs[0].url + ":0");
    EXPECT_EQ(seen[1].targets[0].Get("__address__"), "h:1");
  }
  server.stop();
  serving.join();
}

TEST(SdMetrics, RegisteredOncePerRegistry) {
  util::Registry registry;
  RegisterSdMetrics(&registry);
  RegisterSdMetrics(&registry);  // the notifier's and the scrape manager's: no second family
  GlobalSdMetrics().dns_lookups.Inc();
  const std::string text = registry.WriteText();
  EXPECT_NE(text.find("# TYPE prometheus_sd_http_failures_total counter"), std::string::npos);
  EXPECT_NE(text.find("prometheus_sd_dns_lookups_total "), std::string::npos);
  EXPECT_NE(text.find("prometheus_sd_dns_lookup_failures_total "), std::string::npos);
}

}  // namespace
}  // namespace sextant::discovery
