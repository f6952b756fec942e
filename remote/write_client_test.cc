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
#include "api/remote/prompb/write_v2.pb.h"
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
  size_t HeaderCount(const std::string& name) {
    std::lock_guard<std::mutex> l(mu_);
    return headers_.count(name);
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
  EXPECT_EQ(r.HeaderCount("Content-Type"), 1u);
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

config::RemoteWriteConfig ConfigV2(const std::string& url) {
  config::RemoteWriteConfig cfg = Config(url);
  cfg.protobuf_message = "io.prometheus.write.v2.Request";
  return cfg;
}

TEST(HttpWriteClient, PostsA2Point0RequestWithItsContentTypeAndVersion) {
  Receiver r;
  config::RemoteWriteConfig cfg = ConfigV2(r.url());
  cfg.headers = {{"X-Scope-OrgID", "team-a"}, {"Content-Type", "text/plain"}};
  auto client = MakeClient(cfg);
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->message(), WriteMessage::kV2);

  auto meta = std::make_shared<const MetricMetadata>(
      MetricMetadata{MetricType::kGauge, "up", "Whether the target is up.", ""});
  std::vector<SeriesSample> samples = {
      {1, model::Labels::FromPairs({{"__name__", "up"}, {"job", "a"}}), 1000, 1, meta}};
  std::string scratch, body;
  EncodeSnappyWriteRequestV2(samples, &scratch, &body);
  r.Reply(204, "", {{"X-Prometheus-Remote-Write-Samples-Written", "1"}});
  const WriteResult res = client->StoreBatch(body, 0, {.samples = 1});
  ASSERT_TRUE(res.ok()) << res.message;

  EXPECT_EQ(r.Header("Content-Encoding"), "snappy");
  EXPECT_EQ(r.Header("Content-Type"),
            "application/x-protobuf;proto=io.prometheus.write.v2.Request");
  EXPECT_EQ(r.HeaderCount("Content-Type"), 1u);  // the configured one is replaced
  EXPECT_EQ(r.Header("X-Prometheus-Remote-Write-Version"), "2.0.0");
  EXPECT_EQ(r.Header("User-Agent"),
            std::string("Sextant/") + std::string(util::GetBuildInfo().version));
  EXPECT_EQ(r.Header("X-Scope-OrgID"), "team-a");
  EXPECT_EQ(r.body(), body);

  std::string raw;
  ASSERT_TRUE(snappy::Uncompress(r.body().data(), r.body().size(), &raw));
  io::prometheus::write::v2::Request req;
  ASSERT_TRUE(req.ParseFromString(raw));
  ASSERT_EQ(req.timeseries_size(), 1);
  EXPECT_EQ(req.timeseries(0).samples(0).timestamp(), 1000);
  EXPECT_EQ(req.symbols(static_cast<int>(req.timeseries(0).metadata().help_ref())),
            "Whether the target is up.");
}

TEST(HttpWriteClient, PostsA1Point0MetadataRequest) {
  Receiver r;
  auto client = MakeClient(Config(r.url()));
  const std::vector<MetricMetadata> metadata = {
      {MetricType::kCounter, "http_requests_total", "Requests served.", ""}};
  std::string scratch, body;
  EncodeSnappyMetadataRequest(metadata, &scratch, &body);
  const WriteResult res = client->StoreBatch(body, 0, {});
  ASSERT_TRUE(res.ok()) << res.message;
  EXPECT_EQ(r.Header("Content-Type"), "application/x-protobuf");
  EXPECT_EQ(r.Header("X-Prometheus-Remote-Write-Version"), "0.1.0");

  std::string raw;
  ASSERT_TRUE(snappy::Uncompress(r.body().data(), r.body().size(), &raw));
  prometheus::WriteRequest req;
  ASSERT_TRUE(req.ParseFromString(raw));
  EXPECT_EQ(req.timeseries_size(), 0);
  ASSERT_EQ(req.metadata_size(), 1);
  EXPECT_EQ(req.metadata(0).type(), prometheus::MetricMetadata::COUNTER);
  EXPECT_EQ(req.metadata(0).metric_family_name(), "http_requests_total");
  EXPECT_EQ(req.metadata(0).help(), "Requests served.");
}

TEST(HttpWriteClient, RejectsAnUnknownProtobufMessage) {
  config::RemoteWriteConfig cfg = Config("http://127.0.0.1:1/receive");
  cfg.protobuf_message = "prometheus.WriteRequestV3";
  const absl::StatusOr<std::unique_ptr<HttpWriteClient>> c = HttpWriteClient::Create(cfg);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("prometheus.WriteRequestV3"), std::string::npos);
}

TEST(ParseWriteMessage, KnowsBothVersions) {
  EXPECT_EQ(*ParseWriteMessage("prometheus.WriteRequest"), WriteMessage::kV1);
  EXPECT_EQ(*ParseWriteMessage("io.prometheus.write.v2.Request"), WriteMessage::kV2);
  EXPECT_FALSE(ParseWriteMessage("").ok());
  EXPECT_FALSE(ParseWriteMessage("io.prometheus.write.v2.request").ok());
}

TEST(HttpWriteClient, ReadsTheWrittenCountHeaders) {
  Receiver r;
  auto client = MakeClient(ConfigV2(r.url()));
  r.Reply(200, "",
          {{"X-Prometheus-Remote-Write-Samples-Written", "10"},
           {"X-Prometheus-Remote-Write-Histograms-Written", "+2"},
           {"X-Prometheus-Remote-Write-Exemplars-Written", "0"}});
  WriteResult res = client->Store("x", 0);
  ASSERT_TRUE(res.ok()) << res.message;
  EXPECT_EQ(res.http_status, 200);
  EXPECT_EQ(res.samples_written, 10);
  EXPECT_EQ(res.histograms_written, 2);
  EXPECT_EQ(res.exemplars_written, 0);
  EXPECT_TRUE(res.written_confirmed());
  EXPECT_EQ(res.written(), (WriteCounts{10, 2, 0}));

  // Absent and empty headers are unconfirmed; a value that is not a number counts as 0.
  r.Reply(204, "",
          {{"X-Prometheus-Remote-Write-Samples-Written", "many"},
           {"X-Prometheus-Remote-Write-Histograms-Written", ""}});
  res = client->Store("x", 0);
  EXPECT_EQ(res.samples_written, 0);
  EXPECT_EQ(res.histograms_written, std::nullopt);
  EXPECT_EQ(res.exemplars_written, std::nullopt);
  EXPECT_TRUE(res.written_confirmed());

  r.Reply(204);
  res = client->Store("x", 0);
  EXPECT_FALSE(res.written_confirmed());
  EXPECT_EQ(res.written(), WriteCounts{});

  // Error answers keep theirs too.
  r.Reply(500, "partly", {{"X-Prometheus-Remote-Write-Samples-Written", "3"}});
  res = client->Store("x", 0);
  EXPECT_EQ(res.kind, WriteResult::Kind::kRecoverable);
  EXPECT_EQ(res.samples_written, 3);
}

TEST(HttpWriteClient, V2SuccessWithoutWrittenCountsIsAFailure) {
  // A 1.0-only receiver that ignores Content-Type parses the 2.0 body as an empty WriteRequest and
  // answers 204 without the headers.
  Receiver r;
  auto client = MakeClient(ConfigV2(r.url()));
  r.Reply(204);
  const WriteResult res = client->StoreBatch("x", 0, {.samples = 3, .exemplars = 1});
  EXPECT_EQ(res.kind, WriteResult::Kind::kNonRecoverable);
  EXPECT_EQ(res.http_status, 204);
  EXPECT_EQ(res.message,
            "sent v2 request with 3 samples, 0 histograms and 1 exemplars; got 2xx, but PRW 2.0 "
            "response header statistics indicate 0 samples, 0 histograms and 0 exemplars were "
            "accepted; assumining failure e.g. the target only supports PRW 1.0 "
            "prometheus.WriteRequest, but does not check the Content-Type header correctly");
  EXPECT_EQ(res.Accepted({3, 0, 1}), WriteCounts{});

  // Explicit zeros are no better.
  r.Reply(200, "", {{"X-Prometheus-Remote-Write-Samples-Written", "0"}});
  EXPECT_EQ(client->StoreBatch("x", 0, {.samples = 3}).kind, WriteResult::Kind::kNonRecoverable);

  // Nothing sent, nothing expected.
  r.Reply(204);
  EXPECT_TRUE(client->StoreBatch("x", 0, {}).ok());

  // A partial count is a success; the rest counts as failed.
  r.Reply(200, "", {{"X-Prometheus-Remote-Write-Samples-Written", "2"}});
  const WriteResult partial = client->StoreBatch("x", 0, {.samples = 3});
  EXPECT_TRUE(partial.ok()) << partial.message;
  EXPECT_EQ(partial.Accepted({.samples = 3}), (WriteCounts{.samples = 2}));
}

TEST(HttpWriteClient, V1SuccessWithoutWrittenCountsWroteEverything) {
  Receiver r;
  auto client = MakeClient(Config(r.url()));
  EXPECT_EQ(client->message(), WriteMessage::kV1);
  r.Reply(204);
  const WriteResult res = client->StoreBatch("x", 0, {.samples = 5});
  ASSERT_TRUE(res.ok()) << res.message;
  EXPECT_EQ(res.Accepted({.samples = 5}), (WriteCounts{.samples = 5}));

  // A 1.0 receiver that does send the headers is taken at its word, as by Prometheus.
  r.Reply(204, "", {{"X-Prometheus-Remote-Write-Samples-Written", "4"}});
  const WriteResult counted = client->StoreBatch("x", 0, {.samples = 5});
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(counted.Accepted({.samples = 5}), (WriteCounts{.samples = 4}));
  r.Reply(204, "", {{"X-Prometheus-Remote-Write-Samples-Written", "0"}});
  EXPECT_TRUE(client->StoreBatch("x", 0, {.samples = 5}).ok());
}

TEST(HttpWriteClient, UnsupportedMediaTypeIsNotRecoverable) {
  // A 1.0-only receiver refusing a 2.0 request: no fallback to 1.0, as in Prometheus 3.x.
  Receiver r;
  auto client = MakeClient(ConfigV2(r.url()));
  r.Reply(415, "remote write 2.0 not supported");
  const WriteResult res = client->StoreBatch("x", 0, {.samples = 1});
  EXPECT_EQ(res.kind, WriteResult::Kind::kNonRecoverable);
  EXPECT_EQ(res.http_status, 415);
  EXPECT_EQ(res.message,
            "server returned HTTP status 415 Unsupported Media Type: remote write 2.0 not "
            "supported");
  EXPECT_EQ(r.Header("X-Prometheus-Remote-Write-Version"), "2.0.0");
}

TEST(CheckWritten, LeavesFailuresAndV1Alone) {
  const WriteResult failed = WriteResult::Recoverable("down", absl::Seconds(1), 503);
  const WriteResult checked = CheckWritten(failed, WriteMessage::kV2, {.samples = 1});
  EXPECT_EQ(checked.kind, WriteResult::Kind::kRecoverable);
  EXPECT_EQ(checked.message, "down");
  EXPECT_TRUE(CheckWritten(WriteResult::Ok(), WriteMessage::kV1, {.samples = 1}).ok());
  EXPECT_FALSE(CheckWritten(WriteResult::Ok(), WriteMessage::kV2, {.histograms = 1}).ok());
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
