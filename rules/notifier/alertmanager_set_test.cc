#include "rules/notifier/alertmanager_set.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <unistd.h>

#include "config/loader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sextant::rules {
namespace {

using ::testing::ElementsAre;

config::AlertmanagerConfig Am(const std::string& yaml) {
  absl::StatusOr<config::Config> c = config::LoadConfig("alerting:\n  alertmanagers:\n" + yaml, "");
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? c->alerting.alertmanagers.at(0) : config::AlertmanagerConfig{};
}

discovery::TargetGroup Group(std::vector<std::string> addresses, model::Labels labels = {}) {
  return discovery::FromConfig(config::TargetGroup{std::move(addresses), std::move(labels)}, "0");
}

TEST(AlertsPath, JoinedAndCleanedAsGo) {
  EXPECT_EQ(AlertsPath("/"), "/api/v2/alerts");
  EXPECT_EQ(AlertsPath(""), "/api/v2/alerts");
  EXPECT_EQ(AlertsPath("/am/"), "/am/api/v2/alerts");
  EXPECT_EQ(AlertsPath("am"), "/am/api/v2/alerts");
  EXPECT_EQ(AlertsPath("/a//b/../c/."), "/a/c/api/v2/alerts");
}

TEST(AlertmanagersFromGroup, LabelsUrlAndGroupLabels) {
  const config::AlertmanagerConfig cfg =
      Am("    - {scheme: https, path_prefix: /prefix, static_configs: [{targets: [am:9093]}]}\n");
  absl::StatusOr<GroupAlertmanagers> g =
      AlertmanagersFromGroup(Group({"a:1", "b:2"}, model::Labels::FromPairs({{"dc", "x"}})), cfg);
  ASSERT_TRUE(g.ok()) << g.status();
  ASSERT_EQ(g->active.size(), 2u);
  EXPECT_TRUE(g->dropped.empty());
  EXPECT_EQ(g->active[0], model::Labels::FromPairs({{"__address__", "a:1"},
                                                    {"__alerts_path__", "/prefix/api/v2/alerts"},
                                                    {"__scheme__", "https"},
                                                    {"dc", "x"}}));
  EXPECT_EQ(AlertmanagerUrl(g->active[1]), "https://b:2/prefix/api/v2/alerts");
}

TEST(AlertmanagersFromGroup, RelabellingDropsAndChoosesThePath) {
  const config::AlertmanagerConfig cfg =
      Am("    - static_configs: [{targets: [a:1]}]\n"
         "      relabel_configs:\n"
         "        - {source_labels: [__address__], regex: 'drop.*', action: drop}\n"
         "        - {source_labels: [__address__], regex: 'b:.*', target_label: __alerts_path__,\n"
         "           replacement: /custom/api/v2/alerts}\n"
         "        - {target_label: __scheme__, replacement: https, source_labels: [__address__],\n"
         "           regex: 'b:2'}\n");
  absl::StatusOr<GroupAlertmanagers> g =
      AlertmanagersFromGroup(Group({"a:1", "b:2", "drop:3"}), cfg);
  ASSERT_TRUE(g.ok()) << g.status();
  ASSERT_EQ(g->active.size(), 2u);
  EXPECT_EQ(AlertmanagerUrl(g->active[0]), "http://a:1/api/v2/alerts");
  EXPECT_EQ(AlertmanagerUrl(g->active[1]), "https://b:2/custom/api/v2/alerts");
  ASSERT_EQ(g->dropped.size(), 1u);
  EXPECT_EQ(AlertmanagerUrl(g->dropped[0]), "http://drop:3/api/v2/alerts");
}

TEST(AlertmanagersFromGroup, AddressWithSlashFailsTheGroup) {
  const config::AlertmanagerConfig cfg =
      Am("    - static_configs: [{targets: [a:1]}]\n"
         "      relabel_configs: [{target_label: __address__, replacement: 'a/b'}]\n");
  absl::StatusOr<GroupAlertmanagers> g = AlertmanagersFromGroup(Group({"a:1"}), cfg);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().message(), "\"a/b\" is not a valid hostname");
}

TEST(ValidateAlertmanagerConfig, ApiVersionSchemeAndTlsFiles) {
  config::AlertmanagerConfig cfg;
  EXPECT_TRUE(ValidateAlertmanagerConfig(cfg).ok());
  cfg.api_version = "v1";
  EXPECT_EQ(ValidateAlertmanagerConfig(cfg).message(),
            "expected Alertmanager api version to be one of [v2] but got v1");
  cfg.api_version = "v2";
  cfg.scheme = "ftp";
  EXPECT_EQ(ValidateAlertmanagerConfig(cfg).code(), absl::StatusCode::kInvalidArgument);
  cfg.scheme = "https";
  cfg.http.tls_config.ca_file = "/nonexistent/ca.pem";
  EXPECT_EQ(ValidateAlertmanagerConfig(cfg).code(), absl::StatusCode::kInvalidArgument);
}

TEST(AlertmanagerSet, FollowsFileDiscoveryAndDedupsUrls) {
  const std::string dir = ::testing::TempDir() + "/am_sd_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const std::string file = dir + "/ams.json";
  auto write = [&](const std::string& content) {
    std::ofstream(file + ".tmp") << content;
    std::filesystem::rename(file + ".tmp", file);
  };
  write(R"([{"targets": ["a:1", "a:1"]}])");
  config::AlertmanagerConfig cfg = Am(
      "    - file_sd_configs: [{files: ['" + file +
      "']}]\n"
      "      static_configs: [{targets: ['s:1']}]\n"
      "      relabel_configs: [{source_labels: [__meta_filepath], regex: '.+',\n"
      "                         target_label: __alerts_path__, replacement: /f/api/v2/alerts}]\n");
  std::atomic<int> changes{0};
  AlertmanagerSet set(cfg, "config-0", {.check_period = absl::Milliseconds(10)},
                      [&] { ++changes; });
  std::vector<std::string> urls;
  for (const auto& am : set.active()) urls.push_back(am->url());
  EXPECT_THAT(urls, ElementsAre("http://s:1/api/v2/alerts", "http://a:1/f/api/v2/alerts"));
  const std::shared_ptr<Alertmanager> kept = set.active()[0];

  set.Start();
  write(R"([{"targets": ["b:2"]}])");
  for (int i = 0; i < 500 && changes == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_GE(changes, 1);
  urls.clear();
  for (const auto& am : set.active()) urls.push_back(am->url());
  EXPECT_THAT(urls, ElementsAre("http://s:1/api/v2/alerts", "http://b:2/f/api/v2/alerts"));
  EXPECT_EQ(set.active()[0], kept);  // an Alertmanager that stays keeps its client
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sextant::rules
