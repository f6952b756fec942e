#include "discovery/http/http_provider.h"

#include <mutex>
#include <thread>

#include <httplib.h>

#include "discovery/metrics.h"
#include "discovery/testing.h"
#include "gtest/gtest.h"

namespace sextant::discovery {
namespace {

// A small HTTP SD server: answers GET /sd with whatever was set last, and records the headers.
class SdServer {
 public:
  SdServer() {
    // One worker: the provider opens a connection per refresh, and httplib's pool hands them to
    // different workers, whose hand-over TSan cannot see in the uninstrumented library.
    server_.new_task_queue = [] { return new httplib::ThreadPool(1); };
    server_.Get("/sd", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> l(mu_);
      last_headers_ = req.headers;
      ++requests_;
      res.status = status_;
      res.set_content(body_, content_type_.c_str());
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~SdServer() {
    server_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/sd"; }
  void Set(int status, std::string content_type, std::string body) {
    std::lock_guard<std::mutex> l(mu_);
    status_ = status;
    content_type_ = std::move(content_type);
    body_ = std::move(body);
  }
  int requests() {
    std::lock_guard<std::mutex> l(mu_);
    return requests_;
  }
  std::string Header(const std::string& name) {
    std::lock_guard<std::mutex> l(mu_);
    auto it = last_headers_.find(name);
    return it == last_headers_.end() ? "<none>" : it->second;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  int status_ = 200;
  std::string content_type_ = "application/json";
  std::string body_ = "[]";
  int requests_ = 0;
  httplib::Headers last_headers_;
};

config::HttpSdConfig Config(const std::string& url) {
  config::HttpSdConfig cfg;
  cfg.url = url;
  cfg.refresh_interval = absl::Milliseconds(20);
  return cfg;
}

using testing::RefreshUntil;

// Waits until the server has answered `n` more requests, so that a fetch has been made.
void WaitRequests(SdServer& s, int n) {
  const int target = s.requests() + n;
  for (int i = 0; i < 500 && s.requests() < target; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

TEST(ParseHttpSdResponse, GroupsWithUrlLabelAndSources) {
  auto groups = ParseHttpSdResponse(
      R"([{"targets": ["a:1", "b:2"], "labels": {"env": "prod", "__meta_url": "x"}},
          {"targets": ["c:3"]}, {"labels": {"only": "labels"}}])",
      "http://sd/x");
  ASSERT_TRUE(groups.ok()) << groups.status();
  ASSERT_EQ(groups->size(), 3u);
  const TargetGroup& g = (*groups)[0];
  EXPECT_EQ(g.source, "http://sd/x:0");
  ASSERT_EQ(g.targets.size(), 2u);
  EXPECT_EQ(g.targets[1].Get("__address__"), "b:2");
  EXPECT_EQ(g.labels.Get("env"), "prod");
  EXPECT_EQ(g.labels.Get("__meta_url"), "http://sd/x");  // the URL wins
  EXPECT_EQ((*groups)[1].source, "http://sd/x:1");
  EXPECT_EQ((*groups)[1].labels.Get("__meta_url"), "http://sd/x");
  EXPECT_TRUE((*groups)[2].targets.empty());
}

TEST(ParseHttpSdResponse, NullIsNoGroups) {
  auto groups = ParseHttpSdResponse("null", "http://sd");
  ASSERT_TRUE(groups.ok());
  EXPECT_TRUE(groups->empty());
}

TEST(ParseHttpSdResponse, RejectsWhatPrometheusRejects) {
  EXPECT_EQ(ParseHttpSdResponse("[null]", "u").status().message(), "nil target group item found");
  EXPECT_EQ(ParseHttpSdResponse(R"([{"targets": [], "extra": 1}])", "u").status().message(),
            "json: unknown field \"extra\"");
  EXPECT_EQ(ParseHttpSdResponse(R"([{"labels": {"a-b": "x"}}])", "u").status().message(),
            "\"a-b\" is not a valid label name");
  EXPECT_FALSE(ParseHttpSdResponse(R"([{"targets": [1]}])", "u").ok());
  EXPECT_FALSE(ParseHttpSdResponse(R"([{"labels": {"a": 1}}])", "u").ok());
  EXPECT_FALSE(ParseHttpSdResponse(R"({"targets": []})", "u").ok());
  EXPECT_FALSE(ParseHttpSdResponse(R"([{"targets": ["a:1"])", "u").ok());  // truncated
  EXPECT_FALSE(ParseHttpSdResponse("", "u").ok());
}

TEST(IsHttpSdContentType, AsPrometheusMatches) {
  EXPECT_TRUE(IsHttpSdContentType("application/json"));
  EXPECT_TRUE(IsHttpSdContentType(" Application/JSON "));
  EXPECT_TRUE(IsHttpSdContentType("application/json; charset=utf-8"));
  EXPECT_TRUE(IsHttpSdContentType("application/json;charset=\"UTF-8\""));
  EXPECT_FALSE(IsHttpSdContentType("application/json; charset=latin1"));
  EXPECT_FALSE(IsHttpSdContentType("text/plain"));
  EXPECT_FALSE(IsHttpSdContentType("application/jsonx"));
  EXPECT_FALSE(IsHttpSdContentType(""));
}

TEST(HttpProvider, FetchesGroupsWithPrometheusHeaders) {
  SdServer server;
  server.Set(200, "application/json", R"([{"targets": ["a:1"], "labels": {"env": "prod"}}])");
  HttpProvider p(Config(server.url()), 2);
  EXPECT_EQ(p.name(), "http/2");
  EXPECT_TRUE(p.groups().empty());
  ASSERT_TRUE(RefreshUntil(p, [&] { return !p.groups().empty(); }));
  ASSERT_EQ(p.groups().size(), 1u);
  EXPECT_EQ(p.groups()[0].source, server.url() + ":0");
  EXPECT_EQ(p.groups()[0].labels.Get("__meta_url"), server.url());
  EXPECT_EQ(p.groups()[0].targets[0].Get("__address__"), "a:1");
  EXPECT_EQ(server.Header("Accept"), "application/json");
  EXPECT_EQ(server.Header("User-Agent").substr(0, 8), "Sextant/");
  EXPECT_EQ(server.Header("X-Prometheus-Refresh-Interval-Seconds"), "0.02");
}

TEST(HttpProvider, FailuresKeepGroupsAndCount) {
  SdServer server;
  server.Set(200, "application/json", R"([{"targets": ["a:1"]}])");
  HttpProvider p(Config(server.url()), 0);
  ASSERT_TRUE(RefreshUntil(p, [&] { return !p.groups().empty(); }));
  const std::vector<TargetGroup> before = p.groups();
  struct Case {
    int status;
    const char* content_type;
    const char* body;
  };
  for (const Case& c : {Case{200, "text/plain", R"([{"targets": ["b:1"]}])"},
                        Case{200, "application/json", R"([{"targets": ["b:1"])"},
                        Case{404, "application/json", R"([{"targets": ["b:1"]}])"},
                        Case{200, "application/json", R"([{"targets": ["b:1"], "x": 1}])"}}) {
    SCOPED_TRACE(c.body);
    const double failures = GlobalSdMetrics().http_failures.value();
    server.Set(c.status, c.content_type, c.body);
    WaitRequests(server, 2);
    EXPECT_FALSE(p.Refresh(absl::Now()));
    EXPECT_EQ(p.groups(), before);
    EXPECT_GE(GlobalSdMetrics().http_failures.value(), failures + 1);
  }
  server.Set(200, "application/json", R"([{"targets": ["b:1"]}])");
  ASSERT_TRUE(RefreshUntil(p, [&] { return p.groups() != before; }));
  EXPECT_EQ(p.groups()[0].targets[0].Get("__address__"), "b:1");
}

TEST(HttpProvider, VanishedGroupsAreSentEmpty) {
  SdServer server;
  server.Set(200, "application/json", R"([{"targets": ["a:1"]}, {"targets": ["b:1"]}])");
  HttpProvider p(Config(server.url()), 0);
  ASSERT_TRUE(RefreshUntil(p, [&] { return p.groups().size() == 2; }));
  server.Set(200, "application/json", R"([{"targets": ["a:1"]}])");
  ASSERT_TRUE(RefreshUntil(p, [&] { return p.groups()[1].targets.empty(); }));
  ASSERT_EQ(p.groups().size(), 2u);
  EXPECT_EQ(p.groups()[0].targets.size(), 1u);
  EXPECT_EQ(p.groups()[1].source, server.url() + ":1");
  EXPECT_TRUE(p.groups()[1].labels.empty());
  // The next unchanged response drops the empty group again.
  ASSERT_TRUE(RefreshUntil(p, [&] { return p.groups().size() == 1; }));
}

TEST(HttpProvider, UnreachableServerCountsFailures) {
  const double failures = GlobalSdMetrics().http_failures.value();
  HttpProvider p(Config("http://127.0.0.1:1/sd"), 0);
  ASSERT_TRUE(
      RefreshUntil(p, [&] { return GlobalSdMetrics().http_failures.value() >= failures + 1; }));
  EXPECT_TRUE(p.groups().empty());
}

}  // namespace
}  // namespace sextant::discovery
