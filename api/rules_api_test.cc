#include "api/rules_api.h"

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "promql/engine.h"
#include "rules/manager.h"
#include "tsdb/mem_storage.h"

namespace sextant::api {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

Params P(std::initializer_list<std::pair<std::string, std::string>> kv) {
  Params p;
  for (const auto& [k, v] : kv) p.emplace(k, v);
  return p;
}

constexpr char kRules[] = R"(groups:
  - name: a
    interval: 30s
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
        labels: {team: ml}
      - alert: Down
        expr: up == 0
        for: 5m
        keep_firing_for: 1m
        labels: {severity: page}
        annotations: {summary: "{{ $labels.job }} down"}
  - name: b
    rules:
      - record: other
        expr: vector(1)
)";

class RulesApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rules_api_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    file_ = (dir_ / "r.yml").string();
    std::ofstream(file_) << kRules;
    ASSERT_TRUE(
        storage_.Add(model::Labels::FromPairs({{"__name__", "up"}, {"job", "x"}}), 0, 0).ok());
    rules::RuleManagerOptions o;
    o.storage = &storage_;
    o.engine = &engine_;
    o.run_groups = false;
    manager_ = std::make_unique<rules::RuleManager>(o);
    config::Config c;
    c.rule_files = {file_};
    c.global.evaluation_interval = absl::Hours(1);
    ASSERT_TRUE(manager_->Update(c).ok());
    for (auto& g : manager_->RuleGroups()) g->Eval(absl::FromUnixSeconds(60));
  }
  void TearDown() override {
    manager_.reset();
    fs::remove_all(dir_);
  }

  Json Get(ApiResult r) {
    Json j = Json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.body;
    return j;
  }

  fs::path dir_;
  std::string file_;
  tsdb::MemStorage storage_;
  promql::Engine engine_{promql::EngineOptions{}};
  std::unique_ptr<rules::RuleManager> manager_;
};

TEST_F(RulesApiTest, RulesInPrometheusShape) {
  RulesApi api(manager_.get(), nullptr);
  Json d = Get(api.Rules({}))["data"];
  ASSERT_EQ(d["groups"].size(), 2u);
  const Json& a = d["groups"][0];
  EXPECT_EQ(a["name"], "a");
  EXPECT_EQ(a["file"], file_);
  EXPECT_EQ(a["interval"], 30);
  EXPECT_EQ(a["limit"], 0);
  ASSERT_EQ(a["rules"].size(), 2u);
  const Json& rec = a["rules"][0];
  EXPECT_EQ(rec["type"], "recording");
  EXPECT_EQ(rec["name"], "job:up:sum");
  EXPECT_EQ(rec["query"], "sum by (job) (up)");
  EXPECT_EQ(rec["labels"], Json::parse(R"({"team":"ml"})"));
  EXPECT_EQ(rec["health"], "ok");
  EXPECT_FALSE(rec.contains("lastError"));
  // The wall-clock time the rule last ran (Eval was called just now).
  EXPECT_EQ(rec["lastEvaluation"].get<std::string>().substr(0, 2), "20");
  const Json& alert = a["rules"][1];
  EXPECT_EQ(alert["type"], "alerting");
  EXPECT_EQ(alert["state"], "pending");
  EXPECT_EQ(alert["duration"], 300);
  EXPECT_EQ(alert["keepFiringFor"], 60);
  EXPECT_EQ(alert["annotations"], Json::parse(R"({"summary":"{{ $labels.job }} down"})"));
  ASSERT_EQ(alert["alerts"].size(), 1u);
  EXPECT_EQ(alert["alerts"][0]["labels"],
            Json::parse(R"({"alertname":"Down","job":"x","severity":"page"})"));
  EXPECT_EQ(alert["alerts"][0]["annotations"], Json::parse(R"({"summary":"x down"})"));
  EXPECT_EQ(alert["alerts"][0]["activeAt"], "1970-01-01T00:01:00Z");
  EXPECT_EQ(alert["alerts"][0]["value"], "0e+00");
  EXPECT_FALSE(alert["alerts"][0].contains("keepFiringSince"));
}

TEST_F(RulesApiTest, Filters) {
  RulesApi api(manager_.get(), nullptr);
  auto names = [&](const Params& p) {
    std::vector<std::string> out;
    Json j = Get(api.Rules(p));
    EXPECT_EQ(j["status"], "success") << j.dump();
    for (const Json& g : j["data"]["groups"]) {
      for (const Json& r : g["rules"]) out.push_back(r["name"]);
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names(P({{"type", "alert"}})), V{"Down"});
  EXPECT_EQ(names(P({{"type", "RECORD"}})), (V{"job:up:sum", "other"}));
  EXPECT_EQ(names(P({{"rule_name[]", "other"}, {"rule_name[]", "Down"}})), (V{"Down", "other"}));
  EXPECT_EQ(names(P({{"rule_group[]", "b"}})), V{"other"});
  EXPECT_EQ(names(P({{"file[]", "nope"}})), V{});
  EXPECT_EQ(names(P({{"match[]", R"({severity="page"})"}})), V{"Down"});
  Json ex = Get(api.Rules(P({{"exclude_alerts", "true"}, {"type", "alert"}})));
  EXPECT_TRUE(ex["data"]["groups"][0]["rules"][0]["alerts"].is_null());
  Json bad = Get(api.Rules(P({{"type", "x"}})));
  EXPECT_EQ(bad["errorType"], "bad_data");
  EXPECT_EQ(bad["error"], "invalid parameter \"type\": not supported value \"x\"");
}

TEST_F(RulesApiTest, Pagination) {
  RulesApi api(manager_.get(), nullptr);
  Json first = Get(api.Rules(P({{"group_limit", "1"}})))["data"];
  ASSERT_EQ(first["groups"].size(), 1u);
  EXPECT_EQ(first["groups"][0]["name"], "a");
  const std::string token = first["groupNextToken"];
  EXPECT_EQ(token.size(), 64u);
  Json second = Get(api.Rules(P({{"group_limit", "1"}, {"group_next_token", token}})))["data"];
  ASSERT_EQ(second["groups"].size(), 1u);
  EXPECT_EQ(second["groups"][0]["name"], "b");
  EXPECT_FALSE(second.contains("groupNextToken"));
  EXPECT_EQ(Get(api.Rules(P({{"group_next_token", token}})))["error"],
            "invalid parameter \"group_next_token\": group_limit needs to be present in order "
            "to paginate over the groups");
  EXPECT_EQ(Get(api.Rules(P({{"group_limit", "0"}})))["error"],
            "invalid parameter \"group_limit\": group_limit needs to be greater than 0");
  EXPECT_EQ(Get(api.Rules(P({{"group_limit", "1"}, {"group_next_token", "zz"}})))["error"],
            "invalid parameter \"group_next_token\": invalid group_next_token 'zz'. were rule "
            "groups changed?");
}

TEST_F(RulesApiTest, GroupLimitParsesAsGoParseInt) {
  RulesApi api(manager_.get(), nullptr);
  // strconv.ParseInt(s, 10, 32) takes a leading '+'.
  EXPECT_EQ(Get(api.Rules(P({{"group_limit", "+1"}})))["data"]["groups"].size(), 1u);
  EXPECT_EQ(Get(api.Rules(P({{"group_limit", "+-1"}})))["error"],
            "invalid parameter \"group_limit\": group_limit needs to be a valid number: "
            "strconv.ParseInt: parsing \"+-1\": invalid syntax");
  EXPECT_EQ(Get(api.Rules(P({{"group_limit", "3000000000"}})))["error"],
            "invalid parameter \"group_limit\": group_limit needs to be a valid number: "
            "strconv.ParseInt: parsing \"3000000000\": value out of range");
}

TEST_F(RulesApiTest, Alerts) {
  RulesApi api(manager_.get(), nullptr);
  Json d = Get(api.Alerts({}))["data"];
  ASSERT_EQ(d["alerts"].size(), 1u);
  EXPECT_EQ(d["alerts"][0]["state"], "pending");
  EXPECT_EQ(d["alerts"][0]["labels"]["alertname"], "Down");
}

TEST(FormatFloatE, AsGo) {
  EXPECT_EQ(FormatFloatE(1), "1e+00");
  EXPECT_EQ(FormatFloatE(0), "0e+00");
  EXPECT_EQ(FormatFloatE(1234.5), "1.2345e+03");
  EXPECT_EQ(FormatFloatE(0.001), "1e-03");
  EXPECT_EQ(FormatFloatE(1e100), "1e+100");
  EXPECT_EQ(FormatFloatE(-2.5), "-2.5e+00");
  EXPECT_EQ(FormatFloatE(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatFloatE(std::nan("")), "NaN");
}

}  // namespace
}  // namespace sextant::api
