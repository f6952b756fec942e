#include "api/server.h"

#include <atomic>
#include <chrono>
#include <thread>

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api/query_api.h"
#include "nlohmann/json.hpp"
#include "promql/engine.h"
#include "tsdb/mem_storage.h"

namespace sextant::api {
namespace {

using ::testing::HasSubstr;

class ApiServerTest : public ::testing::Test {
 protected:
  void StartServer(bool lifecycle) {
    ServerOptions options;
    options.listen_address = *http::ParseListenAddress("127.0.0.1:0");
    options.enable_lifecycle = lifecycle;
    ServerHooks hooks;
    hooks.reload = [this] {
      ++reloads_;
      return reload_result_;
    };
    hooks.quit = [this] { ++quits_; };
    hooks.config_yaml = [] { return std::string("global:\n  scrape_interval: 1m\n"); };
    hooks.runtime_info = [] {
      RuntimeInfo info;
      info.start_time = absl::FromUnixSeconds(1700000000);
      info.cwd = "/srv";
      info.reload_config_success = true;
      info.storage_retention = "90d";
      return info;
    };
    hooks.flags = {{"web.enable-lifecycle", lifecycle ? "true" : "false"}};
    options.cors = cors_;
    server_ = std::make_unique<ApiServer>(options, hooks, &registry_);
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }

  nlohmann::json GetJson(const std::string& path) {
    auto res = client_->Get(path.c_str());
    EXPECT_TRUE(res);
    EXPECT_EQ(res->status, 200) << path;
    EXPECT_THAT(res->get_header_value("Content-Type"), HasSubstr("json"));
    return nlohmann::json::parse(res->body);
  }

  util::Registry registry_;
  std::unique_ptr<ApiServer> server_;
  std::unique_ptr<httplib::Client> client_;
  std::atomic<int> reloads_{0};
  std::atomic<int> quits_{0};
  absl::Status reload_result_;
  std::function<void(const http::Request&, http::Response&)> cors_;
};

TEST_F(ApiServerTest, HealthyAndReadiness) {
  StartServer(false);
  EXPECT_EQ(client_->Get("/-/healthy")->status, 200);
  EXPECT_EQ(client_->Head("/-/healthy")->status, 200);
  EXPECT_EQ(client_->Get("/-/ready")->status, 503);
  server_->SetReady();
  EXPECT_EQ(client_->Get("/-/ready")->status, 200);
}

TEST_F(ApiServerTest, LifecycleDisabledIsForbidden) {
  StartServer(false);
  auto res = client_->Post("/-/reload");
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(res->body, "Lifecycle API is not enabled.");
  EXPECT_EQ(client_->Put("/-/quit")->status, 403);
  EXPECT_EQ(reloads_.load(), 0);
  EXPECT_EQ(quits_.load(), 0);
}

TEST_F(ApiServerTest, LifecycleEnabledReloadsAndReportsFailure) {
  StartServer(true);
  EXPECT_EQ(client_->Post("/-/reload")->status, 200);
  reload_result_ = absl::InvalidArgumentError("x.yml:3: bad");
  auto res = client_->Post("/-/reload");
  EXPECT_EQ(res->status, 500);
  EXPECT_EQ(res->body, "failed to reload config: x.yml:3: bad");
  EXPECT_EQ(reloads_.load(), 2);
  EXPECT_EQ(client_->Get("/-/reload")->status, 405);
  EXPECT_EQ(client_->Post("/-/quit")->status, 200);
  EXPECT_EQ(quits_.load(), 1);
}

TEST_F(ApiServerTest, PostWithoutContentLengthHasEmptyBody) {
  // What `curl -X POST http://host:9090/-/reload` sends: no Content-Length, no body.
  StartServer(true);
  httplib::Client raw("127.0.0.1", server_->port());
  httplib::Request req;
  req.method = "POST";
  req.path = "/-/reload";
  auto res = raw.send(req);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(reloads_.load(), 1);
}

TEST_F(ApiServerTest, StatusEndpointsUsePrometheusEnvelope) {
  StartServer(false);
  nlohmann::json build = GetJson("/api/v1/status/buildinfo");
  EXPECT_EQ(build["status"], "success");
  EXPECT_THAT(build["data"]["version"].get<std::string>(),
              ::testing::MatchesRegex("[0-9]+\\.[0-9]+\\.[0-9]+"));
  for (const char* key : {"revision", "branch", "buildUser", "buildDate", "goVersion"}) {
    EXPECT_TRUE(build["data"].contains(key)) << key;
  }
  // Grafana POSTs buildinfo with an empty body.
  EXPECT_EQ(
      client_->Post("/api/v1/status/buildinfo", "", "application/x-www-form-urlencoded")->status,
      200);
  EXPECT_EQ(GetJson("/api/v1/status/flags")["data"]["web.enable-lifecycle"], "false");
  EXPECT_EQ(GetJson("/api/v1/status/config")["data"]["yaml"], "global:\n  scrape_interval: 1m\n");
  nlohmann::json rt = GetJson("/api/v1/status/runtimeinfo")["data"];
  EXPECT_EQ(rt["startTime"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(rt["CWD"], "/srv");
  EXPECT_EQ(rt["reloadConfigSuccess"], true);
  EXPECT_EQ(rt["storageRetention"], "90d");
  EXPECT_GE(rt["goroutineCount"].get<int>(), 1);
  // Sextant's own: without a remote-write hook, no queues.
  EXPECT_EQ(GetJson("/api/v1/status/remote_write")["data"]["queues"].size(), 0u);
}

TEST_F(ApiServerTest, UnknownPathsAre404) {
  StartServer(false);
  auto api = client_->Get("/api/v1/nope");
  EXPECT_EQ(api->status, 404);
  EXPECT_EQ(nlohmann::json::parse(api->body)["errorType"], "not_found");
  EXPECT_EQ(client_->Get("/nope")->status, 404);
}

TEST_F(ApiServerTest, MetricsCountRequestsByHandlerAndCode) {
  StartServer(false);
  client_->Get("/-/healthy");
  client_->Get("/-/healthy");
  client_->Post("/-/reload");
  auto res = client_->Get("/metrics");
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_THAT(res->body,
              HasSubstr("prometheus_http_requests_total{code=\"200\",handler=\"/-/healthy\"} 2\n"));
  EXPECT_THAT(res->body,
              HasSubstr("prometheus_http_requests_total{code=\"403\",handler=\"/-/reload\"} 1\n"));
  EXPECT_THAT(res->body, HasSubstr("prometheus_http_request_duration_seconds_bucket{handler=\"/-/"
                                   "healthy\",le=\"0.1\"} 2\n"));
}

TEST(RoutePrefix, FromFlagOrExternalUrlPath) {
  EXPECT_EQ(RoutePrefix("", ""), "");
  EXPECT_EQ(RoutePrefix("", "http://example.com:9090/"), "");
  EXPECT_EQ(RoutePrefix("", "https://example.com/sextant/"), "/sextant");
  EXPECT_EQ(RoutePrefix("/custom/", "https://example.com/sextant"), "/custom");
  EXPECT_EQ(RoutePrefix("p", ""), "/p");
}

TEST(ApiServerPrefix, ServesEverythingUnderTheRoutePrefix) {
  util::Registry registry;
  ServerOptions options;
  options.listen_address = *http::ParseListenAddress("127.0.0.1:0");
  options.route_prefix = "/sextant";
  ApiServer server(options, {}, &registry);
  ASSERT_TRUE(server.Start().ok());
  httplib::Client client("127.0.0.1", server.port());
  EXPECT_EQ(client.Get("/sextant/-/healthy")->status, 200);
  EXPECT_EQ(client.Get("/sextant/api/v1/status/buildinfo")->status, 200);
  EXPECT_EQ(client.Get("/-/healthy")->status, 404);
}

TEST(ParseListenAddress, GoSemantics) {
  const auto split = [](std::string_view address) {
    const absl::StatusOr<http::ListenAddress> a = http::ParseListenAddress(address);
    return a.ok() ? std::make_pair(a->host, a->port) : std::make_pair(std::string("error"), -1);
  };
  EXPECT_EQ(split("0.0.0.0:9090"), std::make_pair(std::string("0.0.0.0"), 9090));
  EXPECT_EQ(split(":9091"), std::make_pair(std::string("0.0.0.0"), 9091));
  EXPECT_EQ(split("[::1]:80"), std::make_pair(std::string("::1"), 80));
  EXPECT_EQ(http::ParseListenAddress(":9091")->address, ":9091");
  EXPECT_FALSE(http::ParseListenAddress("9090").ok());
  EXPECT_FALSE(http::ParseListenAddress("host:port").ok());
  EXPECT_FALSE(http::ParseListenAddress("a:1:2").ok());
  EXPECT_FALSE(http::ParseListenAddress("h:70000").ok());
}

TEST(ApiServerStart, PortInUseIsAnError) {
  util::Registry r1, r2;
  ServerOptions options;
  options.listen_address = *http::ParseListenAddress("127.0.0.1:0");
  ApiServer first(options, {}, &r1);
  ASSERT_TRUE(first.Start().ok());
  options.listen_address = *http::ParseListenAddress("127.0.0.1:" + std::to_string(first.port()));
  ApiServer second(options, {}, &r2);
  EXPECT_EQ(second.Start().code(), absl::StatusCode::kUnavailable);
}

TEST_F(ApiServerTest, QueryEndpointsServeOnceReady) {
  StartServer(false);
  tsdb::MemStorage storage;
  ASSERT_TRUE(
      storage.Add(model::Labels::FromPairs({{"__name__", "up"}, {"job", "a b"}}), 1000, 1).ok());
  promql::Engine engine{promql::EngineOptions{}};
  QueryApi api(QueryApiOptions{}, &storage, &engine, nullptr);

  // During startup (WAL replay) the API answers 503, as Prometheus's.
  EXPECT_EQ(client_->Get("/api/v1/query?query=up")->status, 503);
  server_->SetReady(&api);

  // Grafana's health check: a form POST; URL and body parameters are merged.
  auto res =
      client_->Post("/api/v1/query?time=4", "query=1%2B1", "application/x-www-form-urlencoded");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, R"({"status":"success","data":{"resultType":"scalar","result":[4,"2"]}})");
  EXPECT_THAT(res->get_header_value("Content-Type"), HasSubstr("application/json"));

  res = client_->Get("/api/v1/query_range?query=up&start=1&end=1&step=1m0s");
  ASSERT_TRUE(res);
  EXPECT_EQ(nlohmann::json::parse(res->body)["data"]["result"][0]["values"][0][1], "1");
  EXPECT_EQ(GetJson("/api/v1/label/job/values")["data"][0], "a b");
  EXPECT_EQ(GetJson("/api/v1/label/__name__/values")["data"][0], "up");
  EXPECT_EQ(GetJson("/api/v1/series?match%5B%5D=up")["data"].size(), 1u);
  EXPECT_EQ(GetJson("/api/v1/rules")["data"]["groups"], nlohmann::json::array());

  res = client_->Get("/api/v1/query?query=rate(up)");
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(nlohmann::json::parse(res->body)["errorType"], "bad_data");
  EXPECT_EQ(client_->Post("/api/v1/admin/tsdb/snapshot")->status, 503);
  EXPECT_EQ(client_->Get("/federate?match[]=up")->status, 200);

  // Compressed when the client accepts gzip.
  httplib::Headers gzip = {{"Accept-Encoding", "gzip"}};
  res = client_->Get("/api/v1/labels", gzip);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("Content-Encoding"), "gzip");

  // Requests are counted per handler and code.
  const std::string metrics = client_->Get("/metrics")->body;
  EXPECT_THAT(
      metrics,
      HasSubstr("prometheus_http_requests_total{code=\"200\",handler=\"/api/v1/query\"} 1"));
  EXPECT_THAT(
      metrics,
      HasSubstr(
          "prometheus_http_requests_total{code=\"200\",handler=\"/api/v1/label/:name/values\"} 2"));
  server_->Stop();
}

// Grafana builds regexes of hundreds of alternatives from dashboard variables: a 9 KB and a
// 300 KB query are answered by GET and by POST.
TEST_F(ApiServerTest, LargeQueriesByGetAndPost) {
  StartServer(false);
  tsdb::MemStorage storage;
  ASSERT_TRUE(
      storage.Add(model::Labels::FromPairs({{"__name__", "up"}, {"job", "a7"}}), 1000, 1).ok());
  promql::Engine engine{promql::EngineOptions{}};
  QueryApi api(QueryApiOptions{}, &storage, &engine, nullptr);
  server_->SetReady(&api);
  std::string regex;
  for (int i = 0; i < 1000; ++i) regex += (i ? "|a" : "a") + std::to_string(i);
  const std::string small = "up{job=~\"" + regex + "\"}";
  const std::string large = small + " or up{x=\"" + std::string(300 * 1024, 'x') + "\"}";
  for (const std::string& query : {small, large}) {
    const std::string encoded = httplib::detail::encode_query_param(query);
    auto res = client_->Get(("/api/v1/query?time=2&query=" + encoded).c_str());
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(nlohmann::json::parse(res->body)["data"]["result"].size(), 1u);
    res = client_->Post("/api/v1/query", "time=2&query=" + encoded,
                        "application/x-www-form-urlencoded");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(nlohmann::json::parse(res->body)["data"]["result"].size(), 1u);
  }
}

TEST_F(ApiServerTest, CorsHookOnApiResponses) {
  cors_ = [](const http::Request& req, http::Response& res) {
    if (req.GetHeader("Origin") == "https://grafana.example") {
      res.SetHeader("Access-Control-Allow-Origin", "https://grafana.example");
    }
  };
  StartServer(false);
  httplib::Headers origin = {{"Origin", "https://grafana.example"}};
  auto res = client_->Get("/api/v1/status/buildinfo", origin);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "https://grafana.example");
  res = client_->Options("/api/v1/query", origin);
  EXPECT_EQ(res->status, 204);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "https://grafana.example");
  EXPECT_FALSE(client_->Get("/-/healthy", origin)->has_header("Access-Control-Allow-Origin"));
}

// A client that gives up on a slow query cancels it: the engine sees the cancel flag, and the
// request is counted with Prometheus's 499 (canceled).
TEST_F(ApiServerTest, DisconnectCancelsTheQuery) {
  StartServer(false);
  tsdb::MemStorage storage;
  for (int s = 0; s < 20; ++s) {
    const model::Labels series =
        model::Labels::FromPairs({{"__name__", "m"}, {"s", std::to_string(s)}});
    for (int64_t t = 0; t < 20'000; ++t) ASSERT_TRUE(storage.Add(series, t * 1000, 1).ok());
  }
  promql::Engine engine{promql::EngineOptions{}};
  QueryApi api(QueryApiOptions{}, &storage, &engine, nullptr);
  server_->SetReady(&api);
  // A subquery of 360,000 steps over 20 series: seconds of evaluation (promql's EngineCancel).
  const std::string request =
      "GET "
      "/api/v1/"
      "query?query=sum_over_time%28sum%28rate%28m%5B1m%5D%29%29%5B5h%3A50ms%5D%29&time=20000"
      " HTTP/1.1\r\nHost: x\r\n\r\n";
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(send(fd, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  close(fd);
  const auto closed = std::chrono::steady_clock::now();
  const std::string canceled =
      "prometheus_http_requests_total{code=\"499\",handler=\"/api/v1/query\"} 1\n";
  std::string metrics;
  while (std::chrono::steady_clock::now() - closed < std::chrono::seconds(5)) {
    metrics = client_->Get("/metrics")->body;
    if (metrics.find(canceled) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_THAT(metrics, HasSubstr(canceled));
  EXPECT_LT(std::chrono::steady_clock::now() - closed, std::chrono::seconds(1));
}

// Agent mode: what Prometheus's wrapAgent refuses answers 422 "unavailable with Prometheus
// Agent"; targets, metadata and the status pages keep working.
TEST_F(ApiServerTest, AgentModeRefusesQueryEndpoints) {
  StartServer(false);
  tsdb::MemStorage storage;
  promql::Engine engine{promql::EngineOptions{}};
  QueryApi api(QueryApiOptions{.enable_admin = true, .agent_mode = true}, &storage, &engine,
               nullptr);
  server_->SetReady(&api);
  const std::string kRefused =
      R"({"status":"error","errorType":"execution","error":"unavailable with Prometheus Agent"})";
  for (const char* path :
       {"/api/v1/query?query=up", "/api/v1/query_range?query=up&start=1&end=2&step=1",
        "/api/v1/query_exemplars?query=up", "/api/v1/format_query?query=up",
        "/api/v1/parse_query?query=up", "/api/v1/labels", "/api/v1/label/job/values",
        "/api/v1/series?match%5B%5D=up", "/api/v1/alertmanagers", "/api/v1/status/tsdb",
        "/api/v1/rules", "/api/v1/alerts"}) {
    auto res = client_->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 422) << path;
    EXPECT_EQ(res->body, kRefused) << path;
  }
  for (const char* path : {"/api/v1/query", "/api/v1/labels", "/api/v1/series"}) {
    auto res = client_->Post(path, "query=up", "application/x-www-form-urlencoded");
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 422) << path;
  }
  for (const char* path : {"/api/v1/admin/tsdb/delete_series?match%5B%5D=up",
                           "/api/v1/admin/tsdb/clean_tombstones", "/api/v1/admin/tsdb/snapshot"}) {
    auto res = client_->Post(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 422) << path;
    EXPECT_EQ(res->body, kRefused) << path;
    EXPECT_EQ(client_->Put(path, "", "text/plain")->status, 422) << path;
  }
  // Unchanged in agent mode.
  EXPECT_EQ(GetJson("/api/v1/status/buildinfo")["status"], "success");
  EXPECT_EQ(GetJson("/api/v1/status/runtimeinfo")["status"], "success");
  EXPECT_EQ(GetJson("/api/v1/status/config")["status"], "success");
  EXPECT_EQ(GetJson("/api/v1/status/flags")["status"], "success");
  EXPECT_EQ(GetJson("/api/v1/targets")["status"], "success");
  EXPECT_EQ(GetJson("/api/v1/targets/metadata")["status"], "success");
  EXPECT_EQ(GetJson("/api/v1/metadata")["status"], "success");
  EXPECT_EQ(GetJson("/api/v1/scrape_pools")["status"], "success");
  EXPECT_EQ(GetJson("/api/v1/features")["status"], "success");
  EXPECT_TRUE(UnavailableInAgentMode("/api/v1/status/tsdb/blocks"));
  EXPECT_FALSE(UnavailableInAgentMode("/api/v1/write"));
  server_->Stop();
}

TEST_F(ApiServerTest, ServerModeIsNotGated) {
  StartServer(false);
  tsdb::MemStorage storage;
  promql::Engine engine{promql::EngineOptions{}};
  QueryApi api(QueryApiOptions{}, &storage, &engine, nullptr);
  server_->SetReady(&api);
  EXPECT_EQ(client_->Get("/api/v1/query?query=1")->status, 200);
  EXPECT_EQ(client_->Get("/api/v1/parse_query?query=up")->status, 200);
  EXPECT_EQ(client_->Get("/api/v1/rules")->status, 200);
  server_->Stop();
}

}  // namespace
}  // namespace sextant::api
