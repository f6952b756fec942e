#include "scrape/fetcher.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <thread>

#include <httplib.h>
#include <unistd.h>

#include "config/loader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "scrape/http_client.h"

namespace sextant::scrape {
namespace {

using ::testing::HasSubstr;

config::ScrapeConfig Job(const std::string& extra) {
  absl::StatusOr<config::Config> c = config::LoadConfig(
      "scrape_configs:\n  - job_name: j\n    static_configs: [{targets: ['x:1']}]\n" + extra, "");
  EXPECT_TRUE(c.ok()) << c.status();
  return c->scrape_configs.at(0);
}

// Runs `server` on a free port until destroyed.
class Running {
 public:
  explicit Running(httplib::Server* s) : s_(s) {
    port_ = s_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { s_->listen_after_bind(); });
    while (!s_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Running() {
    s_->stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  httplib::Server* s_;
  int port_ = 0;
  std::thread thread_;
};

TEST(Fetcher, SendsPrometheusHeadersAndAuth) {
  httplib::Server server;
  httplib::Headers seen;
  server.Get("/metrics", [&](const httplib::Request& req, httplib::Response& res) {
    seen = req.headers;
    res.set_content("a 1\n", "text/plain; version=0.0.4");
  });
  Running r(&server);
  const std::string url = "http://127.0.0.1:" + std::to_string(r.port()) + "/metrics";

  Fetcher basic(url, Job("    basic_auth: {username: u, password: p}\n"));
  FetchResult f = basic.Fetch(absl::Seconds(5));
  ASSERT_TRUE(f.status.ok()) << f.status;
  EXPECT_EQ(f.body, "a 1\n");
  EXPECT_EQ(f.content_type, "text/plain; version=0.0.4");
  auto header = [&](const char* name) {
    auto it = seen.find(name);
    return it == seen.end() ? std::string() : it->second;
  };
  EXPECT_EQ(header("Authorization"), "Basic dTpw");
  EXPECT_THAT(header("Accept"), HasSubstr("application/openmetrics-text;version=1.0.0;q=0.5"));
  EXPECT_THAT(header("Accept"), HasSubstr("text/plain;version=0.0.4;q=0.2"));
  EXPECT_EQ(header("X-Prometheus-Scrape-Timeout-Seconds"), "5");
  EXPECT_THAT(header("Accept-Encoding"), HasSubstr("gzip"));

  const std::string token_file = ::testing::TempDir() + "/token_" + std::to_string(::getpid());
  std::ofstream(token_file) << "s3cret\n";
  Fetcher bearer(url, Job("    authorization: {credentials_file: " + token_file + "}\n"));
  ASSERT_TRUE(bearer.Fetch(absl::Seconds(5)).status.ok());
  EXPECT_EQ(header("Authorization"), "Bearer s3cret");
  std::filesystem::remove(token_file);
  FetchResult missing = bearer.Fetch(absl::Seconds(5));
  EXPECT_FALSE(missing.status.ok());
}

TEST(Fetcher, ErrorsAsPrometheus) {
  httplib::Server server;
  server.Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(1000, 'x'), "text/plain");
  });
  server.Get("/missing", [](const httplib::Request&, httplib::Response& res) { res.status = 404; });
  server.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    res.set_content("a 1\n", "text/plain");
  });
  Running r(&server);
  const std::string base = "http://127.0.0.1:" + std::to_string(r.port());
  EXPECT_EQ(Fetcher(base + "/missing", Job("")).Fetch(absl::Seconds(5)).status.message(),
            "server returned HTTP status 404 Not Found");
  EXPECT_EQ(Fetcher(base + "/metrics", Job("    body_size_limit: 100B\n"))
                .Fetch(absl::Seconds(5))
                .status.message(),
            "body size limit exceeded");
  FetchResult slow = Fetcher(base + "/slow", Job("")).Fetch(absl::Milliseconds(100));
  EXPECT_THAT(std::string(slow.status.message()), HasSubstr("context deadline exceeded"));
  // Connection failures in Go's words, as Prometheus's lastError has them.
  FetchResult refused = Fetcher("http://127.0.0.1:1/metrics", Job("")).Fetch(absl::Seconds(1));
  EXPECT_EQ(
      std::string(refused.status.message()),
      "Get \"http://127.0.0.1:1/metrics\": dial tcp 127.0.0.1:1: connect: connection refused");
  FetchResult unknown = Fetcher("http://nowhere.invalid/metrics", Job("")).Fetch(absl::Seconds(1));
  EXPECT_EQ(
      std::string(unknown.status.message()),
      "Get \"http://nowhere.invalid/metrics\": dial tcp: lookup nowhere.invalid: no such host");
}

TEST(Fetcher, Tls) {
  const std::string dir = ::testing::TempDir() + "/tls_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
      "-addext subjectAltName=IP:127.0.0.1 -keyout " +
      dir + "/key.pem -out " + dir + "/cert.pem >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "openssl not available";
  httplib::SSLServer server((dir + "/cert.pem").c_str(), (dir + "/key.pem").c_str());
  server.Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("a 1\n", "text/plain; version=0.0.4");
  });
  Running r(&server);
  const std::string url = "https://127.0.0.1:" + std::to_string(r.port()) + "/metrics";
  // Unknown CA: refused.
  EXPECT_FALSE(Fetcher(url, Job("    scheme: https\n")).Fetch(absl::Seconds(5)).status.ok());
  // With the CA file, or told to skip verification: scraped.
  FetchResult f =
      Fetcher(url, Job("    scheme: https\n    tls_config: {ca_file: " + dir + "/cert.pem}\n"))
          .Fetch(absl::Seconds(5));
  EXPECT_TRUE(f.status.ok()) << f.status;
  EXPECT_EQ(f.body, "a 1\n");
  EXPECT_TRUE(Fetcher(url, Job("    scheme: https\n    tls_config: {insecure_skip_verify: true}\n"))
                  .Fetch(absl::Seconds(5))
                  .status.ok());
  // The CA given inline.
  std::ifstream pem_in(dir + "/cert.pem");
  std::string pem((std::istreambuf_iterator<char>(pem_in)), std::istreambuf_iterator<char>());
  std::string escaped;
  for (char c : pem) escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
  FetchResult inline_ca =
      Fetcher(url, Job("    scheme: https\n    tls_config: {ca: \"" + escaped + "\"}\n"))
          .Fetch(absl::Seconds(5));
  EXPECT_TRUE(inline_ca.status.ok()) << inline_ca.status;

  // A server that wants a client certificate (the same self-signed one serves as its CA).
  httplib::SSLServer mtls((dir + "/cert.pem").c_str(), (dir + "/key.pem").c_str(),
                          (dir + "/cert.pem").c_str());
  mtls.Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("b 2\n", "text/plain; version=0.0.4");
  });
  Running m(&mtls);
  const std::string murl = "https://127.0.0.1:" + std::to_string(m.port()) + "/metrics";
  const std::string tls = "    scheme: https\n    tls_config: {ca_file: " + dir + "/cert.pem";
  EXPECT_FALSE(Fetcher(murl, Job(tls + "}\n")).Fetch(absl::Seconds(5)).status.ok());
  FetchResult with_cert = Fetcher(murl, Job(tls + ", cert_file: " + dir +
                                            "/cert.pem, key_file: " + dir + "/key.pem}\n"))
                              .Fetch(absl::Seconds(5));
  EXPECT_TRUE(with_cert.status.ok()) << with_cert.status;
  EXPECT_EQ(with_cert.body, "b 2\n");
  std::filesystem::remove_all(dir);
}

TEST(Fetcher, TlsServerName) {
  const std::string dir = ::testing::TempDir() + "/tls_sn_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=metrics.test "
      "-addext subjectAltName=DNS:metrics.test -keyout " +
      dir + "/key.pem -out " + dir + "/cert.pem >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "openssl not available";
  httplib::SSLServer server((dir + "/cert.pem").c_str(), (dir + "/key.pem").c_str());
  server.Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("c 3\n", "text/plain; version=0.0.4");
  });
  Running r(&server);
  const std::string url = "https://127.0.0.1:" + std::to_string(r.port()) + "/metrics";
  const std::string tls = "    scheme: https\n    tls_config: {ca_file: " + dir + "/cert.pem";
  // The certificate is for metrics.test, not 127.0.0.1.
  EXPECT_FALSE(Fetcher(url, Job(tls + "}\n")).Fetch(absl::Seconds(5)).status.ok());
  FetchResult f = Fetcher(url, Job(tls + ", server_name: metrics.test}\n")).Fetch(absl::Seconds(5));
  EXPECT_TRUE(f.status.ok()) << f.status;
  EXPECT_EQ(f.body, "c 3\n");
  std::filesystem::remove_all(dir);
}

// A forward HTTP proxy stand-in: answers every request itself and records its request line.
class FakeProxy {
 public:
  FakeProxy() {
    server_.new_task_queue = [] { return new httplib::ThreadPool(1); };
    server_.Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> l(mu_);
      target_ = req.target;
      auto auth = req.headers.find("Proxy-Authorization");
      proxy_auth_ = auth == req.headers.end() ? "<none>" : auth->second;
      res.set_content("via proxy", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeProxy() {
    server_.stop();
    thread_.join();
  }

  int port() const { return port_; }
  std::string target() {
    std::lock_guard<std::mutex> l(mu_);
    return target_;
  }
  std::string proxy_auth() {
    std::lock_guard<std::mutex> l(mu_);
    return proxy_auth_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::string target_;
  std::string proxy_auth_;
};

TEST(HttpClient, HttpProxyGetsAbsoluteFormRequests) {
  FakeProxy proxy;
  config::HttpClientConfig cfg;
  cfg.proxy_url = "http://127.0.0.1:" + std::to_string(proxy.port());
  // The target does not resolve: only the proxy is ever connected to.
  HttpClient client("http://target.invalid:9100", cfg);
  ASSERT_TRUE(client.init_status().ok()) << client.init_status();
  httplib::Headers headers;
  ASSERT_TRUE(client.PrepareRequest(&headers).ok());
  httplib::Result res = client.client().Get("/metrics?x=1", headers);
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->body, "via proxy");
  EXPECT_EQ(proxy.target(), "http://target.invalid:9100/metrics?x=1");
  EXPECT_EQ(proxy.proxy_auth(), "<none>");
}

TEST(HttpClient, ProxyUserinfoIsProxyBasicAuth) {
  FakeProxy proxy;
  config::HttpClientConfig cfg;
  cfg.proxy_url = "http://us%40er:p%3Ass@127.0.0.1:" + std::to_string(proxy.port()) + "/";
  HttpClient client("http://target.invalid", cfg);
  ASSERT_TRUE(client.init_status().ok()) << client.init_status();
  httplib::Result res = client.client().Get("/");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(proxy.target(), "http://target.invalid:80/");
  EXPECT_EQ(proxy.proxy_auth(), "Basic dXNAZXI6cDpzcw==");  // us@er:p:ss
}

TEST(Fetcher, ThroughProxyUrl) {
  FakeProxy proxy;
  Fetcher fetcher("http://target.invalid:9100/metrics",
                  Job("    proxy_url: http://127.0.0.1:" + std::to_string(proxy.port()) + "\n"));
  FetchResult f = fetcher.Fetch(absl::Seconds(5));
  ASSERT_TRUE(f.status.ok()) << f.status;
  EXPECT_EQ(f.body, "via proxy");
  EXPECT_EQ(proxy.target(), "http://target.invalid:9100/metrics");
}

TEST(HttpClient, ProxyUrlErrors) {
  const auto status = [](std::string proxy_url) {
    config::HttpClientConfig cfg;
    cfg.proxy_url = std::move(proxy_url);
    return HttpClient("http://target:80", cfg).init_status().code();
  };
  EXPECT_EQ(status("http://proxy"), absl::StatusCode::kOk);
  EXPECT_EQ(status("http://[::1]:3128"), absl::StatusCode::kOk);
  EXPECT_EQ(status("socks5://proxy:1080"), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(status("https://proxy:443"), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(status("proxy:3128"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status("http://proxy:port"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status("http://proxy:70000"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status("http://:3128"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status("http://[::1"), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sextant::scrape
