#include "api/web/web_config.h"

#include <string>

#include <gtest/gtest.h>

#include "api/web/test_certs.h"

namespace sextant::api::web {
namespace {

// Hashes made with Python's crypt (libxcrypt) and checked against Go's bcrypt.Cost rules.
constexpr char kAliceHash[] = "$2b$04$abcdefghijklmnopqrstuuPp7HPfoAs8I2dCQCQ/fW7zEJv8I8C8e";

struct Case {
  const char* name;
  std::string yaml;
  std::string error;  // "" = valid
};

TEST(WebConfig, ValidationTable) {
  const Case cases[] = {
      {"empty", "", ""},
      {"comment only", "# nothing\n", ""},
      {"junk", "hWkNKCp3fvIx3jKnsaBI\nTuEjdwNS8A2vYdFbiKqr\n",
       "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `hWkNKCp...` into web.Config"},
      {"top-level list", "- a\n",
       "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into web.Config"},
      {"unknown field", "tls_server_config:\n  cert_filse: server.crt\n",
       "yaml: unmarshal errors:\n  line 2: field cert_filse not found in type web.TLSConfig"},
      {"unknown top-level field", "rate_limit:\n  burst: 1\n",
       "yaml: unmarshal errors:\n  line 1: field rate_limit not found in type web.Config"},
      {"two errors", "http_server_config:\n  http2: maybe\n  foo: 1\n",
       "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!str `maybe` into bool\n"
       "  line 3: field foo not found in type web.HTTPConfig"},
      {"repeated field", "http_server_config:\n  http2: true\n  http2: false\n",
       "yaml: unmarshal errors:\n  line 3: field http2 already set in type web.HTTPConfig"},
      {"repeated user", std::string("basic_auth_users:\n  a: ") + kAliceHash + "\n  a: x\n",
       "yaml: unmarshal errors:\n  line 3: key \"a\" already set in map"},
      {"map as string", "tls_server_config:\n  cert_file: {a: b}\n",
       "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!map into string"},
      {"sans not a list", "tls_server_config:\n  client_allowed_sans: one\n",
       "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!str `one` into []string"},
      {"syntax error", "a: b: c\n", "yaml: line 1: illegal map value"},
      {"unknown cipher",
       "tls_server_config:\n  cipher_suites:\n  - TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA2048\n",
       "unknown cipher: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA2048"},
      {"insecure cipher", "tls_server_config:\n  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n",
       "unknown cipher: TLS_RSA_WITH_RC4_128_SHA"},
      {"unknown curve", "tls_server_config:\n  curve_preferences: [CurveP257]\n",
       "unknown curve: CurveP257"},
      {"unknown version", "tls_server_config:\n  min_version: TLS111\n",
       "unknown TLS version: TLS111"},
      {"all ciphers",
       "tls_server_config:\n  cipher_suites:\n  - TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256\n"
       "  - TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256\n  - TLS_AES_128_GCM_SHA256\n",
       ""},
      {"curves",
       "tls_server_config:\n  curve_preferences: [CurveP256, CurveP384, CurveP521, X25519]\n", ""},
      {"headers",
       "http_server_config:\n  headers:\n    X-Frame-Options: deny\n"
       "    Strict-Transport-Security: max-age=31536000; includeSubDomains\n"
       "    X-Content-Type-Options: nosniff\n    X-XSS-Protection: 1\n"
       "    Content-Security-Policy: \"default-src 'self'\"\n",
       ""},
      {"header not allowed", "http_server_config:\n  headers:\n    Content-Type: foo\n",
       "HTTP header \"Content-Type\" can not be configured"},
      {"header name case matters", "http_server_config:\n  headers:\n    x-frame-options: deny\n",
       "HTTP header \"x-frame-options\" can not be configured"},
      {"frame options value", "http_server_config:\n  headers:\n    X-Frame-Options: foo\n",
       "invalid value for X-Frame-Options. Expected one of: [\"deny\" \"sameorigin\"], but got: "
       "\"foo\""},
      {"content type options value",
       "http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n",
       "invalid value for X-Content-Type-Options. Expected one of: [\"nosniff\"], but got: "
       "\"sniff\""},
      {"http2 off", "http_server_config:\n  http2: false\n", ""},
      {"users", std::string("basic_auth_users:\n  alice: ") + kAliceHash + "\n", ""},
      {"user hash too short", "basic_auth_users:\n  john: doe\n",
       "crypto/bcrypt: hashedSecret too short to be a bcrypted password"},
      {"user hash bad prefix",
       "basic_auth_users:\n  john: x2b$04$abcdefghijklmnopqrstuuPp7HPfoAs8I2dCQCQ/fW7zEJv8I8C8e\n",
       "crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with 'x'"},
      {"user hash cost",
       "basic_auth_users:\n  john: $2b$03$abcdefghijklmnopqrstuuPp7HPfoAs8I2dCQCQ/fW7zEJv8I8C8e\n",
       "crypto/bcrypt: cost 3 is outside allowed range (4,31)"},
      {"user hash version",
       "basic_auth_users:\n  john: $3b$04$abcdefghijklmnopqrstuuPp7HPfoAs8I2dCQCQ/fW7zEJv8I8C8e\n",
       "crypto/bcrypt: bcrypt algorithm version '3' requested is newer than current version '2'"},
      {"user hash cost text",
       "basic_auth_users:\n  john: $2b$x4$abcdefghijklmnopqrstuuPp7HPfoAs8I2dCQCQ/fW7zEJv8I8C8e\n",
       "strconv.Atoi: parsing \"x4\": invalid syntax"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto config = ParseWebConfig(c.yaml, "");
    if (c.error.empty()) {
      EXPECT_TRUE(config.ok()) << config.status();
    } else {
      ASSERT_FALSE(config.ok());
      EXPECT_EQ(config.status().message(), c.error);
    }
  }
}

TEST(WebConfig, Defaults) {
  auto config = ParseWebConfig("", "");
  ASSERT_TRUE(config.ok());
  EXPECT_FALSE(config->tls_server_config.enabled());
  EXPECT_EQ(config->tls_server_config.min_version, TlsVersion::kTls12);
  EXPECT_EQ(config->tls_server_config.max_version, TlsVersion::kTls13);
  EXPECT_TRUE(config->tls_server_config.prefer_server_cipher_suites);
  EXPECT_TRUE(config->http_server_config.http2);
  EXPECT_FALSE(config->tls_server_config.client_allowed_sans.has_value());
}

TEST(WebConfig, FieldsDecoded) {
  auto config = ParseWebConfig(
      "tls_server_config:\n  cert_file: server.crt\n  key_file: /abs/server.key\n"
      "  client_ca_file: ./ca.crt\n  client_auth_type: RequireAndVerifyClientCert\n"
      "  min_version: TLS13\n  max_version: TLS13\n  prefer_server_cipher_suites: no\n"
      "  client_allowed_sans: []\n  curve_preferences: [X25519]\n"
      "http_server_config:\n  http2: off\n",
      "/etc/sextant");
  ASSERT_TRUE(config.ok()) << config.status();
  const TlsServerConfig& t = config->tls_server_config;
  EXPECT_TRUE(t.enabled());
  EXPECT_EQ(t.cert_file, "/etc/sextant/server.crt");
  EXPECT_EQ(t.key_file, "/abs/server.key");
  EXPECT_EQ(t.client_ca_file, "/etc/sextant/ca.crt");
  EXPECT_EQ(t.client_auth_type, "RequireAndVerifyClientCert");
  EXPECT_EQ(t.min_version, TlsVersion::kTls13);
  EXPECT_FALSE(t.prefer_server_cipher_suites);
  ASSERT_TRUE(t.client_allowed_sans.has_value());
  EXPECT_TRUE(t.client_allowed_sans->empty());
  ASSERT_EQ(t.curve_preferences.size(), 1u);
  EXPECT_FALSE(config->http_server_config.http2);
}

TEST(WebConfig, OnlyClientAuthTypeEnablesTls) {
  auto config = ParseWebConfig("tls_server_config:\n  client_auth_type: x\n", "");
  ASSERT_TRUE(config.ok());
  EXPECT_TRUE(config->tls_server_config.enabled());
}

TEST(WebConfig, MissingFile) {
  auto config = LoadWebConfigFile("/nonexistent/web.yml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(), "open /nonexistent/web.yml: no such file or directory");
}

// ValidateWebConfigFile is the toolkit's Validate: the TLS files are read too, and relative
// names are resolved against the config file's directory.
TEST(WebConfig, ValidateFileTable) {
  testing::TestCerts certs;
  ASSERT_TRUE(certs.ok());
  const Case cases[] = {
      {"good", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n", ""},
      {"no tls", "http_server_config:\n  http2: false\n", ""},
      {"cert path empty", "tls_server_config:\n  cert_file: \"\"\n  key_file: server.key\n",
       "missing one of cert or cert_file"},
      {"inline cert empty", "tls_server_config:\n  cert: \"\"\n  key_file: server.key\n",
       "missing one of cert or cert_file"},
      {"key path empty", "tls_server_config:\n  cert_file: server.crt\n  key_file: \"\"\n",
       "missing one of key or key_file"},
      {"both empty",
       "tls_server_config:\n  cert_file: \"\"\n  key_file: \"\"\n  client_auth_type: x\n",
       "missing one of cert or cert_file"},
      {"cert missing", "tls_server_config:\n  cert_file: somefile\n  key_file: server.key\n",
       "failed to read cert_file (" + certs.Path("somefile") + "): open " + certs.Path("somefile") +
           ": no such file or directory"},
      {"key missing", "tls_server_config:\n  cert_file: server.crt\n  key_file: somefile\n",
       "failed to read key_file (" + certs.Path("somefile") + "): open " + certs.Path("somefile") +
           ": no such file or directory"},
      {"cert not pem", "tls_server_config:\n  cert_file: server.ext\n  key_file: server.key\n",
       "failed to load X509KeyPair: tls: failed to find any PEM data in certificate input"},
      {"key not pem", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.ext\n",
       "failed to load X509KeyPair: tls: failed to find any PEM data in key input"},
      {"key mismatch", "tls_server_config:\n  cert_file: server.crt\n  key_file: client.key\n",
       "failed to load X509KeyPair: tls: private key does not match public key"},
      {"bad client auth",
       "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
       "  client_auth_type: x\n",
       "invalid ClientAuth: x"},
      {"ca without policy",
       "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
       "  client_ca_file: ca.crt\n",
       "client CA's have been configured without a Client Auth Policy"},
      {"ca missing",
       "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
       "  client_ca_file: somefile\n  client_auth_type: RequireAndVerifyClientCert\n",
       "open " + certs.Path("somefile") + ": no such file or directory"},
      {"inline key",
       "tls_server_config:\n  cert_file: server.crt\n  key: |\n    " +
           [&] {
             std::string key = certs.Read("server.key");
             std::string indented;
             for (char ch : key) {
               indented.push_back(ch);
               if (ch == '\n') indented += "    ";
             }
             return indented;
           }() +
           "\n",
       ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    certs.Write("web.yml", c.yaml);
    const absl::Status status = ValidateWebConfigFile(certs.Path("web.yml"));
    if (c.error.empty()) {
      EXPECT_TRUE(status.ok()) << status;
    } else {
      EXPECT_EQ(status.message(), c.error);
    }
  }
}

TEST(WebConfig, ValidateEmptyPathIsOk) { EXPECT_TRUE(ValidateWebConfigFile("").ok()); }

}  // namespace
}  // namespace sextant::api::web
