#include "discovery/kubernetes/kubernetes_provider.h"

#include <filesystem>
#include <fstream>

#include "discovery/kubernetes/fake_apiserver.h"
#include "discovery/metrics.h"
#include "discovery/testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "util/metrics.h"

namespace sextant::discovery::kubernetes {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using testing::FakeApiServer;
using ::testing::HasSubstr;

// A small cluster as an API server holds it: two nodes, pods of every kind discovery cares about
// (several ports and an init container, host networking, pending without an IP, not ready), a
// service of each type with its Endpoints and EndpointSlice, the apiserver's endpoints, an
// ingress with TLS.
void Seed(FakeApiServer& s) {
  s.Upsert("namespaces",
           json::parse(R"({"metadata": {"name": "ml", "labels": {"team": "vision"}}})"));
  s.Upsert("namespaces", json::parse(R"({"metadata": {"name": "default"}})"));
  for (const char* name : {"worker-1", "worker-2"}) {
    s.Upsert("nodes", json::parse(std::string(R"({"metadata": {"name": ")") + name +
                                  R"(", "labels": {"gpu": "a100"}},
      "status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.)" +
                                  (name[7] == '1' ? "1" : "2") + R"("},
                               {"type": "Hostname", "address": ")" +
                                  name + R"("}],
                 "conditions": [{"type": "Ready", "status": "True"}],
                 "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}}}})"));
  }
  s.Upsert("pods", json::parse(R"({
    "metadata": {"name": "trainer-0", "namespace": "ml", "labels": {"app": "trainer"},
                 "annotations": {"prometheus.io/scrape": "true", "prometheus.io/port": "8000"}},
    "spec": {"nodeName": "worker-1",
             "containers": [{"name": "app", "image": "trainer:1",
                             "ports": [{"name": "http", "containerPort": 8000, "protocol": "TCP"},
                                       {"name": "grpc", "containerPort": 9000, "protocol": "TCP"}]}],
             "initContainers": [{"name": "fetch", "image": "fetch:1",
                                 "ports": [{"containerPort": 7000, "protocol": "TCP"}]}]},
    "status": {"phase": "Running", "podIP": "10.1.0.5", "hostIP": "10.0.0.1",
               "conditions": [{"type": "Ready", "status": "True"}]}})"));
  s.Upsert("pods", json::parse(R"({
    "metadata": {"name": "node-exporter-x", "namespace": "ml", "labels": {"app": "node-exporter"}},
    "spec": {"nodeName": "worker-2", "hostNetwork": true,
             "containers": [{"name": "ne", "image": "ne:1",
                             "ports": [{"containerPort": 9100, "protocol": "TCP"}]}]},
    "status": {"phase": "Running", "podIP": "10.0.0.2", "hostIP": "10.0.0.2",
               "conditions": [{"type": "Ready", "status": "False"}]}})"));
  s.Upsert("pods", json::parse(R"({
    "metadata": {"name": "pending-0", "namespace": "ml"},
    "spec": {"containers": [{"name": "app", "image": "a", "ports": [{"containerPort": 80}]}]},
    "status": {"phase": "Pending"}})"));
  s.Upsert("services", json::parse(R"({
    "metadata": {"name": "trainer", "namespace": "ml", "labels": {"svc": "t"}},
    "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.10",
             "ports": [{"name": "http", "port": 80, "protocol": "TCP"}]}})"));
  s.Upsert("services", json::parse(R"({
    "metadata": {"name": "lb", "namespace": "ml"},
    "spec": {"type": "LoadBalancer", "clusterIP": "10.96.0.11", "ports": [{"port": 443}]},
    "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.9"}]}}})"));
  s.Upsert("services", json::parse(R"({
    "metadata": {"name": "ext", "namespace": "ml"},
    "spec": {"type": "ExternalName", "externalName": "db.example.com", "ports": [{"port": 5432}]}})"));
  s.Upsert("services", json::parse(R"({
    "metadata": {"name": "kubernetes", "namespace": "default"},
    "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.1",
             "ports": [{"name": "https", "port": 443, "protocol": "TCP"}]}})"));
  s.Upsert("services", json::parse(R"({
    "metadata": {"name": "gateway", "namespace": "ml"},
    "spec": {"type": "NodePort", "clusterIP": "10.96.0.12",
             "ports": [{"name": "web", "port": 80, "nodePort": 30080, "protocol": "TCP"}]}})"));
  s.Upsert("services", json::parse(R"({
    "metadata": {"name": "db", "namespace": "ml"},
    "spec": {"type": "ClusterIP", "clusterIP": "None", "ports": [{"name": "pg", "port": 5432}]}})"));
  s.Upsert("endpoints", json::parse(R"({
    "metadata": {"name": "gateway", "namespace": "ml"},
    "subsets": [{"addresses": [{"ip": "10.1.0.7"}], "notReadyAddresses": [{"ip": "10.1.0.8"}],
                 "ports": [{"name": "web", "port": 8080, "protocol": "TCP"}]}]})"));
  s.Upsert("endpoints", json::parse(R"({
    "metadata": {"name": "db", "namespace": "ml"},
    "subsets": [{"addresses": [{"ip": "10.1.0.20", "hostname": "db-0"}],
                 "ports": [{"name": "pg", "port": 5432, "protocol": "TCP"}]}]})"));
  s.Upsert("endpointslices", json::parse(R"({
    "metadata": {"name": "db-xyz", "namespace": "ml", "labels": {"kubernetes.io/service-name": "db"}},
    "addressType": "IPv4",
    "endpoints": [{"addresses": ["10.1.0.20"], "hostname": "db-0", "conditions": {"ready": true}}],
    "ports": [{"name": "pg", "port": 5432, "protocol": "TCP"}]})"));
  s.Upsert("endpoints", json::parse(R"({
    "metadata": {"name": "trainer", "namespace": "ml"},
    "subsets": [{"addresses": [{"ip": "10.1.0.5", "nodeName": "worker-1",
                                "targetRef": {"kind": "Pod", "namespace": "ml", "name": "trainer-0"}}],
                 "ports": [{"name": "http", "port": 8000, "protocol": "TCP"}]}]})"));
  s.Upsert("endpoints", json::parse(R"({
    "metadata": {"name": "kubernetes", "namespace": "default"},
    "subsets": [{"addresses": [{"ip": "10.0.0.1"}],
                 "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}]})"));
  s.Upsert("endpointslices", json::parse(R"({
    "metadata": {"name": "trainer-abc", "namespace": "ml",
                 "labels": {"kubernetes.io/service-name": "trainer"}},
    "addressType": "IPv4",
    "endpoints": [{"addresses": ["10.1.0.5"], "conditions": {"ready": true}, "nodeName": "worker-1",
                   "targetRef": {"kind": "Pod", "namespace": "ml", "name": "trainer-0"}}],
    "ports": [{"name": "http", "port": 8000, "protocol": "TCP"}]})"));
  s.Upsert("ingresses", json::parse(R"({
    "metadata": {"name": "web", "namespace": "ml"},
    "spec": {"tls": [{"hosts": ["*.example.com"]}],
             "rules": [{"host": "app.example.com",
                        "http": {"paths": [{"path": "/api"}, {"path": "/ui"}]}}]}})"));
}

ProviderOptions Fast() {
  ProviderOptions o;
  o.informer.min_backoff = absl::Milliseconds(10);
  o.informer.max_backoff = absl::Milliseconds(50);
  return o;
}

config::KubernetesSdConfig Cfg(const FakeApiServer& s, std::string role) {
  config::KubernetesSdConfig c;
  c.role = std::move(role);
  c.api_server = s.url();
  return c;
}

std::vector<std::string> Sources(const Provider& p) {
  std::vector<std::string> out;
  for (const TargetGroup& g : p.groups()) out.push_back(std::string(g.source));
  return out;
}

const TargetGroup* Group(const Provider& p, std::string_view source) {
  for (const TargetGroup& g : p.groups()) {
    if (g.source == source) return &g;
  }
  return nullptr;
}

std::vector<std::string> Addresses(const TargetGroup* g) {
  std::vector<std::string> out;
  if (g == nullptr) return out;
  for (const model::Labels& t : g->targets) out.push_back(std::string(t.Get("__address__")));
  return out;
}

TEST(KubernetesProvider, EveryRoleDiscoversItsGroups) {
  FakeApiServer server;
  ASSERT_TRUE(server.ok());
  Seed(server);
  struct Case {
    std::string role;
    std::vector<std::string> sources;
  };
  const Case cases[] = {
      {"node", {"node/worker-1", "node/worker-2"}},
      {"pod", {"pod/ml/node-exporter-x", "pod/ml/pending-0", "pod/ml/trainer-0"}},
      {"service",
       {"svc/default/kubernetes", "svc/ml/db", "svc/ml/ext", "svc/ml/gateway", "svc/ml/lb",
        "svc/ml/trainer"}},
      {"endpoints",
       {"endpoints/default/kubernetes", "endpoints/ml/db", "endpoints/ml/gateway",
        "endpoints/ml/trainer"}},
      {"endpointslice", {"endpointslice/ml/db-xyz", "endpointslice/ml/trainer-abc"}},
      {"ingress", {"ingress/ml/web"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.role);
    KubernetesProvider p(Cfg(server, c.role), 0, Fast());
    EXPECT_EQ(p.name(), "kubernetes/0");
    ASSERT_TRUE(discovery::testing::RefreshUntil(p, [&] { return !p.groups().empty(); }));
    EXPECT_EQ(Sources(p), c.sources);
  }
  KubernetesProvider pods(Cfg(server, "pod"), 0, Fast());
  ASSERT_TRUE(discovery::testing::RefreshUntil(pods, [&] { return !pods.groups().empty(); }));
  // Two container ports and the init container's; host networking; pending: no targets.
  EXPECT_THAT(Addresses(Group(pods, "pod/ml/trainer-0")),
              ElementsAre("10.1.0.5:8000", "10.1.0.5:9000", "10.1.0.5:7000"));
  EXPECT_THAT(Addresses(Group(pods, "pod/ml/node-exporter-x")), ElementsAre("10.0.0.2:9100"));
  EXPECT_TRUE(Addresses(Group(pods, "pod/ml/pending-0")).empty());
  EXPECT_EQ(Group(pods, "pod/ml/node-exporter-x")->labels.Get("__meta_kubernetes_pod_ready"),
            "false");

  KubernetesProvider endpoints(Cfg(server, "endpoints"), 0, Fast());
  ASSERT_TRUE(
      discovery::testing::RefreshUntil(endpoints, [&] { return endpoints.groups().size() == 4; }));
  // Ready and not-ready addresses; a headless service's hostname.
  const TargetGroup* gateway = Group(endpoints, "endpoints/ml/gateway");
  ASSERT_NE(gateway, nullptr);
  EXPECT_THAT(Addresses(gateway), ElementsAre("10.1.0.7:8080", "10.1.0.8:8080"));
  EXPECT_EQ(gateway->targets[1].Get("__meta_kubernetes_endpoint_ready"), "false");
  EXPECT_EQ(
      Group(endpoints, "endpoints/ml/db")->targets[0].Get("__meta_kubernetes_endpoint_hostname"),
      "db-0");
  const TargetGroup* trainer = Group(endpoints, "endpoints/ml/trainer");
  ASSERT_NE(trainer, nullptr);
  // The endpoint port, then the pod's ports no endpoint port covered; with the pod's labels.
  EXPECT_THAT(Addresses(trainer), ElementsAre("10.1.0.5:8000", "10.1.0.5:9000", "10.1.0.5:7000"));
  EXPECT_EQ(trainer->targets[0].Get("__meta_kubernetes_pod_label_app"), "trainer");
  EXPECT_EQ(trainer->labels.Get("__meta_kubernetes_service_label_svc"), "t");
  const TargetGroup* api = Group(endpoints, "endpoints/default/kubernetes");
  EXPECT_EQ(api->targets[0].Get("__meta_kubernetes_endpoint_port_name"), "https");
  EXPECT_EQ(api->labels.Get("__meta_kubernetes_service_name"), "kubernetes");
}

TEST(KubernetesProvider, FollowsAddsUpdatesAndDeletesAndEndpointsFollowTheirPods) {
  FakeApiServer server;
  Seed(server);
  const double updates_before = GlobalSdMetrics().kubernetes_events[1][2].value();  // endpoints
  KubernetesProvider p(Cfg(server, "endpoints"), 0, Fast());
  ASSERT_TRUE(discovery::testing::RefreshUntil(p, [&] { return p.groups().size() == 4; }));

  // The pod becomes not ready and gets a label: the endpoints' targets follow.
  json pod = json::parse(R"({
    "metadata": {"name": "trainer-0", "namespace": "ml", "labels": {"app": "trainer", "v": "2"}},
    "spec": {"nodeName": "worker-1",
             "containers": [{"name": "app", "image": "trainer:2",
                             "ports": [{"name": "http", "containerPort": 8000}]}]},
    "status": {"phase": "Running", "podIP": "10.1.0.5",
               "conditions": [{"type": "Ready", "status": "False"}]}})");
  server.Upsert("pods", pod);
  ASSERT_TRUE(discovery::testing::RefreshUntil(p, [&] {
    const TargetGroup* g = Group(p, "endpoints/ml/trainer");
    return g != nullptr && g->targets[0].Get("__meta_kubernetes_pod_label_v") == "2";
  }));
  const TargetGroup* g = Group(p, "endpoints/ml/trainer");
  EXPECT_EQ(g->targets[0].Get("__meta_kubernetes_pod_ready"), "false");
  EXPECT_EQ(g->targets[0].Get("__meta_kubernetes_pod_container_image"), "trainer:2");
  EXPECT_THAT(Addresses(g), ElementsAre("10.1.0.5:8000"));  // port 9000 and 7000 are gone

  // New endpoints whose service comes later: the service's labels arrive with it.
  server.Upsert("endpoints", json::parse(R"({"metadata": {"name": "late", "namespace": "ml"},
      "subsets": [{"addresses": [{"ip": "10.1.0.9"}], "ports": [{"port": 81}]}]})"));
  ASSERT_TRUE(discovery::testing::RefreshUntil(p, [&] { return p.groups().size() == 5; }));
  EXPECT_EQ(Group(p, "endpoints/ml/late")->labels.Get("__meta_kubernetes_service_name"), "");
  server.Upsert("services", json::parse(R"({"metadata": {"name": "late", "namespace": "ml"},
      "spec": {"type": "ClusterIP", "ports": [{"port": 81}]}})"));
  ASSERT_TRUE(discovery::testing::RefreshUntil(p, [&] {
    return Group(p, "endpoints/ml/late")->labels.Get("__meta_kubernetes_service_name") == "late";
  }));

  // Deleted endpoints: their group goes.
  server.Delete("endpoints", "ml", "trainer");
  ASSERT_TRUE(discovery::testing::RefreshUntil(p, [&] { return p.groups().size() == 4; }));
  EXPECT_EQ(Group(p, "endpoints/ml/trainer"), nullptr);
  EXPECT_GT(GlobalSdMetrics().kubernetes_events[1][2].value() +
                GlobalSdMetrics().kubernetes_events[1][1].value(),
            updates_before);
}

// Prometheus's endpointslice role has no pod handler: pod updates behind endpoint slices are not
// counted (their groups still follow the pods); service events are.
TEST(KubernetesProvider, EndpointSliceCountsServiceEventsButNotPodUpdates) {
  FakeApiServer server;
  Seed(server);
  util::Counter& pod_updates = GlobalSdMetrics().kubernetes_events[3][2];      // pod, update
  util::Counter& service_updates = GlobalSdMetrics().kubernetes_events[4][2];  // service
  KubernetesProvider p(Cfg(server, "endpointslice"), 0, Fast());
  ASSERT_TRUE(discovery::testing::RefreshUntil(p, [&] { return p.groups().size() == 2; }));
  const double pods_before = pod_updates.value();
  const double services_before = service_updates.value();

  json pod = json::parse(R"({
    "metadata": {"name": "trainer-0", "namespace": "ml", "labels": {"app": "trainer", "v": "2"}},
    "spec": {"nodeName": "worker-1",
             "containers": [{"name": "app", "image": "trainer:1",
                             "ports": [{"name": "http", "containerPort": 8000}]}]},
    "status": {"phase": "Running", "podIP": "10.1.0.5"}})");
  server.Upsert("pods", pod);
  ASSERT_TRUE(discovery::testing::RefreshUntil(p, [&] {
    const TargetGroup* g = Group(p, "endpointslice/ml/trainer-abc");
    return g != nullptr && g->targets[0].Get("__meta_kubernetes_pod_label_v") == "2";
  }));
  server.Upsert("services", json::parse(R"({
    "metadata": {"name": "trainer", "namespace": "ml", "labels": {"svc": "t2"}},
    "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.10",
             "ports": [{"name": "http", "port": 80, "protocol": "TCP"}]}})"));
  ASSERT_TRUE(discovery::testing::RefreshUntil(p, [&] {
    const TargetGroup* g = Group(p, "endpointslice/ml/trainer-abc");
    return g != nullptr && g->labels.Get("__meta_kubernetes_service_label_svc") == "t2";
  }));
  EXPECT_EQ(pod_updates.value(), pods_before);
  EXPECT_EQ(service_updates.value(), services_before + 1);
}

TEST(KubernetesProvider, NamespacesSelectorsAndAttachedMetadata) {
  FakeApiServer server;
  Seed(server);
  config::KubernetesSdConfig c = Cfg(server, "pod");
  c.namespaces.names = {"ml"};
  c.selectors.push_back({"pod", "app=trainer", ""});
  c.selectors.push_back({"node", "gpu=a100", ""});
  c.attach_metadata.node = true;
  c.attach_metadata.namespace_ = true;
  KubernetesProvider p(c, 3, Fast());
  EXPECT_EQ(p.name(), "kubernetes/3");
  ASSERT_TRUE(discovery::testing::RefreshUntil(p, [&] { return !p.groups().empty(); }));
  EXPECT_THAT(Sources(p), ElementsAre("pod/ml/trainer-0"));
  const TargetGroup& g = p.groups()[0];
  EXPECT_EQ(g.labels.Get("__meta_kubernetes_node_label_gpu"), "a100");
  EXPECT_EQ(g.labels.Get("__meta_kubernetes_namespace_label_team"), "vision");
  bool namespaced = false, selected = false, nodes = false;
  for (const std::string& r : server.requests()) {
    namespaced |= r.find("/api/v1/namespaces/ml/pods?") != std::string::npos;
    selected |= r.find("labelSelector=app%3Dtrainer") != std::string::npos ||
                r.find("labelSelector=app=trainer") != std::string::npos;
    nodes |= r.find("/api/v1/nodes?") != std::string::npos;
  }
  EXPECT_TRUE(namespaced);
  EXPECT_TRUE(selected);
  EXPECT_TRUE(nodes);

  // The namespace's labels change: the pod's group follows.
  server.Upsert("namespaces",
                json::parse(R"({"metadata": {"name": "ml", "labels": {"team": "speech"}}})"));
  ASSERT_TRUE(discovery::testing::RefreshUntil(p, [&] {
    return p.groups()[0].labels.Get("__meta_kubernetes_namespace_label_team") == "speech";
  }));
  // The node goes away (or out of the selector): the pod has no targets.
  server.Delete("nodes", "", "worker-1");
  ASSERT_TRUE(discovery::testing::RefreshUntil(p, [&] { return p.groups()[0].targets.empty(); }));
}

// A dead API server keeps the last targets, and failures are counted; they come back with it.
TEST(KubernetesProvider, DeadApiServerKeepsTargets) {
  FakeApiServer server;
  Seed(server);
  KubernetesProvider p(Cfg(server, "node"), 0, Fast());
  ASSERT_TRUE(discovery::testing::RefreshUntil(p, [&] { return p.groups().size() == 2; }));
  const double failures = GlobalSdMetrics().kubernetes_failures.value();
  server.SetDown(true);
  ASSERT_TRUE(discovery::testing::RefreshUntil(
      p, [&] { return GlobalSdMetrics().kubernetes_failures.value() >= failures + 2; }));
  EXPECT_EQ(p.groups().size(), 2u);
  server.Delete("nodes", "", "worker-2");
  server.Compact();
  server.SetDown(false);
  ASSERT_TRUE(discovery::testing::RefreshUntil(p, [&] { return p.groups().size() == 1; }));
  EXPECT_EQ(p.groups()[0].source, "node/worker-1");
}

// In-cluster: the service account's token and CA, over TLS, with own_namespace.
TEST(KubernetesProvider, InClusterWithServiceAccountOverTls) {
  FakeApiServer server({.tls = true, .bearer_token = "sa-token"});
  if (!server.ok()) GTEST_SKIP() << "openssl not available";
  Seed(server);
  const std::string dir =
      std::filesystem::temp_directory_path() / ("k8s_sa_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/token") << "sa-token\n";
  std::ofstream(dir + "/namespace") << "ml";
  std::filesystem::copy_file(server.ca_file(), dir + "/ca.crt",
                             std::filesystem::copy_options::overwrite_existing);
  const std::string url = server.url();
  const std::string port = url.substr(url.rfind(':') + 1);
  ProviderOptions o = Fast();
  o.resolve.service_account_dir = dir;
  o.resolve.getenv = [port](const char* name) -> const char* {
    static thread_local std::string value;
    if (std::string_view(name) == "KUBERNETES_SERVICE_HOST") return "127.0.0.1";
    if (std::string_view(name) == "KUBERNETES_SERVICE_PORT") {
      value = port;
      return value.c_str();
    }
    return nullptr;
  };
  config::KubernetesSdConfig c;
  c.role = "service";
  c.namespaces.own_namespace = true;
  KubernetesProvider p(c, 0, o);
  ASSERT_TRUE(discovery::testing::RefreshUntil(p, [&] { return p.groups().size() == 5; }));
  EXPECT_THAT(Sources(p), ElementsAre("svc/ml/db", "svc/ml/ext", "svc/ml/gateway", "svc/ml/lb",
                                      "svc/ml/trainer"));

  // A wrong token: nothing, and failures counted (never a crash).
  std::ofstream(dir + "/token") << "wrong\n";
  KubernetesProvider denied(c, 1, o);
  const double failures = GlobalSdMetrics().kubernetes_failures.value();
  ASSERT_TRUE(discovery::testing::RefreshUntil(
      denied, [&] { return GlobalSdMetrics().kubernetes_failures.value() > failures; }));
  EXPECT_TRUE(denied.groups().empty());
  std::filesystem::remove_all(dir);
}

TEST(KubernetesProvider, MetricsAreRegisteredForEveryRoleAndEvent) {
  util::Registry registry;
  RegisterSdMetrics(&registry);
  const std::string text = registry.WriteText();
  EXPECT_THAT(text, HasSubstr("prometheus_sd_kubernetes_events_total{event=\"add\",role=\"pod\"}"));
  EXPECT_THAT(
      text, HasSubstr("prometheus_sd_kubernetes_events_total{event=\"update\",role=\"ingress\"}"));
  EXPECT_THAT(text, HasSubstr("# TYPE prometheus_sd_kubernetes_failures_total counter"));
}

}  // namespace
}  // namespace sextant::discovery::kubernetes
