// The Kubernetes stack's prometheus.yml end to end (Prometheus's documented example): API
// servers from `role: endpoints` kept by `default;kubernetes;https`, kubelets of `role: node`
// through the API server's proxy, and pods annotated `prometheus.io/scrape`, against a fake API
// server over TLS with a bearer token; checks the scraped series and their labels, then that a
// deleted pod's target goes.

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "config/loader.h"
#include "discovery/kubernetes/fake_apiserver.h"
#include "gtest/gtest.h"
#include "model/matcher.h"
#include "scrape/manager.h"
#include "scrape/testing.h"
#include "tsdb/mem_storage.h"
#include "tsdb/testing.h"
#include "util/strings.h"

namespace sextant::scrape {
namespace {

using discovery::kubernetes::testing::FakeApiServer;
using nlohmann::json;
using testing::Eventually;
using testing::FakeTarget;
using util::StrCat;

// The series of `name` with the label `label`="value": their label sets rendered.
std::vector<std::string> Series(tsdb::MemStorage& s, std::string_view name, std::string_view label,
                                std::string_view value) {
  auto m1 = model::Matcher::Create(model::MatchType::kEqual, "__name__", name);
  auto m2 = model::Matcher::Create(model::MatchType::kEqual, label, value);
  std::vector<std::string> out;
  for (const auto& [labels, samples] : tsdb::testing::SelectAll(s, 0, INT64_MAX / 2, {*m1, *m2})) {
    out.push_back(labels);
  }
  return out;
}

TEST(KubernetesEndToEnd, SeedStackConfigScrapesApiServersNodesAndAnnotatedPods) {
  FakeApiServer api({.tls = true, .bearer_token = "t0ken"});
  if (!api.ok()) GTEST_SKIP() << "openssl not available";
  const std::string url = api.url();  // https://127.0.0.1:<port>
  const std::string host_port = url.substr(url.find("//") + 2);
  const std::string port = host_port.substr(host_port.find(':') + 1);
  api.ServeText("/metrics", "apiserver_request_total 5\n");
  api.ServeText("/api/v1/nodes/worker-1/proxy/metrics", "kubelet_running_pods 3\n");
  FakeTarget app;
  app.SetPage("trainer_loss 0.25\n");
  const std::string app_port = app.address().substr(app.address().find(':') + 1);

  api.Upsert("services", json::parse(R"({"metadata": {"name": "kubernetes", "namespace": "default"},
      "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443}]}})"));
  api.Upsert("endpoints",
             json::parse(StrCat(R"({"metadata": {"name": "kubernetes", "namespace": "default"},
      "subsets": [{"addresses": [{"ip": "127.0.0.1"}],
                   "ports": [{"name": "https", "port": )",
                                port, R"(, "protocol": "TCP"}]}]})")));
  // Another service's endpoints: not kept by the apiserver job.
  api.Upsert("endpoints", json::parse(R"({"metadata": {"name": "db", "namespace": "ml"},
      "subsets": [{"addresses": [{"ip": "127.0.0.1"}], "ports": [{"name": "https", "port": 1}]}]})"));
  api.Upsert("nodes", json::parse(R"({"metadata": {"name": "worker-1", "labels": {"gpu": "a100"}},
      "status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.1"}],
                 "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}}}})"));
  api.Upsert("pods", json::parse(StrCat(R"({
      "metadata": {"name": "trainer-0", "namespace": "ml", "labels": {"app": "trainer"},
                   "annotations": {"prometheus.io/scrape": "true", "prometheus.io/port": ")",
                                        app_port, R"(", "prometheus.io/path": "/metrics"}},
      "spec": {"nodeName": "worker-1",
               "containers": [{"name": "app", "image": "t:1", "ports": [{"containerPort": 8000}]}]},
      "status": {"phase": "Running", "podIP": "127.0.0.1"}})")));
  api.Upsert("pods", json::parse(R"({
      "metadata": {"name": "quiet-0", "namespace": "ml", "labels": {"app": "quiet"}},
      "spec": {"containers": [{"name": "q", "image": "q:1", "ports": [{"containerPort": 1}]}]},
      "status": {"phase": "Running", "podIP": "127.0.0.1"}})"));

  const std::string dir = std::filesystem::temp_directory_path() / StrCat("k8s_e2e_", ::getpid());
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/token") << "t0ken\n";
  const std::string client = StrCat("tls_config: {ca_file: ", api.ca_file(),
                                    "}, authorization: {credentials_file: ", dir, "/token}");
  const std::string sd = StrCat("api_server: '", url, "', ", client);
  const std::string job_client =
      StrCat("    tls_config: {ca_file: ", api.ca_file(),
             "}\n    authorization: {credentials_file: ", dir, "/token}\n");
  absl::StatusOr<config::Config> cfg = config::LoadConfig(
      StrCat(
          "global: {scrape_interval: 100ms, scrape_timeout: 80ms}\n"
          "scrape_configs:\n"
          "  - job_name: kubernetes-apiservers\n"
          "    scheme: https\n",
          job_client, "    kubernetes_sd_configs: [{role: endpoints, ", sd,
          "}]\n"
          "    relabel_configs:\n"
          "      - source_labels: [__meta_kubernetes_namespace, __meta_kubernetes_service_name,\n"
          "                        __meta_kubernetes_endpoint_port_name]\n"
          "        action: keep\n"
          "        regex: default;kubernetes;https\n"
          "  - job_name: kubernetes-nodes\n"
          "    scheme: https\n",
          job_client, "    kubernetes_sd_configs: [{role: node, ", sd,
          "}]\n"
          "    relabel_configs:\n"
          "      - action: labelmap\n"
          "        regex: __meta_kubernetes_node_label_(.+)\n"
          "      - target_label: __address__\n"
          "        replacement: ",
          host_port, "\n",  // kubernetes.default.svc:443 in a cluster
          "      - source_labels: [__meta_kubernetes_node_name]\n"
          "        regex: (.+)\n"
          "        target_label: __metrics_path__\n"
          "        replacement: /api/v1/nodes/$1/proxy/metrics\n"
          "  - job_name: kubernetes-pods\n"
          "    kubernetes_sd_configs: [{role: pod, ",
          sd,
          "}]\n"
          "    relabel_configs:\n"
          "      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]\n"
          "        action: keep\n"
          "        regex: true\n"
          "      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path]\n"
          "        action: replace\n"
          "        target_label: __metrics_path__\n"
          "        regex: (.+)\n"
          "      - source_labels: [__address__, "
          "__meta_kubernetes_pod_annotation_prometheus_io_port]\n"
          "        action: replace\n"
          "        regex: ([^:]+)(?::\\d+)?;(\\d+)\n"
          "        replacement: $1:$2\n"
          "        target_label: __address__\n"
          "      - action: labelmap\n"
          "        regex: __meta_kubernetes_pod_label_(.+)\n"
          "      - source_labels: [__meta_kubernetes_namespace]\n"
          "        target_label: namespace\n"
          "      - source_labels: [__meta_kubernetes_pod_name]\n"
          "        target_label: pod\n"),
      "");
  ASSERT_TRUE(cfg.ok()) << cfg.status();

  tsdb::MemStorage storage;
  util::Registry registry;
  ManagerOptions options;
  options.discovery_reload_interval = absl::Milliseconds(50);
  ScrapeManager m(&storage, &registry, options);
  ASSERT_TRUE(m.ApplyConfig(*cfg).ok());

  ASSERT_TRUE(Eventually([&] {
    return !Series(storage, "apiserver_request_total", "job", "kubernetes-apiservers").empty() &&
           !Series(storage, "kubelet_running_pods", "job", "kubernetes-nodes").empty() &&
           !Series(storage, "trainer_loss", "job", "kubernetes-pods").empty();
  }));
  EXPECT_EQ(Series(storage, "apiserver_request_total", "job", "kubernetes-apiservers"),
            std::vector<std::string>{StrCat("{__name__=\"apiserver_request_total\", instance=\"",
                                            host_port, "\", job=\"kubernetes-apiservers\"}")});
  EXPECT_EQ(Series(storage, "kubelet_running_pods", "job", "kubernetes-nodes"),
            std::vector<std::string>{"{__name__=\"kubelet_running_pods\", gpu=\"a100\", "
                                     "instance=\"worker-1\", job=\"kubernetes-nodes\"}"});
  EXPECT_EQ(Series(storage, "trainer_loss", "job", "kubernetes-pods"),
            std::vector<std::string>{
                StrCat("{__name__=\"trainer_loss\", app=\"trainer\", instance=\"", app.address(),
                       "\", job=\"kubernetes-pods\", namespace=\"ml\", "
                       "pod=\"trainer-0\"}")});
  // One target per job: the other endpoints and the unannotated pod were dropped.
  EXPECT_EQ(m.ActiveTargets().size(), 3u);
  EXPECT_EQ(Series(storage, "up", "pod", "quiet-0"), std::vector<std::string>{});

  // The pod goes away: so does its target.
  api.Delete("pods", "ml", "trainer-0");
  ASSERT_TRUE(Eventually([&] { return m.ActiveTargets().size() == 2; }));
  m.Stop();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sextant::scrape
