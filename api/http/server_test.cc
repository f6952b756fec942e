#include "api/http/server.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <utility>

#include <arpa/inet.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sextant::api::http {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace std::chrono_literals;

// A blocking client socket for crafted requests.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~RawClient() { Close(); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  void Send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      data.remove_prefix(static_cast<size_t>(n));
    }
  }
  // Reads until one whole response (headers and Content-Length bytes) is buffered, the peer
  // closes, or `timeout` passes; returns it ("" on timeout or close without data).
  std::string ReadResponse(std::chrono::milliseconds timeout = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (size_t n = CompleteLength(); n > 0) {
        std::string out = buf_.substr(0, n);
        buf_.erase(0, n);
        return out;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) return "";
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return "";
      char tmp[65536];
      const ssize_t n = recv(fd_, tmp, sizeof(tmp), 0);
      if (n <= 0) {
        closed_ = true;
        std::string out = std::move(buf_);
        buf_.clear();
        return out;
      }
      buf_.append(tmp, static_cast<size_t>(n));
    }
  }
  // Whether the server closed the connection within `timeout` (reading and dropping data).
  bool ClosedWithin(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) return false;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char tmp[4096];
      if (recv(fd_, tmp, sizeof(tmp), 0) <= 0) closed_ = true;
    }
    return true;
  }

 private:
  // The length of the first complete response in buf_, or 0.
  size_t CompleteLength() const {
    const size_t end = buf_.find("\r\n\r\n");
    if (end == std::string::npos) return 0;
    const std::string head = buf_.substr(0, end);
    size_t length = 0;
    if (const size_t cl = head.find("Content-Length: "); cl != std::string::npos) {
      length = std::stoul(head.substr(cl + 16));
    }
    if (head.rfind("HTTP/1.1 100", 0) == 0) return end + 4;
    return buf_.size() >= end + 4 + length ? end + 4 + length : 0;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string buf_;
};

int StatusOf(std::string_view response) {
  if (response.size() < 12) return -1;
  return std::atoi(std::string(response.substr(9, 3)).c_str());
}

std::string BodyOf(std::string_view response) {
  const size_t end = response.find("\r\n\r\n");
  return end == std::string_view::npos ? "" : std::string(response.substr(end + 4));
}

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest() {
    router_.Add("GET", "/-/healthy", [](Request&, Response& res) {
      res.Set(200, "Healthy.\n", "text/plain; charset=utf-8");
    });
    router_.Add("POST", "/echo", [](Request& req, Response& res) {
      res.Set(200, req.body, "application/octet-stream");
    });
    // The length of the `query` parameter, by GET or form POST.
    Handler query_len = [](Request& req, Response& res) {
      auto it = req.params.find("query");
      res.Set(200, std::to_string(it == req.params.end() ? 0 : it->second.size()), "text/plain");
    };
    router_.Add("GET", "/query", query_len, Executor::kQuery);
    router_.Add("POST", "/query", query_len, Executor::kQuery);
    // Runs until the client goes away (or 10 s), then records that it saw the cancel flag.
    router_.Add(
        "GET", "/slow",
        [this](Request& req, Response& res) {
          slow_started_.store(true);
          const auto deadline = std::chrono::steady_clock::now() + 10s;
          while (!req.cancelled() && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(1ms);
          }
          slow_cancelled_.store(req.cancelled());
          res.status = req.cancelled() ? 499 : 200;
        },
        Executor::kQuery);
    // Blocks its pool thread until release_ is set.
    router_.Add(
        "GET", "/block",
        [this](Request&, Response& res) {
          ++blocked_;
          while (!release_.load()) std::this_thread::sleep_for(1ms);
          res.status = 200;
        },
        Executor::kQuery);
    options_.listen_address = *ParseListenAddress("127.0.0.1:0");
    options_.on_accept = [this](int fd) {
      int value = 0;
      socklen_t len = sizeof(value);
      getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &len);
      nodelay_.store(value);
      ++accepted_;
    };
  }
  ~HttpServerTest() override {
    release_.store(true);
    if (server_) server_->Stop();
  }

  void Start() {
    server_ = std::make_unique<HttpServer>(options_, &router_);
    ASSERT_TRUE(server_->Start().ok());
  }
  int port() const { return server_->port(); }
  std::string Exchange(std::string_view request) {
    RawClient c(port());
    c.Send(request);
    return c.ReadResponse();
  }

  Router router_;
  HttpServerOptions options_;
  std::unique_ptr<HttpServer> server_;
  std::atomic<int> nodelay_{-1};
  std::atomic<int> accepted_{0};
  std::atomic<bool> slow_started_{false};
  std::atomic<bool> slow_cancelled_{false};
  std::atomic<int> blocked_{0};
  std::atomic<bool> release_{false};
};

TEST_F(HttpServerTest, KeepAliveWithNoDelay) {
  Start();
  RawClient c(port());
  for (int i = 0; i < 20; ++i) {
    c.Send("GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n");
    const std::string res = c.ReadResponse();
    ASSERT_EQ(StatusOf(res), 200) << i << ": " << res;
    EXPECT_EQ(BodyOf(res), "Healthy.\n");
  }
  EXPECT_EQ(accepted_.load(), 1);  // all 20 on one connection
  EXPECT_EQ(nodelay_.load(), 1);
}

TEST_F(HttpServerTest, ConnectionCloseAndHttp10Close) {
  Start();
  RawClient a(port());
  a.Send("GET /-/healthy HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_THAT(a.ReadResponse(), HasSubstr("Connection: close"));
  EXPECT_TRUE(a.ClosedWithin(2000ms));
  RawClient b(port());
  b.Send("GET /-/healthy HTTP/1.0\r\n\r\n");
  EXPECT_EQ(StatusOf(b.ReadResponse()), 200);
  EXPECT_TRUE(b.ClosedWithin(2000ms));
}

TEST_F(HttpServerTest, PostWithoutContentLengthHasEmptyBody) {
  Start();
  const std::string res = Exchange("POST /echo HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(StatusOf(res), 200);
  EXPECT_EQ(BodyOf(res), "");
}

TEST_F(HttpServerTest, ChunkedBodyIsRead) {
  Start();
  const std::string res = Exchange(
      "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  EXPECT_EQ(StatusOf(res), 200);
  EXPECT_EQ(BodyOf(res), "abcde");
}

TEST_F(HttpServerTest, ExpectContinueGets100First) {
  Start();
  RawClient c(port());
  c.Send("POST /echo HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_THAT(c.ReadResponse(), StartsWith("HTTP/1.1 100 Continue"));
  c.Send("abc");
  EXPECT_EQ(BodyOf(c.ReadResponse()), "abc");
}

TEST_F(HttpServerTest, ConflictingContentLengthIs400) {
  Start();
  const std::string res =
      Exchange("POST /echo HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd");
  EXPECT_EQ(StatusOf(res), 400) << res;
  EXPECT_THAT(res, HasSubstr("Connection: close"));
}

TEST_F(HttpServerTest, DuplicateContentLengthIs400) {
  Start();
  EXPECT_EQ(StatusOf(Exchange(
                "POST /echo HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc")),
            400);
  EXPECT_EQ(StatusOf(Exchange("POST /echo HTTP/1.1\r\nContent-Length: 3, 3\r\n\r\nabc")), 400);
  EXPECT_EQ(StatusOf(Exchange("POST /echo HTTP/1.1\r\nContent-Length: x\r\n\r\nabc")), 400);
}

TEST_F(HttpServerTest, ContentLengthWithTransferEncodingIs400) {
  Start();
  EXPECT_EQ(StatusOf(Exchange("POST /echo HTTP/1.1\r\nContent-Length: 3\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")),
            400);
  EXPECT_EQ(StatusOf(Exchange("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                              "Content-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n")),
            400);
}

TEST_F(HttpServerTest, BadChunkingIs400) {
  Start();
  EXPECT_EQ(StatusOf(Exchange(
                "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")),
            400);
  EXPECT_EQ(StatusOf(Exchange(
                "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n")),
            400);
}

TEST_F(HttpServerTest, UnsupportedTransferEncodingIs501) {
  Start();
  EXPECT_EQ(StatusOf(Exchange("POST /echo HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nabc")), 501);
}

TEST_F(HttpServerTest, MalformedRequestLineIs400) {
  Start();
  EXPECT_EQ(StatusOf(Exchange("GET\r\n\r\n")), 400);
  EXPECT_EQ(StatusOf(Exchange("GET /-/healthy HTTP/1.1\r\nBad Header\r\n\r\n")), 400);
}

TEST_F(HttpServerTest, OversizedHeadersAre431) {
  options_.max_header_bytes = 4096;
  Start();
  const std::string res =
      Exchange("GET /-/healthy HTTP/1.1\r\nX-Big: " + std::string(8192, 'a') + "\r\n\r\n");
  EXPECT_EQ(StatusOf(res), 431) << res;
}

TEST_F(HttpServerTest, OversizedBodyIs413) {
  options_.max_body_bytes = 10;
  Start();
  EXPECT_EQ(StatusOf(Exchange("POST /echo HTTP/1.1\r\nContent-Length: 11\r\n\r\n01234567890")),
            413);
}

TEST_F(HttpServerTest, LargeQueriesByGetAndPost) {
  Start();
  const std::string query(300 * 1024, 'a');
  std::string res = Exchange("GET /query?query=" + query + " HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(StatusOf(res), 200);
  EXPECT_EQ(BodyOf(res), std::to_string(query.size()));
  const std::string form = "query=" + query;
  res = Exchange(
      "POST /query HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
      "Content-Length: " +
      std::to_string(form.size()) + "\r\n\r\n" + form);
  EXPECT_EQ(StatusOf(res), 200);
  EXPECT_EQ(BodyOf(res), std::to_string(query.size()));
}

TEST_F(HttpServerTest, HeadHasLengthButNoBody) {
  Start();
  RawClient c(port());
  c.Send("HEAD /-/healthy HTTP/1.1\r\n\r\nGET /-/healthy HTTP/1.1\r\n\r\n");
  // A HEAD answer has GET's Content-Length but no body, so the GET answer follows right after
  // its headers (RawClient, not knowing the method, takes its first 9 bytes as HEAD's body).
  const std::string head = c.ReadResponse();
  EXPECT_THAT(head, HasSubstr("Content-Length: 9\r\n"));
  EXPECT_EQ(BodyOf(head), "HTTP/1.1 ");
}

TEST_F(HttpServerTest, GzipWhenAccepted) {
  router_.Add("GET", "/big", [](Request&, Response& res) {
    res.Set(200, std::string(10000, 'x'), "application/json");
  });
  Start();
  const std::string plain = Exchange("GET /big HTTP/1.1\r\n\r\n");
  EXPECT_EQ(BodyOf(plain).size(), 10000u);
  const std::string gz = Exchange("GET /big HTTP/1.1\r\nAccept-Encoding: gzip, deflate\r\n\r\n");
  EXPECT_THAT(gz, HasSubstr("Content-Encoding: gzip"));
  EXPECT_LT(BodyOf(gz).size(), 200u);
  EXPECT_EQ(BodyOf(gz).substr(0, 2), "\x1f\x8b");
  const std::string refused = Exchange("GET /big HTTP/1.1\r\nAccept-Encoding: gzip;q=0\r\n\r\n");
  EXPECT_THAT(refused, Not(HasSubstr("Content-Encoding")));
}

TEST_F(HttpServerTest, SlowClientsDoNotBlockOthers) {
  Start();
  std::vector<std::unique_ptr<RawClient>> slow;
  for (int i = 0; i < 8; ++i) {
    slow.push_back(std::make_unique<RawClient>(port()));
    slow.back()->Send("GET / HTTP/1.1\r\n");
  }
  for (int i = 0; i < 8; ++i) {
    slow.push_back(std::make_unique<RawClient>(port()));
    slow.back()->Send("POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc");
  }
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(StatusOf(Exchange("GET /-/healthy HTTP/1.1\r\n\r\n")), 200);
  }
}

TEST_F(HttpServerTest, HeaderTimeoutClosesHalfSentRequests) {
  options_.header_timeout = absl::Milliseconds(200);
  Start();
  RawClient c(port());
  c.Send("GET /-/healthy HTTP/1.1\r\n");
  EXPECT_TRUE(c.ClosedWithin(3000ms));
  RawClient idle(port());  // never sends anything
  EXPECT_TRUE(idle.ClosedWithin(3000ms));
}

TEST_F(HttpServerTest, ReadTimeoutBoundsSlowBodies) {
  options_.read_timeout = absl::Milliseconds(300);
  Start();
  RawClient c(port());
  c.Send("POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\n");
  for (int i = 0; i < 20 && !c.ClosedWithin(100ms); ++i) c.Send("a");
  EXPECT_TRUE(c.ClosedWithin(1000ms));
}

TEST_F(HttpServerTest, IdleTimeoutClosesKeptAliveConnections) {
  options_.idle_timeout = absl::Milliseconds(200);
  Start();
  RawClient c(port());
  c.Send("GET /-/healthy HTTP/1.1\r\n\r\n");
  EXPECT_EQ(StatusOf(c.ReadResponse()), 200);
  EXPECT_TRUE(c.ClosedWithin(3000ms));
}

TEST_F(HttpServerTest, ConnectionLimitStopsAccepting) {
  options_.max_connections = 2;
  Start();
  RawClient a(port());
  RawClient b(port());
  a.Send("GET /-/healthy HTTP/1.1\r\n\r\n");
  b.Send("GET /-/healthy HTTP/1.1\r\n\r\n");
  EXPECT_EQ(StatusOf(a.ReadResponse()), 200);
  EXPECT_EQ(StatusOf(b.ReadResponse()), 200);
  // The third connects (the kernel's backlog) but is not served while two are open.
  RawClient c(port());
  ASSERT_TRUE(c.connected());
  c.Send("GET /-/healthy HTTP/1.1\r\n\r\n");
  EXPECT_EQ(c.ReadResponse(300ms), "");
  EXPECT_EQ(server_->open_connections(), 2);
  a.Close();
  EXPECT_EQ(StatusOf(c.ReadResponse()), 200);
  EXPECT_EQ(accepted_.load(), 3);
}

TEST_F(HttpServerTest, BusyQueryPoolDoesNotDelayInlineHandlers) {
  options_.query_threads = 2;
  Start();
  RawClient q1(port());
  RawClient q2(port());
  q1.Send("GET /block HTTP/1.1\r\n\r\n");
  q2.Send("GET /block HTTP/1.1\r\n\r\n");
  for (int i = 0; i < 500 && blocked_.load() < 2; ++i) std::this_thread::sleep_for(2ms);
  ASSERT_EQ(blocked_.load(), 2);
  // Every query thread is busy; health still answers.
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(StatusOf(Exchange("GET /-/healthy HTTP/1.1\r\n\r\n")), 200);
  }
  release_.store(true);
  EXPECT_EQ(StatusOf(q1.ReadResponse()), 200);
  EXPECT_EQ(StatusOf(q2.ReadResponse()), 200);
}

TEST_F(HttpServerTest, DisconnectCancelsPooledHandler) {
  Start();
  {
    RawClient c(port());
    c.Send("GET /slow HTTP/1.1\r\n\r\n");
    for (int i = 0; i < 500 && !slow_started_.load(); ++i) std::this_thread::sleep_for(2ms);
    ASSERT_TRUE(slow_started_.load());
  }  // the client goes away
  const auto closed = std::chrono::steady_clock::now();
  while (!slow_cancelled_.load() && std::chrono::steady_clock::now() - closed < 5s) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_TRUE(slow_cancelled_.load());
  // The connection after it is served normally.
  EXPECT_EQ(StatusOf(Exchange("GET /-/healthy HTTP/1.1\r\n\r\n")), 200);
}

TEST_F(HttpServerTest, PipelinedRequestDuringPooledHandlerIsServed) {
  Start();
  RawClient c(port());
  c.Send("GET /query?query=abc HTTP/1.1\r\n\r\nGET /-/healthy HTTP/1.1\r\n\r\n");
  EXPECT_EQ(BodyOf(c.ReadResponse()), "3");
  EXPECT_EQ(BodyOf(c.ReadResponse()), "Healthy.\n");
}

TEST_F(HttpServerTest, AuthenticationHookRefuses) {
  options_.web.authenticate = [](const Request& req) {
    AuthResult r;
    r.allowed = req.GetHeader("Authorization") == "Basic dTpw";
    r.headers = {{"WWW-Authenticate", "Basic"}};
    return r;
  };
  options_.web.response_headers = [] {
    return std::vector<Header>{{"X-Content-Type-Options", "nosniff"}};
  };
  Start();
  const std::string refused = Exchange("GET /-/healthy HTTP/1.1\r\n\r\n");
  EXPECT_EQ(StatusOf(refused), 401);
  EXPECT_THAT(refused, HasSubstr("WWW-Authenticate: Basic\r\n"));
  EXPECT_EQ(BodyOf(refused), "Unauthorized\n");
  const std::string ok = Exchange("GET /-/healthy HTTP/1.1\r\nAuthorization: Basic dTpw\r\n\r\n");
  EXPECT_EQ(StatusOf(ok), 200);
  EXPECT_THAT(ok, HasSubstr("X-Content-Type-Options: nosniff\r\n"));
}

// A deferred check runs on the authentication thread; while it blocks, requests the quick check
// decides are answered at once.
TEST_F(HttpServerTest, DeferredAuthenticationRunsOffTheIoThreads) {
  std::atomic<bool> release{false};
  std::atomic<int> slow_calls{0};
  std::atomic<bool> slow_on_io_thread{false};
  options_.io_threads = 1;
  options_.web.authenticate = [](const Request& req) {
    AuthResult r;
    r.allowed = req.GetHeader("Authorization") == "Basic cached";
    r.deferred = req.GetHeader("Authorization") == "Basic slow";
    return r;
  };
  std::atomic<std::thread::id> io_thread;
  router_.Add("GET", "/thread", [&io_thread](Request&, Response& res) {
    io_thread.store(std::this_thread::get_id());
    res.status = 200;
  });
  options_.web.authenticate_blocking = [&](const Request&) {
    slow_on_io_thread.store(std::this_thread::get_id() == io_thread.load());
    ++slow_calls;
    while (!release.load()) std::this_thread::sleep_for(1ms);
    return AuthResult{};
  };
  Start();
  EXPECT_EQ(StatusOf(Exchange("GET /thread HTTP/1.1\r\nAuthorization: Basic cached\r\n\r\n")), 200);
  RawClient slow(port());
  slow.Send("GET /-/healthy HTTP/1.1\r\nAuthorization: Basic slow\r\n\r\n");
  for (int i = 0; i < 500 && slow_calls.load() == 0; ++i) std::this_thread::sleep_for(2ms);
  ASSERT_EQ(slow_calls.load(), 1);
  EXPECT_FALSE(slow_on_io_thread.load());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(StatusOf(Exchange("GET /-/healthy HTTP/1.1\r\nAuthorization: Basic cached\r\n\r\n")),
            200);
  EXPECT_EQ(StatusOf(Exchange("GET /-/healthy HTTP/1.1\r\n\r\n")), 401);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_EQ(slow.ReadResponse(50ms), "");  // still waiting for its check
  release.store(true);
  EXPECT_EQ(StatusOf(slow.ReadResponse()), 200);
}

TEST_F(HttpServerTest, DeferredAuthenticationWithoutSlowCheckIsRefused) {
  options_.web.authenticate = [](const Request&) {
    AuthResult r;
    r.deferred = true;
    return r;
  };
  Start();
  EXPECT_EQ(StatusOf(Exchange("GET /-/healthy HTTP/1.1\r\n\r\n")), 401);
}

// Extra headers go on every response, but a header the handler set keeps the handler's value.
TEST_F(HttpServerTest, ResponseHeadersDoNotOverrideTheHandlers) {
  router_.Add("GET", "/own", [](Request&, Response& res) {
    res.SetHeader("X-Frame-Options", "SAMEORIGIN");
    res.status = 200;
  });
  options_.web.response_headers = [] {
    return std::vector<Header>{{"X-Frame-Options", "DENY"}, {"X-Extra", "1"}};
  };
  Start();
  const std::string own = Exchange("GET /own HTTP/1.1\r\n\r\n");
  EXPECT_THAT(own, HasSubstr("X-Frame-Options: SAMEORIGIN\r\n"));
  EXPECT_THAT(own, ::testing::Not(HasSubstr("DENY")));
  EXPECT_THAT(own, HasSubstr("X-Extra: 1\r\n"));
  EXPECT_THAT(Exchange("GET /-/healthy HTTP/1.1\r\n\r\n"), HasSubstr("X-Frame-Options: DENY\r\n"));
}

TEST_F(HttpServerTest, StopCancelsRunningHandlersAndReturns) {
  Start();
  RawClient c(port());
  c.Send("GET /slow HTTP/1.1\r\n\r\n");
  for (int i = 0; i < 500 && !slow_started_.load(); ++i) std::this_thread::sleep_for(2ms);
  server_->Stop();
  EXPECT_TRUE(slow_cancelled_.load());
  EXPECT_EQ(StatusOf(c.ReadResponse()), 499);
}

TEST(HttpServerStart, PortInUseIsUnavailable) {
  Router router;
  HttpServerOptions o;
  o.listen_address = *ParseListenAddress("127.0.0.1:0");
  HttpServer first(o, &router);
  ASSERT_TRUE(first.Start().ok());
  o.listen_address = *ParseListenAddress("127.0.0.1:" + std::to_string(first.port()));
  HttpServer second(o, &router);
  EXPECT_EQ(second.Start().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ParseListenAddress("nope").status().code(), absl::StatusCode::kInvalidArgument);
}

// TLS with a self-signed certificate made by the openssl command line.
TEST_F(HttpServerTest, ServesTls) {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / ("http_tls_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string cert = (dir / "cert.pem").string();
  const std::string key = (dir / "key.pem").string();
  const std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
      "-subj /CN=localhost -keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl is needed (scripts/setup installs it)";
  namespace ssl = boost::asio::ssl;
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->use_certificate_chain_file(cert);
  context->use_private_key_file(key, ssl::context::pem);
  options_.web.tls_context = [context] { return context; };
  Start();

  boost::asio::io_context ioc;
  ssl::context client_ctx(ssl::context::tls_client);
  client_ctx.load_verify_file(cert);
  ssl::stream<boost::asio::ip::tcp::socket> stream(ioc, client_ctx);
  stream.set_verify_mode(ssl::verify_peer);
  SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
  stream.next_layer().connect(boost::asio::ip::tcp::endpoint(
      boost::asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port())));
  stream.handshake(ssl::stream_base::client);
  std::string reply;
  for (int i = 0; i < 2; ++i) {  // two requests on the kept-alive TLS connection
    const std::string req = "GET /-/healthy HTTP/1.1\r\nHost: localhost\r\n\r\n";
    boost::asio::write(stream, boost::asio::buffer(req));
    reply.clear();
    char buf[4096];
    while (reply.find("Healthy.\n") == std::string::npos) {
      boost::system::error_code ec;
      const size_t n = stream.read_some(boost::asio::buffer(buf), ec);
      if (ec) break;
      reply.append(buf, n);
    }
    EXPECT_EQ(StatusOf(reply), 200) << reply;
  }
  // Plain HTTP to the TLS port gets no HTTP answer.
  RawClient plain(port());
  plain.Send("GET /-/healthy HTTP/1.1\r\n\r\n");
  EXPECT_EQ(StatusOf(plain.ReadResponse(2000ms)), -1);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sextant::api::http
