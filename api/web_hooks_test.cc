#include "api/web_hooks.h"

#include <memory>
#include <string>
#include <utility>  // before Asio: 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api/http/router.h"
#include "api/web/test_certs.h"

namespace sextant::api {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kAliceHash[] = "$2y$04$Q1w2E3r4T5y6U7i8O9p0Au.PE7zIYRsgZf9zRQYyJqYtAIvVzpyfm";
constexpr char kAliceRight[] = "Basic YWxpY2U6YWxpY2Utc2VjcmV0";  // alice:alice-secret
constexpr char kAliceWrong[] = "Basic YWxpY2U6d3Jvbmc=";          // alice:wrong

class WebHooksTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(certs_.ok()); }

  void Start(const std::string& web_yml) {
    certs_.Write("web.yml", web_yml);
    auto w = web::WebConfigWatcher::Create(certs_.Path("web.yml"));
    ASSERT_TRUE(w.ok()) << w.status();
    watcher_ = std::shared_ptr<web::WebConfigWatcher>(std::move(*w));
    router_.Add("GET", "/-/healthy", [](http::Request&, http::Response& res) {
      res.Set(200, "Healthy.\n", "text/plain; charset=utf-8");
    });
    http::HttpServerOptions o;
    o.listen_address = *http::ParseListenAddress("127.0.0.1:0");
    o.web = MakeWebHooks(watcher_);
    server_ = std::make_unique<http::HttpServer>(std::move(o), &router_);
    ASSERT_TRUE(server_->Start().ok());
  }

  // One request over TLS (verifying the server against the test CA, presenting `client` and its
  // key when given); the whole response, or "handshake failed".
  std::string Get(const std::string& authorization, const std::string& client = "") {
    namespace ssl = boost::asio::ssl;
    boost::asio::io_context ioc;
    ssl::context ctx(ssl::context::tls_client);
    ctx.load_verify_file(certs_.Path("ca.crt"));
    if (!client.empty()) {
      ctx.use_certificate_chain_file(certs_.Path(client + ".crt"));
      ctx.use_private_key_file(certs_.Path(client + ".key"), ssl::context::pem);
    }
    ssl::stream<boost::asio::ip::tcp::socket> stream(ioc, ctx);
    stream.set_verify_mode(ssl::verify_peer);
    SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
    stream.next_layer().connect(boost::asio::ip::tcp::endpoint(
        boost::asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(server_->port())));
    boost::system::error_code ec;
    stream.handshake(ssl::stream_base::client, ec);
    if (ec) return "handshake failed";
    std::string req = "GET /-/healthy HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
    if (!authorization.empty()) req += "Authorization: " + authorization + "\r\n";
    req += "\r\n";
    boost::asio::write(stream, boost::asio::buffer(req), ec);
    std::string reply;
    char buf[4096];
    for (;;) {
      const size_t n = stream.read_some(boost::asio::buffer(buf), ec);
      reply.append(buf, n);
      if (ec) break;
    }
    // TLS 1.3 reports a refused client certificate after the handshake, at the first read.
    return reply.empty() ? "handshake failed" : reply;
  }

  std::string TlsSection(const std::string& client_auth) const {
    return "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n" + client_auth;
  }

  web::testing::TestCerts certs_;
  std::shared_ptr<web::WebConfigWatcher> watcher_;
  http::Router router_;
  std::unique_ptr<http::HttpServer> server_;
};

TEST_F(WebHooksTest, TlsBasicAuthAndHeaders) {
  Start(TlsSection("") + "basic_auth_users:\n  alice: " + kAliceHash +
        "\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n");
  const std::string missing = Get("");
  EXPECT_THAT(missing, StartsWith("HTTP/1.1 401 Unauthorized\r\n"));
  EXPECT_THAT(missing, HasSubstr("WWW-Authenticate: Basic\r\n"));
  EXPECT_THAT(missing, HasSubstr("X-Frame-Options: deny\r\n"));
  EXPECT_THAT(missing, HasSubstr("\r\n\r\nUnauthorized\n"));
  EXPECT_THAT(Get(kAliceWrong), StartsWith("HTTP/1.1 401 "));
  for (int i = 0; i < 2; ++i) {  // bcrypt on the authentication thread, then from the cache
    const std::string ok = Get(kAliceRight);
    EXPECT_THAT(ok, StartsWith("HTTP/1.1 200 OK\r\n"));
    EXPECT_THAT(ok, HasSubstr("X-Frame-Options: deny\r\n"));
    EXPECT_THAT(ok, Not(HasSubstr("WWW-Authenticate")));
  }
  EXPECT_EQ(watcher_->Current()->auth().bcrypt_computations(), 2);
}

TEST_F(WebHooksTest, ClientCertificateRequired) {
  Start(TlsSection("  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n"));
  EXPECT_EQ(Get(""), "handshake failed");
  EXPECT_EQ(Get("", "other"), "handshake failed");  // self-signed, not by the CA
  EXPECT_THAT(Get("", "client"), StartsWith("HTTP/1.1 200 OK\r\n"));
}

TEST(CorsHook, SetsHeadersForMatchingOrigins) {
  auto policy = web::CorsPolicy::Create("https://grafana\\.example");
  ASSERT_TRUE(policy.ok());
  auto hook = MakeCorsHook(*std::move(policy));
  http::Request req;
  req.headers.push_back({"Origin", "https://grafana.example"});
  http::Response res;
  hook(req, res);
  EXPECT_EQ(res.GetHeader("Access-Control-Allow-Origin"), "https://grafana.example");
  EXPECT_EQ(res.GetHeader("Vary"), "Origin");
  req.headers = {{"Origin", "https://evil.example"}};
  res = http::Response();
  hook(req, res);
  EXPECT_EQ(res.GetHeader("Access-Control-Allow-Origin"), "");
  req.headers.clear();
  res = http::Response();
  hook(req, res);
  EXPECT_TRUE(res.headers.empty());
}

}  // namespace
}  // namespace sextant::api
