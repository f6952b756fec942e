#include "api/relabel_steps.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/loader.h"
#include "nlohmann/json.hpp"
#include "scrape/manager.h"
#include "tsdb/mem_storage.h"

namespace sextant::api {
namespace {

using Json = nlohmann::json;

constexpr char kConfig[] = R"(
scrape_configs:
  - job_name: node
    relabel_configs:
      - source_labels: [__meta_env]
        regex: prod|staging
        action: keep
      - regex: __meta_(team|zone)
        action: labelmap
      - source_labels: [__address__]
        regex: '([^:]+):\d+'
        target_label: host
        replacement: $1
      - source_labels: [zone]
        regex: eu-.*
        action: drop
      - target_label: never
        replacement: reached
)";

class RelabelStepsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<config::Config> cfg = config::LoadConfig(kConfig, "prometheus.yml");
    ASSERT_TRUE(cfg.ok()) << cfg.status();
    ASSERT_TRUE(manager_.ApplyConfig(*cfg).ok());
  }
  void TearDown() override { manager_.Stop(); }

  absl::StatusOr<Json> Steps(const std::string& labels, const std::string& pool = "node") {
    Params p{{"scrapePool", pool}, {"labels", labels}};
    absl::StatusOr<std::string> data = RelabelStepsJson(&manager_, p);
    if (!data.ok()) return data.status();
    return Json::parse(*data);
  }

  tsdb::MemStorage storage_;
  util::Registry registry_;
  scrape::ScrapeManager manager_{&storage_, &registry_};
};

TEST_F(RelabelStepsTest, KeepLabelmapReplaceThenDrop) {
  absl::StatusOr<Json> steps = Steps(
      R"({"__address__":"10.0.0.1:9100","__meta_env":"prod","__meta_team":"db","__meta_zone":"eu-1","job":"node"})");
  ASSERT_TRUE(steps.ok()) << steps.status();
  const Json& s = (*steps)["steps"];
  ASSERT_EQ(s.size(), 5u);
  // Rules as Prometheus's relabel.Config marshals them.
  EXPECT_EQ(s[0]["rule"], Json({{"source_labels", {"__meta_env"}},
                                {"separator", ";"},
                                {"regex", "prod|staging"},
                                {"replacement", "$1"},
                                {"action", "keep"}}));
  EXPECT_EQ(s[0]["keep"], true);
  EXPECT_EQ(s[0]["output"]["__meta_env"], "prod");
  EXPECT_EQ(s[1]["rule"], Json({{"separator", ";"},
                                {"regex", "__meta_(team|zone)"},
                                {"replacement", "$1"},
                                {"action", "labelmap"}}));
  EXPECT_EQ(s[1]["output"], Json({{"__address__", "10.0.0.1:9100"},
                                  {"__meta_env", "prod"},
                                  {"__meta_team", "db"},
                                  {"__meta_zone", "eu-1"},
                                  {"job", "node"},
                                  {"team", "db"},
                                  {"zone", "eu-1"}}));
  EXPECT_EQ(s[2]["rule"]["target_label"], "host");
  EXPECT_EQ(s[2]["output"]["host"], "10.0.0.1");
  EXPECT_EQ(s[2]["keep"], true);
  // The drop rule drops; it and every later step keep nothing.
  EXPECT_EQ(s[3]["keep"], false);
  EXPECT_EQ(s[3]["output"], Json::object());
  EXPECT_EQ(s[4]["keep"], false);
  EXPECT_EQ(s[4]["output"], Json::object());
}

TEST_F(RelabelStepsTest, FirstRuleDrops) {
  absl::StatusOr<Json> steps = Steps(R"({"__address__":"a:1","__meta_env":"dev"})");
  ASSERT_TRUE(steps.ok());
  for (const Json& step : (*steps)["steps"]) {
    EXPECT_EQ(step["keep"], false);
    EXPECT_EQ(step["output"], Json::object());
  }
}

TEST_F(RelabelStepsTest, RuleFieldOrderAndOmittedFields) {
  Params p{{"scrapePool", "node"}, {"labels", R"({"__meta_env":"prod"})"}};
  absl::StatusOr<std::string> data = RelabelStepsJson(&manager_, p);
  ASSERT_TRUE(data.ok());
  EXPECT_THAT(*data,
              ::testing::HasSubstr(R"({"rule":{"source_labels":["__meta_env"],"separator":";",)"
                                   R"("regex":"prod|staging","replacement":"$1","action":"keep"},)"
                                   R"("output":{"__meta_env":"prod"},"keep":true})"));
}

TEST_F(RelabelStepsTest, Errors) {
  EXPECT_EQ(RelabelStepsJson(&manager_, {{"labels", "{}"}}).status().message(),
            "no scrapePool parameter provided");
  EXPECT_EQ(RelabelStepsJson(&manager_, {{"scrapePool", "node"}}).status().message(),
            "no labels parameter provided");
  absl::StatusOr<Json> bad = Steps("[1]");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), ::testing::StartsWith("error parsing labels: "));
  EXPECT_THAT(std::string(Steps("{").status().message()),
              ::testing::StartsWith("error parsing labels: "));
  EXPECT_EQ(Steps("{}", "other").status().message(),
            "error retrieving scrape config: scrape pool \"other\" not found");
  EXPECT_EQ(RelabelStepsJson(nullptr, {{"scrapePool", "node"}, {"labels", "{}"}}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sextant::api
