#include "discovery/kubernetes/kubeconfig.h"

#include <fstream>
#include <string>

#include <stdlib.h>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "util/strings.h"

namespace sextant::discovery::kubernetes {
namespace {

using ::testing::HasSubstr;

std::string Base64(std::string_view s) { return std::string(absl::Base64Escape(util::ToAbsl(s))); }

// Writes `content` as <a new temporary directory>/kubeconfig and returns its path.
std::string WriteKubeconfig(const std::string& content) {
  std::string dir = ::testing::TempDir() + "/kubeconfig_XXXXXX";
  EXPECT_NE(mkdtemp(dir.data()), nullptr);
  const std::string path = dir + "/kubeconfig";
  std::ofstream(path) << content;
  return path;
}

std::string Dir(const std::string& path) { return path.substr(0, path.rfind('/')); }

// A kubeconfig whose current context "ctx" uses cluster "c" and user "u" with these fields.
std::string Config(const std::string& cluster, const std::string& user) {
  return "apiVersion: v1\n"
         "kind: Config\n"
         "current-context: ctx\n"
         "contexts:\n"
         "- name: other\n"
         "  context: {cluster: nope, user: nope}\n"
         "- name: ctx\n"
         "  context: {cluster: c, user: u, namespace: team}\n"
         "clusters:\n"
         "- name: c\n"
         "  cluster:\n" +
         cluster +
         "users:\n"
         "- name: u\n"
         "  user:\n" +
         user;
}

TEST(Kubeconfig, InlineData) {
  const std::string path =
      WriteKubeconfig(Config("    server: https://k8s.example.com:6443/\n"
                             "    certificate-authority-data: " +
                                 Base64("CA PEM") +
                                 "\n"
                                 "    tls-server-name: api.internal\n"
                                 "    proxy-url: http://proxy:3128\n",
                             "    client-certificate-data: " + Base64("CERT PEM") +
                                 "\n"
                                 "    client-key-data: " +
                                 Base64("KEY PEM") +
                                 "\n"
                                 "    token: abc\n"));
  absl::StatusOr<Connection> conn = ConnectionFromKubeconfig(path);
  ASSERT_TRUE(conn.ok()) << conn.status();
  EXPECT_EQ(conn->base_url, "https://k8s.example.com:6443");
  EXPECT_EQ(conn->path_prefix, "");
  const config::TlsConfig& tls = conn->http.tls_config;
  EXPECT_EQ(tls.ca, "CA PEM");
  EXPECT_EQ(tls.ca_file, "");
  EXPECT_EQ(tls.cert, "CERT PEM");
  EXPECT_EQ(tls.key.value, "KEY PEM");
  EXPECT_EQ(tls.server_name, "api.internal");
  EXPECT_FALSE(tls.insecure_skip_verify);
  EXPECT_EQ(conn->http.proxy_url, "http://proxy:3128");
  ASSERT_TRUE(conn->http.authorization.has_value());
  EXPECT_EQ(conn->http.authorization->type, "Bearer");
  EXPECT_EQ(conn->http.authorization->credentials.value, "abc");
  EXPECT_FALSE(conn->http.basic_auth.has_value());
  EXPECT_EQ(conn->own_namespace, "");
}

TEST(Kubeconfig, FilePathsRelativeToTheKubeconfig) {
  const std::string path =
      WriteKubeconfig(Config("    server: https://10.0.0.1/k8s/\n"
                             "    certificate-authority: ca.crt\n",
                             "    client-certificate: certs/client.crt\n"
                             "    client-key: /etc/keys/client.key\n"
                             "    tokenFile: token\n"));
  absl::StatusOr<Connection> conn = ConnectionFromKubeconfig(path);
  ASSERT_TRUE(conn.ok()) << conn.status();
  EXPECT_EQ(conn->base_url, "https://10.0.0.1");
  EXPECT_EQ(conn->path_prefix, "/k8s");
  const std::string dir = Dir(path);
  EXPECT_EQ(conn->http.tls_config.ca_file, dir + "/ca.crt");
  EXPECT_EQ(conn->http.tls_config.cert_file, dir + "/certs/client.crt");
  EXPECT_EQ(conn->http.tls_config.key_file, "/etc/keys/client.key");
  ASSERT_TRUE(conn->http.authorization.has_value());
  EXPECT_EQ(conn->http.authorization->credentials_file, dir + "/token");
}

TEST(Kubeconfig, BasicAuthAndInsecure) {
  const std::string path =
      WriteKubeconfig(Config("    server: http://127.0.0.1:8080\n"
                             "    insecure-skip-tls-verify: true\n",
                             "    username: admin\n"
                             "    password: secret\n"));
  absl::StatusOr<Connection> conn = ConnectionFromKubeconfig(path);
  ASSERT_TRUE(conn.ok()) << conn.status();
  EXPECT_EQ(conn->base_url, "http://127.0.0.1:8080");
  EXPECT_TRUE(conn->http.tls_config.insecure_skip_verify);
  ASSERT_TRUE(conn->http.basic_auth.has_value());
  EXPECT_EQ(conn->http.basic_auth->username, "admin");
  EXPECT_EQ(conn->http.basic_auth->password.value, "secret");
  EXPECT_FALSE(conn->http.authorization.has_value());
}

TEST(Kubeconfig, ResolveConnectionUsesIt) {
  const std::string path =
      WriteKubeconfig(Config("    server: https://10.0.0.2:6443\n", "    token: t\n"));
  config::KubernetesSdConfig cfg;
  cfg.kubeconfig_file = path;
  cfg.namespaces.own_namespace = true;  // in-cluster only
  absl::StatusOr<Connection> conn = ResolveConnection(cfg, {});
  ASSERT_TRUE(conn.ok()) << conn.status();
  EXPECT_EQ(conn->base_url, "https://10.0.0.2:6443");
  EXPECT_EQ(conn->own_namespace, "");
}

// The error message of the kubeconfig `content`, which must be FailedPrecondition.
std::string ErrorOf(const std::string& content) {
  const std::string path = WriteKubeconfig(content);
  absl::Status s = ConnectionFromKubeconfig(path).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(path)) << s;
  return std::string(s.message());
}

TEST(Kubeconfig, Errors) {
  absl::Status missing = ConnectionFromKubeconfig("/nonexistent/kubeconfig").status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(missing.message()), HasSubstr("/nonexistent/kubeconfig"));

  const std::string server = "    server: https://k8s\n";
  EXPECT_THAT(ErrorOf("clusters: [unclosed\n"), HasSubstr("not YAML"));
  EXPECT_THAT(ErrorOf("just text\n"), HasSubstr("not a kubeconfig"));
  EXPECT_THAT(ErrorOf("clusters: []\n"), HasSubstr("no current-context"));
  EXPECT_THAT(ErrorOf("current-context: x\ncontexts: []\n"), HasSubstr("context \"x\" not found"));
  EXPECT_THAT(ErrorOf("current-context: x\ncontexts: [{name: x, context: {cluster: k}}]\n"),
              HasSubstr("cluster \"k\" not found"));
  EXPECT_THAT(ErrorOf(Config("    insecure-skip-tls-verify: true\n", "    token: t\n")),
              HasSubstr("no server found for cluster \"c\""));
  EXPECT_THAT(ErrorOf(Config("    server: ftp://k8s\n", "    token: t\n")),
              HasSubstr("scheme must be http or https"));
  EXPECT_THAT(ErrorOf("current-context: x\n"
                      "contexts: [{name: x, context: {cluster: k, user: nobody}}]\n"
                      "clusters: [{name: k, cluster: {server: 'https://k8s'}}]\n"),
              HasSubstr("user \"nobody\" not found"));
  EXPECT_THAT(ErrorOf(Config(server + "    certificate-authority-data: '!!!'\n", "    token: t\n")),
              HasSubstr("certificate-authority-data is not valid base64"));
  EXPECT_THAT(ErrorOf(Config(server, "    client-key-data: '%%%'\n")),
              HasSubstr("client-key-data is not valid base64"));
  EXPECT_THAT(ErrorOf(Config(server, "    exec: {command: aws}\n")),
              HasSubstr("exec credential plugins are not supported"));
  EXPECT_THAT(ErrorOf(Config(server, "    auth-provider: {name: gcp}\n")),
              HasSubstr("auth-provider is not supported"));
  EXPECT_THAT(ErrorOf(Config(server, "    token: t\n    username: u\n")),
              HasSubstr("more than one authentication method"));
  EXPECT_THAT(ErrorOf(Config(server, "    client-certificate: c.crt\n")),
              HasSubstr("client-certificate and client-key"));
  EXPECT_THAT(ErrorOf(Config(server + "    insecure-skip-tls-verify: maybe\n", "    token: t\n")),
              HasSubstr("insecure-skip-tls-verify is not a boolean"));
}

}  // namespace
}  // namespace sextant::discovery::kubernetes
