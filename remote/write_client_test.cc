#include "remote/write_client.h"

#include <mutex>
#include <thread>

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <snappy.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api/remote/prompb/remote.pb.h"
#include "gtest/gtest.h"
#include "remote/codec.h"
#include "util/build_info.h"

namespace sextant::remote {
namespace {

// A remote-write receiver that answers each POST /receive with the status, headers and body set
// last, and records the request.
class Receiver {
 public:
  Receiver() {
    server_.new_task_queue = [] { return new httplib::ThreadPool(1); };
    server_.Post("/receive", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> l(mu_);
      headers_ = req.headers;
      body_ = req.body;
      query_ = req.get_param_value("tenant");
      res.status = status_;
      for (const auto& [k, v] : reply_headers_) res.set_header(k, v);
      res.set_content(reply_body_, "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/receive?tenant=t1";
  }
  void Reply(int status, std::string body = "", httplib::Headers headers = {}) {
    std::lock_guard<std::mutex> l(mu_);
    status_ = status;
    reply_body_ = std::move(body);
    reply_headers_ = std::move(headers);
  }
  std::string Header(const std::string& name) {
    std::lock_guard<std::mutex> l(mu_);
    auto it = headers_.find(name);
    return it == headers_.end() ? "<none>" : it->second;
  }
  std::string body() {
    std::lock_guard<std::mutex> l(mu_);
    return body_;
  }
  std::string query() {
    std::lock_guard<std::mutex> l(mu_);
    return query_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  int status_ = 204;
  std::string reply_body_;
  httplib::Headers reply_headers_;
  httplib::Headers headers_;
  std::string body_;
  std::string query_;
};

config::RemoteWriteConfig Config(const std::string& url) {
  config::RemoteWriteConfig cfg;
  cfg.url = url;
  cfg.remote_timeout = absl::Seconds(5);
  return cfg;
}

std::unique_ptr<HttpWriteClient> MakeClient(config::RemoteWriteConfig cfg,
                                            bool retry_on_http_429 = false) {
  cfg.queue_config.retry_on_http_429 = retry_on_http_429;
  absl::StatusOr<std::unique_ptr<HttpWriteClient>> c = HttpWriteClient::Create(cfg);
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? std::move(*c) : nullptr;
}

TEST(HttpWriteClient, PostsTheBodyWithProtocolHeadersAuthAndConfigHeaders) {
  Receiver r;
  config::RemoteWriteConfig cfg = Config(r.url());
  cfg.headers = {{"X-Scope-OrgID", "team-a"}, {"User-Agent", "not-this"}};
  cfg.http.basic_auth.emplace();
  cfg.http.basic_auth->username = "u";
  cfg.http.basic_auth->password.value = "p";
  auto client = MakeClient(cfg);

  std::vector<SeriesSample> samples = {
      {1, model::Labels::FromPairs({{"__name__", "up"}, {"job", "a"}}), 1000, 1}};
  std::string scratch, body;
  EncodeSnappyWriteRequest(samples, &scratch, &body);
  const WriteResult res = client->Store(body, 0);
  ASSERT_TRUE(res.ok()) << res.message;

  EXPECT_EQ(r.Header("Content-Encoding"), "snappy");
  EXPECT_EQ(r.Header("Content-Type"), "application/x-protobuf");
  EXPECT_EQ(r.Header("User-Agent"),
            std::string("Sextant/") + std::string(util::GetBuildInfo().version));
  EXPECT_EQ(r.Header("X-Prometheus-Remote-Write-Version"), "0.1.0");
  EXPECT_EQ(r.Header("X-Scope-OrgID"), "team-a");
  EXPECT_EQ(r.Header("Authorization"), "Basic dTpw");
  EXPECT_EQ(r.Header("Retry-Attempt"), "<none>");
  EXPECT_EQ(r.query(), "t1");
  EXPECT_EQ(r.body(), body);

  std::string raw;
  ASSERT_TRUE(snappy::Uncompress(r.body().data(), r.body().size(), &raw));
  prometheus::WriteRequest req;
  ASSERT_TRUE(req.ParseFromString(raw));
  ASSERT_EQ(req.timeseries_size(), 1);
  EXPECT_EQ(req.timeseries(0).samples(0).timestamp(), 1000);

  ASSERT_TRUE(client->Store(body, 2).ok());
  EXPECT_EQ(r.Header("Retry-Attempt"), "2");
}

TEST(HttpWriteClient, ServerErrorIsRecoverableWithRetryAfter) {
  Receiver r;
  auto client = MakeClient(Config(r.url()));
  r.Reply(503, "overloaded\nsecond line", {{"Retry-After", "7"}});
  const WriteResult res = client->Store("x", 0);
  EXPECT_EQ(res.kind, WriteResult::Kind::kRecoverable);
  EXPECT_EQ(res.http_status, 503);
  EXPECT_EQ(res.retry_after, absl::Seconds(7));
  EXPECT_EQ(res.message, "server returned HTTP status 503 Service Unavailable: overloaded");
}

TEST(HttpWriteClient, TooManyRequestsIsRetriedOnlyWhenConfigured) {
  Receiver r;
  r.Reply(429, "slow down", {{"Retry-After", "2"}});
  const WriteResult no = MakeClient(Config(r.url()), false)->Store("x", 0);
  EXPECT_EQ(no.kind, WriteResult::Kind::kNonRecoverable);
  EXPECT_EQ(no.http_status, 429);
  const WriteResult yes = MakeClient(Config(r.url()), true)->Store("x", 0);
  EXPECT_EQ(yes.kind, WriteResult::Kind::kRecoverable);
  EXPECT_EQ(yes.retry_after, absl::Seconds(2));
}

TEST(HttpWriteClient, BadRequestIsNotRecoverableAndKeepsTheFirstLine) {
  Receiver r;
  r.Reply(400, "out of order sample\nmore details");
  const WriteResult res = MakeClient(Config(r.url()))->Store("x", 0);
  EXPECT_EQ(res.kind, WriteResult::Kind::kNonRecoverable);
  EXPECT_EQ(res.message, "server returned HTTP status 400 Bad Request: out of order sample");
}

TEST(HttpWriteClient, LongErrorBodyIsCut) {
  Receiver r;
  r.Reply(400, std::string(5000, 'e'));
  const WriteResult res = MakeClient(Config(r.url()))->Store("x", 0);
  EXPECT_EQ(res.message.size(),
            std::string("server returned HTTP status 400 Bad Request: ").size() + 1024);
}

TEST(HttpWriteClient, ConnectionRefusedIsRecoverable) {
  // A port that is bound but not listening: connecting to it is refused.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int port = ntohs(addr.sin_port);
  auto client = MakeClient(Config("http://127.0.0.1:" + std::to_string(port) + "/receive"));
  const WriteResult res = client->Store("x", 0);
  EXPECT_EQ(res.kind, WriteResult::Kind::kRecoverable);
  EXPECT_EQ(res.http_status, 0);
  EXPECT_NE(res.message.find("connection refused"), std::string::npos) << res.message;
  close(fd);
}

TEST(HttpWriteClient, RejectsUnusableUrls) {
  EXPECT_FALSE(HttpWriteClient::Create(Config("ftp://host/x")).ok());
  EXPECT_FALSE(HttpWriteClient::Create(Config("no-scheme")).ok());
  EXPECT_FALSE(HttpWriteClient::Create(Config("http:///path")).ok());
}

TEST(ParseRetryAfter, SecondsDatesAndGarbage) {
  const absl::Time now = absl::FromUnixSeconds(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(ParseRetryAfter("120", now), absl::Seconds(120));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now), absl::Seconds(30));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now), absl::Seconds(-60));
  EXPECT_EQ(ParseRetryAfter("", now), absl::ZeroDuration());
  EXPECT_EQ(ParseRetryAfter("soon", now), absl::ZeroDuration());
  EXPECT_EQ(ParseRetryAfter("1.5", now), absl::ZeroDuration());
}

}  // namespace
}  // namespace sextant::remote
