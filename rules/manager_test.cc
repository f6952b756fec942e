#include "rules/manager.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "model/sample.h"
#include "rules/test_util.h"

namespace sextant::rules {
namespace {

namespace fs = std::filesystem;

class RuleManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sextant_rules_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    RuleManagerOptions o;
    o.storage = &f_.storage;
    o.engine = &f_.engine;
    o.registry = &registry_;
    o.external_url = "http://sextant:9090";
    o.run_groups = false;  // the tests evaluate by hand
    o.send = [this](std::vector<NotifierAlert> alerts) {
      for (auto& a : alerts) sent_.push_back(std::move(a));
    };
    options_ = o;
    manager_ = std::make_unique<RuleManager>(o);
  }
  void TearDown() override {
    manager_.reset();
    fs::remove_all(dir_);
  }

  std::string Write(const std::string& name, const std::string& content) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << content;
    return p.string();
  }

  config::Config Config(std::vector<std::string> rule_files) {
    config::Config c;
    c.rule_files = std::move(rule_files);
    c.global.evaluation_interval = absl::Hours(1);  // the tests evaluate by hand
    return c;
  }

  std::shared_ptr<Group> Find(const std::string& name) {
    for (auto& g : manager_->RuleGroups()) {
      if (g->name() == name) return g;
    }
    return nullptr;
  }

  fs::path dir_;
  testing::Fixture f_;
  util::Registry registry_;
  std::vector<NotifierAlert> sent_;
  RuleManagerOptions options_;
  std::unique_ptr<RuleManager> manager_;
};

constexpr char kRules[] = R"(groups:
  - name: training
    interval: 30s
    labels:
      team: ml
    rules:
      - record: job:samples:rate5m
        expr: sum by (job) (rate(training_samples_processed_total[5m]))
      - alert: TrainingStalled
        expr: job:samples:rate5m == 0
        for: 10m
        labels:
          severity: warning
        annotations:
          summary: "Training in {{ $labels.job }} stalled"
  - name: gpu
    rules:
      - alert: GpuHot
        expr: gpu_temp > 85
)";

TEST_F(RuleManagerTest, LoadsGroupsFromGlobs) {
  Write("a.rules.yml", kRules);
  Write("b.rules.yml", "groups: []\n");
  ASSERT_TRUE(manager_->Update(Config({(dir_ / "*.rules.yml").string()})).ok());
  auto groups = manager_->RuleGroups();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0]->name(), "gpu");               // sorted by file, then name
  EXPECT_EQ(groups[0]->interval(), absl::Hours(1));  // global evaluation_interval
  EXPECT_EQ(groups[1]->name(), "training");
  EXPECT_EQ(groups[1]->interval(), absl::Seconds(30));
  // Group labels are added to every rule, the rule's own labels win.
  EXPECT_EQ(groups[1]->rules()[0]->labels().ToString(), R"({team="ml"})");
  EXPECT_EQ(groups[1]->rules()[1]->labels().ToString(), R"({severity="warning", team="ml"})");
  const std::string text = registry_.WriteText();
  EXPECT_NE(text.find("prometheus_rule_group_rules{rule_group=\"" +
                      (dir_ / "a.rules.yml").string() + ";training\"} 2"),
            std::string::npos)
      << text;
}

TEST_F(RuleManagerTest, DurationSummariesHaveQuantiles) {
  f_.Add(R"(gpu_temp{gpu="0"})", 0, 90);
  ASSERT_TRUE(manager_->Update(Config({Write("r.yml", kRules)})).ok());
  Find("gpu")->Eval(testing::T(10));
  const std::string text = registry_.WriteText();
  EXPECT_NE(text.find("# TYPE prometheus_rule_evaluation_duration_seconds summary\n"
                      "prometheus_rule_evaluation_duration_seconds{quantile=\"0.5\"} "),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("prometheus_rule_evaluation_duration_seconds{quantile=\"0.5\"} NaN"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("prometheus_rule_evaluation_duration_seconds_count 1\n"), std::string::npos)
      << text;
  // Group durations come from the groups' own threads, which this fixture does not run.
  EXPECT_NE(text.find("prometheus_rule_group_duration_seconds{quantile=\"0.01\"} NaN\n"
                      "prometheus_rule_group_duration_seconds{quantile=\"0.05\"} NaN\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("prometheus_rule_group_duration_seconds_count 0\n"), std::string::npos)
      << text;
}

TEST_F(RuleManagerTest, BrokenFileKeepsTheRunningRules) {
  const std::string file = Write("r.yml", kRules);
  ASSERT_TRUE(manager_->Update(Config({file})).ok());
  auto before = Find("training");
  Write("r.yml", "groups:\n  - name: x\n    rules:\n      - record: y\n        expr: sum(\n");
  absl::Status st = manager_->Update(Config({file}));
  EXPECT_EQ(st.message(), "error loading rules, previous rule set restored");
  EXPECT_EQ(Find("training"), before);
}

TEST_F(RuleManagerTest, ReloadKeepsUnchangedGroupsAndAlertState) {
  f_.Add(R"(gpu_temp{gpu="0"})", 0, 90);
  const std::string file = Write("r.yml", kRules);
  ASSERT_TRUE(manager_->Update(Config({file})).ok());
  auto gpu = Find("gpu");
  gpu->Eval(testing::T(10));
  // Change only the training group.
  std::string changed = kRules;
  changed.replace(changed.find("for: 10m"), 8, "for: 20m");
  Write("r.yml", changed);
  ASSERT_TRUE(manager_->Update(Config({file})).ok());
  EXPECT_EQ(Find("gpu"), gpu) << "an unchanged group keeps running as it was";
  EXPECT_NE(Find("training"), nullptr);
  auto alerts = static_cast<const AlertingRule&>(*Find("gpu")->rules()[0]).ActiveAlerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].active_at, testing::T(10));
}

TEST_F(RuleManagerTest, ChangedGroupTakesOverAlerts) {
  f_.Add(R"(gpu_temp{gpu="0"})", 0, 90);
  const std::string file = Write("r.yml", kRules);
  ASSERT_TRUE(manager_->Update(Config({file})).ok());
  Find("gpu")->Eval(testing::T(10));
  std::string changed = kRules;
  changed += "      - record: extra\n        expr: vector(1)\n";
  Write("r.yml", changed);
  ASSERT_TRUE(manager_->Update(Config({file})).ok());
  auto gpu = Find("gpu");
  ASSERT_EQ(gpu->rules().size(), 2u);
  auto alerts = static_cast<const AlertingRule&>(*gpu->rules()[0]).ActiveAlerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].active_at, testing::T(10));
}

TEST_F(RuleManagerTest, SendsAlertsWithGeneratorUrl) {
  f_.Add(R"(gpu_temp{gpu="0"})", 0, 90);
  ASSERT_TRUE(manager_->Update(Config({Write("r.yml", kRules)})).ok());
  Find("gpu")->Eval(testing::T(10));
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].labels.ToString(), R"({alertname="GpuHot", gpu="0"})");
  EXPECT_EQ(sent_[0].generator_url, "http://sextant:9090/graph?g0.expr=gpu_temp+%3E+85&g0.tab=1");
  EXPECT_EQ(sent_[0].starts_at, testing::T(10));
  EXPECT_EQ(sent_[0].ends_at, testing::T(10) + absl::Hours(4));  // 4 * max(interval, resend)
}

TEST_F(RuleManagerTest, StopDropsPendingStaleMarkers) {
  // A running group (100ms interval) records `fast`, then a reload removes it: its stale markers
  // are due two intervals later, but a manager stopped before then writes none (as Prometheus,
  // whose Stop ends the goroutines waiting to write them), since the storage closes next.
  const std::string file = Write("r.yml",
                                 "groups:\n  - name: fast\n    interval: 100ms\n    rules:\n"
                                 "      - record: fast\n        expr: vector(1)\n");
  RuleManagerOptions o = options_;
  o.run_groups = true;
  o.registry = nullptr;  // the fixture's manager registered the metrics already
  manager_ = std::make_unique<RuleManager>(o);
  ASSERT_TRUE(manager_->Update(Config({file})).ok());
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (f_.Samples("fast").empty() && absl::Now() < deadline)
    absl::SleepFor(absl::Milliseconds(10));
  ASSERT_FALSE(f_.Samples("fast").empty()) << "the group never evaluated";
  Write("r.yml", "groups: []\n");
  ASSERT_TRUE(manager_->Update(Config({file})).ok());
  manager_->Stop();
  absl::SleepFor(absl::Milliseconds(500));  // well past the markers' due time
  for (const model::Sample& s : f_.Samples("fast")) {
    EXPECT_FALSE(model::IsStaleNaN(s.v)) << "stale marker at " << s.t;
  }
}

TEST_F(RuleManagerTest, NoRuleFilesNoGroups) {
  ASSERT_TRUE(manager_->Update(Config({})).ok());
  EXPECT_TRUE(manager_->RuleGroups().empty());
}

}  // namespace
}  // namespace sextant::rules
