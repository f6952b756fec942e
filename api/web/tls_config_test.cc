#include "api/web/tls_config.h"

#include <string>

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "api/web/test_certs.h"

namespace sextant::api::web {
namespace {

struct ClientOptions {
  std::string cert;  // file names in the TestCerts directory; "" = no client certificate
  std::string key;
  int max_version = 0;
  std::string ciphers;  // TLS 1.2 cipher list; "" = OpenSSL's default
  std::string groups;
  bool offer_alpn = false;  // offer h2 and http/1.1
};

struct Result {
  bool ok = false;
  std::string cipher;
  std::string alpn;
  bool peer_cert = false;  // the server saw a client certificate
};

class TlsConfigTest : public ::testing::Test {
 protected:
  // One PKI for the suite: making it takes the openssl command line a few hundred ms.
  static void SetUpTestSuite() { shared_certs_ = new testing::TestCerts(); }
  static void TearDownTestSuite() {
    delete shared_certs_;
    shared_certs_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(certs_.ok()) << "openssl command line failed"; }

  TlsServerConfig Base() const {
    TlsServerConfig c;
    c.cert_file = certs_.Path("server.crt");
    c.key_file = certs_.Path("server.key");
    return c;
  }

  SslCtxPtr Build(const TlsServerConfig& c) {
    auto ctx = BuildTlsContext(c);
    EXPECT_TRUE(ctx.ok()) << ctx.status();
    return ctx.ok() ? *ctx : nullptr;
  }

  // A full handshake over an in-memory BIO pair, the client verifying the server as "localhost"
  // against the test CA. The SSL is made before `server_ctx` may be released by the caller.
  Result Handshake(SslCtxPtr server_ctx, const ClientOptions& o, bool release_ctx = false) {
    Result r;
    if (server_ctx == nullptr) return r;
    SSL_CTX* cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(cctx, certs_.Path("ca.crt").c_str(), nullptr);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, nullptr);
    if (!o.cert.empty()) {
      SSL_CTX_use_certificate_file(cctx, certs_.Path(o.cert).c_str(), SSL_FILETYPE_PEM);
      SSL_CTX_use_PrivateKey_file(cctx, certs_.Path(o.key).c_str(), SSL_FILETYPE_PEM);
    }
    if (o.max_version != 0) {
      if (o.max_version < TLS1_2_VERSION) SSL_CTX_set_security_level(cctx, 0);
      SSL_CTX_set_min_proto_version(cctx, 0);
      SSL_CTX_set_max_proto_version(cctx, o.max_version);
    }
    if (!o.ciphers.empty()) SSL_CTX_set_cipher_list(cctx, o.ciphers.c_str());
    if (!o.groups.empty()) SSL_CTX_set1_groups_list(cctx, o.groups.c_str());
    if (o.offer_alpn) {
      static constexpr unsigned char kProtos[] = {2,   'h', '2', 8,   'h', 't',
                                                  't', 'p', '/', '1', '.', '1'};
      SSL_CTX_set_alpn_protos(cctx, kProtos, sizeof(kProtos));
    }
    SSL* client = SSL_new(cctx);
    SSL* server = SSL_new(server_ctx.get());
    if (release_ctx) server_ctx.reset();
    SSL_set1_host(client, "localhost");
    BIO* cb = nullptr;
    BIO* sb = nullptr;
    BIO_new_bio_pair(&cb, 0, &sb, 0);
    SSL_set_bio(client, cb, cb);
    SSL_set_bio(server, sb, sb);
    SSL_set_connect_state(client);
    SSL_set_accept_state(server);
    int c_done = 0;
    int s_done = 0;
    bool failed = false;
    for (int i = 0; i < 50 && !failed && (c_done != 1 || s_done != 1); ++i) {
      if (c_done != 1) {
        c_done = SSL_do_handshake(client);
        const int e = SSL_get_error(client, c_done);
        if (c_done != 1 && e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) failed = true;
      }
      if (s_done != 1) {
        s_done = SSL_do_handshake(server);
        const int e = SSL_get_error(server, s_done);
        if (s_done != 1 && e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) failed = true;
      }
    }
    r.ok = !failed && c_done == 1 && s_done == 1;
    if (r.ok) {
      r.cipher = SSL_get_cipher_name(server);
      const unsigned char* alpn = nullptr;
      unsigned int alpn_len = 0;
      SSL_get0_alpn_selected(server, &alpn, &alpn_len);
      r.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_len);
      X509* peer = SSL_get1_peer_certificate(server);
      r.peer_cert = peer != nullptr;
      X509_free(peer);
    }
    ERR_clear_error();
    SSL_free(client);
    SSL_free(server);
    SSL_CTX_free(cctx);
    return r;
  }

  static testing::TestCerts* shared_certs_;
  const testing::TestCerts& certs_ = *shared_certs_;
};

testing::TestCerts* TlsConfigTest::shared_certs_ = nullptr;

const ClientOptions kNoCert;
const ClientOptions kClientCert{.cert = "client.crt", .key = "client.key"};
const ClientOptions kOtherCert{.cert = "other.crt", .key = "other.key"};

TEST_F(TlsConfigTest, NotEnabledIsNoTlsConfig) {
  auto ctx = BuildTlsContext(TlsServerConfig{});
  ASSERT_FALSE(ctx.ok());
  EXPECT_EQ(ctx.status().message(), "TLS config is not present");
}

TEST_F(TlsConfigTest, PlainServerCertificate) {
  const Result r = Handshake(Build(Base()), kNoCert);
  EXPECT_TRUE(r.ok);
  EXPECT_FALSE(r.peer_cert);
}

TEST_F(TlsConfigTest, AlpnSelectsHttp11) {
  const Result r = Handshake(Build(Base()), {.offer_alpn = true});
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.alpn, "http/1.1");
}

TEST_F(TlsConfigTest, InlineCertificateAndKey) {
  TlsServerConfig c;
  c.cert = certs_.Read("server.crt");
  c.key = certs_.Read("server.key");
  EXPECT_TRUE(Handshake(Build(c), kNoCert).ok);
}

TEST_F(TlsConfigTest, NoClientCertIgnoresClientCertificates) {
  TlsServerConfig c = Base();
  c.client_auth_type = "NoClientCert";
  const Result r = Handshake(Build(c), kOtherCert);
  EXPECT_TRUE(r.ok);
  EXPECT_FALSE(r.peer_cert);  // never requested
}

TEST_F(TlsConfigTest, RequireAndVerifyClientCert) {
  TlsServerConfig c = Base();
  c.client_auth_type = "RequireAndVerifyClientCert";
  c.client_ca_file = certs_.Path("ca.crt");
  SslCtxPtr ctx = Build(c);
  EXPECT_FALSE(Handshake(ctx, kNoCert).ok);
  const Result r = Handshake(ctx, kClientCert);
  EXPECT_TRUE(r.ok);
  EXPECT_TRUE(r.peer_cert);
  EXPECT_FALSE(Handshake(ctx, kOtherCert).ok);  // not signed by the CA
}

TEST_F(TlsConfigTest, RequireAndVerifyWithInlineCa) {
  TlsServerConfig c = Base();
  c.client_auth_type = "RequireAndVerifyClientCert";
  c.client_ca = certs_.Read("ca.crt");
  SslCtxPtr ctx = Build(c);
  EXPECT_TRUE(Handshake(ctx, kClientCert).ok);
  EXPECT_FALSE(Handshake(ctx, kOtherCert).ok);
}

TEST_F(TlsConfigTest, RequireAndVerifyWithoutCaRejectsAll) {
  TlsServerConfig c = Base();
  c.client_auth_type = "RequireAndVerifyClientCert";
  EXPECT_FALSE(Handshake(Build(c), kClientCert).ok);
}

TEST_F(TlsConfigTest, VerifyClientCertIfGiven) {
  TlsServerConfig c = Base();
  c.client_auth_type = "VerifyClientCertIfGiven";
  c.client_ca_file = certs_.Path("ca.crt");
  SslCtxPtr ctx = Build(c);
  EXPECT_TRUE(Handshake(ctx, kNoCert).ok);
  EXPECT_TRUE(Handshake(ctx, kClientCert).ok);
  EXPECT_FALSE(Handshake(ctx, kOtherCert).ok);
}

TEST_F(TlsConfigTest, RequireAnyClientCertDoesNotVerify) {
  for (const char* mode : {"RequireAnyClientCert", "RequireClientCert"}) {
    SCOPED_TRACE(mode);
    TlsServerConfig c = Base();
    c.client_auth_type = mode;
    SslCtxPtr ctx = Build(c);
    EXPECT_FALSE(Handshake(ctx, kNoCert).ok);
    const Result r = Handshake(ctx, kOtherCert);
    EXPECT_TRUE(r.ok);
    EXPECT_TRUE(r.peer_cert);
  }
}

TEST_F(TlsConfigTest, RequestClientCertAcceptsAnyOrNone) {
  TlsServerConfig c = Base();
  c.client_auth_type = "RequestClientCert";
  SslCtxPtr ctx = Build(c);
  EXPECT_TRUE(Handshake(ctx, kNoCert).ok);
  const Result r = Handshake(ctx, kOtherCert);
  EXPECT_TRUE(r.ok);
  EXPECT_TRUE(r.peer_cert);
}

TEST_F(TlsConfigTest, ClientAllowedSans) {
  TlsServerConfig c = Base();
  c.client_auth_type = "RequireAndVerifyClientCert";
  c.client_ca_file = certs_.Path("ca.crt");
  c.client_allowed_sans = std::vector<std::string>{"one", "client.example"};
  EXPECT_TRUE(Handshake(Build(c), kClientCert).ok);
  c.client_allowed_sans = std::vector<std::string>{"spiffe://test/client"};
  EXPECT_TRUE(Handshake(Build(c), kClientCert).ok);
  c.client_allowed_sans = std::vector<std::string>{"bad"};
  EXPECT_FALSE(Handshake(Build(c), kClientCert).ok);
  c.client_allowed_sans = std::vector<std::string>{};
  EXPECT_FALSE(Handshake(Build(c), kClientCert).ok);
  // Checked in the non-verifying modes too.
  c.client_auth_type = "RequireAnyClientCert";
  c.client_ca_file.clear();
  c.client_allowed_sans = std::vector<std::string>{"intruder.example"};
  EXPECT_TRUE(Handshake(Build(c), kOtherCert).ok);
  EXPECT_FALSE(Handshake(Build(c), kClientCert).ok);
}

TEST_F(TlsConfigTest, VersionsDefaultToTls12AndUp) {
  SslCtxPtr ctx = Build(Base());
  EXPECT_FALSE(Handshake(ctx, {.max_version = TLS1_1_VERSION}).ok);
  EXPECT_TRUE(Handshake(ctx, {.max_version = TLS1_2_VERSION}).ok);
  TlsServerConfig c = Base();
  c.min_version = TlsVersion::kTls13;
  EXPECT_FALSE(Handshake(Build(c), {.max_version = TLS1_2_VERSION}).ok);
  c.min_version = TlsVersion::kTls12;
  c.max_version = TlsVersion::kTls12;
  EXPECT_TRUE(Handshake(Build(c), {.max_version = TLS1_2_VERSION}).ok);
}

TEST_F(TlsConfigTest, CipherSuitesForTls12) {
  TlsServerConfig c = Base();
  c.max_version = TlsVersion::kTls12;
  c.cipher_suites = {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"};
  SslCtxPtr ctx = Build(c);
  EXPECT_FALSE(Handshake(ctx, {.ciphers = "ECDHE-ECDSA-AES256-GCM-SHA384"}).ok);
  const Result r =
      Handshake(ctx, {.ciphers = "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256"});
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.cipher, "ECDHE-ECDSA-AES128-GCM-SHA256");
}

TEST_F(TlsConfigTest, OnlyTls13CipherSuitesRefuseTls12) {
  TlsServerConfig c = Base();
  c.cipher_suites = {"TLS_AES_128_GCM_SHA256"};
  SslCtxPtr ctx = Build(c);
  EXPECT_FALSE(Handshake(ctx, {.max_version = TLS1_2_VERSION}).ok);
  EXPECT_TRUE(Handshake(ctx, kNoCert).ok);
}

TEST_F(TlsConfigTest, CurvePreferences) {
  TlsServerConfig c = Base();
  c.curve_preferences = {Curve::kP384};
  SslCtxPtr ctx = Build(c);
  EXPECT_FALSE(Handshake(ctx, {.groups = "X25519"}).ok);
  EXPECT_TRUE(Handshake(ctx, {.groups = "X25519:P-384"}).ok);
}

TEST_F(TlsConfigTest, ConnectionsOutliveTheContextPointer) {
  TlsServerConfig c = Base();
  c.client_auth_type = "RequireAndVerifyClientCert";
  c.client_ca_file = certs_.Path("ca.crt");
  c.client_allowed_sans = std::vector<std::string>{"client.example"};
  // The verification state lives in the SSL_CTX, which the SSL keeps alive.
  EXPECT_TRUE(Handshake(Build(c), kClientCert, /*release_ctx=*/true).ok);
}

}  // namespace
}  // namespace sextant::api::web
