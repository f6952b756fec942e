#include "api/query_api.h"

#include <filesystem>
#include <string>

#include <unistd.h>

#include "api/remote/remote.h"
#include "api/rules_api.h"
#include "config/loader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "promql/engine.h"
#include "scrape/manager.h"
#include "tsdb/db.h"
#include "tsdb/mem_storage.h"

namespace sextant::api {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

model::Labels L(std::initializer_list<std::pair<std::string_view, std::string_view>> p) {
  return model::Labels::FromPairs(p);
}

Params P(std::initializer_list<std::pair<std::string, std::string>> kv) {
  Params p;
  for (const auto& [k, v] : kv) p.emplace(k, v);
  return p;
}

class QueryApiTest : public ::testing::Test {
 protected:
  QueryApiTest() {
    // http_requests_total: 0, 60, 120, ... every minute for 10 minutes, per code.
    for (int i = 0; i <= 10; ++i) {
      EXPECT_TRUE(
          storage_
              .Add(L({{"__name__", "http_requests_total"}, {"code", "200"}, {"job", "api"}}),
                   i * 60'000, i * 60.0)
              .ok());
      EXPECT_TRUE(
          storage_
              .Add(L({{"__name__", "http_requests_total"}, {"code", "500"}, {"job", "api"}}),
                   i * 60'000, i * 6.0)
              .ok());
    }
    EXPECT_TRUE(storage_.Add(L({{"__name__", "gauge"}, {"instance", "a:1"}}), 0, 0.5).ok());
  }

  static Json Parse(const ApiResult& r) {
    Json j = Json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << r.body;
    return j;
  }

  QueryApi MakeApi(QueryApiOptions o = {}) {
    o.now = [] { return int64_t{600'000}; };
    return QueryApi(o, &storage_, &engine_, nullptr);
  }

  tsdb::MemStorage storage_;
  promql::Engine engine_{promql::EngineOptions{}};
};

TEST_F(QueryApiTest, InstantVector) {
  QueryApi api = MakeApi();
  ApiResult r = api.Query(P({{"query", "http_requests_total{code=\"500\"}"}, {"time", "120"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(
      r.body,
      R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"http_requests_total","code":"500","job":"api"},"value":[120,"12"]}]}})");
}

TEST_F(QueryApiTest, GrafanaHealthCheck) {
  // Grafana POSTs query=1+1&time=4.
  ApiResult r = MakeApi().Query(P({{"query", "1+1"}, {"time", "4"}}));
  EXPECT_EQ(r.body, R"({"status":"success","data":{"resultType":"scalar","result":[4,"2"]}})");
}

TEST_F(QueryApiTest, TimeDefaultsToNowAndAcceptsRfc3339AndFractions) {
  QueryApi api = MakeApi();
  Json j = Parse(api.Query(P({{"query", "time()"}})));
  EXPECT_EQ(j["data"]["result"][0], 600);
  j = Parse(api.Query(P({{"query", "time()"}, {"time", "1970-01-01T00:01:00.5Z"}})));
  EXPECT_EQ(j["data"]["result"][0], 60.5);
  EXPECT_EQ(j["data"]["result"][1], "60.5");
  // Rounded to the millisecond.
  j = Parse(api.Query(P({{"query", "time()"}, {"time", "1.0004"}})));
  EXPECT_EQ(j["data"]["result"][0], 1);
}

TEST_F(QueryApiTest, StringAndEmptyResults) {
  QueryApi api = MakeApi();
  EXPECT_EQ(api.Query(P({{"query", "\"hi\""}, {"time", "1"}})).body,
            R"({"status":"success","data":{"resultType":"string","result":[1,"hi"]}})");
  EXPECT_EQ(api.Query(P({{"query", "nope"}, {"time", "1"}})).body,
            R"({"status":"success","data":{"resultType":"vector","result":[]}})");
}

TEST_F(QueryApiTest, ValuesFormattedLikeGo) {
  QueryApi api = MakeApi();
  auto value = [&](const std::string& q) {
    return Parse(api.Query(P({{"query", q}, {"time", "0"}})))["data"]["result"][1];
  };
  EXPECT_EQ(value("1e-7"), "1e-07");
  EXPECT_EQ(value("0.000001"), "0.000001");
  EXPECT_EQ(value("1e21"), "1e+21");
  EXPECT_EQ(value("123456789012345678"), "123456789012345680");
  EXPECT_EQ(value("1/0"), "+Inf");
  EXPECT_EQ(value("-1/0"), "-Inf");
  EXPECT_EQ(value("0/0"), "NaN");
}

TEST_F(QueryApiTest, RangeQuery) {
  ApiResult r = MakeApi().QueryRange(P({{"query", "sum(rate(http_requests_total[2m0s]))"},
                                        {"start", "240"},
                                        {"end", "360"},
                                        {"step", "60"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  Json j = Parse(r);
  EXPECT_EQ(j["data"]["resultType"], "matrix");
  ASSERT_EQ(j["data"]["result"].size(), 1u);
  EXPECT_EQ(j["data"]["result"][0]["metric"], Json::object());
  EXPECT_EQ(j["data"]["result"][0]["values"],
            Json::parse(R"([[240,"1.1"],[300,"1.1"],[360,"1.1"]])"));
}

TEST_F(QueryApiTest, RangeQueryValidation) {
  QueryApi api = MakeApi();
  auto err = [&](Params p) {
    ApiResult r = api.QueryRange(p);
    EXPECT_EQ(r.status, 400) << r.body;
    Json j = Parse(r);
    EXPECT_EQ(j["errorType"], "bad_data");
    return j["error"].get<std::string>();
  };
  EXPECT_EQ(err(P({{"query", "up"}, {"end", "1"}, {"step", "1"}})),
            "invalid parameter \"start\": cannot parse \"\" to a valid timestamp");
  EXPECT_EQ(err(P({{"query", "up"}, {"start", "2"}, {"end", "1"}, {"step", "1"}})),
            "invalid parameter \"end\": end timestamp must not be before start time");
  EXPECT_EQ(err(P({{"query", "up"}, {"start", "0"}, {"end", "1"}, {"step", "0"}})),
            "invalid parameter \"step\": zero or negative query resolution step widths are not "
            "accepted. Try a positive integer");
  EXPECT_EQ(err(P({{"query", "up"}, {"start", "0"}, {"end", "1"}, {"step", "-1"}})),
            "invalid parameter \"step\": zero or negative query resolution step widths are not "
            "accepted. Try a positive integer");
  EXPECT_EQ(err(P({{"query", "up"}, {"start", "0"}, {"end", "11001"}, {"step", "1"}})),
            "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the "
            "query resolution (?step=XX)");
  EXPECT_EQ(err(P({{"query", "up"}, {"start", "x"}, {"end", "1"}, {"step", "1"}})),
            "invalid parameter \"start\": cannot parse \"x\" to a valid timestamp");
  EXPECT_EQ(err(P({{"query", "up"}, {"start", "0"}, {"end", "1"}, {"step", "1x"}})),
            "invalid parameter \"step\": cannot parse \"1x\" to a valid duration");
  EXPECT_EQ(err(P({{"query", "up[5m]"}, {"start", "0"}, {"end", "1"}, {"step", "1"}})),
            "invalid parameter \"query\": invalid expression type \"range vector\" for range "
            "query, must be Scalar or instant Vector");
  // 11,000 points exactly is allowed; durations work as steps.
  EXPECT_EQ(
      api.QueryRange(P({{"query", "1"}, {"start", "0"}, {"end", "11000"}, {"step", "1s"}})).status,
      200);
}

TEST_F(QueryApiTest, QueryErrors) {
  QueryApi api = MakeApi();
  ApiResult r = api.Query(P({{"query", "sum(rate(x[5m])"}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("invalid parameter \\\"query\\\": 1:16: parse error"));
  r = api.Query(P({{"query", "up"}, {"time", "yesterday"}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("cannot parse \\\"yesterday\\\" to a valid timestamp"));
  r = api.Query(P({{"query", "up"}, {"timeout", "soon"}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("invalid parameter \\\"timeout\\\""));
  // Many-to-many matching fails at execution: 422 execution.
  r = api.Query(
      P({{"query", "http_requests_total + on(job) http_requests_total"}, {"time", "60"}}));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(Parse(r)["errorType"], "execution");
}

TEST_F(QueryApiTest, SampleLimitIsExecutionError) {
  promql::EngineOptions o;
  o.max_samples = 5;
  promql::Engine small(o);
  QueryApi api(QueryApiOptions{}, &storage_, &small, nullptr);
  ApiResult r = api.Query(P({{"query", "http_requests_total[10m]"}, {"time", "600"}}));
  EXPECT_EQ(r.status, 422);
  EXPECT_THAT(r.body, HasSubstr("query processing would load too many samples"));
}

TEST_F(QueryApiTest, AnnotationsAndLimitAndStats) {
  QueryApi api = MakeApi();
  Json j = Parse(api.Query(P({{"query", "rate(gauge[5m])"}, {"time", "60"}})));
  EXPECT_FALSE(j.contains("warnings"));
  j = Parse(api.Query(P({{"query", "quantile(2, gauge)"}, {"time", "60"}})));
  ASSERT_TRUE(j.contains("warnings")) << j;
  EXPECT_THAT(j["warnings"][0].get<std::string>(), HasSubstr("quantile value should be between"));
  j = Parse(api.Query(P({{"query", "http_requests_total"}, {"time", "60"}, {"limit", "1"}})));
  EXPECT_EQ(j["data"]["result"].size(), 1u);
  EXPECT_EQ(j["warnings"][0], "results truncated due to limit");
  j = Parse(api.Query(P({{"query", "http_requests_total"}, {"time", "60"}, {"stats", "all"}})));
  // Raw samples read: 2 series with 2 samples each in the lookback window (-240s, 60s].
  EXPECT_EQ(j["data"]["stats"]["samples"]["totalQueryableSamples"], 4);
  EXPECT_TRUE(j["data"]["stats"]["timings"].contains("evalTotalTime"));
}

TEST_F(QueryApiTest, LookbackDeltaParameter) {
  QueryApi api = MakeApi();
  // gauge has one sample at 0: out of the default 5m lookback at 400s, within a 10m one.
  EXPECT_EQ(Parse(api.Query(P({{"query", "gauge"}, {"time", "400"}})))["data"]["result"].size(),
            0u);
  EXPECT_EQ(
      Parse(api.Query(
          P({{"query", "gauge"}, {"time", "400"}, {"lookback_delta", "10m"}})))["data"]["result"]
          .size(),
      1u);
}

TEST_F(QueryApiTest, SeriesLabelsAndValues) {
  QueryApi api = MakeApi();
  ApiResult r = api.Series(P({{"match[]", "http_requests_total"}, {"match[]", "gauge"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Parse(r)["data"], Json::parse(R"([
      {"__name__":"gauge","instance":"a:1"},
      {"__name__":"http_requests_total","code":"200","job":"api"},
      {"__name__":"http_requests_total","code":"500","job":"api"}])"));
  r = api.Series(P({}));
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("no match[] parameter provided"));
  r = api.Series(P({{"match[]", "{job=\"\"}"}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("vector selector must contain at least one non-empty matcher"));
  r = api.Series(P({{"match[]", "sum(up)"}}));
  EXPECT_EQ(r.status, 400);
  // Grafana's metric browser: limit=40000 and a time range.
  r = api.Series(P({{"match[]", "{job=\"api\"}"}, {"start", "0"}, {"end", "600"}, {"limit", "1"}}));
  EXPECT_EQ(Parse(r)["data"].size(), 1u);
  EXPECT_EQ(Parse(r)["warnings"][0], "results truncated due to limit");

  EXPECT_EQ(Parse(api.LabelNames(P({})))["data"],
            Json::parse(R"(["__name__","code","instance","job"])"));
  EXPECT_EQ(Parse(api.LabelNames(P({{"match[]", "gauge"}})))["data"],
            Json::parse(R"(["__name__","instance"])"));
  EXPECT_EQ(Parse(api.LabelValues("__name__", P({})))["data"],
            Json::parse(R"(["gauge","http_requests_total"])"));
  EXPECT_EQ(Parse(api.LabelValues("code", P({{"match[]", "http_requests_total"}})))["data"],
            Json::parse(R"(["200","500"])"));
  EXPECT_EQ(Parse(api.LabelValues("nothing", P({})))["data"], Json::array());
  // U__ escaping of names in the path.
  EXPECT_EQ(Parse(api.LabelValues("U__in_73_tance", P({})))["data"], Json::parse(R"(["a:1"])"));
}

TEST_F(QueryApiTest, UnescapeLabelName) {
  EXPECT_EQ(*UnescapeLabelName("job"), "job");
  EXPECT_EQ(*UnescapeLabelName("U__my__name"), "my_name");
  EXPECT_EQ(*UnescapeLabelName("U__a_2e_b"), "a.b");
  EXPECT_EQ(*UnescapeLabelName("U___1f600_"), "\xF0\x9F\x98\x80");
  EXPECT_FALSE(UnescapeLabelName("U__a_zz_").ok());
  EXPECT_FALSE(UnescapeLabelName("U__a_2e").ok());
}

TEST_F(QueryApiTest, FormatQueryAndExemplars) {
  QueryApi api = MakeApi();
  EXPECT_EQ(Parse(api.FormatQuery(P({{"query", "sum by(job)(rate(x[1m0s]))"}})))["data"],
            "sum by (job) (rate(x[1m]))");
  EXPECT_EQ(api.FormatQuery(P({{"query", "sum("}})).status, 400);
  // Grafana's exemplar probe sends odd millisecond times.
  ApiResult r = api.QueryExemplars(
      P({{"query", "up"}, {"start", "1700000000.123"}, {"end", "1700000300.456"}}));
  EXPECT_EQ(r.body, R"({"status":"success","data":[]})");
}

TEST_F(QueryApiTest, EmptyShapesGrafanaDecodes) {
  const RulesApi none(nullptr, nullptr);
  EXPECT_EQ(Parse(none.Rules({}))["data"], Json::parse(R"({"groups":[]})"));
  EXPECT_EQ(Parse(none.Alerts({}))["data"], Json::parse(R"({"alerts":[]})"));
  EXPECT_EQ(Parse(none.Alertmanagers({}))["data"],
            Json::parse(R"({"activeAlertmanagers":[],"droppedAlertmanagers":[]})"));
  QueryApi api = MakeApi();
  EXPECT_EQ(Parse(api.Metadata(P({})))["data"], Json::object());
  EXPECT_EQ(Parse(api.Targets(P({})))["data"],
            Json::parse(R"({"activeTargets":[],"droppedTargets":[],"droppedTargetCounts":{}})"));
  EXPECT_EQ(Parse(api.ScrapePools(P({})))["data"], Json::parse(R"({"scrapePools":[]})"));
  EXPECT_EQ(Parse(api.TargetsMetadata(P({})))["data"], Json::array());
}

// /api/v1/targets: scrapePool narrows the lists (not droppedTargetCounts), state picks them, in
// any case; droppedTargetCounts is null when dropped targets are not asked for.
TEST_F(QueryApiTest, TargetsByPoolAndState) {
  absl::StatusOr<config::Config> cfg = config::LoadConfig(R"(
scrape_configs:
  - job_name: a
    static_configs: [{targets: ['127.0.0.1:1', '127.0.0.2:1']}]
    relabel_configs: [{source_labels: [__address__], regex: '127.0.0.2:1', action: drop}]
  - job_name: b
    static_configs: [{targets: ['127.0.0.3:1']}]
)",
                                                          "");
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  util::Registry registry;
  scrape::ScrapeManager scraper(&storage_, &registry);
  ASSERT_TRUE(scraper.ApplyConfig(*cfg).ok());
  QueryApiOptions o;
  QueryApi api(o, &storage_, &engine_, nullptr, &scraper);
  auto pools = [](const Json& targets) {
    std::vector<std::string> out;
    for (const Json& t : targets) out.push_back(t["scrapePool"]);
    return out;
  };
  Json all = Parse(api.Targets(P({})))["data"];
  EXPECT_EQ(pools(all["activeTargets"]), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(pools(all["droppedTargets"]), (std::vector<std::string>{"a"}));
  // Every pool has its count, 0 included, as Prometheus.
  EXPECT_EQ(all["droppedTargetCounts"], Json::parse(R"({"a": 1, "b": 0})"));
  Json b = Parse(api.Targets(P({{"scrapePool", "b"}})))["data"];
  EXPECT_EQ(pools(b["activeTargets"]), (std::vector<std::string>{"b"}));
  EXPECT_TRUE(b["droppedTargets"].empty());
  EXPECT_EQ(b["droppedTargetCounts"]["a"], 1);
  Json active = Parse(api.Targets(P({{"state", "ACTIVE"}})))["data"];
  EXPECT_EQ(active["activeTargets"].size(), 2u);
  EXPECT_TRUE(active["droppedTargets"].empty());
  EXPECT_TRUE(active["droppedTargetCounts"].is_null());
  Json dropped = Parse(api.Targets(P({{"state", "dropped"}})))["data"];
  EXPECT_TRUE(dropped["activeTargets"].empty());
  EXPECT_EQ(dropped["droppedTargets"].size(), 1u);
  scraper.Stop();
}

TEST_F(QueryApiTest, Federate) {
  QueryApiOptions o;
  o.external_labels = [] { return L({{"cluster", "eu"}}); };
  QueryApi api = MakeApi(o);
  ApiResult r = api.Federate(P({{"match[]", "{job=\"api\"}"}}));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r.body,
            "# TYPE http_requests_total untyped\n"
            "http_requests_total{code=\"200\",job=\"api\",cluster=\"eu\"} 600 600000\n"
            "http_requests_total{code=\"500\",job=\"api\",cluster=\"eu\"} 60 600000\n");
  EXPECT_EQ(api.Federate(P({{"match[]", "sum("}})).status, 400);
}

TEST_F(QueryApiTest, RemoteReadAppliesTheCurrentExternalLabels) {
  // The getter is asked on every request, so a config reload applies to the next read.
  std::string cluster = "eu";
  QueryApiOptions o;
  o.external_labels = [&cluster] { return model::Labels::FromPairs({{"cluster", cluster}}); };
  QueryApi api = MakeApi(o);
  auto read = [&](std::string_view matcher_value) {
    ApiResult r = api.RemoteRead(remote::EncodeReadRequest(
        {{0,
          600'000,
          {{model::MatchType::kEqual, "__name__", "gauge"},
           {model::MatchType::kEqual, "cluster", std::string(matcher_value)}}}}));
    EXPECT_EQ(r.status, 200) << r.body;
    auto results = remote::DecodeReadResponse(r.body);
    EXPECT_TRUE(results.ok()) << results.status();
    std::vector<std::string> out;
    if (results.ok() && results->size() == 1) {
      for (const remote::ReadSeries& s : (*results)[0]) out.push_back(s.labels.ToString());
    }
    return out;
  };
  EXPECT_THAT(read("eu"),
              ::testing::ElementsAre(R"({__name__="gauge", cluster="eu", instance="a:1"})"));
  EXPECT_THAT(read("us"), ::testing::IsEmpty());
  cluster = "us";
  EXPECT_THAT(read("us"),
              ::testing::ElementsAre(R"({__name__="gauge", cluster="us", instance="a:1"})"));
  EXPECT_THAT(read("eu"), ::testing::IsEmpty());
}

TEST_F(QueryApiTest, AdminNeedsTheFlag) {
  QueryApi api = MakeApi();
  ApiResult r = api.AdminDeleteSeries(P({{"match[]", "gauge"}}));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(Parse(r)["error"], "admin APIs disabled");
  EXPECT_EQ(api.AdminSnapshot(P({})).status, 503);
  EXPECT_EQ(api.AdminCleanTombstones(P({})).status, 503);
}

TEST(Params, ParseGoBoolTakesGosSpellings) {
  for (const char* t : {"1", "t", "T", "true", "TRUE", "True"})
    EXPECT_EQ(ParseGoBool(t), true) << t;
  for (const char* f : {"0", "f", "F", "false", "FALSE", "False"}) {
    EXPECT_EQ(ParseGoBool(f), false) << f;
  }
  for (const char* bad : {"", "yes", "tRUE", "2"})
    EXPECT_FALSE(ParseGoBool(bad).has_value()) << bad;
}

TEST(QueryApiAdmin, DeleteSnapshotAndTsdbStatusOnARealDb) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("query_api_admin_" + std::to_string(::getpid())))
          .string();
  std::filesystem::remove_all(dir);
  auto db = tsdb::DB::Open(dir);
  ASSERT_TRUE(db.ok()) << db.status();
  {
    auto app = (*db)->NewAppender();
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(app->Append(0, L({{"__name__", "m"}, {"i", std::to_string(i)}}), 1000, i).ok());
    }
    ASSERT_TRUE(app->Commit().ok());
  }
  promql::Engine engine{promql::EngineOptions{}};
  QueryApiOptions o;
  o.enable_admin = true;
  QueryApi api(o, db->get(), &engine, db->get());

  Json status = Json::parse(api.TsdbStatus(P({})).body);
  EXPECT_EQ(status["data"]["headStats"]["numSeries"], 3);
  EXPECT_EQ(status["data"]["seriesCountByMetricName"], Json::parse(R"([{"name":"m","value":3}])"));
  EXPECT_EQ(status["data"]["labelValueCountByLabelName"][0],
            Json::parse(R"({"name":"i","value":3})"));
  EXPECT_EQ(api.TsdbStatus(P({{"limit", "0"}})).status, 400);

  ApiResult r = api.AdminDeleteSeries(P({{"match[]", "m{i=\"1\"}"}}));
  EXPECT_EQ(r.status, 204) << r.body;
  Json q = Json::parse(api.Query(P({{"query", "m"}, {"time", "1"}})).body);
  EXPECT_EQ(q["data"]["result"].size(), 2u);
  EXPECT_EQ(api.AdminCleanTombstones(P({})).status, 204);

  r = api.AdminSnapshot(P({{"skip_head", "false"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string name = Json::parse(r.body)["data"]["name"];
  EXPECT_TRUE(std::filesystem::is_directory(dir + "/snapshots/" + name));
  EXPECT_EQ(api.AdminSnapshot(P({{"skip_head", "maybe"}})).status, 400);
  ASSERT_TRUE((*db)->Close().ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sextant::api
