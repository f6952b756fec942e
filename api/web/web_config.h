#pragma once

// The --web.config.file model and its strict loader, in exporter-toolkit's format (the file
// Prometheus reads for TLS, basic auth and extra response headers):
//
//   tls_server_config:
//     cert_file: server.crt          # or `cert: |` with inline PEM
//     key_file: server.key           # or `key: |`
//     client_auth_type: RequireAndVerifyClientCert
//     client_ca_file: ca.crt         # or `client_ca: |`
//     client_allowed_sans: [client.example]
//     min_version: TLS12             # TLS10..TLS13; default TLS12 (max: TLS13)
//     cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]
//     curve_preferences: [X25519, CurveP256]
//     prefer_server_cipher_suites: true
//   http_server_config:
//     http2: true
//     headers: {Strict-Transport-Security: max-age=31536000}
//   basic_auth_users:
//     alice: $2y$10$...               # bcrypt hash
//
// Decoding is strict as the toolkit's yaml.UnmarshalStrict, and the errors carry the toolkit's
// (Go yaml.v2's) wording, for example
//   yaml: unmarshal errors:\n  line 2: field cert_filse not found in type web.TLSConfig
//   unknown cipher: TLS_FOO
//   HTTP header "Content-Type" can not be configured
//   crypto/bcrypt: hashedSecret too short to be a bcrypted password
// The TLS section's files are only read by BuildTlsContext (tls_config.h), as in the toolkit.
//
// Field set: exporter-toolkit 0.17's, except `rate_limit` (unknown here, as in 0.8.2, the version
// Prometheus 2.42 uses). The inline `cert`, `key`, `client_ca` and `client_allowed_sans` are
// newer than 0.8.2 and accepted.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace sextant::api::web {

enum class TlsVersion : uint16_t {
  kTls10 = 0x0301,
  kTls11 = 0x0302,
  kTls12 = 0x0303,
  kTls13 = 0x0304,
};

enum class Curve { kX25519, kP256, kP384, kP521 };

// One cipher suite Go's tls.CipherSuites() names (the toolkit accepts only those). `openssl` is
// OpenSSL's name of the same TLS 1.0-1.2 suite, empty for TLS 1.3 suites (which, as in Go, are not
// configurable: listing them is accepted and has no effect).
struct CipherSuiteName {
  std::string_view go;
  std::string_view openssl;
};
std::span<const CipherSuiteName> KnownCipherSuites();

struct TlsServerConfig {
  std::string cert;       // inline PEM certificate (chain)
  std::string key;        // inline PEM private key
  std::string client_ca;  // inline PEM CA certificates
  // File paths, already joined with the config file's directory when relative.
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;
  std::string client_auth_type;            // as written; BuildTlsContext checks it
  std::vector<std::string> cipher_suites;  // Go names, each in KnownCipherSuites()
  std::vector<Curve> curve_preferences;
  TlsVersion min_version = TlsVersion::kTls12;
  TlsVersion max_version = TlsVersion::kTls13;
  bool prefer_server_cipher_suites = true;
  // Present (even empty) means a client certificate must carry one of these SANs (DNS name,
  // e-mail address, IP address or URI, compared exactly).
  std::optional<std::vector<std::string>> client_allowed_sans;

  // True when any TLS setting is given, i.e. the server is to speak TLS (the toolkit's
  // IsEnabled). Says nothing about whether the settings are complete.
  bool enabled() const;
};

struct HttpServerConfig {
  // Accepted as in the toolkit; Sextant's server speaks HTTP/1.1 only, so true changes nothing.
  bool http2 = true;
  // Extra response headers; only the names (and values) the toolkit allows.
  std::map<std::string, std::string> headers;
};

struct WebConfig {
  TlsServerConfig tls_server_config;
  HttpServerConfig http_server_config;
  std::map<std::string, std::string> basic_auth_users;  // user -> bcrypt hash
};

// Decodes `yaml` and validates the headers and the users' bcrypt hashes (bcrypt.Cost's checks).
// Relative file names are joined with `dir` (the config file's directory; "" leaves them as they
// are). Errors: InvalidArgument with the toolkit's messages (see the file comment).
absl::StatusOr<WebConfig> ParseWebConfig(std::string_view yaml, std::string_view dir);

// Reads `path` and parses it with its directory. A file that cannot be read is InvalidArgument
// with Go's wording ("open web.yml: no such file or directory").
absl::StatusOr<WebConfig> LoadWebConfigFile(const std::string& path);

// The full check Prometheus runs at start-up and promtool's `check web-config` runs
// (toolkit_web.Validate): LoadWebConfigFile, then, when TLS is enabled, BuildTlsContext (reads the
// certificate, key and CA files). OK for an empty path.
absl::Status ValidateWebConfigFile(const std::string& path);

}  // namespace sextant::api::web
