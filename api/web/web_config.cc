#include "api/web/web_config.h"

#include <algorithm>
#include <array>
#include <functional>
#include <set>

#include "api/web/bcrypt.h"
#include "api/web/go_file.h"
#include "api/web/tls_config.h"
#include "config/yaml_decoder.h"
#include "util/env.h"
#include "util/status_macros.h"
#include "util/strings.h"
#include "yaml-cpp/yaml.h"

namespace sextant::api::web {
namespace {

using util::StrCat;

constexpr CipherSuiteName kCipherSuites[] = {
    // TLS 1.3: always enabled, not configurable (as in Go).
    {"TLS_AES_128_GCM_SHA256", ""},
    {"TLS_AES_256_GCM_SHA384", ""},
    {"TLS_CHACHA20_POLY1305_SHA256", ""},
    // TLS 1.0-1.2, as Go 1.19's tls.CipherSuites() lists them.
    {"TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA"},
    {"TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA"},
    {"TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256"},
    {"TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA"},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA"},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA"},
    {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA"},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"},
    {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"},
    {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"},
    {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305"},
    {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"},
};

// The toolkit's extraHTTPHeaders: the names that may be set, with their allowed values (none
// listed: any value).
struct AllowedHeader {
  std::string_view name;
  std::vector<std::string_view> values;
};
const std::vector<AllowedHeader>& AllowedHeaders() {
  static const std::vector<AllowedHeader> headers = {
      {"Strict-Transport-Security", {}},
      {"X-Content-Type-Options", {"nosniff"}},
      {"X-Frame-Options", {"deny", "sameorigin"}},
      {"X-XSS-Protection", {}},
      {"Content-Security-Policy", {}},
  };
  return headers;
}

// ---------------------------------------------------------------------------------------------
// A strict decoder in the manner of Go's yaml.v2 UnmarshalStrict: type errors are collected as
// "line N: cannot unmarshal ..." and reported together; errors from the toolkit's own
// unmarshalers (unknown cipher, curve, TLS version) end decoding at once, alone.

struct Decoder {
  std::vector<std::string> type_errors;
  std::optional<std::string> fatal;

  bool stopped() const { return fatal.has_value(); }

  static int Line(const YAML::Node& n) { return n.Mark().line + 1; }

  void TypeError(const YAML::Node& n, std::string_view go_type) {
    const std::string tag = config::internal::YamlTagName(n);
    std::string value;
    if (tag != "!!seq" && tag != "!!map") {
      const std::string& v = n.IsScalar() ? n.Scalar() : std::string();
      value = v.size() > 10 ? StrCat(" `", v.substr(0, 7), "...`") : StrCat(" `", v, "`");
    }
    type_errors.push_back(
        StrCat("line ", Line(n), ": cannot unmarshal ", tag, value, " into ", go_type));
  }

  void String(const YAML::Node& n, std::string* out, std::string_view go_type = "string") {
    if (n.IsNull()) {
      out->clear();
    } else if (n.IsScalar()) {
      *out = n.Scalar();
    } else {
      TypeError(n, go_type);
    }
  }

  void Bool(const YAML::Node& n, bool* out) {
    if (n.IsNull()) {
      *out = false;
      return;
    }
    const std::optional<bool> value =
        n.Tag() == "!" ? std::nullopt : config::internal::YamlBool(n.Scalar());
    if (!value.has_value()) {
      TypeError(n, "bool");
      return;
    }
    *out = *value;
  }

  // A sequence whose elements `fn` decodes; null leaves it empty (and `*present` false).
  void Seq(const YAML::Node& n, std::string_view go_type, bool* present,
           const std::function<void(const YAML::Node&)>& fn) {
    if (present != nullptr) *present = false;
    if (n.IsNull()) return;
    if (!n.IsSequence()) {
      TypeError(n, go_type);
      return;
    }
    if (present != nullptr) *present = true;
    for (const YAML::Node& e : n) {
      if (stopped()) return;
      fn(e);
    }
  }

  void StringMap(const YAML::Node& n, std::string_view go_type, std::string_view value_type,
                 std::map<std::string, std::string>* out) {
    out->clear();
    if (n.IsNull()) return;
    if (!n.IsMap()) {
      TypeError(n, go_type);
      return;
    }
    for (const auto& kv : n) {
      std::string key;
      if (!kv.first.IsScalar()) {
        TypeError(kv.first, "string");
        continue;
      }
      key = kv.first.Scalar();
      if (out->contains(key)) {
        type_errors.push_back(
            StrCat("line ", Line(kv.first), ": key \"", key, "\" already set in map"));
        continue;
      }
      String(kv.second, &(*out)[key], value_type);
    }
  }

  // A struct: each key must be a known field, at most once.
  void Struct(const YAML::Node& n, std::string_view go_type,
              const std::map<std::string_view, std::function<void(const YAML::Node&)>>& fields) {
    if (n.IsNull()) return;
    if (!n.IsMap()) {
      TypeError(n, go_type);
      return;
    }
    std::set<std::string> seen;
    for (const auto& kv : n) {
      if (stopped()) return;
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
      const auto it = fields.find(key);
      if (it == fields.end()) {
        type_errors.push_back(
            StrCat("line ", Line(kv.first), ": field ", key, " not found in type ", go_type));
        continue;
      }
      if (!seen.insert(key).second) {
        type_errors.push_back(
            StrCat("line ", Line(kv.first), ": field ", key, " already set in type ", go_type));
        continue;
      }
      it->second(kv.second);
    }
  }

  // A scalar the toolkit's UnmarshalYAML reads as a string first, then looks up.
  template <typename T>
  void Named(const YAML::Node& n, std::string_view what,
             const std::function<std::optional<T>(std::string_view)>& lookup, T* out) {
    if (n.IsNull()) return;
    if (!n.IsScalar()) {
      TypeError(n, "string");
      return;
    }
    const std::optional<T> v = lookup(n.Scalar());
    if (!v.has_value()) {
      fatal = StrCat("unknown ", what, ": ", n.Scalar());
      return;
    }
    *out = *v;
  }
};

std::optional<std::string> LookupCipher(std::string_view name) {
  for (const CipherSuiteName& c : kCipherSuites) {
    if (c.go == name) return std::string(name);
  }
  return std::nullopt;
}

std::optional<Curve> LookupCurve(std::string_view name) {
  if (name == "CurveP256") return Curve::kP256;
  if (name == "CurveP384") return Curve::kP384;
  if (name == "CurveP521") return Curve::kP521;
  if (name == "X25519") return Curve::kX25519;
  return std::nullopt;
}

std::optional<TlsVersion> LookupVersion(std::string_view name) {
  if (name == "TLS13") return TlsVersion::kTls13;
  if (name == "TLS12") return TlsVersion::kTls12;
  if (name == "TLS11") return TlsVersion::kTls11;
  if (name == "TLS10") return TlsVersion::kTls10;
  return std::nullopt;
}

void DecodeTls(Decoder& d, const YAML::Node& n, TlsServerConfig* t) {
  d.Struct(
      n, "web.TLSConfig",
      {
          {"cert", [&](const YAML::Node& v) { d.String(v, &t->cert); }},
          {"key", [&](const YAML::Node& v) { d.String(v, &t->key, "config.Secret"); }},
          {"client_ca", [&](const YAML::Node& v) { d.String(v, &t->client_ca); }},
          {"cert_file", [&](const YAML::Node& v) { d.String(v, &t->cert_file); }},
          {"key_file", [&](const YAML::Node& v) { d.String(v, &t->key_file); }},
          {"client_auth_type", [&](const YAML::Node& v) { d.String(v, &t->client_auth_type); }},
          {"client_ca_file", [&](const YAML::Node& v) { d.String(v, &t->client_ca_file); }},
          {"cipher_suites",
           [&](const YAML::Node& v) {
             t->cipher_suites.clear();
             d.Seq(v, "[]web.Cipher", nullptr, [&](const YAML::Node& e) {
               std::string name;
               d.Named<std::string>(e, "cipher", LookupCipher, &name);
               if (!name.empty()) t->cipher_suites.push_back(name);
             });
           }},
          {"curve_preferences",
           [&](const YAML::Node& v) {
             t->curve_preferences.clear();
             d.Seq(v, "[]web.Curve", nullptr, [&](const YAML::Node& e) {
               std::optional<Curve> c;
               Curve out{};
               d.Named<Curve>(
                   e, "curve", [&](std::string_view s) { return c = LookupCurve(s); }, &out);
               if (c.has_value()) t->curve_preferences.push_back(out);
             });
           }},
          {"min_version",
           [&](const YAML::Node& v) {
             d.Named<TlsVersion>(v, "TLS version", LookupVersion, &t->min_version);
           }},
          {"max_version",
           [&](const YAML::Node& v) {
             d.Named<TlsVersion>(v, "TLS version", LookupVersion, &t->max_version);
           }},
          {"prefer_server_cipher_suites",
           [&](const YAML::Node& v) { d.Bool(v, &t->prefer_server_cipher_suites); }},
          {"client_allowed_sans",
           [&](const YAML::Node& v) {
             std::vector<std::string> sans;
             bool present = false;
             d.Seq(v, "[]string", &present,
                   [&](const YAML::Node& e) { d.String(e, &sans.emplace_back()); });
             if (present) {
               t->client_allowed_sans = std::move(sans);
             } else {
               t->client_allowed_sans.reset();
             }
           }},
      });
}

void DecodeHttp(Decoder& d, const YAML::Node& n, HttpServerConfig* h) {
  d.Struct(n, "web.HTTPConfig",
           {
               {"http2", [&](const YAML::Node& v) { d.Bool(v, &h->http2); }},
               {"headers",
                [&](const YAML::Node& v) {
                  d.StringMap(v, "map[string]string", "string", &h->headers);
                }},
           });
}

// The toolkit's validateHeaderConfig (in sorted order, where Go's map order is random).
absl::Status ValidateHeaders(const std::map<std::string, std::string>& headers) {
  for (const auto& [name, value] : headers) {
    const auto& allowed = AllowedHeaders();
    const auto it = std::find_if(allowed.begin(), allowed.end(),
                                 [&](const AllowedHeader& h) { return h.name == name; });
    if (it == allowed.end()) {
      return absl::InvalidArgumentError(StrCat("HTTP header \"", name, "\" can not be configured"));
    }
    if (it->values.empty() ||
        std::find(it->values.begin(), it->values.end(), value) != it->values.end()) {
      continue;
    }
    std::string quoted;
    for (std::string_view v : it->values) {
      util::StrAppend(&quoted, quoted.empty() ? "" : " ", "\"", v, "\"");
    }
    return absl::InvalidArgumentError(StrCat("invalid value for ", name, ". Expected one of: [",
                                             quoted, "], but got: \"", value, "\""));
  }
  return absl::OkStatus();
}

}  // namespace

std::span<const CipherSuiteName> KnownCipherSuites() { return kCipherSuites; }

bool TlsServerConfig::enabled() const {
  return !cert_file.empty() || !cert.empty() || !key_file.empty() || !key.empty() ||
         !client_ca_file.empty() || !client_ca.empty() || !client_auth_type.empty();
}

absl::StatusOr<WebConfig> ParseWebConfig(std::string_view yaml, std::string_view dir) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(StrCat("yaml: line ", e.mark.line + 1, ": ", e.msg));
  }
  WebConfig config;
  Decoder d;
  try {
    d.Struct(root, "web.Config",
             {
                 {"tls_server_config",
                  [&](const YAML::Node& v) { DecodeTls(d, v, &config.tls_server_config); }},
                 {"http_server_config",
                  [&](const YAML::Node& v) { DecodeHttp(d, v, &config.http_server_config); }},
                 {"basic_auth_users",
                  [&](const YAML::Node& v) {
                    d.StringMap(v, "map[string]config.Secret", "config.Secret",
                                &config.basic_auth_users);
                  }},
             });
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(StrCat("yaml: line ", e.mark.line + 1, ": ", e.msg));
  }
  if (d.fatal.has_value()) return absl::InvalidArgumentError(*d.fatal);
  if (!d.type_errors.empty()) {
    return absl::InvalidArgumentError(
        StrCat("yaml: unmarshal errors:\n  ", util::StrJoin(d.type_errors, "\n  ")));
  }
  RETURN_IF_ERROR(ValidateHeaders(config.http_server_config.headers));
  // The toolkit's validateUsers (run before the rest at start-up; its order does not matter
  // here, as every other check comes after decoding too).
  for (const auto& [user, hash] : config.basic_auth_users) {
    auto cost = BcryptCost(hash);
    if (!cost.ok()) return cost.status();
  }
  TlsServerConfig& t = config.tls_server_config;
  const std::string d_str(dir);
  t.cert_file = internal::JoinDir(d_str, t.cert_file);
  t.key_file = internal::JoinDir(d_str, t.key_file);
  t.client_ca_file = internal::JoinDir(d_str, t.client_ca_file);
  return config;
}

absl::StatusOr<WebConfig> LoadWebConfigFile(const std::string& path) {
  auto content = internal::ReadFileGo(path);
  if (!content.ok()) return content.status();
  return ParseWebConfig(*content, util::DirName(path));
}

absl::Status ValidateWebConfigFile(const std::string& path) {
  if (path.empty()) return absl::OkStatus();
  auto config = LoadWebConfigFile(path);
  if (!config.ok()) return config.status();
  if (!config->tls_server_config.enabled()) return absl::OkStatus();
  auto ctx = BuildTlsContext(config->tls_server_config);
  return ctx.ok() ? absl::OkStatus() : ctx.status();
}

}  // namespace sextant::api::web
