// The web UI's routes and the API endpoints the UI needs, through the HTTP server.

#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <zlib.h>

#include "api/http/gzip_testing.h"
#include "api/query_api.h"
#include "api/server.h"
#include "api/ui/embedded_files.h"
#include "api/ui/ui_assets.h"
#include "nlohmann/json.hpp"
#include "promql/engine.h"
#include "tsdb/mem_storage.h"

namespace sextant::api {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

using http::testing::Gunzip;

class ServerUiTest : public ::testing::Test {
 protected:
  void Start(const std::string& prefix, const std::string& title = "Sextant",
             bool agent_mode = false) {
    prefix_ = prefix;
    ServerOptions options;
    options.agent_mode = agent_mode;
    options.listen_address = *http::ParseListenAddress("127.0.0.1:0");
    options.route_prefix = prefix;
    options.page_title = title;
    options.lookback_delta = "2m30s";
    server_ = std::make_unique<ApiServer>(options, ServerHooks{}, &registry_);
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_decompress(false);
    client_->set_follow_location(false);
  }

  void MakeReady() {
    ASSERT_TRUE(
        storage_
            .Add(model::Labels::FromPairs({{"__name__", "up"}, {"job", "a"}, {"x", "1"}}), 1000, 1)
            .ok());
    ASSERT_TRUE(
        storage_.Add(model::Labels::FromPairs({{"__name__", "other"}, {"y", "2"}}), 1000, 1).ok());
    api_ = std::make_unique<QueryApi>(QueryApiOptions{}, &storage_, &engine_, nullptr);
    server_->SetReady(api_.get());
  }

  // The path of the bundle's script, from the served index.html.
  std::string ScriptPath() {
    auto res = client_->Get((prefix_ + "/query").c_str());
    EXPECT_TRUE(res);
    std::smatch m;
    EXPECT_TRUE(std::regex_search(res->body, m, std::regex("src=\"([^\"]+\\.js)\"")));
    return m[1];
  }

  std::string prefix_;
  util::Registry registry_;
  tsdb::MemStorage storage_;
  promql::Engine engine_{promql::EngineOptions{}};
  std::unique_ptr<QueryApi> api_;
  std::unique_ptr<ApiServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ServerUiTest, EveryPageServesIndexWithPlaceholdersFilled) {
  Start("/prefix", R"(A <"&'> title)");
  for (std::string_view page : ui::kPageRoutes) {
    const std::string path = "/prefix" + std::string(page);
    auto res = client_->Get(path.c_str());
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path;
    EXPECT_EQ(res->get_header_value("Content-Type"), "text/html; charset=utf-8") << path;
    EXPECT_EQ(res->get_header_value("Cache-Control"), "no-cache") << path;
    EXPECT_THAT(res->body, Not(HasSubstr("{{"))) << path;
    EXPECT_THAT(res->body, HasSubstr("<title>A &lt;&#34;&amp;&#39;&gt; title</title>"));
    EXPECT_THAT(res->body, HasSubstr(R"(prefix: "/prefix")"));
    EXPECT_THAT(res->body, HasSubstr(R"(title: "A &lt;&#34;&amp;&#39;&gt; title")"));
    EXPECT_THAT(res->body, HasSubstr(R"(lookbackDelta: "2m30s")"));
    EXPECT_THAT(res->body, HasSubstr("agentMode: false"));
    EXPECT_THAT(res->body, HasSubstr("ready: false"));  // not ready yet
    EXPECT_THAT(res->body, HasSubstr("src=\"/prefix/assets/"));
  }
  MakeReady();
  EXPECT_THAT(client_->Get("/prefix/graph")->body, HasSubstr("ready: true"));
  // Outside the prefix, and unknown pages under it, are not the UI.
  EXPECT_EQ(client_->Get("/query")->status, 404);
  EXPECT_EQ(client_->Get("/prefix/nothing")->status, 404);
}

TEST_F(ServerUiTest, AgentModeIsToldToTheUi) {
  Start("", "Sextant", /*agent_mode=*/true);
  auto res = client_->Get("/targets");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_THAT(res->body, HasSubstr("agentMode: true"));
  EXPECT_THAT(res->body, Not(HasSubstr("agentMode: false")));
}

TEST_F(ServerUiTest, RootRedirectsToQueryPage) {
  Start("/prefix");
  for (const char* path : {"/", "/prefix", "/prefix/"}) {
    auto res = client_->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 302) << path;
    EXPECT_EQ(res->get_header_value("Location"), "/prefix/query") << path;
  }
}

TEST_F(ServerUiTest, RootRedirectsWithoutPrefix) {
  Start("");
  auto res = client_->Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 302);
  EXPECT_EQ(res->get_header_value("Location"), "/query");
  EXPECT_EQ(client_->Get("/query")->status, 200);
}

TEST_F(ServerUiTest, AssetsAreImmutableAndGzippedWhenAccepted) {
  Start("/prefix");
  const std::string script = ScriptPath();
  ASSERT_THAT(script, ::testing::StartsWith("/prefix/assets/"));

  auto plain = client_->Get(script.c_str());
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 200);
  EXPECT_THAT(plain->get_header_value("Content-Type"), HasSubstr("application/javascript"));
  EXPECT_EQ(plain->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(plain->get_header_value("Content-Encoding"), "");
  EXPECT_EQ(plain->get_header_value("Vary"), "Accept-Encoding");

  auto gz = client_->Get(script.c_str(), {{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_TRUE(gz);
  EXPECT_EQ(gz->status, 200);
  EXPECT_EQ(gz->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(gz->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_LT(gz->body.size(), plain->body.size());
  EXPECT_EQ(Gunzip(gz->body), plain->body);

  auto head = client_->Head(script.c_str());
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);

  const std::regex css("href=\"([^\"]+\\.css)\"");
  std::smatch m;
  const std::string index = client_->Get("/prefix/query")->body;
  ASSERT_TRUE(std::regex_search(index, m, css));
  auto style = client_->Get(m[1].str().c_str());
  EXPECT_EQ(style->status, 200);
  EXPECT_THAT(style->get_header_value("Content-Type"), HasSubstr("text/css"));
}

TEST_F(ServerUiTest, UnknownAssetIs404) {
  Start("");
  for (const char* path : {"/assets/main-NOPE.js", "/assets/", "/assets/../index.html"}) {
    auto res = client_->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(res->get_header_value("Cache-Control"), "") << path;
  }
}

TEST_F(ServerUiTest, Favicon) {
  Start("/p");
  for (const char* path : {"/p/favicon.svg", "/p/favicon.ico"}) {
    auto res = client_->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path;
    EXPECT_EQ(res->get_header_value("Content-Type"), "image/svg+xml") << path;
    EXPECT_THAT(res->body, HasSubstr("<svg"));
  }
}

TEST_F(ServerUiTest, ExistingRoutesStillWork) {
  Start("/p");
  EXPECT_EQ(client_->Get("/p/-/healthy")->status, 200);
  EXPECT_EQ(client_->Get("/p/metrics")->status, 200);
  EXPECT_EQ(client_->Get("/p/api/v1/status/buildinfo")->status, 200);
  EXPECT_EQ(client_->Get("/p/api/v1/nothing")->status, 404);
  EXPECT_EQ(client_->Post("/", "", "text/plain")->status, 404);
}

TEST_F(ServerUiTest, ParseQueryByGetAndPost) {
  Start("");
  EXPECT_EQ(client_->Get("/api/v1/parse_query?query=up")->status, 503);  // not ready
  MakeReady();
  auto res = client_->Get("/api/v1/parse_query?query=sum%28up%29");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const Json data = Json::parse(res->body)["data"];
  EXPECT_EQ(data["type"], "aggregation");
  EXPECT_EQ(data["expr"]["name"], "up");
  res = client_->Post("/api/v1/parse_query", "query=up+%3E+1", "application/x-www-form-urlencoded");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_THAT(res->body, HasSubstr(R"("op":"\u003e")"));

  res = client_->Get("/api/v1/parse_query?query=rate(up)");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  const Json err = Json::parse(res->body);
  EXPECT_EQ(err["errorType"], "bad_data");
  EXPECT_EQ(err["error"],
            "invalid parameter \"query\": 1:6: parse error: expected type range vector in call to "
            "function \"rate\", got instant vector");
}

TEST_F(ServerUiTest, Features) {
  Start("");
  MakeReady();
  auto res = client_->Get("/api/v1/features");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const Json f = Json::parse(res->body);
  EXPECT_EQ(f["status"], "success");
  EXPECT_EQ(f["data"]["api"]["lifecycle"], false);
  EXPECT_EQ(f["data"]["promql_functions"]["rate"], true);
}

TEST_F(ServerUiTest, RelabelStepsWithoutScrapeManager) {
  Start("");
  MakeReady();
  auto res =
      client_->Get("/api/v1/targets/relabel_steps?scrapePool=node&labels=%7B%22a%22%3A%22b%22%7D");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(Json::parse(res->body)["error"],
            "error retrieving scrape config: scrape pool \"node\" not found");
}

// The UI's metric explorer and label pickers POST these as forms, as Prometheus accepts them.
TEST_F(ServerUiTest, LabelsAndSeriesByFormPost) {
  Start("");
  MakeReady();
  auto res = client_->Post("/api/v1/labels", "match%5B%5D=up&start=0&end=10",
                           "application/x-www-form-urlencoded");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(Json::parse(res->body)["data"], Json({"__name__", "job", "x"}));
  // Several match[] are a union.
  res = client_->Post("/api/v1/labels", "match[]=up&match[]=other",
                      "application/x-www-form-urlencoded");
  ASSERT_TRUE(res);
  EXPECT_EQ(Json::parse(res->body)["data"], Json({"__name__", "job", "x", "y"}));
  // A start after every sample: nothing.
  res = client_->Post("/api/v1/labels", "match[]=up&start=100&end=200",
                      "application/x-www-form-urlencoded");
  ASSERT_TRUE(res);
  EXPECT_EQ(Json::parse(res->body)["data"], Json::array());

  res = client_->Post("/api/v1/series", "match%5B%5D=%7Bjob%3D%22a%22%7D&start=0&end=10",
                      "application/x-www-form-urlencoded");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(Json::parse(res->body)["data"],
            Json::parse(R"([{"__name__":"up","job":"a","x":"1"}])"));
  res = client_->Post("/api/v1/series", "start=0", "application/x-www-form-urlencoded");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(Json::parse(res->body)["error"], "no match[] parameter provided");
}

}  // namespace
}  // namespace sextant::api
