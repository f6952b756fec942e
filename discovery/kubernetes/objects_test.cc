#include "discovery/kubernetes/objects.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace sextant::discovery::kubernetes {
namespace {

using model::Labels;
using nlohmann::json;

// Objects as an API server sends them, with the labels Prometheus 3.x's discovery/kubernetes
// builds for them (node.go, pod.go, kubernetes.go).
TEST(KubernetesObjects, NodeTargetAtPreferredAddressAndKubeletPort) {
  const json node = json::parse(R"({
    "metadata": {"name": "worker-1", "labels": {"kubernetes.io/os": "linux"},
                 "annotations": {"node.alpha/ttl": "0"}},
    "spec": {"providerID": "aws:///eu-west-1a/i-0abc"},
    "status": {
      "addresses": [{"type": "Hostname", "address": "worker-1"},
                    {"type": "ExternalIP", "address": "203.0.113.7"},
                    {"type": "InternalIP", "address": "10.0.0.7"},
                    {"type": "InternalIP", "address": "10.0.0.8"}],
      "conditions": [{"type": "Ready", "status": "True"},
                     {"type": "MemoryPressure", "status": "False"}],
      "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}}}})");
  std::optional<TargetGroup> g = NodeGroup(node);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->source, "node/worker-1");
  EXPECT_EQ(g->labels, Labels::FromPairs({
                           {"__meta_kubernetes_node_name", "worker-1"},
                           {"__meta_kubernetes_node_provider_id", "aws:///eu-west-1a/i-0abc"},
                           {"__meta_kubernetes_node_condition_ready", "true"},
                           {"__meta_kubernetes_node_condition_memorypressure", "false"},
                           {"__meta_kubernetes_node_label_kubernetes_io_os", "linux"},
                           {"__meta_kubernetes_node_labelpresent_kubernetes_io_os", "true"},
                           {"__meta_kubernetes_node_annotation_node_alpha_ttl", "0"},
                           {"__meta_kubernetes_node_annotationpresent_node_alpha_ttl", "true"},
                       }));
  ASSERT_EQ(g->targets.size(), 1u);
  EXPECT_EQ(g->targets[0], Labels::FromPairs({
                               {"__address__", "10.0.0.7:10250"},
                               {"instance", "worker-1"},
                               {"__meta_kubernetes_node_address_InternalIP", "10.0.0.7"},
                               {"__meta_kubernetes_node_address_ExternalIP", "203.0.113.7"},
                               {"__meta_kubernetes_node_address_Hostname", "worker-1"},
                           }));
}

TEST(KubernetesObjects, NodeWithoutAddressHasNoGroupAndIPv6IsBracketed) {
  EXPECT_FALSE(NodeGroup(json::parse(R"({"metadata": {"name": "n"}, "status": {}})")));
  std::optional<TargetGroup> g = NodeGroup(json::parse(R"({
    "metadata": {"name": "n6"},
    "status": {"addresses": [{"type": "InternalIP", "address": "fd00::7"}],
               "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}}}})"));
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->targets[0].Get("__address__"), "[fd00::7]:10250");
}

TEST(KubernetesObjects, PodTargetsPerContainerPortInitContainersIncluded) {
  const json pod = json::parse(R"({
    "metadata": {"name": "trainer-7d9f", "namespace": "ml", "uid": "u-1",
                 "labels": {"app": "trainer"},
                 "annotations": {"prometheus.io/scrape": "true", "prometheus.io/port": "8000"},
                 "ownerReferences": [{"kind": "ReplicaSet", "name": "trainer-7d9", "controller": true}]},
    "spec": {"nodeName": "worker-1",
             "containers": [
               {"name": "app", "image": "trainer:1",
                "ports": [{"name": "http", "containerPort": 8000, "protocol": "TCP"},
                          {"name": "grpc", "containerPort": 9000, "protocol": "TCP"}]},
               {"name": "sidecar", "image": "envoy:1"}],
             "initContainers": [
               {"name": "migrate", "image": "tool:1",
                "ports": [{"containerPort": 7000, "protocol": "UDP"}]}]},
    "status": {"phase": "Running", "podIP": "10.1.2.3", "hostIP": "10.0.0.7",
               "conditions": [{"type": "Ready", "status": "False"}],
               "containerStatuses": [{"name": "app", "containerID": "containerd://abc"}],
               "initContainerStatuses": [{"name": "migrate", "containerID": "containerd://def"}]}})");
  const TargetGroup g = PodGroup(pod);
  EXPECT_EQ(g.source, "pod/ml/trainer-7d9f");
  EXPECT_EQ(g.labels, Labels::FromPairs({
                          {"__meta_kubernetes_namespace", "ml"},
                          {"__meta_kubernetes_pod_name", "trainer-7d9f"},
                          {"__meta_kubernetes_pod_ip", "10.1.2.3"},
                          {"__meta_kubernetes_pod_ready", "false"},
                          {"__meta_kubernetes_pod_phase", "Running"},
                          {"__meta_kubernetes_pod_node_name", "worker-1"},
                          {"__meta_kubernetes_pod_host_ip", "10.0.0.7"},
                          {"__meta_kubernetes_pod_uid", "u-1"},
                          {"__meta_kubernetes_pod_label_app", "trainer"},
                          {"__meta_kubernetes_pod_labelpresent_app", "true"},
                          {"__meta_kubernetes_pod_annotation_prometheus_io_scrape", "true"},
                          {"__meta_kubernetes_pod_annotationpresent_prometheus_io_scrape", "true"},
                          {"__meta_kubernetes_pod_annotation_prometheus_io_port", "8000"},
                          {"__meta_kubernetes_pod_annotationpresent_prometheus_io_port", "true"},
                          {"__meta_kubernetes_pod_controller_kind", "ReplicaSet"},
                          {"__meta_kubernetes_pod_controller_name", "trainer-7d9"},
                      }));
  ASSERT_EQ(g.targets.size(), 4u);
  EXPECT_EQ(g.targets[0], Labels::FromPairs({
                              {"__address__", "10.1.2.3:8000"},
                              {"__meta_kubernetes_pod_container_name", "app"},
                              {"__meta_kubernetes_pod_container_id", "containerd://abc"},
                              {"__meta_kubernetes_pod_container_image", "trainer:1"},
                              {"__meta_kubernetes_pod_container_init", "false"},
                              {"__meta_kubernetes_pod_container_port_number", "8000"},
                              {"__meta_kubernetes_pod_container_port_name", "http"},
                              {"__meta_kubernetes_pod_container_port_protocol", "TCP"},
                          }));
  EXPECT_EQ(g.targets[1].Get("__address__"), "10.1.2.3:9000");
  // A container without ports: the pod IP alone, no port labels.
  EXPECT_EQ(g.targets[2], Labels::FromPairs({
                              {"__address__", "10.1.2.3"},
                              {"__meta_kubernetes_pod_container_name", "sidecar"},
                              {"__meta_kubernetes_pod_container_image", "envoy:1"},
                              {"__meta_kubernetes_pod_container_init", "false"},
                          }));
  EXPECT_EQ(g.targets[3].Get("__meta_kubernetes_pod_container_init"), "true");
  EXPECT_EQ(g.targets[3].Get("__meta_kubernetes_pod_container_id"), "containerd://def");
  EXPECT_EQ(g.targets[3].Get("__meta_kubernetes_pod_container_port_protocol"), "UDP");
  EXPECT_FALSE(g.targets[3].Has("__meta_kubernetes_pod_container_port_name"));
}

TEST(KubernetesObjects, PendingPodWithoutIPHasAnEmptyGroupAndReadyDefaultsToUnknown) {
  const TargetGroup pending = PodGroup(json::parse(R"({
    "metadata": {"name": "p", "namespace": "default"},
    "spec": {"containers": [{"name": "c", "ports": [{"containerPort": 80}]}]},
    "status": {"phase": "Pending"}})"));
  EXPECT_EQ(pending.source, "pod/default/p");
  EXPECT_TRUE(pending.targets.empty());
  EXPECT_TRUE(pending.labels.empty());
  const TargetGroup no_conditions = PodGroup(json::parse(R"({
    "metadata": {"name": "q", "namespace": "default"},
    "spec": {"containers": [{"name": "c"}]},
    "status": {"podIP": "10.1.2.4"}})"));
  EXPECT_EQ(no_conditions.labels.Get("__meta_kubernetes_pod_ready"), "unknown");
}

TEST(KubernetesObjects, ServiceTargetPerPort) {
  const TargetGroup g = ServiceGroup(json::parse(R"({
    "metadata": {"name": "mlflow", "namespace": "ml", "labels": {"app": "mlflow"}},
    "spec": {"type": "LoadBalancer", "clusterIP": "10.96.0.10", "loadBalancerIP": "198.51.100.1",
             "ports": [{"name": "http", "port": 5000, "protocol": "TCP"},
                       {"name": "metrics", "port": 9090, "protocol": "TCP"}]},
    "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.1"}, {"hostname": "lb.example"},
                                            {"ip": "203.0.113.2"}]}}})"));
  EXPECT_EQ(g.source, "svc/ml/mlflow");
  EXPECT_EQ(g.labels, Labels::FromPairs({{"__meta_kubernetes_namespace", "ml"},
                                         {"__meta_kubernetes_service_name", "mlflow"},
                                         {"__meta_kubernetes_service_label_app", "mlflow"},
                                         {"__meta_kubernetes_service_labelpresent_app", "true"}}));
  ASSERT_EQ(g.targets.size(), 2u);
  EXPECT_EQ(g.targets[0], Labels::FromPairs({{"__address__", "mlflow.ml.svc:5000"},
                                             {"__meta_kubernetes_service_port_name", "http"},
                                             {"__meta_kubernetes_service_port_number", "5000"},
                                             {"__meta_kubernetes_service_port_protocol", "TCP"},
                                             {"__meta_kubernetes_service_type", "LoadBalancer"},
                                             {"__meta_kubernetes_service_cluster_ip", "10.96.0.10"},
                                             {"__meta_kubernetes_service_loadbalancer_ip",
                                              "203.0.113.1,203.0.113.2"}}));
  const TargetGroup external = ServiceGroup(json::parse(R"({
    "metadata": {"name": "db", "namespace": "ml"},
    "spec": {"type": "ExternalName", "externalName": "db.example.com",
             "ports": [{"port": 5432, "protocol": "TCP"}]}})"));
  ASSERT_EQ(external.targets.size(), 1u);
  EXPECT_EQ(external.targets[0].Get("__meta_kubernetes_service_external_name"), "db.example.com");
  EXPECT_FALSE(external.targets[0].Has("__meta_kubernetes_service_cluster_ip"));
  EXPECT_FALSE(external.targets[0].Has("__meta_kubernetes_service_loadbalancer_ip"));
}

TEST(KubernetesObjects, IngressTargetPerRuleAndPathWithTlsScheme) {
  const TargetGroup g = IngressGroup(json::parse(R"({
    "metadata": {"name": "web", "namespace": "ml"},
    "spec": {"ingressClassName": "nginx",
             "tls": [{"hosts": ["*.example.com"]}],
             "rules": [
               {"host": "api.example.com",
                "http": {"paths": [{"path": "/v1"}, {"path": ""}]}},
               {"host": "other.org"},
               {"host": "deep.api.example.com", "http": {"paths": [{"path": "/x"}]}},
               {"host": "empty.example.com", "http": {"paths": []}}]}})"));
  EXPECT_EQ(g.source, "ingress/ml/web");
  EXPECT_EQ(g.labels.Get("__meta_kubernetes_ingress_class_name"), "nginx");
  ASSERT_EQ(g.targets.size(), 4u);
  EXPECT_EQ(g.targets[0], Labels::FromPairs({{"__address__", "api.example.com"},
                                             {"__meta_kubernetes_ingress_scheme", "https"},
                                             {"__meta_kubernetes_ingress_host", "api.example.com"},
                                             {"__meta_kubernetes_ingress_path", "/v1"}}));
  EXPECT_EQ(g.targets[1].Get("__meta_kubernetes_ingress_path"), "/");
  EXPECT_EQ(g.targets[2].Get("__meta_kubernetes_ingress_scheme"), "http");
  EXPECT_EQ(g.targets[2].Get("__meta_kubernetes_ingress_path"), "/");
  // A wildcard covers one leading label only.
  EXPECT_EQ(g.targets[3].Get("__meta_kubernetes_ingress_host"), "deep.api.example.com");
  EXPECT_EQ(g.targets[3].Get("__meta_kubernetes_ingress_scheme"), "http");
}

TEST(KubernetesObjects, EndpointsTargetsWithServiceAndPodLabels) {
  const json service = json::parse(R"({"metadata": {"name": "trainer", "namespace": "ml",
                                                     "labels": {"tier": "gpu"}}})");
  const json pod = json::parse(R"({
    "metadata": {"name": "trainer-0", "namespace": "ml", "uid": "u-9"},
    "spec": {"nodeName": "worker-2",
             "containers": [{"name": "app", "image": "trainer:2",
                             "ports": [{"name": "http", "containerPort": 8000, "protocol": "TCP"},
                                       {"name": "debug", "containerPort": 6060,
                                        "protocol": "TCP"}]}]},
    "status": {"podIP": "10.1.0.5", "phase": "Running",
               "conditions": [{"type": "Ready", "status": "True"}]}})");
  ObjectLookup lookup;
  lookup.service = [&](std::string_view ns, std::string_view name) -> const json* {
    return ns == "ml" && name == "trainer" ? &service : nullptr;
  };
  lookup.pod = [&](std::string_view ns, std::string_view name) -> const json* {
    return ns == "ml" && name == "trainer-0" ? &pod : nullptr;
  };
  const TargetGroup g = EndpointsGroup(json::parse(R"({
    "metadata": {"name": "trainer", "namespace": "ml"},
    "subsets": [{
      "addresses": [{"ip": "10.1.0.5", "nodeName": "worker-2",
                     "targetRef": {"kind": "Pod", "name": "trainer-0", "namespace": "ml"}}],
      "notReadyAddresses": [{"ip": "10.1.0.6", "hostname": "trainer-1"}],
      "ports": [{"name": "web", "port": 8000, "protocol": "TCP"}]}]})"),
                                       lookup);
  EXPECT_EQ(g.source, "endpoints/ml/trainer");
  EXPECT_EQ(g.labels, Labels::FromPairs({{"__meta_kubernetes_namespace", "ml"},
                                         {"__meta_kubernetes_service_name", "trainer"},
                                         {"__meta_kubernetes_service_label_tier", "gpu"},
                                         {"__meta_kubernetes_service_labelpresent_tier", "true"},
                                         {"__meta_kubernetes_endpoints_name", "trainer"}}));
  ASSERT_EQ(g.targets.size(), 3u);
  EXPECT_EQ(g.targets[0],
            Labels::FromPairs({{"__address__", "10.1.0.5:8000"},
                               {"__meta_kubernetes_endpoint_port_name", "web"},
                               {"__meta_kubernetes_endpoint_port_protocol", "TCP"},
                               {"__meta_kubernetes_endpoint_ready", "true"},
                               {"__meta_kubernetes_endpoint_address_target_kind", "Pod"},
                               {"__meta_kubernetes_endpoint_address_target_name", "trainer-0"},
                               {"__meta_kubernetes_endpoint_node_name", "worker-2"},
                               {"__meta_kubernetes_pod_name", "trainer-0"},
                               {"__meta_kubernetes_pod_ip", "10.1.0.5"},
                               {"__meta_kubernetes_pod_ready", "true"},
                               {"__meta_kubernetes_pod_phase", "Running"},
                               {"__meta_kubernetes_pod_node_name", "worker-2"},
                               {"__meta_kubernetes_pod_uid", "u-9"},
                               {"__meta_kubernetes_pod_container_name", "app"},
                               {"__meta_kubernetes_pod_container_image", "trainer:2"},
                               {"__meta_kubernetes_pod_container_port_name", "http"},
                               {"__meta_kubernetes_pod_container_port_number", "8000"},
                               {"__meta_kubernetes_pod_container_port_protocol", "TCP"},
                               {"__meta_kubernetes_pod_container_init", "false"}}));
  // Not ready, no pod behind it.
  EXPECT_EQ(g.targets[1],
            Labels::FromPairs({{"__address__", "10.1.0.6:8000"},
                               {"__meta_kubernetes_endpoint_port_name", "web"},
                               {"__meta_kubernetes_endpoint_port_protocol", "TCP"},
                               {"__meta_kubernetes_endpoint_ready", "false"},
                               {"__meta_kubernetes_endpoint_hostname", "trainer-1"}}));
  // The pod's port no endpoint covers.
  EXPECT_EQ(g.targets[2].Get("__address__"), "10.1.0.5:6060");
  EXPECT_EQ(g.targets[2].Get("__meta_kubernetes_pod_container_port_name"), "debug");
  EXPECT_EQ(g.targets[2].Get("__meta_kubernetes_pod_name"), "trainer-0");
  EXPECT_FALSE(g.targets[2].Has("__meta_kubernetes_endpoint_ready"));
}

TEST(KubernetesObjects, EndpointSliceTargetsWithConditionsAndDualStackFilter) {
  const json service = json::parse(R"({
    "metadata": {"name": "api", "namespace": "ml"},
    "spec": {"ipFamilyPolicy": "PreferDualStack", "ipFamilies": ["IPv4", "IPv6"]}})");
  const json pod = json::parse(R"({
    "metadata": {"name": "api-0", "namespace": "ml"},
    "spec": {"containers": [{"name": "app", "image": "api:1",
                             "ports": [{"name": "http", "containerPort": 8080,
                                        "protocol": "TCP"},
                                       {"name": "admin", "containerPort": 9901,
                                        "protocol": "TCP"}]}]},
    "status": {"podIP": "10.1.0.9", "phase": "Running"}})");
  ObjectLookup lookup;
  lookup.service = [&](std::string_view ns, std::string_view name) -> const json* {
    return ns == "ml" && name == "api" ? &service : nullptr;
  };
  lookup.pod = [&](std::string_view ns, std::string_view name) -> const json* {
    return ns == "ml" && name == "api-0" ? &pod : nullptr;
  };
  const std::string slice = R"({
    "metadata": {"name": "api-abcde", "namespace": "ml",
                 "labels": {"kubernetes.io/service-name": "api"}},
    "addressType": "IPv4",
    "endpoints": [
      {"addresses": ["10.1.0.9"], "conditions": {"ready": true, "serving": true,
                                                 "terminating": false},
       "targetRef": {"kind": "Pod", "name": "api-0", "namespace": "ml"},
       "nodeName": "worker-3", "zone": "eu-west-1a"},
      {"addresses": ["10.1.0.10"], "conditions": {"ready": false}, "hostname": "api-1"}],
    "ports": [{"name": "http", "port": 8080, "protocol": "TCP", "appProtocol": "http"}]})";
  const TargetGroup g = EndpointSliceGroup(json::parse(slice), lookup);
  EXPECT_EQ(g.source, "endpointslice/ml/api-abcde");
  EXPECT_EQ(g.labels.Get("__meta_kubernetes_endpointslice_address_type"), "IPv4");
  EXPECT_EQ(g.labels.Get("__meta_kubernetes_service_name"), "api");
  EXPECT_EQ(g.labels.Get("__meta_kubernetes_endpointslice_name"), "api-abcde");
  ASSERT_EQ(g.targets.size(), 3u);
  EXPECT_EQ(g.targets[0],
            Labels::FromPairs(
                {{"__address__", "10.1.0.9:8080"},
                 {"__meta_kubernetes_endpointslice_port_name", "http"},
                 {"__meta_kubernetes_endpointslice_port_protocol", "TCP"},
                 {"__meta_kubernetes_endpointslice_port", "8080"},
                 {"__meta_kubernetes_endpointslice_port_app_protocol", "http"},
                 {"__meta_kubernetes_endpointslice_endpoint_conditions_ready", "true"},
                 {"__meta_kubernetes_endpointslice_endpoint_conditions_serving", "true"},
                 {"__meta_kubernetes_endpointslice_endpoint_conditions_terminating", "false"},
                 {"__meta_kubernetes_endpointslice_address_target_kind", "Pod"},
                 {"__meta_kubernetes_endpointslice_address_target_name", "api-0"},
                 {"__meta_kubernetes_endpointslice_endpoint_node_name", "worker-3"},
                 {"__meta_kubernetes_endpointslice_endpoint_zone", "eu-west-1a"},
                 {"__meta_kubernetes_pod_name", "api-0"},
                 {"__meta_kubernetes_pod_ip", "10.1.0.9"},
                 {"__meta_kubernetes_pod_ready", "unknown"},
                 {"__meta_kubernetes_pod_phase", "Running"},
                 {"__meta_kubernetes_pod_container_name", "app"},
                 {"__meta_kubernetes_pod_container_image", "api:1"},
                 {"__meta_kubernetes_pod_container_port_name", "http"},
                 {"__meta_kubernetes_pod_container_port_number", "8080"},
                 {"__meta_kubernetes_pod_container_port_protocol", "TCP"},
                 {"__meta_kubernetes_pod_container_init", "false"}}));
  EXPECT_EQ(g.targets[1].Get("__address__"), "10.1.0.10:8080");
  EXPECT_EQ(g.targets[1].Get("__meta_kubernetes_endpointslice_endpoint_conditions_ready"), "false");
  EXPECT_FALSE(g.targets[1].Has("__meta_kubernetes_endpointslice_endpoint_conditions_serving"));
  EXPECT_EQ(g.targets[1].Get("__meta_kubernetes_endpointslice_endpoint_hostname"), "api-1");
  EXPECT_EQ(g.targets[2].Get("__address__"), "10.1.0.9:9901");  // the uncovered admin port
  // The dual-stack service's IPv6 slice has no targets.
  json v6 = json::parse(slice);
  v6["addressType"] = "IPv6";
  EXPECT_TRUE(EndpointSliceGroup(v6, lookup).targets.empty());
}

TEST(KubernetesObjects, SanitizesLabelNamesAsPrometheus) {
  EXPECT_EQ(SanitizeLabelName("app.kubernetes.io/name"), "app_kubernetes_io_name");
  EXPECT_EQ(SanitizeLabelName("a-b_c9"), "a_b_c9");
}

// attach_metadata (Prometheus's addNodeLabels and addNamespaceLabels): the pod role puts the
// node's and the namespace's labels on the group and drops pods on unknown nodes; endpoints put
// the node's on each target whose address names a node, the namespace's on the group.
TEST(KubernetesObjects, AttachMetadataNodeAndNamespace) {
  const json node = json::parse(R"({"metadata": {"name": "worker-1",
      "labels": {"topology.kubernetes.io/zone": "eu-1a"}, "annotations": {"a": "b"}}})");
  const json ns = json::parse(R"({"metadata": {"name": "ml", "labels": {"team": "vision"},
      "annotations": {"owner": "ana"}}})");
  ObjectLookup lookup;
  lookup.node = [&](std::string_view name) { return name == "worker-1" ? &node : nullptr; };
  lookup.namespace_ = [&](std::string_view name) { return name == "ml" ? &ns : nullptr; };
  const json pod = json::parse(R"({
    "metadata": {"name": "p", "namespace": "ml"},
    "spec": {"nodeName": "worker-1", "containers": [{"name": "c", "image": "i"}]},
    "status": {"podIP": "10.1.0.1"}})");
  const TargetGroup g = PodGroup(pod, lookup);
  ASSERT_EQ(g.targets.size(), 1u);
  EXPECT_EQ(g.labels.Get("__meta_kubernetes_node_name"), "worker-1");
  EXPECT_EQ(g.labels.Get("__meta_kubernetes_node_label_topology_kubernetes_io_zone"), "eu-1a");
  EXPECT_EQ(g.labels.Get("__meta_kubernetes_node_labelpresent_topology_kubernetes_io_zone"),
            "true");
  EXPECT_EQ(g.labels.Get("__meta_kubernetes_node_annotation_a"), "b");
  EXPECT_EQ(g.labels.Get("__meta_kubernetes_namespace_label_team"), "vision");
  EXPECT_EQ(g.labels.Get("__meta_kubernetes_namespace_labelpresent_team"), "true");
  EXPECT_EQ(g.labels.Get("__meta_kubernetes_namespace_annotation_owner"), "ana");
  EXPECT_EQ(g.labels.Get("__meta_kubernetes_namespace_annotationpresent_owner"), "true");
  // Without attach_metadata none of them.
  EXPECT_EQ(PodGroup(pod).labels.Get("__meta_kubernetes_node_name"), "");
  EXPECT_EQ(PodGroup(pod).labels.Get("__meta_kubernetes_namespace_label_team"), "");

  // A pod on a node the lookup does not know (left out by node selectors) has no targets.
  json elsewhere = pod;
  elsewhere["spec"]["nodeName"] = "worker-9";
  const TargetGroup none = PodGroup(elsewhere, lookup);
  EXPECT_EQ(none.source, "pod/ml/p");
  EXPECT_TRUE(none.targets.empty());

  // Endpoints: per target, from nodeName, or a targetRef to a node.
  const json endpoints = json::parse(R"({
    "metadata": {"name": "svc", "namespace": "ml"},
    "subsets": [{"addresses": [{"ip": "10.1.0.1", "nodeName": "worker-1"},
                               {"ip": "10.0.0.7", "targetRef": {"kind": "Node", "name": "worker-1"}},
                               {"ip": "10.9.9.9"}],
                 "ports": [{"port": 80, "protocol": "TCP"}]}]})");
  const TargetGroup e = EndpointsGroup(endpoints, lookup);
  ASSERT_EQ(e.targets.size(), 3u);
  EXPECT_EQ(e.labels.Get("__meta_kubernetes_namespace_label_team"), "vision");
  EXPECT_EQ(e.labels.Get("__meta_kubernetes_node_name"), "");
  EXPECT_EQ(e.targets[0].Get("__meta_kubernetes_node_label_topology_kubernetes_io_zone"), "eu-1a");
  EXPECT_EQ(e.targets[1].Get("__meta_kubernetes_node_name"), "worker-1");
  EXPECT_EQ(e.targets[2].Get("__meta_kubernetes_node_name"), "");

  // Services and ingresses get the namespace's labels.
  const json service = json::parse(R"({"metadata": {"name": "s", "namespace": "ml"},
      "spec": {"type": "ClusterIP", "ports": [{"port": 80}]}})");
  EXPECT_EQ(ServiceGroup(service, lookup).labels.Get("__meta_kubernetes_namespace_label_team"),
            "vision");
  const json ingress = json::parse(R"({"metadata": {"name": "i", "namespace": "ml"},
      "spec": {"rules": [{"host": "h"}]}})");
  EXPECT_EQ(
      IngressGroup(ingress, lookup).labels.Get("__meta_kubernetes_namespace_annotation_owner"),
      "ana");
}

}  // namespace
}  // namespace sextant::discovery::kubernetes
