#include "config/reloader.h"

#include <cstdio>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sextant::config {
namespace {

using ::testing::HasSubstr;

class ReloaderTest : public ::testing::Test {
 protected:
  void Write(const std::string& text) {
    std::ofstream out(path_);
    out << text;
  }
  void TearDown() override { std::remove(path_.c_str()); }

  std::string path_ = ::testing::TempDir() + "/reloader_test.yml";
  util::Registry registry_;
};

TEST_F(ReloaderTest, BrokenReloadKeepsRunningConfig) {
  Write("scrape_configs: [{job_name: one}]\n");
  ConfigReloader reloader(path_, "", &registry_);
  int applied = 0;
  reloader.Subscribe("counter", [&](const Config&) {
    ++applied;
    return absl::OkStatus();
  });
  ASSERT_TRUE(reloader.Reload().ok());
  EXPECT_EQ(reloader.current()->scrape_configs[0].job_name, "one");
  EXPECT_TRUE(reloader.last_reload_successful());
  EXPECT_THAT(registry_.WriteText(), HasSubstr("prometheus_config_last_reload_successful 1\n"));

  Write("scrape_configs: [{job_name: two, scrape_interval: banana}]\n");
  const absl::Status s = reloader.Reload();
  EXPECT_THAT(std::string(s.message()), HasSubstr("not a valid duration string"));
  EXPECT_EQ(reloader.current()->scrape_configs[0].job_name, "one");
  EXPECT_FALSE(reloader.last_reload_successful());
  EXPECT_EQ(applied, 1);
  EXPECT_THAT(registry_.WriteText(), HasSubstr("prometheus_config_last_reload_successful 0\n"));

  Write("scrape_configs: [{job_name: three}]\n");
  ASSERT_TRUE(reloader.Reload().ok());
  EXPECT_EQ(reloader.current()->scrape_configs[0].job_name, "three");
  EXPECT_EQ(applied, 2);
}

TEST_F(ReloaderTest, SubscriberErrorFailsTheReload) {
  Write("global: {scrape_interval: 5s}\n");
  ConfigReloader reloader(path_, "", &registry_);
  reloader.Subscribe("picky", [](const Config&) { return absl::InternalError("nope"); });
  EXPECT_EQ(reloader.Reload().message(), "nope");
  EXPECT_FALSE(reloader.last_reload_successful());
}

TEST_F(ReloaderTest, FailedCheckAppliesNothing) {
  Write("scrape_configs: [{job_name: one}]\n");
  ConfigReloader reloader(path_, "", &registry_);
  bool broken = false;
  int applied = 0;
  reloader.AddCheck("rules", [&](const Config&) {
    return broken ? absl::InvalidArgumentError("bad rule file") : absl::OkStatus();
  });
  reloader.Subscribe("counter", [&](const Config&) {
    ++applied;
    return absl::OkStatus();
  });
  ASSERT_TRUE(reloader.Reload().ok());
  Write("scrape_configs: [{job_name: two}]\n");
  broken = true;
  EXPECT_EQ(reloader.Reload().message(), "bad rule file");
  EXPECT_EQ(applied, 1);
  EXPECT_EQ(reloader.current()->scrape_configs[0].job_name, "one");
  EXPECT_FALSE(reloader.last_reload_successful());
}

TEST_F(ReloaderTest, EmbeddedDefaultWhenNoPath) {
  ConfigReloader reloader("", "scrape_configs: [{job_name: self}]\n", &registry_);
  ASSERT_TRUE(reloader.Reload().ok());
  EXPECT_EQ(reloader.current()->scrape_configs[0].job_name, "self");
}

}  // namespace
}  // namespace sextant::config
