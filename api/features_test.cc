#include "api/features.h"

#include <gtest/gtest.h>

#include "nlohmann/json.hpp"

namespace sextant::api {
namespace {

using Json = nlohmann::json;

TEST(FeaturesJson, PrometheusCategoriesOfBooleans) {
  const Json f = Json::parse(FeaturesJson({}));
  for (const char* category :
       {"api", "otlp_receiver", "prometheus", "promql", "promql_functions", "promql_operators",
        "rules", "scrape", "service_discovery_providers", "templating_functions", "tsdb", "ui"}) {
    ASSERT_TRUE(f.contains(category)) << category;
    ASSERT_TRUE(f[category].is_object()) << category;
    EXPECT_FALSE(f[category].empty()) << category;
    for (const auto& [name, value] : f[category].items()) {
      EXPECT_TRUE(value.is_boolean()) << category << "." << name;
    }
  }
  EXPECT_EQ(f.size(), 12u);
}

TEST(FeaturesJson, ReportsWhatSextantHas) {
  const Json f = Json::parse(FeaturesJson({.lifecycle = true, .admin = false}));
  EXPECT_EQ(f["api"]["lifecycle"], true);
  EXPECT_EQ(f["api"]["admin"], false);
  EXPECT_EQ(f["api"]["remote_write_receiver"], false);
  EXPECT_EQ(f["prometheus"]["server_mode"], true);
  EXPECT_EQ(f["prometheus"]["agent_mode"], false);
  EXPECT_EQ(f["promql"]["subqueries"], true);
  EXPECT_EQ(f["promql"]["at_modifier"], true);
  EXPECT_EQ(f["promql_functions"]["rate"], true);
  EXPECT_EQ(f["promql_functions"]["histogram_quantile"], true);
  EXPECT_EQ(f["promql_functions"]["info"], false);
  EXPECT_EQ(f["promql_operators"][">="], true);
  EXPECT_EQ(f["promql_operators"]["count_values"], true);
  EXPECT_EQ(f["promql_operators"]["limitk"], false);
  EXPECT_EQ(f["service_discovery_providers"]["kubernetes"], true);
  EXPECT_EQ(f["templating_functions"]["humanize"], true);
  EXPECT_EQ(f["tsdb"]["native_histograms"], false);
  EXPECT_EQ(f["ui"]["ui_v3"], true);
}

TEST(FeaturesJson, SortedAndNotHtmlEscaped) {
  const std::string json = FeaturesJson({});
  EXPECT_EQ(json.rfind("{\"api\":{\"admin\":false,", 0), 0u) << json.substr(0, 40);
  EXPECT_NE(json.find("\">=\":true"), std::string::npos);
  EXPECT_LT(json.find("\"promql\":"), json.find("\"promql_functions\":"));
}

}  // namespace
}  // namespace sextant::api
