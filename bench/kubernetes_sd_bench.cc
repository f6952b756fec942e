// Kubernetes service discovery at cluster scale, against the in-process fake API server
// (discovery/kubernetes/fake_apiserver.h), whose objects look like a real cluster's (pods with
// two containers, status conditions, owner references and managedFields):
//
//   BM_PodRoleSync/N        a new provider lists N pods (pages of 500) until it has N groups
//   BM_EndpointsRoleSync/N  N pods behind N/10 services' endpoints (role: endpoints, which also
//                           lists services and pods) until every endpoints group is built
//   BM_PodUpdate/N          with N pods synced, one pod changes: time until groups() shows it
//
// Counters: groups, resident memory per object kept (rss_per_pod_kb, measured around the sync).

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include <benchmark/benchmark.h>

#include "discovery/kubernetes/fake_apiserver.h"
#include "discovery/kubernetes/kubernetes_provider.h"

namespace sextant::discovery::kubernetes {
namespace {

using nlohmann::json;

double RssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6));
  }
  return 0;
}

json Pod(int i, int generation = 0) {
  const std::string name = "trainer-" + std::to_string(i);
  const std::string ns = "team-" + std::to_string(i % 50);
  json pod = json::parse(R"({
    "metadata": {"labels": {"app": "trainer", "pod-template-hash": "7d9f8c6b5"},
      "annotations": {"prometheus.io/scrape": "true", "prometheus.io/port": "8000"},
      "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "trainer-7d9f8c6b5",
                           "uid": "0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9", "controller": true}],
      "managedFields": [{"manager": "kube-controller-manager", "operation": "Update",
        "apiVersion": "v1", "fieldsType": "FieldsV1",
        "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:app": {}}},
                     "f:spec": {"f:containers": {"k:{\"name\":\"app\"}": {".": {}, "f:image": {},
                       "f:ports": {"k:{\"containerPort\":8000,\"protocol\":\"TCP\"}": {}}}}}}}]},
    "spec": {"nodeName": "worker-3", "serviceAccountName": "default",
      "containers": [
        {"name": "app", "image": "registry.example.com/ml/trainer:1.4.2",
         "ports": [{"name": "http", "containerPort": 8000, "protocol": "TCP"}],
         "resources": {"limits": {"nvidia.com/gpu": "1"}}},
        {"name": "sidecar", "image": "envoyproxy/envoy:v1.30",
         "ports": [{"name": "admin", "containerPort": 9901, "protocol": "TCP"}]}]},
    "status": {"phase": "Running", "hostIP": "10.0.0.3",
      "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"},
                     {"type": "ContainersReady", "status": "True"},
                     {"type": "PodScheduled", "status": "True"}],
      "containerStatuses": [
        {"name": "app", "ready": true, "restartCount": 0,
         "containerID": "containerd://5c1f0e7a9b8d6c4e2f0a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3e"},
        {"name": "sidecar", "ready": true, "restartCount": 0,
         "containerID": "containerd://6d2a1f8b0c9e7d5f3a1b2c4d6e8f0a2b4c6d8e0f2a4b6c8d0e2f4a6b8c0d2e4f"}]}})");
  pod["metadata"]["name"] = name;
  pod["metadata"]["namespace"] = ns;
  pod["metadata"]["uid"] = "uid-" + std::to_string(i) + "-" + std::to_string(generation);
  pod["status"]["podIP"] = "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250);
  return pod;
}

ProviderOptions Options() {
  ProviderOptions o;
  o.informer.min_backoff = absl::Milliseconds(10);
  return o;
}

config::KubernetesSdConfig Config(const testing::FakeApiServer& server, const char* role) {
  config::KubernetesSdConfig c;
  c.role = role;
  c.api_server = server.url();
  return c;
}

template <typename Done>
void RefreshUntil(Provider& p, Done done) {
  while (true) {
    p.Refresh(absl::Now());
    if (done()) return;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

void BM_PodRoleSync(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  testing::FakeApiServer server;
  for (int i = 0; i < n; ++i) server.Upsert("pods", Pod(i));
  double rss_per_pod = 0;
  for (auto _ : state) {
    const double before = RssKb();
    KubernetesProvider p(Config(server, "pod"), 0, Options());
    RefreshUntil(p, [&] { return p.groups().size() == static_cast<size_t>(n); });
    rss_per_pod = (RssKb() - before) / n;
  }
  state.counters["groups"] = n;
  state.counters["rss_per_pod_kb"] = rss_per_pod;
}
BENCHMARK(BM_PodRoleSync)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

void BM_EndpointsRoleSync(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  testing::FakeApiServer server;
  for (int i = 0; i < n; ++i) server.Upsert("pods", Pod(i));
  const int services = n / 10;
  for (int s = 0; s < services; ++s) {
    const std::string ns = "team-" + std::to_string(s % 50);
    const std::string name = "svc-" + std::to_string(s);
    server.Upsert("services", json{{"metadata", {{"name", name}, {"namespace", ns}}},
                                   {"spec", {{"type", "ClusterIP"}, {"clusterIP", "10.96.0.1"}}}});
    json addresses = json::array();
    for (int i = s; i < n; i += services) {
      if (i % 50 != s % 50) continue;  // same namespace only
      const json pod = Pod(i);
      addresses.push_back(
          {{"ip", pod["status"]["podIP"]},
           {"nodeName", "worker-3"},
           {"targetRef", {{"kind", "Pod"}, {"namespace", ns}, {"name", pod["metadata"]["name"]}}}});
    }
    server.Upsert(
        "endpoints",
        json{{"metadata", {{"name", name}, {"namespace", ns}}},
             {"subsets",
              {{{"addresses", addresses}, {"ports", {{{"name", "http"}, {"port", 8000}}}}}}}});
  }
  for (auto _ : state) {
    KubernetesProvider p(Config(server, "endpoints"), 0, Options());
    RefreshUntil(p, [&] { return p.groups().size() == static_cast<size_t>(services); });
  }
  state.counters["groups"] = services;
}
BENCHMARK(BM_EndpointsRoleSync)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

void BM_PodUpdate(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  testing::FakeApiServer server;
  for (int i = 0; i < n; ++i) server.Upsert("pods", Pod(i));
  KubernetesProvider p(Config(server, "pod"), 0, Options());
  RefreshUntil(p, [&] { return p.groups().size() == static_cast<size_t>(n); });
  int generation = 0;
  for (auto _ : state) {
    ++generation;
    const int i = generation % n;
    server.Upsert("pods", Pod(i, generation));
    const std::string uid = "uid-" + std::to_string(i) + "-" + std::to_string(generation);
    RefreshUntil(p, [&] {
      for (const TargetGroup& g : p.groups()) {
        if (g.labels.Get("__meta_kubernetes_pod_uid") == uid) return true;
      }
      return false;
    });
  }
}
BENCHMARK(BM_PodUpdate)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(20);

}  // namespace
}  // namespace sextant::discovery::kubernetes
