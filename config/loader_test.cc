#include "config/loader.h"

#include <fstream>
#include <map>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "util/strings.h"

namespace sextant::config {
namespace {

using ::testing::HasSubstr;

constexpr char kTestdata[] = "config/testdata";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Rows of a tab-separated file, comment lines skipped.
std::vector<std::vector<std::string>> ReadTsv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(ReadFile(path));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> row;
    for (std::string_view f : util::StrSplit(line, '\t')) row.emplace_back(f);
    row.resize(4);
    rows.push_back(std::move(row));
  }
  return rows;
}

// Loads config/testdata/<rel> the way LoadConfigFile does, but naming it <rel> in messages.
absl::StatusOr<Config> LoadTestdata(const std::string& rel) {
  const std::string full = std::string(kTestdata) + "/" + rel;
  return LoadConfig(ReadFile(full), rel, full.substr(0, full.rfind('/')));
}

Config MustLoad(std::string_view yaml) {
  auto c = LoadConfig(yaml, "test.yml");
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *std::move(c) : Config{};
}

std::string LoadError(std::string_view yaml) {
  auto c = LoadConfig(yaml, "test.yml");
  return c.ok() ? "<loaded fine>" : std::string(c.status().message());
}

// The reference table: each case's verdict from promtool 2.42 (verdicts.tsv) and Sextant's
// expected outcome (expectations.tsv). Where they differ, the expectation must say why.
TEST(LoadConfig, MatchesPromtoolVerdictTable) {
  std::map<std::string, std::string> promtool;
  for (const auto& row : ReadTsv(std::string(kTestdata) + "/verdicts.tsv")) {
    promtool[row[0]] = row[1];
  }
  const auto expectations = ReadTsv(std::string(kTestdata) + "/expectations.tsv");
  ASSERT_GE(promtool.size(), 60u);
  ASSERT_EQ(expectations.size(), promtool.size()) << "every promtool case needs an expectation";
  for (const auto& row : expectations) {
    const std::string& path = row[0];
    const std::string& verdict = row[1];
    const std::string& message = row[2];
    const std::string& reason = row[3];
    SCOPED_TRACE(path);
    ASSERT_TRUE(promtool.count(path)) << "no promtool verdict recorded";
    if (verdict != promtool[path]) {
      EXPECT_FALSE(reason.empty()) << "differs from promtool without a reason";
    } else {
      EXPECT_TRUE(reason.empty()) << "a reason is given but the verdicts agree";
    }
    auto config = LoadTestdata(path);
    if (verdict == "ok") {
      EXPECT_TRUE(config.ok()) << config.status();
    } else {
      ASSERT_FALSE(config.ok());
      EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_EQ(config.status().message(), message);
    }
  }
}

TEST(LoadConfig, EmptyFileGivesPrometheusDefaults) {
  const Config c = MustLoad("");
  EXPECT_EQ(c.global.scrape_interval, absl::Minutes(1));
  EXPECT_EQ(c.global.scrape_timeout, absl::Seconds(10));
  EXPECT_EQ(c.global.evaluation_interval, absl::Minutes(1));
  EXPECT_TRUE(c.scrape_configs.empty());
}

TEST(LoadConfig, JobsInheritGlobalIntervalAndCapTimeout) {
  const Config c = MustLoad(R"(
global: {scrape_interval: 30s, scrape_timeout: 5s}
scrape_configs:
  - job_name: inherit
  - job_name: fast
    scrape_interval: 2s
  - job_name: own
    scrape_interval: 1m
    scrape_timeout: 20s
)");
  ASSERT_EQ(c.scrape_configs.size(), 3u);
  EXPECT_EQ(c.scrape_configs[0].scrape_interval, absl::Seconds(30));
  EXPECT_EQ(c.scrape_configs[0].scrape_timeout, absl::Seconds(5));
  EXPECT_EQ(c.scrape_configs[1].scrape_timeout, absl::Seconds(2));  // capped at the interval
  EXPECT_EQ(c.scrape_configs[2].scrape_timeout, absl::Seconds(20));
  EXPECT_EQ(c.scrape_configs[0].metrics_path, "/metrics");
  EXPECT_EQ(c.scrape_configs[0].scheme, "http");
  EXPECT_TRUE(c.scrape_configs[0].honor_timestamps);
  EXPECT_FALSE(c.scrape_configs[0].honor_labels);
}

TEST(LoadConfig, GlobalTimeoutDefaultIsCappedByShortGlobalInterval) {
  const Config c = MustLoad("global: {scrape_interval: 5s}");
  EXPECT_EQ(c.global.scrape_timeout, absl::Seconds(5));
}

TEST(LoadConfig, GlobalLimitsAreJobDefaults) {
  const Config c = MustLoad(R"(
global: {sample_limit: 1000, body_size_limit: 1MB}
scrape_configs:
  - job_name: a
  - job_name: b
    sample_limit: 5
)");
  EXPECT_EQ(c.scrape_configs[0].limits.sample_limit, 1000u);
  EXPECT_EQ(c.scrape_configs[0].limits.body_size_limit, 1u << 20);
  EXPECT_EQ(c.scrape_configs[1].limits.sample_limit, 5u);
}

TEST(LoadConfig, BearerTokenBecomesAuthorization) {
  const Config c = MustLoad(R"(
scrape_configs:
  - job_name: a
    bearer_token: s3cret
  - job_name: b
    bearer_token_file: token.txt
)");
  ASSERT_TRUE(c.scrape_configs[0].http.authorization.has_value());
  EXPECT_EQ(c.scrape_configs[0].http.authorization->type, "Bearer");
  EXPECT_EQ(c.scrape_configs[0].http.authorization->credentials.value, "s3cret");
  EXPECT_EQ(c.scrape_configs[1].http.authorization->credentials_file, "token.txt");
}

TEST(LoadConfig, RelativePathsResolveAgainstTheConfigDirectory) {
  auto c = LoadConfig(R"(
rule_files: [rules/*.yml, /abs/alerts.yml]
scrape_configs:
  - job_name: a
    file_sd_configs: [{files: [targets/*.json]}]
    tls_config: {ca_file: ca.pem}
)",
                      "prometheus.yml", "/etc/sextant");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->rule_files, ::testing::ElementsAre("/etc/sextant/rules/*.yml", "/abs/alerts.yml"));
  EXPECT_EQ(c->scrape_configs[0].sd.file_sd_configs[0].files[0], "/etc/sextant/targets/*.json");
  EXPECT_EQ(c->scrape_configs[0].sd.file_sd_configs[0].refresh_interval, absl::Minutes(5));
  EXPECT_EQ(c->scrape_configs[0].http.tls_config.ca_file, "/etc/sextant/ca.pem");
}

TEST(LoadConfig, MlPlatformStack) {
  auto c = LoadTestdata("good/ml_platform_stack.yml");
  ASSERT_TRUE(c.ok()) << c.status();
  std::vector<std::string> jobs;
  for (const auto& s : c->scrape_configs) jobs.push_back(s.job_name);
  EXPECT_THAT(
      jobs, ::testing::ElementsAre("app", "node", "gpu", "mlflow", "postgres", "mongodb", "minio"));
  EXPECT_EQ(c->global.external_labels.Get("cluster"), "ml-prod");
  EXPECT_EQ(c->scrape_configs[0].sd.static_configs[0].targets[0], "app:8000");
  EXPECT_EQ(c->scrape_configs[0].sd.static_configs[0].labels.Get("service"), "inference-api");
  EXPECT_EQ(c->scrape_configs[2].scrape_interval, absl::Seconds(30));
  const ScrapeConfig& minio = c->scrape_configs[6];
  EXPECT_EQ(minio.metrics_path, "/minio/v2/metrics/cluster");
  ASSERT_TRUE(minio.http.authorization.has_value());
  EXPECT_EQ(minio.relabel_configs[1].action, RelabelAction::kLabelDrop);
  ASSERT_EQ(c->remote_write.size(), 1u);
  EXPECT_EQ(c->remote_write[0].headers.at("X-Scope-OrgID"), "ml-platform");
  EXPECT_EQ(c->remote_write[0].queue_config.max_shards, 50);
  EXPECT_EQ(c->alerting.alertmanagers[0].sd.static_configs[0].targets[0], "alertmanager:9093");
  EXPECT_EQ(c->alerting.alertmanagers[0].api_version, "v2");
}

TEST(LoadConfig, AlertmanagerEntriesCarryEveryNotifierField) {
  auto c = LoadConfig(R"(
global: {external_labels: {cluster: eu}}
alerting:
  alert_relabel_configs: [{source_labels: [severity], regex: debug, action: drop}]
  alertmanagers:
    - scheme: https
      path_prefix: /am
      timeout: 3s
      api_version: v2
      basic_auth: {username: u, password_file: secrets/am_password}
      tls_config: {ca_file: ca.pem, server_name: am.internal, insecure_skip_verify: true}
      follow_redirects: false
      static_configs: [{targets: ['am-0:9093'], labels: {dc: x}}]
      file_sd_configs: [{files: ['am/*.json'], refresh_interval: 1m}]
      relabel_configs: [{source_labels: [__meta_filepath], target_label: __alerts_path__}]
      alert_relabel_configs: [{target_label: routed, replacement: 'yes'}]
)",
                      "prometheus.yml", "/etc/sextant");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->alerting.alert_relabel_configs.size(), 1u);
  ASSERT_EQ(c->alerting.alertmanagers.size(), 1u);
  const AlertmanagerConfig& am = c->alerting.alertmanagers[0];
  EXPECT_EQ(am.scheme, "https");
  EXPECT_EQ(am.path_prefix, "/am");
  EXPECT_EQ(am.timeout, absl::Seconds(3));
  EXPECT_EQ(am.api_version, "v2");
  ASSERT_TRUE(am.http.basic_auth.has_value());
  EXPECT_EQ(am.http.basic_auth->password_file, "/etc/sextant/secrets/am_password");
  EXPECT_EQ(am.http.tls_config.ca_file, "/etc/sextant/ca.pem");
  EXPECT_EQ(am.http.tls_config.server_name, "am.internal");
  EXPECT_TRUE(am.http.tls_config.insecure_skip_verify);
  EXPECT_FALSE(am.http.follow_redirects);
  ASSERT_EQ(am.sd.static_configs.size(), 1u);
  EXPECT_EQ(am.sd.static_configs[0].labels.Get("dc"), "x");
  ASSERT_EQ(am.sd.file_sd_configs.size(), 1u);
  EXPECT_THAT(am.sd.file_sd_configs[0].files, ::testing::ElementsAre("/etc/sextant/am/*.json"));
  EXPECT_EQ(am.sd.file_sd_configs[0].refresh_interval, absl::Minutes(1));
  EXPECT_EQ(am.relabel_configs.size(), 1u);
  ASSERT_EQ(am.alert_relabel_configs.size(), 1u);
  EXPECT_EQ(am.alert_relabel_configs[0].target_label, "routed");

  // Prometheus 3.x has no Alertmanager API v1.
  auto v1 = LoadConfig("alerting:\n  alertmanagers: [{api_version: v1}]\n", "p.yml");
  ASSERT_FALSE(v1.ok());
  EXPECT_THAT(
      std::string(v1.status().message()),
      ::testing::HasSubstr("expected Alertmanager api version to be one of [v2] but got v1"));
}

TEST(LoadConfig, MlflowStackDropRuleCompilesAnchored) {
  auto c = LoadTestdata("good/mlflow_model_server_stack.yml");
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->scrape_configs.size(), 2u);
  EXPECT_EQ(c->scrape_configs[1].scrape_interval, absl::Seconds(10));
  const RelabelConfig& drop = c->scrape_configs[0].metric_relabel_configs[0];
  EXPECT_EQ(drop.action, RelabelAction::kDrop);
  EXPECT_TRUE(RE2::FullMatch("go_gc_duration_seconds", *drop.compiled));
  EXPECT_FALSE(RE2::FullMatch("mlflow_go_runs", *drop.compiled));  // anchored
}

TEST(LoadConfig, RelabelDefaults) {
  const Config c = MustLoad(R"(
scrape_configs:
  - job_name: a
    relabel_configs:
      - target_label: env
        replacement: prod
)");
  const RelabelConfig& r = c.scrape_configs[0].relabel_configs[0];
  EXPECT_EQ(r.action, RelabelAction::kReplace);
  EXPECT_EQ(r.separator, ";");
  EXPECT_EQ(r.regex, "(.*)");
  ASSERT_NE(r.compiled, nullptr);
}

TEST(LoadConfig, UnsupportedServiceDiscoveryIsAClearError) {
  EXPECT_EQ(
      LoadError("scrape_configs:\n  - job_name: c\n    consul_sd_configs: [{server: 'c:8500'}]\n"),
      "test.yml:3: scrape_configs[0].consul_sd_configs: consul_sd_configs is not supported yet by "
      "Sextant; supported are static_configs, file_sd_configs, http_sd_configs, dns_sd_configs "
      "and kubernetes_sd_configs");
  EXPECT_THAT(LoadError("scrape_configs:\n  - job_name: k\n    oauth2: {client_id: x}\n"),
              HasSubstr("test.yml:3: scrape_configs[0].oauth2: oauth2 is not supported yet"));
}

TEST(LoadConfig, KubernetesSdConfigDecodesEveryField) {
  auto c = LoadConfig(R"(
scrape_configs:
  - job_name: k
    kubernetes_sd_configs:
      - role: endpoints
        api_server: https://k8s.example:6443
        basic_auth: {username: u, password_file: secrets/pw}
        tls_config: {ca_file: ca.pem, server_name: k8s}
        proxy_url: http://proxy:3128
        follow_redirects: false
        enable_http2: false
        namespaces: {names: [ml, default]}
        selectors:
          - {role: pod, label: 'app in (web, api),!canary', field: 'spec.nodeName=n1'}
          - {role: service, label: tier=backend}
          - {role: endpoints, field: 'metadata.name!=x'}
        attach_metadata: {node: true, namespace: true, deployment: false}
      - role: pod
        kubeconfig_file: kube/config
      - role: node
        namespaces: {own_namespace: true}
)",
                      "prometheus.yml", "/etc/sextant");
  ASSERT_TRUE(c.ok()) << c.status();
  const auto& ks = c->scrape_configs[0].sd.kubernetes_sd_configs;
  ASSERT_EQ(ks.size(), 3u);
  const KubernetesSdConfig& k = ks[0];
  EXPECT_EQ(k.role, "endpoints");
  EXPECT_EQ(k.api_server, "https://k8s.example:6443");
  EXPECT_EQ(k.kubeconfig_file, "");
  ASSERT_TRUE(k.http.basic_auth.has_value());
  EXPECT_EQ(k.http.basic_auth->username, "u");
  EXPECT_EQ(k.http.basic_auth->password_file, "/etc/sextant/secrets/pw");
  EXPECT_EQ(k.http.tls_config.ca_file, "/etc/sextant/ca.pem");
  EXPECT_EQ(k.http.tls_config.server_name, "k8s");
  EXPECT_EQ(k.http.proxy_url, "http://proxy:3128");
  EXPECT_FALSE(k.http.follow_redirects);
  EXPECT_FALSE(k.http.enable_http2);
  EXPECT_FALSE(k.namespaces.own_namespace);
  EXPECT_THAT(k.namespaces.names, ::testing::ElementsAre("ml", "default"));
  ASSERT_EQ(k.selectors.size(), 3u);
  EXPECT_EQ(k.selectors[0].role, "pod");
  EXPECT_EQ(k.selectors[0].label, "app in (web, api),!canary");
  EXPECT_EQ(k.selectors[0].field, "spec.nodeName=n1");
  EXPECT_EQ(k.selectors[1].role, "service");
  EXPECT_EQ(k.selectors[1].label, "tier=backend");
  EXPECT_EQ(k.selectors[1].field, "");
  EXPECT_EQ(k.selectors[2].field, "metadata.name!=x");
  EXPECT_TRUE(k.attach_metadata.node);
  EXPECT_TRUE(k.attach_metadata.namespace_);
  EXPECT_EQ(ks[1].kubeconfig_file, "/etc/sextant/kube/config");
  EXPECT_EQ(ks[1].api_server, "");
  EXPECT_TRUE(ks[1].http.follow_redirects);
  EXPECT_FALSE(ks[1].http.authorization.has_value());
  EXPECT_TRUE(ks[2].namespaces.own_namespace);
  EXPECT_FALSE(ks[2].attach_metadata.node);
}

TEST(LoadConfig, KubernetesSdConfigInAlertmanagersResolvesPaths) {
  auto c = LoadConfig(R"(
alerting:
  alertmanagers:
    - kubernetes_sd_configs:
        - role: pod
          namespaces: {names: [monitoring]}
        - role: endpoints
          kubeconfig_file: kubeconfig.yml
        - role: service
          api_server: https://k8s:6443
          authorization: {credentials_file: token}
)",
                      "prometheus.yml", "/etc/sextant");
  ASSERT_TRUE(c.ok()) << c.status();
  const auto& ks = c->alerting.alertmanagers[0].sd.kubernetes_sd_configs;
  ASSERT_EQ(ks.size(), 3u);
  EXPECT_THAT(ks[0].namespaces.names, ::testing::ElementsAre("monitoring"));
  EXPECT_EQ(ks[1].kubeconfig_file, "/etc/sextant/kubeconfig.yml");
  ASSERT_TRUE(ks[2].http.authorization.has_value());
  EXPECT_EQ(ks[2].http.authorization->credentials_file, "/etc/sextant/token");
  EXPECT_EQ(LoadError("alerting:\n  alertmanagers:\n    - kubernetes_sd_configs: [{role: x}]\n"),
            "test.yml:3: alerting.alertmanagers[0].kubernetes_sd_configs[0].role: unknown "
            "Kubernetes SD role \"x\"");
}

// The seed stack's typical configuration: API servers through endpoints with an explicit
// api_server and service-account credentials; nodes and annotated pods in-cluster.
TEST(LoadConfig, KubernetesSdSeedStack) {
  auto c = LoadTestdata("bad/kubernetes_sd_seed_stack.yml");
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->scrape_configs.size(), 3u);
  const KubernetesSdConfig& api = c->scrape_configs[0].sd.kubernetes_sd_configs.at(0);
  EXPECT_EQ(api.role, "endpoints");
  EXPECT_EQ(api.api_server, "https://kubernetes.default.svc:443");
  ASSERT_TRUE(api.http.authorization.has_value());
  EXPECT_EQ(api.http.authorization->credentials_file,
            "/var/run/secrets/kubernetes.io/serviceaccount/token");
  EXPECT_EQ(api.http.tls_config.ca_file, "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt");
  const RelabelConfig& keep = c->scrape_configs[0].relabel_configs.at(0);
  EXPECT_EQ(keep.action, RelabelAction::kKeep);
  EXPECT_TRUE(RE2::FullMatch("default;kubernetes;https", *keep.compiled));
  const KubernetesSdConfig& node = c->scrape_configs[1].sd.kubernetes_sd_configs.at(0);
  EXPECT_EQ(node.role, "node");
  EXPECT_EQ(node.api_server, "");
  EXPECT_FALSE(node.http.authorization.has_value());
  const ScrapeConfig& pods = c->scrape_configs[2];
  EXPECT_EQ(pods.sd.kubernetes_sd_configs.at(0).role, "pod");
  EXPECT_EQ(pods.relabel_configs.size(), 7u);
  EXPECT_EQ(pods.relabel_configs[3].replacement, "$1:$2");
}

// The checks of Prometheus's kubernetes SDConfig.UnmarshalYAML, one message each.
std::string KubernetesSdError(std::string_view entry) {
  return LoadError(
      util::StrCat("scrape_configs:\n  - job_name: k\n    kubernetes_sd_configs: [", entry, "]\n"));
}
constexpr char kAt[] = "test.yml:3: scrape_configs[0].kubernetes_sd_configs[0]";

TEST(KubernetesSdConfig, UnknownRole) {
  EXPECT_EQ(KubernetesSdError("{role: foo}"),
            std::string(kAt) + ".role: unknown Kubernetes SD role \"foo\"");
  EXPECT_EQ(KubernetesSdError("{role: pod, selectors: [{role: pods}]}"),
            std::string(kAt) + ".selectors[0].role: unknown Kubernetes SD role \"pods\"");
}

TEST(KubernetesSdConfig, MissingRole) {
  const std::string missing =
      std::string(kAt) +
      ": role missing (one of: pod, service, endpoints, endpointslice, node, "
      "ingress)";
  EXPECT_EQ(KubernetesSdError("{namespaces: {names: [a]}}"), missing);
  // Before the HTTP client checks, as in Prometheus.
  EXPECT_EQ(KubernetesSdError("{bearer_token: a, bearer_token_file: b}"), missing);
}

TEST(KubernetesSdConfig, HttpClientErrors) {
  EXPECT_EQ(KubernetesSdError("{role: pod, api_server: 'https://k', bearer_token: a, "
                              "bearer_token_file: b}"),
            std::string(kAt) +
                ": at most one of bearer_token & bearer_token_file must be "
                "configured");
  // Before the api_server / kubeconfig_file checks.
  EXPECT_EQ(KubernetesSdError("{role: pod, kubeconfig_file: k, tls_config: {min_version: TLS9}}"),
            std::string(kAt) + ".tls_config.min_version: unknown TLS version: TLS9");
}

TEST(KubernetesSdConfig, KubeconfigAndApiServer) {
  EXPECT_EQ(KubernetesSdError("{role: pod, api_server: 'https://k', kubeconfig_file: kc}"),
            std::string(kAt) + ": cannot use 'kubeconfig_file' and 'api_server' simultaneously");
  // Any non-null api_server counts as set, even "" (Go's url.Parse accepts it).
  EXPECT_EQ(KubernetesSdError("{role: pod, api_server: '', kubeconfig_file: kc}"),
            std::string(kAt) + ": cannot use 'kubeconfig_file' and 'api_server' simultaneously");
  EXPECT_EQ(KubernetesSdError("{role: pod, api_server: null, kubeconfig_file: kc}"),
            "<loaded fine>");
}

TEST(KubernetesSdConfig, CustomHttpClientWithKubeconfig) {
  const std::string err = std::string(kAt) +
                          ": cannot use a custom HTTP client configuration together with "
                          "'kubeconfig_file'";
  EXPECT_EQ(KubernetesSdError("{role: pod, kubeconfig_file: kc, tls_config: {ca_file: ca}}"), err);
  EXPECT_EQ(KubernetesSdError("{role: pod, kubeconfig_file: kc, follow_redirects: false}"), err);
  EXPECT_EQ(KubernetesSdError("{role: pod, kubeconfig_file: kc, enable_http2: false}"), err);
  EXPECT_EQ(KubernetesSdError("{role: pod, kubeconfig_file: kc, proxy_url: 'http://p'}"), err);
  EXPECT_EQ(KubernetesSdError("{role: pod, kubeconfig_file: kc, basic_auth: {username: u}}"), err);
  EXPECT_EQ(KubernetesSdError("{role: pod, kubeconfig_file: kc, follow_redirects: true, "
                              "enable_http2: true, tls_config: {}}"),
            "<loaded fine>");
}

TEST(KubernetesSdConfig, CustomHttpClientNeedsApiServer) {
  const std::string err = std::string(kAt) +
                          ": to use custom HTTP client configuration please provide the "
                          "'api_server' URL explicitly";
  EXPECT_EQ(KubernetesSdError("{role: pod, bearer_token_file: t}"), err);
  EXPECT_EQ(KubernetesSdError("{role: pod, tls_config: {insecure_skip_verify: true}}"), err);
}

TEST(KubernetesSdConfig, ApiServerAndOwnNamespace) {
  EXPECT_EQ(
      KubernetesSdError("{role: pod, api_server: 'https://k', namespaces: {own_namespace: "
                        "true}}"),
      std::string(kAt) + ": cannot use 'api_server' and 'namespaces.own_namespace' simultaneously");
}

TEST(KubernetesSdConfig, KubeconfigAndOwnNamespace) {
  EXPECT_EQ(KubernetesSdError("{role: pod, kubeconfig_file: kc, namespaces: {own_namespace: "
                              "true}}"),
            std::string(kAt) +
                ": cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously");
}

TEST(KubernetesSdConfig, DuplicatedSelectorRole) {
  EXPECT_EQ(KubernetesSdError("{role: pod, selectors: [{role: pod}, {role: node}, {role: pod}]}"),
            std::string(kAt) + ".selectors: duplicated selector role: pod");
}

TEST(KubernetesSdConfig, SelectorRoleNotAllowed) {
  const std::map<std::string, std::string> cases = {
      {"pod", "pod, node"},
      {"service", "service"},
      {"endpointslice", "pod, service, endpointslice"},
      {"endpoints", "pod, service, endpoints"},
      {"node", "node"},
      {"ingress", "ingress"},
  };
  for (const auto& [role, allowed] : cases) {
    SCOPED_TRACE(role);
    EXPECT_EQ(
        KubernetesSdError(util::StrCat("{role: ", role,
                                       ", selectors: [{role: ingress}, "
                                       "{role: service}, {role: pod}, {role: node}]}")),
        util::StrCat(kAt, ".selectors: ", role, " role supports only ", allowed, " selectors"))
        << "the first selector outside the list is the error";
  }
  // A selector without a role is outside every list.
  EXPECT_EQ(KubernetesSdError("{role: node, selectors: [{label: a=b}]}"),
            std::string(kAt) + ".selectors: node role supports only node selectors");
}

TEST(KubernetesSdConfig, InvalidFieldSelector) {
  EXPECT_EQ(KubernetesSdError("{role: pod, selectors: [{role: pod, field: 'spec.nodeName'}]}"),
            std::string(kAt) +
                ".selectors: invalid selector: 'spec.nodeName'; can't understand 'spec.nodeName'");
  // The field selector is checked before the label selector.
  EXPECT_EQ(KubernetesSdError("{role: pod, selectors: [{role: pod, label: 'a b', field: 'x'}]}"),
            std::string(kAt) + ".selectors: invalid selector: 'x'; can't understand 'x'");
}

TEST(KubernetesSdConfig, InvalidLabelSelector) {
  EXPECT_EQ(KubernetesSdError("{role: pod, selectors: [{role: pod, label: 'app in web'}]}"),
            std::string(kAt) +
                ".selectors: unable to parse requirement: found 'web' expected: "
                "'('");
}

TEST(KubernetesSdConfig, InvalidApiServerUrl) {
  EXPECT_EQ(KubernetesSdError("{role: pod, api_server: 'http://k8s:port'}"),
            std::string(kAt) +
                ".api_server: parse \"http://k8s:port\": invalid port \":port\" after host");
}

TEST(KubernetesSdConfig, PodMetadataIsNotSupportedYet) {
  EXPECT_EQ(KubernetesSdError("{role: pod, attach_metadata: {deployment: true}}"),
            std::string(kAt) +
                ".attach_metadata.deployment: deployment is not supported yet by "
                "Sextant; Sextant attaches node and namespace metadata only");
  EXPECT_EQ(KubernetesSdError("{role: pod, attach_metadata: {cronjob: yes}}"),
            std::string(kAt) +
                ".attach_metadata.cronjob: cronjob is not supported yet by "
                "Sextant; Sextant attaches node and namespace metadata only");
  EXPECT_EQ(KubernetesSdError("{role: pod, attach_metadata: {node: true, job: false}}"),
            "<loaded fine>");
  EXPECT_EQ(KubernetesSdError("{role: pod, attach_metadata: {nodes: true}}"),
            std::string(kAt) +
                ".attach_metadata: unknown field \"nodes\" (did you mean "
                "\"node\"?)");
}

TEST(LoadConfig, HttpSdConfigsWithDefaultsAndClientSettings) {
  auto c = LoadConfig(R"(
scrape_configs:
  - job_name: a
    http_sd_configs:
      - url: http://sd.example:8080/targets?x=1
      - url: https://sd.example/t
        refresh_interval: 15s
        basic_auth: {username: u, password_file: secrets/pw}
        tls_config: {ca_file: ca.pem, insecure_skip_verify: true}
        proxy_url: http://proxy:3128
        follow_redirects: false
        enable_http2: false
)",
                      "prometheus.yml", "/etc/sextant");
  ASSERT_TRUE(c.ok()) << c.status();
  const ServiceDiscovery& sd = c->scrape_configs[0].sd;
  ASSERT_EQ(sd.http_sd_configs.size(), 2u);
  EXPECT_EQ(sd.http_sd_configs[0].url, "http://sd.example:8080/targets?x=1");
  EXPECT_EQ(sd.http_sd_configs[0].refresh_interval, absl::Minutes(1));
  EXPECT_TRUE(sd.http_sd_configs[0].http.follow_redirects);
  const HttpSdConfig& h = sd.http_sd_configs[1];
  EXPECT_EQ(h.refresh_interval, absl::Seconds(15));
  ASSERT_TRUE(h.http.basic_auth.has_value());
  EXPECT_EQ(h.http.basic_auth->username, "u");
  EXPECT_EQ(h.http.basic_auth->password_file, "/etc/sextant/secrets/pw");
  EXPECT_EQ(h.http.tls_config.ca_file, "/etc/sextant/ca.pem");
  EXPECT_TRUE(h.http.tls_config.insecure_skip_verify);
  EXPECT_EQ(h.http.proxy_url, "http://proxy:3128");
  EXPECT_FALSE(h.http.follow_redirects);
  EXPECT_FALSE(h.http.enable_http2);
}

TEST(LoadConfig, HttpSdConfigErrorsArePrometheuss) {
  const auto error = [](std::string_view entry) {
    return LoadError(
        util::StrCat("scrape_configs:\n  - job_name: a\n    http_sd_configs: [", entry, "]\n"));
  };
  const std::string at = "test.yml:3: scrape_configs[0].http_sd_configs[0]";
  EXPECT_EQ(error("{refresh_interval: 10s}"), at + ": URL is missing");
  EXPECT_EQ(error("{url: 'ftp://x/y'}"), at + ".url: URL scheme must be 'http' or 'https'");
  EXPECT_EQ(error("{url: 'sd.example/x'}"), at + ".url: URL scheme must be 'http' or 'https'");
  EXPECT_EQ(error("{url: 'http:///y'}"), at + ".url: host is missing in URL");
  EXPECT_EQ(error("{url: ':x'}"), at + ".url: parse \":x\": missing protocol scheme");
  EXPECT_EQ(error("{url: 'http://a:b/c'}"),
            at + ".url: parse \"http://a:b/c\": invalid port \":b\" after host");
  // The URL is checked before the client settings, as in Prometheus.
  EXPECT_EQ(error("{url: 'ftp://x', bearer_token: a, bearer_token_file: b}"),
            at + ".url: URL scheme must be 'http' or 'https'");
  EXPECT_EQ(error("{url: 'http://x', bearer_token: a, bearer_token_file: b}"),
            at + ": at most one of bearer_token & bearer_token_file must be configured");
  EXPECT_EQ(error("{url: 'http://x', foo: 1}"), at + ": unknown field \"foo\"");
  EXPECT_EQ(error("{url: 'http://[::1]:9090/sd'}"), "<loaded fine>");
}

TEST(LoadConfig, DnsSdConfigsWithDefaults) {
  const Config c = MustLoad(R"(
scrape_configs:
  - job_name: a
    dns_sd_configs:
      - names: [_prometheus._tcp.example.com]
      - names: [a.example.com, b.example.com]
        type: aaaa
        port: 9100
        refresh_interval: 1m
)");
  const ServiceDiscovery& sd = c.scrape_configs[0].sd;
  ASSERT_EQ(sd.dns_sd_configs.size(), 2u);
  EXPECT_THAT(sd.dns_sd_configs[0].names, ::testing::ElementsAre("_prometheus._tcp.example.com"));
  EXPECT_EQ(sd.dns_sd_configs[0].type, "SRV");
  EXPECT_EQ(sd.dns_sd_configs[0].port, 0);
  EXPECT_EQ(sd.dns_sd_configs[0].refresh_interval, absl::Seconds(30));
  EXPECT_EQ(sd.dns_sd_configs[1].type, "aaaa");
  EXPECT_EQ(sd.dns_sd_configs[1].port, 9100);
  EXPECT_EQ(sd.dns_sd_configs[1].refresh_interval, absl::Minutes(1));
}

TEST(LoadConfig, DnsSdConfigErrorsArePrometheuss) {
  const auto error = [](std::string_view entry) {
    return LoadError(
        util::StrCat("scrape_configs:\n  - job_name: a\n    dns_sd_configs: [", entry, "]\n"));
  };
  const std::string at = "test.yml:3: scrape_configs[0].dns_sd_configs[0]";
  EXPECT_EQ(error("{type: SRV}"), at + ": DNS-SD config must contain at least one SRV record name");
  EXPECT_EQ(error("{names: [x], type: MX}"),
            at + ": a port is required in DNS-SD configs for all record types except SRV");
  EXPECT_EQ(error("{names: [x], type: A}"),
            at + ": a port is required in DNS-SD configs for all record types except SRV");
  EXPECT_EQ(error("{names: [x], type: TXT, port: 1}"),
            at + ".type: invalid DNS-SD records type TXT");
  EXPECT_EQ(error("{names: [x], port: x}"), at + ".port: cannot unmarshal !!str `x` into int");
  EXPECT_EQ(error("{names: [x], type: ns, port: 53}"), "<loaded fine>");
}

TEST(LoadConfig, AlertmanagersUseHttpAndDnsSd) {
  const Config c = MustLoad(R"(
alerting:
  alertmanagers:
    - http_sd_configs: [{url: 'http://sd/am'}]
      dns_sd_configs: [{names: [_am._tcp.example]}]
)");
  const ServiceDiscovery& sd = c.alerting.alertmanagers[0].sd;
  ASSERT_EQ(sd.http_sd_configs.size(), 1u);
  EXPECT_EQ(sd.http_sd_configs[0].url, "http://sd/am");
  ASSERT_EQ(sd.dns_sd_configs.size(), 1u);
  EXPECT_EQ(LoadError("alerting:\n  alertmanagers:\n    - dns_sd_configs: [{names: [x], type: "
                      "TXT, port: 1}]\n"),
            "test.yml:3: alerting.alertmanagers[0].dns_sd_configs[0].type: invalid DNS-SD records "
            "type TXT");
}

TEST(LoadConfig, ErrorsNameFileLineAndField) {
  EXPECT_EQ(LoadError("global:\n  evaluation_interval: 1x\n"),
            "test.yml:2: global.evaluation_interval: not a valid duration string: \"1x\"");
  EXPECT_EQ(LoadError("remote_write:\n  - url: http://x\n    headers: {Content-Type: y}\n"),
            "test.yml:3: remote_write[0].headers: Content-Type is a reserved header. It must not "
            "be changed");
  EXPECT_EQ(LoadError("scrape_configs:\n  - job_name: a\n    tls_config: {min_version: TLS9}\n"),
            "test.yml:3: scrape_configs[0].tls_config.min_version: unknown TLS version: TLS9");
  EXPECT_EQ(LoadError("scrape_configs:\n  - job_name: a\n    params: {module: http_2xx}\n"),
            "test.yml:3: scrape_configs[0].params.module: cannot unmarshal !!str into []string");
}

TEST(LoadConfig, ParamsAreListsOfValues) {
  const Config c = MustLoad(
      "scrape_configs:\n  - job_name: a\n    params: {module: [http_2xx], target: [a, b]}\n");
  EXPECT_THAT(c.scrape_configs[0].params.at("target"), ::testing::ElementsAre("a", "b"));
}

TEST(LoadConfigFile, MissingFileIsNotFound) {
  auto c = LoadConfigFile("/nonexistent/prometheus.yml");
  EXPECT_EQ(c.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(c.status().message()), HasSubstr("/nonexistent/prometheus.yml"));
}

TEST(CheckAgentConfig, RefusesAlertingRulesAndRemoteRead) {
  auto ok = LoadConfig(
      "scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ['x:1']}]\n"
      "remote_write:\n  - url: http://r/api/v1/write\n",
      "p.yml");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_TRUE(CheckAgentConfig(*ok).ok());
  struct Case {
    const char* yaml;
    const char* error;
  } cases[] = {
      {"alerting:\n  alertmanagers:\n    - static_configs: [{targets: ['am:9093']}]\n",
       "field alerting is not allowed in agent mode"},
      {"alerting:\n  alert_relabel_configs:\n    - action: drop\n      source_labels: [a]\n",
       "field alerting is not allowed in agent mode"},
      {"rule_files: ['r.yml']\n", "field rule_files is not allowed in agent mode"},
      {"remote_read:\n  - url: http://r/api/v1/read\n",
       "field remote_read is not allowed in agent mode"},
  };
  for (const Case& c : cases) {
    auto cfg = LoadConfig(c.yaml, "p.yml");
    ASSERT_TRUE(cfg.ok()) << c.yaml << cfg.status();
    absl::Status s = CheckAgentConfig(*cfg);
    EXPECT_TRUE(absl::IsInvalidArgument(s)) << c.yaml;
    EXPECT_EQ(s.message(), c.error) << c.yaml;
  }
}

}  // namespace
}  // namespace sextant::config
