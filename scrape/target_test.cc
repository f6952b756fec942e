#include "scrape/target.h"

#include "config/loader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sextant::scrape {
namespace {

using ::testing::HasSubstr;

config::ScrapeConfig Job(std::string_view yaml_relabel = "") {
  std::string yaml = "scrape_configs:\n  - job_name: node\n    scrape_interval: 15s\n";
  yaml += std::string(yaml_relabel);
  absl::StatusOr<config::Config> c = config::LoadConfig(yaml, "");
  EXPECT_TRUE(c.ok()) << c.status();
  return c->scrape_configs.at(0);
}

model::Labels L(std::initializer_list<std::pair<std::string_view, std::string_view>> p) {
  return model::Labels::FromPairs(p);
}

TEST(Targets, DefaultsAsPrometheus) {
  PoolTargets p =
      MakeTargets(Job(), {config::TargetGroup{{"localhost:9100"}, L({{"env", "prod"}})}});
  ASSERT_EQ(p.active.size(), 1u);
  const Target& t = p.active[0];
  EXPECT_EQ(t.labels, L({{"__address__", "localhost:9100"},
                         {"__metrics_path__", "/metrics"},
                         {"__scheme__", "http"},
                         {"__scrape_interval__", "15s"},
                         {"__scrape_timeout__", "10s"},
                         {"env", "prod"},
                         {"instance", "localhost:9100"},
                         {"job", "node"}}));
  EXPECT_EQ(t.PublicLabels(),
            L({{"env", "prod"}, {"instance", "localhost:9100"}, {"job", "node"}}));
  EXPECT_EQ(t.url, "http://localhost:9100/metrics");
  EXPECT_EQ(t.interval, absl::Seconds(15));
  EXPECT_EQ(t.timeout, absl::Seconds(10));
  EXPECT_EQ(t.discovered.Get("__address__"), "localhost:9100");
  EXPECT_FALSE(t.discovered.Has("instance"));
}

TEST(Targets, BlackboxStyleRelabellingAndParams) {
  config::ScrapeConfig cfg =
      Job("    metrics_path: /probe\n"
          "    params: {module: [http_2xx]}\n"
          "    relabel_configs:\n"
          "      - source_labels: [__address__]\n"
          "        target_label: __param_target\n"
          "      - source_labels: [__param_target]\n"
          "        target_label: instance\n"
          "      - target_label: __address__\n"
          "        replacement: blackbox:9115\n");
  PoolTargets p = MakeTargets(cfg, {config::TargetGroup{{"https://example.com/a b"}, {}}});
  ASSERT_EQ(p.active.size(), 1u) << (p.errors.empty() ? "" : p.errors[0]);
  EXPECT_EQ(p.active[0].url,
            "http://blackbox:9115/probe?module=http_2xx&target=https%3A%2F%2Fexample.com%2Fa+b");
  EXPECT_EQ(p.active[0].PublicLabels(),
            L({{"instance", "https://example.com/a b"}, {"job", "node"}}));
}

TEST(Targets, DroppedTargetsKeepTheirDiscoveredLabels) {
  config::ScrapeConfig cfg =
      Job("    relabel_configs:\n"
          "      - source_labels: [__address__]\n"
          "        regex: 'keep-.*'\n"
          "        action: keep\n");
  PoolTargets p = MakeTargets(cfg, {config::TargetGroup{{"keep-a:1", "drop-b:2"}, {}}});
  ASSERT_EQ(p.active.size(), 1u);
  EXPECT_EQ(p.active[0].labels.Get("instance"), "keep-a:1");
  ASSERT_EQ(p.dropped.size(), 1u);
  EXPECT_EQ(p.dropped[0].discovered.Get("__address__"), "drop-b:2");
  EXPECT_EQ(p.dropped[0].discovered.Get("job"), "node");
}

TEST(Targets, MetaLabelsGoAndLabelsOverrideInterval) {
  model::Labels discovered;
  auto t =
      MakeTarget(Job(), L({{"__address__", "h:1"}, {"__meta_x", "y"}}),
                 L({{"__scrape_interval__", "1m"}, {"__scrape_timeout__", "30s"}}), &discovered);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_TRUE(t->has_value());
  EXPECT_FALSE((*t)->labels.Has("__meta_x"));
  EXPECT_TRUE(discovered.Has("__meta_x"));
  EXPECT_EQ((*t)->interval, absl::Minutes(1));
  EXPECT_EQ((*t)->timeout, absl::Seconds(30));
}

TEST(Targets, Errors) {
  model::Labels d;
  auto t = MakeTarget(Job(), L({{"__address__", "h:1"}}), L({{"__scrape_timeout__", "20s"}}), &d);
  EXPECT_EQ(t.status().message(),
            "scrape timeout cannot be greater than scrape interval (\"20s\" > \"15s\")");
  t = MakeTarget(Job(), L({{"__address__", "h:1"}}), L({{"__scrape_interval__", "0s"}}), &d);
  EXPECT_EQ(t.status().message(), "scrape interval cannot be 0");
  t = MakeTarget(Job(), L({{"__address__", "h/1"}}), {}, &d);
  EXPECT_THAT(std::string(t.status().message()), HasSubstr("is not a valid hostname"));
  config::ScrapeConfig cfg =
      Job("    relabel_configs:\n"
          "      - target_label: __address__\n"
          "        replacement: ''\n");
  PoolTargets p = MakeTargets(cfg, {config::TargetGroup{{"h:1"}, {}}});
  EXPECT_TRUE(p.active.empty());
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_THAT(p.errors[0], HasSubstr("no address"));
}

TEST(Targets, DuplicatesMergeAndOrderIsStable) {
  PoolTargets p = MakeTargets(Job(), {config::TargetGroup{{"b:1", "a:1", "b:1"}, {}}});
  ASSERT_EQ(p.active.size(), 2u);
  EXPECT_EQ(p.active[0].labels.Get("instance"), "a:1");
  EXPECT_NE(p.active[0].Hash(), p.active[1].Hash());
}

}  // namespace
}  // namespace sextant::scrape
