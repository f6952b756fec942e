#pragma once

// An OpenSSL server context (SSL_CTX) built from the web config's tls_server_config, with the
// toolkit's semantics (ConfigToTLSConfig):
//
//   client_auth_type            OpenSSL behaviour
//   NoClientCert (or empty)     no certificate requested
//   RequestClientCert           requested, not required, not verified
//   RequireAnyClientCert        required, not verified (alias: RequireClientCert)
//   VerifyClientCertIfGiven     requested; verified against the client CAs when given
//   RequireAndVerifyClientCert  required and verified against the client CAs
//
// client_allowed_sans (when present) is checked on the presented leaf certificate in every mode:
// one of its DNS names, e-mail addresses, IP addresses or URIs must be listed. min/max_version,
// cipher_suites (TLS 1.2 and below; the TLS 1.3 suites are always on, as in Go),
// curve_preferences and prefer_server_cipher_suites map to their OpenSSL settings. TLS 1.0/1.1
// need OpenSSL's security level 0, which is set only when min_version asks for them. If
// cipher_suites names TLS 1.3 suites only, TLS 1.2 is refused (Go would fail such handshakes for
// want of a common suite). ALPN: "http/1.1" is selected when the client offers it (the server
// speaks HTTP/1.1 only, whatever http2 says).
//
// The certificate and key are read once, when the context is built; the caller (see
// web_config_watcher.h) builds a new context when a file changes, which gives the toolkit's
// effect of re-reading them for new connections.

#include <memory>

#include "absl/status/statusor.h"
#include "api/web/web_config.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace sextant::api::web {

struct SslCtxDeleter {
  void operator()(SSL_CTX* ctx) const;
};
// Owns one reference to an SSL_CTX. Every SSL made from it holds its own reference (SSL_new), so
// connections may outlive this pointer; the state the verification callback needs lives in the
// SSL_CTX itself and goes with its last reference.
//
// To serve with Boost.Asio: SSL_CTX_up_ref(ctx.get()); boost::asio::ssl::context c(ctx.get());
// (asio's context takes over the reference it is given).
using SslCtxPtr = std::shared_ptr<SSL_CTX>;

// Builds the context. Precondition for a useful result: config.enabled(); otherwise
// FailedPrecondition "TLS config is not present" (the toolkit's errNoTLSConfig, which means plain
// HTTP). Errors: InvalidArgument with the toolkit's messages, in its order:
//   missing one of cert or cert_file / missing one of key or key_file
//   failed to read cert_file (<path>): open <path>: no such file or directory
//   failed to read key_file (<path>): ...
//   failed to load X509KeyPair: tls: failed to find any PEM data in certificate input
//   failed to load X509KeyPair: tls: failed to find any PEM data in key input
//   failed to load X509KeyPair: tls: private key does not match public key
//   open <client_ca_file>: no such file or directory
//   invalid ClientAuth: <value>
//   client CA's have been configured without a Client Auth Policy
// Thread-safety: safe to call concurrently; the result is immutable and shareable across threads
// (OpenSSL contexts are safe to use from many connections at once).
absl::StatusOr<SslCtxPtr> BuildTlsContext(const TlsServerConfig& config);

}  // namespace sextant::api::web
