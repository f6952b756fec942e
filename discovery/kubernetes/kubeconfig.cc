#include "discovery/kubernetes/kubeconfig.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/escaping.h"
#include "util/go_format.h"
#include "util/status_macros.h"
#include "util/strings.h"
#include "yaml-cpp/yaml.h"

namespace sextant::discovery::kubernetes {
namespace {

using util::QuoteGo;
using util::StrCat;

// One kubeconfig being read: its path for messages and relative paths.
class Reader {
 public:
  explicit Reader(const std::string& path)
      : path_(path), dir_(std::filesystem::path(path).parent_path()) {}

  absl::StatusOr<Connection> Read() {
    std::ifstream in(path_);
    if (!in) return Error("cannot read the file");
    std::stringstream content;
    content << in.rdbuf();
    YAML::Node root;
    try {
      root = YAML::Load(content.str());
    } catch (const YAML::Exception& e) {
      return Error(StrCat("not YAML: ", e.what()));
    }
    if (!root.IsMap()) return Error("not a kubeconfig (expected a mapping)");
    try {
      return FromRoot(root);
    } catch (const YAML::Exception& e) {
      return Error(e.what());
    }
  }

 private:
  absl::StatusOr<Connection> FromRoot(const YAML::Node& root) {
    ASSIGN_OR_RETURN(const std::string current, String(root, "current-context"));
    if (current.empty()) return Error("no current-context");
    ASSIGN_OR_RETURN(const YAML::Node context, Named(root, "contexts", "context", current));
    ASSIGN_OR_RETURN(const std::string cluster_name, String(context, "cluster"));
    ASSIGN_OR_RETURN(const std::string user_name, String(context, "user"));
    ASSIGN_OR_RETURN(const YAML::Node cluster, Named(root, "clusters", "cluster", cluster_name));

    ASSIGN_OR_RETURN(const std::string server, String(cluster, "server"));
    if (server.empty()) return Error(StrCat("no server found for cluster ", QuoteGo(cluster_name)));
    const std::string what = StrCat("cluster ", QuoteGo(cluster_name));
    absl::StatusOr<Connection> parsed = ConnectionForUrl(server, {});
    if (!parsed.ok()) return Error(StrCat(what, ": ", parsed.status().message()));
    Connection conn = *std::move(parsed);
    config::HttpClientConfig& http = conn.http;
    config::TlsConfig& tls = http.tls_config;
    ASSIGN_OR_RETURN(tls.ca, Data(cluster, "certificate-authority-data", what));
    ASSIGN_OR_RETURN(tls.ca_file, Path(cluster, "certificate-authority"));
    ASSIGN_OR_RETURN(tls.server_name, String(cluster, "tls-server-name"));
    ASSIGN_OR_RETURN(http.proxy_url, String(cluster, "proxy-url"));
    if (const YAML::Node insecure = cluster["insecure-skip-tls-verify"]) {
      if (!YAML::convert<bool>::decode(insecure, tls.insecure_skip_verify)) {
        return Error(StrCat(what, ": insecure-skip-tls-verify is not a boolean"));
      }
    }
    // A context without a user (or naming none) connects without credentials.
    if (!user_name.empty()) {
      ASSIGN_OR_RETURN(const YAML::Node user, Named(root, "users", "user", user_name));
      RETURN_IF_ERROR(ReadUser(user, user_name, &http));
    }
    return conn;
  }

  absl::Status ReadUser(const YAML::Node& user, const std::string& name,
                        config::HttpClientConfig* http) {
    const std::string what = StrCat("user ", QuoteGo(name));
    if (user["exec"]) return Error(StrCat(what, ": exec credential plugins are not supported"));
    if (user["auth-provider"]) return Error(StrCat(what, ": auth-provider is not supported"));
    config::TlsConfig& tls = http->tls_config;
    ASSIGN_OR_RETURN(tls.cert, Data(user, "client-certificate-data", what));
    ASSIGN_OR_RETURN(tls.cert_file, Path(user, "client-certificate"));
    ASSIGN_OR_RETURN(tls.key.value, Data(user, "client-key-data", what));
    ASSIGN_OR_RETURN(tls.key_file, Path(user, "client-key"));
    const bool has_cert = !tls.cert.empty() || !tls.cert_file.empty();
    const bool has_key = !tls.key.empty() || !tls.key_file.empty();
    if (has_cert != has_key) {
      return Error(
          StrCat(what, ": client-certificate and client-key (or their -data) go together"));
    }
    ASSIGN_OR_RETURN(const std::string token, String(user, "token"));
    ASSIGN_OR_RETURN(const std::string token_file, Path(user, "tokenFile"));
    ASSIGN_OR_RETURN(const std::string username, String(user, "username"));
    ASSIGN_OR_RETURN(const std::string password, String(user, "password"));
    const bool has_token = !token.empty() || !token_file.empty();
    const bool has_basic = !username.empty() || !password.empty();
    if (has_token && has_basic) {
      return Error(StrCat("more than one authentication method found for ", what,
                          "; found token and basic auth, only one is allowed"));
    }
    if (has_token) {
      config::Authorization auth;
      auth.type = "Bearer";
      // client-go prefers the file, which it re-reads, over the inline token.
      if (!token_file.empty()) {
        auth.credentials_file = token_file;
      } else {
        auth.credentials.value = token;
      }
      http->authorization = std::move(auth);
    }
    if (has_basic) {
      config::BasicAuth basic;
      basic.username = username;
      basic.password.value = password;
      http->basic_auth = std::move(basic);
    }
    return absl::OkStatus();
  }

  // The `field` of the element named `name` in the list `list` ([{name, <field>}, ...]).
  absl::StatusOr<YAML::Node> Named(const YAML::Node& root, const char* list, const char* field,
                                   const std::string& name) {
    if (const YAML::Node items = root[list]; items && items.IsSequence()) {
      for (const YAML::Node& item : items) {
        if (!item.IsMap()) continue;
        const YAML::Node n = item["name"];
        if (n && n.IsScalar() && n.Scalar() == name) {
          const YAML::Node value = item[field];
          if (value && value.IsMap()) return value;
          if (!value || value.IsNull()) return YAML::Node(YAML::NodeType::Map);
          return Error(StrCat(field, " ", QuoteGo(name), " is not a mapping"));
        }
      }
    }
    return Error(StrCat(field, " ", QuoteGo(name), " not found"));
  }

  absl::StatusOr<std::string> String(const YAML::Node& node, const char* key) {
    const YAML::Node value = node[key];
    if (!value || value.IsNull()) return std::string();
    if (!value.IsScalar()) return Error(StrCat(key, " is not a string"));
    return value.Scalar();
  }

  // A file path, relative paths taken relative to the kubeconfig's directory.
  absl::StatusOr<std::string> Path(const YAML::Node& node, const char* key) {
    absl::StatusOr<std::string> p = String(node, key);
    if (!p.ok() || p->empty() || p->starts_with('/') || dir_.empty()) return p;
    return (dir_ / *p).string();
  }

  // A base64 *-data field, decoded.
  absl::StatusOr<std::string> Data(const YAML::Node& node, const char* key,
                                   const std::string& what) {
    ASSIGN_OR_RETURN(std::string encoded, String(node, key));
    std::erase_if(encoded, [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
    std::string decoded;
    if (!absl::Base64Unescape(util::ToAbsl(encoded), &decoded)) {
      return Error(StrCat(what, ": ", key, " is not valid base64"));
    }
    return decoded;
  }

  absl::Status Error(std::string_view message) const {
    return absl::FailedPreconditionError(StrCat("kubeconfig ", path_, ": ", message));
  }

  const std::string path_;
  const std::filesystem::path dir_;
};

}  // namespace

absl::StatusOr<Connection> ConnectionFromKubeconfig(const std::string& path) {
  return Reader(path).Read();
}

}  // namespace sextant::discovery::kubernetes
