#include "api/web/tls_config.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "api/web/go_file.h"
#include "util/strings.h"

namespace sextant::api::web {
namespace {

using util::StrCat;

enum class ClientAuth {
  kNone,
  kRequest,
  kRequireAny,
  kVerifyIfGiven,
  kRequireAndVerify,
};

std::optional<ClientAuth> ParseClientAuth(std::string_view s) {
  if (s.empty() || s == "NoClientCert") return ClientAuth::kNone;
  if (s == "RequestClientCert") return ClientAuth::kRequest;
  if (s == "RequireAnyClientCert" || s == "RequireClientCert") return ClientAuth::kRequireAny;
  if (s == "VerifyClientCertIfGiven") return ClientAuth::kVerifyIfGiven;
  if (s == "RequireAndVerifyClientCert") return ClientAuth::kRequireAndVerify;
  return std::nullopt;
}

// What the certificate verification callback needs; owned by the SSL_CTX (ex_data).
struct VerifyState {
  ClientAuth mode = ClientAuth::kNone;
  std::optional<std::vector<std::string>> allowed_sans;
};

void FreeVerifyState(void* /*parent*/, void* ptr, CRYPTO_EX_DATA* /*ad*/, int /*idx*/,
                     long /*argl*/, void* /*argp*/) {
  delete static_cast<VerifyState*>(ptr);
}

int VerifyStateIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, FreeVerifyState);
  return index;
}

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;

std::vector<X509Ptr> ReadCerts(std::string_view pem) {
  std::vector<X509Ptr> certs;
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  for (;;) {
    X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (x == nullptr) break;
    certs.emplace_back(x);
  }
  ERR_clear_error();
  return certs;
}

std::string IpText(const ASN1_OCTET_STRING* ip) {
  char buf[INET6_ADDRSTRLEN] = {};
  const int len = ASN1_STRING_length(ip);
  const unsigned char* data = ASN1_STRING_get0_data(ip);
  if (len == 4) {
    inet_ntop(AF_INET, data, buf, sizeof(buf));
  } else if (len == 16) {
    inet_ntop(AF_INET6, data, buf, sizeof(buf));
  }
  return buf;
}

std::string Asn1Text(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

// The toolkit's VerifyPeerCertificate: one SAN of the leaf must be allowed.
bool HasAllowedSan(X509* leaf, const std::vector<std::string>& allowed) {
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(leaf, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return false;
  bool found = false;
  for (int i = 0; i < sk_GENERAL_NAME_num(names) && !found; ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    std::string value;
    switch (name->type) {
      case GEN_DNS:
        value = Asn1Text(name->d.dNSName);
        break;
      case GEN_EMAIL:
        value = Asn1Text(name->d.rfc822Name);
        break;
      case GEN_URI:
        value = Asn1Text(name->d.uniformResourceIdentifier);
        break;
      case GEN_IPADD:
        value = IpText(name->d.iPAddress);
        break;
      default:
        continue;
    }
    found = std::find(allowed.begin(), allowed.end(), value) != allowed.end();
  }
  GENERAL_NAMES_free(names);
  return found;
}

// Replaces OpenSSL's chain verification: Go's Request/RequireAny modes accept any certificate,
// the Verify modes verify the chain against the client CAs; SANs are checked in all of them.
int VerifyClientCertificate(X509_STORE_CTX* store_ctx, void* arg) {
  const auto* state = static_cast<const VerifyState*>(arg);
  if (state->mode == ClientAuth::kVerifyIfGiven || state->mode == ClientAuth::kRequireAndVerify) {
    if (X509_verify_cert(store_ctx) <= 0) return 0;
  }
  if (state->allowed_sans.has_value()) {
    X509* leaf = X509_STORE_CTX_get0_cert(store_ctx);
    if (leaf == nullptr || !HasAllowedSan(leaf, *state->allowed_sans)) {
      X509_STORE_CTX_set_error(store_ctx, X509_V_ERR_APPLICATION_VERIFICATION);
      return 0;
    }
  }
  return 1;
}

int SelectAlpn(SSL* /*ssl*/, const unsigned char** out, unsigned char* outlen,
               const unsigned char* in, unsigned int inlen, void* /*arg*/) {
  static constexpr unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, kHttp11, sizeof(kHttp11), in, inlen) ==
      OPENSSL_NPN_NEGOTIATED) {
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
  }
  return SSL_TLSEXT_ERR_NOACK;
}

std::string_view GroupName(Curve c) {
  switch (c) {
    case Curve::kX25519:
      return "X25519";
    case Curve::kP256:
      return "P-256";
    case Curve::kP384:
      return "P-384";
    case Curve::kP521:
      return "P-521";
  }
  return "";
}

absl::Status OpenSslError(std::string_view what) {
  const unsigned long code = ERR_get_error();
  char buf[256] = {};
  if (code != 0) ERR_error_string_n(code, buf, sizeof(buf));
  ERR_clear_error();
  return absl::InvalidArgumentError(StrCat(what, code != 0 ? ": " : "", buf));
}

}  // namespace

void SslCtxDeleter::operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }

absl::StatusOr<SslCtxPtr> BuildTlsContext(const TlsServerConfig& c) {
  if (!c.enabled()) return absl::FailedPreconditionError("TLS config is not present");
  if (c.cert_file.empty() && c.cert.empty()) {
    return absl::InvalidArgumentError("missing one of cert or cert_file");
  }
  if (c.key_file.empty() && c.key.empty()) {
    return absl::InvalidArgumentError("missing one of key or key_file");
  }

  // The key pair (tls.X509KeyPair's checks and wording).
  std::string cert_pem = c.cert;
  if (!c.cert_file.empty()) {
    auto data = internal::ReadFileGo(c.cert_file);
    if (!data.ok()) {
      return absl::InvalidArgumentError(StrCat("failed to read cert_file (", c.cert_file,
                                               "): ", util::FromAbsl(data.status().message())));
    }
    cert_pem = *std::move(data);
  }
  std::string key_pem = c.key;
  if (!c.key_file.empty()) {
    auto data = internal::ReadFileGo(c.key_file);
    if (!data.ok()) {
      return absl::InvalidArgumentError(StrCat("failed to read key_file (", c.key_file,
                                               "): ", util::FromAbsl(data.status().message())));
    }
    key_pem = *std::move(data);
  }
  std::vector<X509Ptr> chain = ReadCerts(cert_pem);
  if (chain.empty()) {
    return absl::InvalidArgumentError(
        "failed to load X509KeyPair: tls: failed to find any PEM data in certificate input");
  }
  std::unique_ptr<EVP_PKEY, PkeyDeleter> key;
  {
    std::unique_ptr<BIO, BioDeleter> bio(
        BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
    key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    ERR_clear_error();
  }
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        "failed to load X509KeyPair: tls: failed to find any PEM data in key input");
  }
  if (X509_check_private_key(chain[0].get(), key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        "failed to load X509KeyPair: tls: private key does not match public key");
  }

  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()), SslCtxDeleter());
  if (ctx == nullptr) return OpenSslError("SSL_CTX_new");
  SSL_CTX* raw = ctx.get();
  if (SSL_CTX_use_certificate(raw, chain[0].get()) != 1) return OpenSslError("certificate");
  for (size_t i = 1; i < chain.size(); ++i) {
    if (SSL_CTX_add1_chain_cert(raw, chain[i].get()) != 1) return OpenSslError("chain");
  }
  if (SSL_CTX_use_PrivateKey(raw, key.get()) != 1) return OpenSslError("private key");

  const int min_version = static_cast<int>(c.min_version);
  if (min_version < TLS1_2_VERSION) SSL_CTX_set_security_level(raw, 0);
  SSL_CTX_set_min_proto_version(raw, min_version);
  SSL_CTX_set_max_proto_version(raw, static_cast<int>(c.max_version));

  if (!c.cipher_suites.empty()) {
    std::vector<std::string_view> names;
    for (const std::string& go : c.cipher_suites) {
      for (const CipherSuiteName& known : KnownCipherSuites()) {
        if (known.go == go && !known.openssl.empty()) names.push_back(known.openssl);
      }
    }
    if (names.empty()) {
      SSL_CTX_set_min_proto_version(raw, TLS1_3_VERSION);
    } else if (SSL_CTX_set_cipher_list(raw, util::StrJoin(names, ":").c_str()) != 1) {
      return OpenSslError("cipher_suites");
    }
  }
  if (!c.curve_preferences.empty()) {
    std::vector<std::string_view> groups;
    for (Curve curve : c.curve_preferences) groups.push_back(GroupName(curve));
    if (SSL_CTX_set1_groups_list(raw, util::StrJoin(groups, ":").c_str()) != 1) {
      return OpenSslError("curve_preferences");
    }
  }
  uint64_t options = SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION;
  if (c.prefer_server_cipher_suites) options |= SSL_OP_CIPHER_SERVER_PREFERENCE;
  SSL_CTX_set_options(raw, options);
  SSL_CTX_set_mode(raw, SSL_MODE_RELEASE_BUFFERS);
  static constexpr unsigned char kSessionContext[] = "sextant";
  SSL_CTX_set_session_id_context(raw, kSessionContext, sizeof(kSessionContext) - 1);
  SSL_CTX_set_alpn_select_cb(raw, SelectAlpn, nullptr);

  // Client CAs: the file wins over the inline text, as in the toolkit; unparsable PEM blocks are
  // skipped as Go's AppendCertsFromPEM does.
  std::string ca_pem;
  if (!c.client_ca_file.empty()) {
    auto data = internal::ReadFileGo(c.client_ca_file);
    if (!data.ok()) return data.status();
    ca_pem = *std::move(data);
  } else {
    ca_pem = c.client_ca;
  }
  if (!c.client_ca_file.empty() || !c.client_ca.empty()) {
    X509_STORE* store = SSL_CTX_get_cert_store(raw);
    STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
    for (const X509Ptr& ca : ReadCerts(ca_pem)) {
      X509_STORE_add_cert(store, ca.get());
      sk_X509_NAME_push(names, X509_NAME_dup(X509_get_subject_name(ca.get())));
    }
    ERR_clear_error();
    SSL_CTX_set_client_CA_list(raw, names);  // takes ownership
  }

  const std::optional<ClientAuth> mode = ParseClientAuth(c.client_auth_type);
  if (!mode.has_value()) {
    return absl::InvalidArgumentError(StrCat("invalid ClientAuth: ", c.client_auth_type));
  }
  if ((!c.client_ca_file.empty() || !c.client_ca.empty()) && *mode == ClientAuth::kNone) {
    return absl::InvalidArgumentError(
        "client CA's have been configured without a Client Auth Policy");
  }
  auto state = std::make_unique<VerifyState>();
  state->mode = *mode;
  state->allowed_sans = c.client_allowed_sans;
  int verify = SSL_VERIFY_NONE;
  switch (*mode) {
    case ClientAuth::kNone:
      break;
    case ClientAuth::kRequest:
    case ClientAuth::kVerifyIfGiven:
      verify = SSL_VERIFY_PEER;
      break;
    case ClientAuth::kRequireAny:
    case ClientAuth::kRequireAndVerify:
      verify = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
      break;
  }
  SSL_CTX_set_verify(raw, verify, nullptr);
  VerifyState* state_ptr = state.get();
  if (SSL_CTX_set_ex_data(raw, VerifyStateIndex(), state.release()) != 1) {
    delete state_ptr;
    return OpenSslError("SSL_CTX_set_ex_data");
  }
  SSL_CTX_set_cert_verify_callback(raw, VerifyClientCertificate, state_ptr);
  return ctx;
}

}  // namespace sextant::api::web
