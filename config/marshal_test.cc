#include "config/marshal.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/default_config.h"
#include "config/loader.h"

namespace sextant::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ConfigToYaml, ShowsEffectiveValuesAndHidesSecrets) {
  auto c = LoadConfig(R"(
global: {scrape_interval: 30s, external_labels: {cluster: a}}
scrape_configs:
  - job_name: app
    basic_auth: {username: u, password: hunter2}
    sample_limit: 7
    body_size_limit: 10MB
    static_configs: [{targets: ["app:8000"]}]
    metric_relabel_configs:
      - {source_labels: [__name__], regex: "go_.*", action: drop}
)",
                      "t.yml");
  ASSERT_TRUE(c.ok()) << c.status();
  const std::string yaml = ConfigToYaml(*c);
  EXPECT_THAT(yaml, HasSubstr("scrape_interval: 30s"));
  EXPECT_THAT(yaml, HasSubstr("scrape_timeout: 10s"));
  EXPECT_THAT(yaml, HasSubstr("cluster: a"));
  EXPECT_THAT(yaml, HasSubstr("password: <secret>"));
  EXPECT_THAT(yaml, Not(HasSubstr("hunter2")));
  EXPECT_THAT(yaml, HasSubstr("action: drop"));
  EXPECT_THAT(yaml, HasSubstr("sample_limit: 7"));
  EXPECT_THAT(yaml, HasSubstr("body_size_limit: 10MiB"));
  EXPECT_THAT(yaml, HasSubstr("metrics_path: /metrics"));
}

TEST(ConfigToYaml, RoundTripsThroughTheLoader) {
  auto first = LoadConfig(DefaultConfigYaml("0.0.0.0:9091"), "default");
  ASSERT_TRUE(first.ok());
  auto second = LoadConfig(ConfigToYaml(*first), "rendered");
  ASSERT_TRUE(second.ok()) << second.status() << "\n" << ConfigToYaml(*first);
  EXPECT_EQ(ConfigToYaml(*first), ConfigToYaml(*second));
  EXPECT_EQ(second->scrape_configs[0].sd.static_configs[0].targets[0], "localhost:9091");
  EXPECT_EQ(second->scrape_configs[0].scrape_interval, absl::Seconds(15));
  EXPECT_EQ(second->scrape_configs[0].metrics_path, "/metrics");
  auto prefixed = LoadConfig(DefaultConfigYaml(":9090", "/sextant"), "default");
  ASSERT_TRUE(prefixed.ok());
  EXPECT_EQ(prefixed->scrape_configs[0].metrics_path, "/sextant/metrics");
}

TEST(ConfigToYaml, HttpAndDnsSdRoundTrip) {
  auto first = LoadConfig(R"(
scrape_configs:
  - job_name: a
    http_sd_configs:
      - url: https://sd.example/t
        refresh_interval: 15s
        authorization: {credentials: secret}
    dns_sd_configs: [{names: [a.example], type: A, port: 80}]
)",
                          "test");
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string yaml = ConfigToYaml(*first);
  EXPECT_NE(yaml.find("http_sd_configs:"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("url: https://sd.example/t"), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("credentials: secret"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("dns_sd_configs:"), std::string::npos) << yaml;
  auto second = LoadConfig(yaml, "rendered");
  ASSERT_TRUE(second.ok()) << second.status() << "\n" << yaml;
  EXPECT_EQ(ConfigToYaml(*second), yaml);
  EXPECT_EQ(second->scrape_configs[0].sd.dns_sd_configs[0].port, 80);
  EXPECT_EQ(second->scrape_configs[0].sd.http_sd_configs[0].refresh_interval, absl::Seconds(15));
}

TEST(ConfigToYaml, KubernetesSdInPrometheusFieldOrder) {
  auto first = LoadConfig(R"(
scrape_configs:
  - job_name: k
    kubernetes_sd_configs:
      - role: pod
        api_server: https://admin:hunter2@k8s.example:6443
        bearer_token: s3cret
        namespaces: {names: [ml]}
        selectors: [{role: pod, label: app=web, field: spec.nodeName=n1}, {role: node, label: x}]
        attach_metadata: {node: true}
      - role: node
alerting:
  alertmanagers:
    - kubernetes_sd_configs: [{role: endpoints, namespaces: {own_namespace: true}}]
)",
                          "test");
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string yaml = ConfigToYaml(*first);
  EXPECT_THAT(yaml, HasSubstr(R"(    kubernetes_sd_configs:
      - api_server: https://admin:xxxxx@k8s.example:6443
        role: pod
        kubeconfig_file: ""
        authorization:
          type: Bearer
          credentials: <secret>
        tls_config:
          insecure_skip_verify: false
        follow_redirects: true
        enable_http2: true
        namespaces:
          own_namespace: false
          names: [ml]
        selectors:
          - role: pod
            label: app=web
            field: spec.nodeName=n1
          - role: node
            label: x
        attach_metadata:
          node: true
          namespace: false
          deployment: false
          job: false
          cronjob: false
      - role: node
        kubeconfig_file: ""
        tls_config:
          insecure_skip_verify: false
        follow_redirects: true
        enable_http2: true
)")) << yaml;
  EXPECT_THAT(yaml, HasSubstr(R"(namespaces:
            own_namespace: true
            names: []
)")) << yaml;
  EXPECT_THAT(yaml, Not(HasSubstr("hunter2")));
  EXPECT_THAT(yaml, Not(HasSubstr("s3cret")));
  auto second = LoadConfig(yaml, "rendered");
  ASSERT_TRUE(second.ok()) << second.status() << "\n" << yaml;
  EXPECT_EQ(ConfigToYaml(*second), yaml);
  EXPECT_EQ(second->scrape_configs[0].sd.kubernetes_sd_configs[0].selectors[1].label, "x");
}

}  // namespace
}  // namespace sextant::config
