#include "config/decode_common.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "config/go_url.h"
#include "config/kubernetes_selectors.h"
#include "model/label_names.h"
#include "model/regex.h"
#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::config::internal {
namespace {

using util::QuoteGo;
using util::StrCat;

// Service-discovery kinds Prometheus has and Sextant does not support yet.
constexpr std::string_view kUnsupportedSd[] = {
    "azure_sd_configs",    "consul_sd_configs",      "digitalocean_sd_configs",
    "docker_sd_configs",   "dockerswarm_sd_configs", "ec2_sd_configs",
    "eureka_sd_configs",   "gce_sd_configs",         "hetzner_sd_configs",
    "ionos_sd_configs",    "kuma_sd_configs",        "lightsail_sd_configs",
    "linode_sd_configs",   "marathon_sd_configs",    "nerve_sd_configs",
    "nomad_sd_configs",    "openstack_sd_configs",   "ovhcloud_sd_configs",
    "puppetdb_sd_configs", "scaleway_sd_configs",    "serverset_sd_configs",
    "stackit_sd_configs",  "triton_sd_configs",      "uyuni_sd_configs",
    "vultr_sd_configs"};

void DecodeTls(MapDecoder& d, TlsConfig* tls) {
  d.String("ca", &tls->ca);
  d.String("ca_file", &tls->ca_file);
  d.String("cert", &tls->cert);
  d.String("cert_file", &tls->cert_file);
  d.Secret("key", &tls->key);
  d.String("key_file", &tls->key_file);
  d.String("server_name", &tls->server_name);
  d.Bool("insecure_skip_verify", &tls->insecure_skip_verify);
  d.String("min_version", &tls->min_version);
  d.String("max_version", &tls->max_version);
  if (!d.ok()) return;
  for (const auto* version : {&tls->min_version, &tls->max_version}) {
    if (!version->empty() && *version != "TLS10" && *version != "TLS11" && *version != "TLS12" &&
        *version != "TLS13") {
      d.Error(version == &tls->min_version ? "min_version" : "max_version",
              StrCat("unknown TLS version: ", *version));
      return;
    }
  }
  if (!tls->ca.empty() && !tls->ca_file.empty()) {
    d.Error("", "at most one of ca and ca_file must be configured");
  } else if (!tls->cert.empty() && !tls->cert_file.empty()) {
    d.Error("", "at most one of cert and cert_file must be configured");
  } else if (!tls->key.empty() && !tls->key_file.empty()) {
    d.Error("", "at most one of key and key_file must be configured");
  } else if ((!tls->cert.empty() || !tls->cert_file.empty()) && tls->key.empty() &&
             tls->key_file.empty()) {
    d.Error("",
            "exactly one of key or key_file must be configured when a client certificate is "
            "configured");
  } else if ((!tls->key.empty() || !tls->key_file.empty()) && tls->cert.empty() &&
             tls->cert_file.empty()) {
    d.Error("",
            "exactly one of cert or cert_file must be configured when a client key is "
            "configured");
  }
}

bool IsValidRelabelTarget(std::string_view target) {
  // Prometheus: ^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$
  static const RE2 kTarget(R"((?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+)");
  return RE2::FullMatch(model::ToRe2(target), kTarget);
}

absl::StatusOr<RelabelAction> ParseRelabelAction(std::string_view text) {
  const std::string lower = util::AsciiLower(text);
  static constexpr RelabelAction kAll[] = {
      RelabelAction::kReplace,   RelabelAction::kKeep,      RelabelAction::kDrop,
      RelabelAction::kKeepEqual, RelabelAction::kDropEqual, RelabelAction::kHashMod,
      RelabelAction::kLabelMap,  RelabelAction::kLabelDrop, RelabelAction::kLabelKeep,
      RelabelAction::kLowercase, RelabelAction::kUppercase};
  for (RelabelAction a : kAll) {
    if (RelabelActionName(a) == lower) return a;
  }
  return absl::InvalidArgumentError(StrCat("unknown relabel action ", QuoteGo(text)));
}

// Prometheus's relabel.Config.Validate, message for message.
std::string ValidateRelabel(const RelabelConfig& c, bool source_labels_set) {
  const RelabelConfig defaults;
  const std::string_view action = RelabelActionName(c.action);
  const auto a = c.action;
  const bool needs_target = a == RelabelAction::kReplace || a == RelabelAction::kHashMod ||
                            a == RelabelAction::kLowercase || a == RelabelAction::kUppercase ||
                            a == RelabelAction::kKeepEqual || a == RelabelAction::kDropEqual;
  const bool simple_target = a == RelabelAction::kLowercase || a == RelabelAction::kUppercase ||
                             a == RelabelAction::kKeepEqual || a == RelabelAction::kDropEqual;
  if (c.modulus == 0 && a == RelabelAction::kHashMod) {
    return "relabel configuration for hashmod requires non-zero modulus";
  }
  if (needs_target && c.target_label.empty()) {
    return StrCat("relabel configuration for ", action, " action requires 'target_label' value");
  }
  if (a == RelabelAction::kReplace) {
    const bool has_var = c.target_label.find('$') != std::string::npos;
    if (has_var ? !IsValidRelabelTarget(c.target_label)
                : !model::IsValidLabelName(c.target_label)) {
      return StrCat(QuoteGo(c.target_label), " is invalid 'target_label' for ", action, " action");
    }
  }
  if ((simple_target || a == RelabelAction::kHashMod) && !model::IsValidLabelName(c.target_label)) {
    return StrCat(QuoteGo(c.target_label), " is invalid 'target_label' for ", action, " action");
  }
  if (simple_target && c.replacement != defaults.replacement) {
    return StrCat("'replacement' can not be set for ", action, " action");
  }
  if (a == RelabelAction::kLabelMap && !IsValidRelabelTarget(c.replacement)) {
    return StrCat(QuoteGo(c.replacement), " is invalid 'replacement' for ", action, " action");
  }
  if ((a == RelabelAction::kKeepEqual || a == RelabelAction::kDropEqual) &&
      (c.regex != defaults.regex || c.modulus != 0 || c.separator != defaults.separator ||
       c.replacement != defaults.replacement)) {
    return StrCat(action,
                  " action requires only 'source_labels' and `target_label`, and no other fields");
  }
  if ((a == RelabelAction::kLabelDrop || a == RelabelAction::kLabelKeep) &&
      (source_labels_set || !c.target_label.empty() || c.modulus != 0 ||
       c.separator != defaults.separator || c.replacement != defaults.replacement)) {
    return StrCat(action, " action requires only 'regex', and no other fields");
  }
  return "";
}

void DecodeRelabel(MapDecoder& d, RelabelConfig* c) {
  d.StringList("source_labels", &c->source_labels);
  d.String("separator", &c->separator);
  d.String("regex", &c->regex);
  d.Uint("modulus", &c->modulus);
  d.String("target_label", &c->target_label);
  d.String("replacement", &c->replacement);
  std::string action = "replace";
  d.String("action", &action);
  if (!d.ok()) return;
  for (const std::string& name : c->source_labels) {
    if (!model::IsValidLabelName(name)) {
      d.Error("source_labels", StrCat(QuoteGo(name), " is not a valid label name"));
      return;
    }
  }
  auto parsed = ParseRelabelAction(action);
  if (!parsed.ok()) {
    d.Error("action", util::FromAbsl(parsed.status().message()));
    return;
  }
  c->action = *parsed;
  auto re = model::CompileAnchoredRegex(c->regex);
  if (!re.ok()) {
    d.Error("regex", util::FromAbsl(re.status().message()));
    return;
  }
  c->compiled = *std::move(re);
  if (std::string err = ValidateRelabel(*c, d.Has("source_labels")); !err.empty()) d.Error("", err);
}

bool IsValidFileSdPath(std::string_view path) {
  // Prometheus: ^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$
  static const RE2 kPath(R"([^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML))");
  return RE2::FullMatch(model::ToRe2(path), kPath);
}

// The checks Prometheus's http SD config makes on `url` (Go's url.Parse first), with their
// messages; "" when the URL is acceptable.
std::string CheckHttpSdUrl(const std::string& url) {
  if (url.empty()) return "URL is missing";
  auto parsed = ParseGoUrl(url);
  if (!parsed.ok()) return std::string(util::FromAbsl(parsed.status().message()));
  if (parsed->scheme != "http" && parsed->scheme != "https") {
    return "URL scheme must be 'http' or 'https'";
  }
  if (parsed->host.empty()) return "host is missing in URL";
  return "";
}

void DecodeHttpSd(MapDecoder& h, HttpSdConfig* out) {
  h.String("url", &out->url);
  h.Duration("refresh_interval", &out->refresh_interval);
  if (!h.ok()) return;
  // Prometheus checks the URL before the HTTP client settings.
  if (std::string err = CheckHttpSdUrl(out->url); !err.empty()) {
    return h.Error(out->url.empty() ? "" : "url", err);
  }
  DecodeHttpClient(h, &out->http);
}

void DecodeDnsSd(MapDecoder& n, DnsSdConfig* out) {
  n.StringList("names", &out->names);
  n.Duration("refresh_interval", &out->refresh_interval);
  n.String("type", &out->type);
  n.Int("port", &out->port);
  if (!n.ok()) return;
  if (out->names.empty()) {
    return n.Error("", "DNS-SD config must contain at least one SRV record name");
  }
  std::string type = out->type;
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (type == "SRV") return;
  if (type == "A" || type == "AAAA" || type == "MX" || type == "NS") {
    if (out->port == 0) {
      n.Error("", "a port is required in DNS-SD configs for all record types except SRV");
    }
    return;
  }
  n.Error("type", StrCat("invalid DNS-SD records type ", out->type));
}

constexpr std::string_view kKubernetesRoles[] = {"pod",           "service", "endpoints",
                                                 "endpointslice", "node",    "ingress"};

// Kubernetes's Role.UnmarshalYAML: "" when `role` is known (or empty: checked later).
std::string CheckKubernetesRole(const std::string& role) {
  if (role.empty()) return "";
  for (std::string_view known : kKubernetesRoles) {
    if (role == known) return "";
  }
  return StrCat("unknown Kubernetes SD role ", QuoteGo(role));
}

// The selector roles a discovery role accepts, in Prometheus's order.
std::vector<std::string_view> AllowedSelectorRoles(std::string_view role) {
  if (role == "pod") return {"pod", "node"};
  if (role == "endpointslice") return {"pod", "service", "endpointslice"};
  if (role == "endpoints") return {"pod", "service", "endpoints"};
  return {role};  // service, node, ingress: their own
}

// Differs from Prometheus's DefaultHTTPClientConfig (which reflect.DeepEqual compares against).
bool IsCustomHttpClient(const HttpClientConfig& http) {
  const TlsConfig& t = http.tls_config;
  const bool custom_tls = !t.ca.empty() || !t.ca_file.empty() || !t.cert.empty() ||
                          !t.cert_file.empty() || !t.key.empty() || !t.key_file.empty() ||
                          !t.server_name.empty() || t.insecure_skip_verify ||
                          !t.min_version.empty() || !t.max_version.empty();
  return http.basic_auth || http.authorization || custom_tls || !http.proxy_url.empty() ||
         !http.no_proxy.empty() || http.proxy_from_environment || !http.follow_redirects ||
         !http.enable_http2;
}

// The checks of Prometheus's kubernetes SDConfig.UnmarshalYAML after decoding, in its order, up
// to the selectors; "" when they pass. `api_server_set`: the key was given (even as "").
std::string CheckKubernetesSdSources(const KubernetesSdConfig& k, bool api_server_set) {
  const bool custom_http = IsCustomHttpClient(k.http);
  const bool kubeconfig = !k.kubeconfig_file.empty();
  if (api_server_set && kubeconfig) {
    return "cannot use 'kubeconfig_file' and 'api_server' simultaneously";
  }
  if (kubeconfig && custom_http) {
    return "cannot use a custom HTTP client configuration together with 'kubeconfig_file'";
  }
  if (!api_server_set && custom_http) {
    return "to use custom HTTP client configuration please provide the 'api_server' URL "
           "explicitly";
  }
  if (api_server_set && k.namespaces.own_namespace) {
    return "cannot use 'api_server' and 'namespaces.own_namespace' simultaneously";
  }
  if (kubeconfig && k.namespaces.own_namespace) {
    return "cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously";
  }
  return "";
}

// The rest of SDConfig.UnmarshalYAML: the selectors; "" when they pass.
std::string CheckKubernetesSelectors(const KubernetesSdConfig& k) {
  std::set<std::string, std::less<>> seen;
  const std::vector<std::string_view> allowed = AllowedSelectorRoles(k.role);
  for (const KubernetesSdConfig::Selector& s : k.selectors) {
    if (!seen.insert(s.role).second) return StrCat("duplicated selector role: ", s.role);
    if (std::find(allowed.begin(), allowed.end(), s.role) == allowed.end()) {
      return StrCat(k.role, " role supports only ", util::StrJoin(allowed, ", "), " selectors");
    }
    if (absl::Status st = ValidateFieldSelector(s.field); !st.ok()) {
      return std::string(util::FromAbsl(st.message()));
    }
    if (absl::Status st = ValidateLabelSelector(s.label); !st.ok()) {
      return std::string(util::FromAbsl(st.message()));
    }
  }
  return "";
}

void DecodeKubernetesSd(MapDecoder& k, KubernetesSdConfig* out) {
  k.String("role", &out->role);
  if (std::string err = CheckKubernetesRole(out->role); k.ok() && !err.empty()) {
    return k.Error("role", err);
  }
  k.String("api_server", &out->api_server);
  // config.URL: set by any non-null value, "" included; Go's url.Parse must accept it.
  const bool api_server_set = k.HasValue("api_server");
  if (k.ok() && !out->api_server.empty()) {
    if (auto url = ParseGoUrl(out->api_server); !url.ok()) {
      return k.Error("api_server", util::FromAbsl(url.status().message()));
    }
  }
  k.String("kubeconfig_file", &out->kubeconfig_file);
  k.Object("namespaces", [&](MapDecoder& n) {
    n.Bool("own_namespace", &out->namespaces.own_namespace);
    n.StringList("names", &out->namespaces.names);
  });
  k.ObjectList("selectors", [&](MapDecoder& s, size_t) {
    KubernetesSdConfig::Selector selector;
    s.String("role", &selector.role);
    s.String("label", &selector.label);
    s.String("field", &selector.field);
    if (std::string err = CheckKubernetesRole(selector.role); s.ok() && !err.empty()) {
      return s.Error("role", err);
    }
    out->selectors.push_back(std::move(selector));
  });
  k.Object("attach_metadata", [&](MapDecoder& a) {
    a.Bool("node", &out->attach_metadata.node);
    a.Bool("namespace", &out->attach_metadata.namespace_);
    // Prometheus 3.x's pod metadata (owner workloads); false is the default and harmless.
    for (std::string_view key : {"deployment", "job", "cronjob"}) {
      bool attach = false;
      a.Bool(key, &attach);
      if (attach) a.NotSupported(key, "Sextant attaches node and namespace metadata only");
    }
  });
  if (!k.ok()) return;
  if (out->role.empty()) {
    return k.Error("",
                   "role missing (one of: pod, service, endpoints, endpointslice, node, "
                   "ingress)");
  }
  DecodeHttpClient(k, &out->http);
  if (!k.ok()) return;
  if (std::string err = CheckKubernetesSdSources(*out, api_server_set); !err.empty()) {
    return k.Error("", err);
  }
  if (std::string err = CheckKubernetesSelectors(*out); !err.empty()) k.Error("selectors", err);
}

}  // namespace

void DecodeHttpClient(MapDecoder& d, HttpClientConfig* out) {
  if (d.Has("basic_auth")) {
    out->basic_auth.emplace();
    d.Object("basic_auth", [&](MapDecoder& b) {
      b.String("username", &out->basic_auth->username);
      b.String("username_file", &out->basic_auth->username_file);
      b.Secret("password", &out->basic_auth->password);
      b.String("password_file", &out->basic_auth->password_file);
    });
  }
  if (d.Has("authorization")) {
    out->authorization.emplace();
    d.Object("authorization", [&](MapDecoder& a) {
      a.String("type", &out->authorization->type);
      a.Secret("credentials", &out->authorization->credentials);
      a.String("credentials_file", &out->authorization->credentials_file);
    });
  }
  config::Secret bearer_token;
  std::string bearer_token_file;
  d.Secret("bearer_token", &bearer_token);
  d.String("bearer_token_file", &bearer_token_file);
  d.Object("tls_config", [&](MapDecoder& t) { DecodeTls(t, &out->tls_config); });
  d.String("proxy_url", &out->proxy_url);
  d.String("no_proxy", &out->no_proxy);
  d.Bool("proxy_from_environment", &out->proxy_from_environment);
  d.Bool("follow_redirects", &out->follow_redirects);
  d.Bool("enable_http2", &out->enable_http2);
  d.NotSupported("oauth2", "use authorization or basic_auth");
  d.NotSupported("proxy_connect_header", "");
  d.NotSupported("http_headers", "");
  if (!d.ok()) return;

  // The checks of Prometheus's common HTTPClientConfig.Validate, in its order.
  const bool has_bearer = !bearer_token.empty() || !bearer_token_file.empty();
  if (!bearer_token.empty() && !bearer_token_file.empty()) {
    return d.Error("", "at most one of bearer_token & bearer_token_file must be configured");
  }
  if (out->basic_auth && has_bearer) {
    return d.Error("",
                   "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must "
                   "be configured");
  }
  if (out->basic_auth && !out->basic_auth->password.empty() &&
      !out->basic_auth->password_file.empty()) {
    return d.Error("", "at most one of basic_auth password & password_file must be configured");
  }
  if (out->authorization) {
    Authorization& auth = *out->authorization;
    if (has_bearer) {
      return d.Error("", "authorization is not compatible with bearer_token & bearer_token_file");
    }
    if (!auth.credentials.empty() && !auth.credentials_file.empty()) {
      return d.Error("",
                     "at most one of authorization credentials & credentials_file must be "
                     "configured");
    }
    auth.type.erase(0, auth.type.find_first_not_of(" \t\n\r"));
    auth.type.erase(auth.type.find_last_not_of(" \t\n\r") + 1);
    if (auth.type.empty()) auth.type = "Bearer";
    const std::string lower = util::AsciiLower(auth.type);
    if (lower == "basic") {
      return d.Error("authorization",
                     "authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
    }
    if (out->basic_auth) {
      return d.Error("", "at most one of basic_auth, oauth2 & authorization must be configured");
    }
  } else if (has_bearer) {
    out->authorization = Authorization{"Bearer", bearer_token, bearer_token_file};
  }
}

void DecodeRelabelConfigs(MapDecoder& d, std::string_view key, std::string_view null_error,
                          std::vector<RelabelConfig>* out) {
  d.ObjectList(
      key,
      [&](MapDecoder& r, size_t) {
        out->emplace_back();
        DecodeRelabel(r, &out->back());
      },
      null_error);
}

void DecodeServiceDiscovery(MapDecoder& d, ServiceDiscovery* out) {
  d.ObjectList("static_configs", [&](MapDecoder& s, size_t) {
    TargetGroup group;
    s.StringList("targets", &group.targets);
    s.Labels("labels", &group.labels);
    out->static_configs.push_back(std::move(group));
  });
  d.ObjectList("file_sd_configs", [&](MapDecoder& f, size_t) {
    FileSdConfig file_sd;
    f.StringList("files", &file_sd.files);
    f.Duration("refresh_interval", &file_sd.refresh_interval);
    if (!f.ok()) return;
    if (file_sd.files.empty()) {
      return f.Error("", "file service discovery config must contain at least one path name");
    }
    for (const std::string& path : file_sd.files) {
      if (!IsValidFileSdPath(path)) {
        return f.Error("files",
                       StrCat("path name ", QuoteGo(path), " is not valid for file discovery"));
      }
    }
    out->file_sd_configs.push_back(std::move(file_sd));
  });
  d.ObjectList("http_sd_configs", [&](MapDecoder& h, size_t) {
    out->http_sd_configs.emplace_back();
    DecodeHttpSd(h, &out->http_sd_configs.back());
  });
  d.ObjectList("dns_sd_configs", [&](MapDecoder& n, size_t) {
    out->dns_sd_configs.emplace_back();
    DecodeDnsSd(n, &out->dns_sd_configs.back());
  });
  d.ObjectList("kubernetes_sd_configs", [&](MapDecoder& k, size_t) {
    out->kubernetes_sd_configs.emplace_back();
    DecodeKubernetesSd(k, &out->kubernetes_sd_configs.back());
  });
  for (std::string_view kind : kUnsupportedSd) {
    d.NotSupported(kind,
                   "supported are static_configs, file_sd_configs, http_sd_configs, "
                   "dns_sd_configs and kubernetes_sd_configs");
  }
}

void CheckTargetAddresses(MapDecoder& d, const ServiceDiscovery& sd) {
  for (const TargetGroup& group : sd.static_configs) {
    for (const std::string& target : group.targets) {
      if (target.find('/') != std::string::npos) {
        return d.Error("static_configs", StrCat(QuoteGo(target), " is not a valid hostname"));
      }
    }
  }
}

std::string ResolvePath(std::string_view dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || dir.empty()) return path;
  return StrCat(dir, "/", path);
}

void ResolveHttpClientPaths(std::string_view dir, HttpClientConfig* http) {
  TlsConfig& tls = http->tls_config;
  for (std::string* p : {&tls.ca_file, &tls.cert_file, &tls.key_file}) *p = ResolvePath(dir, *p);
  if (http->basic_auth) {
    http->basic_auth->password_file = ResolvePath(dir, http->basic_auth->password_file);
    http->basic_auth->username_file = ResolvePath(dir, http->basic_auth->username_file);
  }
  if (http->authorization) {
    http->authorization->credentials_file = ResolvePath(dir, http->authorization->credentials_file);
  }
}

}  // namespace sextant::config::internal
