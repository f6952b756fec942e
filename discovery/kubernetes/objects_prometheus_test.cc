#include "discovery/kubernetes/objects.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace sextant::discovery::kubernetes {
namespace {

using model::Labels;
using nlohmann::json;

// The scenarios of Prometheus 3.x's discovery/kubernetes *_test.go with their exact label sets
// (the Go tests' empty values are left out here, as the target builder drops them).

// node_test.go: conditions become node_condition_* labels, lower-cased.
TEST(KubernetesObjectsPrometheus, NodeConditionsAndAddresses) {
  const json node = json::parse(R"({
    "metadata": {"name": "test", "labels": {"test-label": "testvalue"},
                 "annotations": {"test-annotation": "testannotationvalue"}},
    "status": {
      "addresses": [{"type": "InternalIP", "address": "1.2.3.4"}],
      "conditions": [{"type": "Ready", "status": "True"},
                     {"type": "DiskPressure", "status": "Unknown"}],
      "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}}}})");
  std::optional<TargetGroup> g = NodeGroup(node);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->source, "node/test");
  EXPECT_EQ(g->labels,
            Labels::FromPairs({
                {"__meta_kubernetes_node_name", "test"},
                {"__meta_kubernetes_node_condition_ready", "true"},
                {"__meta_kubernetes_node_condition_diskpressure", "unknown"},
                {"__meta_kubernetes_node_label_test_label", "testvalue"},
                {"__meta_kubernetes_node_labelpresent_test_label", "true"},
                {"__meta_kubernetes_node_annotation_test_annotation", "testannotationvalue"},
                {"__meta_kubernetes_node_annotationpresent_test_annotation", "true"},
            }));
  ASSERT_EQ(g->targets.size(), 1u);
  EXPECT_EQ(g->targets[0], Labels::FromPairs({
                               {"__address__", "1.2.3.4:10250"},
                               {"instance", "test"},
                               {"__meta_kubernetes_node_address_InternalIP", "1.2.3.4"},
                           }));
}

// pod_test.go makeMultiPortPods: a target per port, a portless container at the pod IP, the
// controller from the ownerReference marked controller.
TEST(KubernetesObjectsPrometheus, PodMultiPort) {
  const json pod = json::parse(R"({
    "metadata": {"name": "testpod", "namespace": "default", "uid": "abc123",
                 "labels": {"test/label": "testvalue"},
                 "annotations": {"test/annotation": "testannotationvalue"},
                 "ownerReferences": [{"kind": "testcontrollerkind", "name": "testcontrollername",
                                      "controller": true}]},
    "spec": {"nodeName": "testnode",
             "containers": [
               {"name": "testcontainer0", "image": "testcontainer0:latest",
                "ports": [{"name": "testport0", "protocol": "TCP", "containerPort": 9000},
                          {"name": "testport1", "protocol": "UDP", "containerPort": 9001}]},
               {"name": "testcontainer1", "image": "testcontainer1:latest"}]},
    "status": {"podIP": "1.2.3.4", "hostIP": "2.3.4.5", "phase": "Running",
               "conditions": [{"type": "Ready", "status": "True"}],
               "containerStatuses": [
                 {"name": "testcontainer0", "containerID": "docker://a1b2c3d4e5f6"},
                 {"name": "testcontainer1", "containerID": "containerd://6f5e4d3c2b1a"}]}})");
  const TargetGroup g = PodGroup(pod);
  EXPECT_EQ(g.source, "pod/default/testpod");
  EXPECT_EQ(g.labels,
            Labels::FromPairs({
                {"__meta_kubernetes_pod_name", "testpod"},
                {"__meta_kubernetes_namespace", "default"},
                {"__meta_kubernetes_pod_label_test_label", "testvalue"},
                {"__meta_kubernetes_pod_labelpresent_test_label", "true"},
                {"__meta_kubernetes_pod_annotation_test_annotation", "testannotationvalue"},
                {"__meta_kubernetes_pod_annotationpresent_test_annotation", "true"},
                {"__meta_kubernetes_pod_node_name", "testnode"},
                {"__meta_kubernetes_pod_ip", "1.2.3.4"},
                {"__meta_kubernetes_pod_host_ip", "2.3.4.5"},
                {"__meta_kubernetes_pod_ready", "true"},
                {"__meta_kubernetes_pod_phase", "Running"},
                {"__meta_kubernetes_pod_uid", "abc123"},
                {"__meta_kubernetes_pod_controller_kind", "testcontrollerkind"},
                {"__meta_kubernetes_pod_controller_name", "testcontrollername"},
            }));
  ASSERT_EQ(g.targets.size(), 3u);
  EXPECT_EQ(g.targets[0], Labels::FromPairs({
                              {"__address__", "1.2.3.4:9000"},
                              {"__meta_kubernetes_pod_container_name", "testcontainer0"},
                              {"__meta_kubernetes_pod_container_port_name", "testport0"},
                              {"__meta_kubernetes_pod_container_port_number", "9000"},
                              {"__meta_kubernetes_pod_container_port_protocol", "TCP"},
                              {"__meta_kubernetes_pod_container_init", "false"},
                              {"__meta_kubernetes_pod_container_image", "testcontainer0:latest"},
                              {"__meta_kubernetes_pod_container_id", "docker://a1b2c3d4e5f6"},
                          }));
  EXPECT_EQ(g.targets[1], Labels::FromPairs({
                              {"__address__", "1.2.3.4:9001"},
                              {"__meta_kubernetes_pod_container_name", "testcontainer0"},
                              {"__meta_kubernetes_pod_container_port_name", "testport1"},
                              {"__meta_kubernetes_pod_container_port_number", "9001"},
                              {"__meta_kubernetes_pod_container_port_protocol", "UDP"},
                              {"__meta_kubernetes_pod_container_init", "false"},
                              {"__meta_kubernetes_pod_container_image", "testcontainer0:latest"},
                              {"__meta_kubernetes_pod_container_id", "docker://a1b2c3d4e5f6"},
                          }));
  EXPECT_EQ(g.targets[2], Labels::FromPairs({
                              {"__address__", "1.2.3.4"},
                              {"__meta_kubernetes_pod_container_name", "testcontainer1"},
                              {"__meta_kubernetes_pod_container_image", "testcontainer1:latest"},
                              {"__meta_kubernetes_pod_container_init", "false"},
                              {"__meta_kubernetes_pod_container_id", "containerd://6f5e4d3c2b1a"},
                          }));
  // An owner that is not the controller names no controller.
  json owned = pod;
  owned["metadata"]["ownerReferences"][0]["controller"] = false;
  EXPECT_FALSE(PodGroup(owned).labels.Has("__meta_kubernetes_pod_controller_kind"));
}

// pod_test.go TestPodDiscoveryInitContainer: the init container's portless target, its id
// from initContainerStatuses.
TEST(KubernetesObjectsPrometheus, PodInitContainer) {
  const json pod = json::parse(R"({
    "metadata": {"name": "testpod", "namespace": "default", "uid": "abc123"},
    "spec": {"nodeName": "testnode",
             "containers": [{"name": "testcontainer", "image": "testcontainer:latest",
                             "ports": [{"name": "testport", "protocol": "TCP",
                                        "containerPort": 9000}]}],
             "initContainers": [{"name": "initcontainer", "image": "initcontainer:latest"}]},
    "status": {"podIP": "1.2.3.4", "hostIP": "2.3.4.5", "phase": "Pending",
               "conditions": [{"type": "Ready", "status": "False"}],
               "containerStatuses": [{"name": "testcontainer",
                                      "containerID": "docker://a1b2c3d4e5f6"}],
               "initContainerStatuses": [{"name": "initcontainer",
                                          "containerID": "containerd://6f5e4d3c2b1a"}]}})");
  const TargetGroup g = PodGroup(pod);
  EXPECT_EQ(g.labels.Get("__meta_kubernetes_pod_phase"), "Pending");
  EXPECT_EQ(g.labels.Get("__meta_kubernetes_pod_ready"), "false");
  ASSERT_EQ(g.targets.size(), 2u);
  EXPECT_EQ(g.targets[1], Labels::FromPairs({
                              {"__address__", "1.2.3.4"},
                              {"__meta_kubernetes_pod_container_name", "initcontainer"},
                              {"__meta_kubernetes_pod_container_image", "initcontainer:latest"},
                              {"__meta_kubernetes_pod_container_init", "true"},
                              {"__meta_kubernetes_pod_container_id", "containerd://6f5e4d3c2b1a"},
                          }));
}

// pod_test.go TestPodDiscoveryWithNodeMetadata / WithNodeSelector: node name and labels on the
// group; a pod on a node the (selected) node cache lacks has an empty group.
TEST(KubernetesObjectsPrometheus, PodWithNodeMetadata) {
  const json node = json::parse(R"({"metadata": {"name": "testnode",
      "labels": {"l1": "v1"}}})");
  ObjectLookup lookup;
  lookup.node = [&](std::string_view name) { return name == "testnode" ? &node : nullptr; };
  json pod = json::parse(R"({
    "metadata": {"name": "testpod", "namespace": "default", "uid": "abc123"},
    "spec": {"nodeName": "testnode",
             "containers": [{"name": "testcontainer", "image": "testcontainer:latest",
                             "ports": [{"name": "testport", "protocol": "TCP",
                                        "containerPort": 9000}]}]},
    "status": {"podIP": "1.2.3.4", "hostIP": "2.3.4.5", "phase": "Running",
               "conditions": [{"type": "Ready", "status": "True"}]}})");
  const TargetGroup g = PodGroup(pod, lookup);
  EXPECT_EQ(g.labels, Labels::FromPairs({
                          {"__meta_kubernetes_pod_name", "testpod"},
                          {"__meta_kubernetes_namespace", "default"},
                          {"__meta_kubernetes_pod_node_name", "testnode"},
                          {"__meta_kubernetes_pod_ip", "1.2.3.4"},
                          {"__meta_kubernetes_pod_host_ip", "2.3.4.5"},
                          {"__meta_kubernetes_pod_ready", "true"},
                          {"__meta_kubernetes_pod_phase", "Running"},
                          {"__meta_kubernetes_pod_uid", "abc123"},
                          {"__meta_kubernetes_node_name", "testnode"},
                          {"__meta_kubernetes_node_label_l1", "v1"},
                          {"__meta_kubernetes_node_labelpresent_l1", "true"},
                      }));
  ASSERT_EQ(g.targets.size(), 1u);
  pod["spec"]["nodeName"] = "othernode";
  const TargetGroup filtered = PodGroup(pod, lookup);
  EXPECT_EQ(filtered.source, "pod/default/testpod");
  EXPECT_TRUE(filtered.labels.empty());
  EXPECT_TRUE(filtered.targets.empty());
}

// service_test.go: ClusterIP, ExternalName and LoadBalancer services (the load balancer's
// ingress IPs joined by commas, else spec.loadBalancerIP).
TEST(KubernetesObjectsPrometheus, ServiceTypes) {
  const TargetGroup multi = ServiceGroup(json::parse(R"({
    "metadata": {"name": "testservice", "namespace": "default",
                 "labels": {"test-label": "testvalue"},
                 "annotations": {"test-annotation": "testannotationvalue"}},
    "spec": {"type": "ClusterIP", "clusterIP": "10.0.0.1",
             "ports": [{"name": "testport0", "protocol": "TCP", "port": 30900},
                       {"name": "testport1", "protocol": "UDP", "port": 30901}]}})"));
  EXPECT_EQ(multi.source, "svc/default/testservice");
  EXPECT_EQ(multi.labels,
            Labels::FromPairs({
                {"__meta_kubernetes_service_name", "testservice"},
                {"__meta_kubernetes_namespace", "default"},
                {"__meta_kubernetes_service_label_test_label", "testvalue"},
                {"__meta_kubernetes_service_labelpresent_test_label", "true"},
                {"__meta_kubernetes_service_annotation_test_annotation", "testannotationvalue"},
                {"__meta_kubernetes_service_annotationpresent_test_annotation", "true"},
            }));
  ASSERT_EQ(multi.targets.size(), 2u);
  EXPECT_EQ(multi.targets[1], Labels::FromPairs({
                                  {"__address__", "testservice.default.svc:30901"},
                                  {"__meta_kubernetes_service_type", "ClusterIP"},
                                  {"__meta_kubernetes_service_cluster_ip", "10.0.0.1"},
                                  {"__meta_kubernetes_service_port_protocol", "UDP"},
                                  {"__meta_kubernetes_service_port_name", "testport1"},
                                  {"__meta_kubernetes_service_port_number", "30901"},
                              }));

  const TargetGroup external = ServiceGroup(json::parse(R"({
    "metadata": {"name": "testservice-external", "namespace": "default"},
    "spec": {"type": "ExternalName", "externalName": "FooExternalName",
             "ports": [{"name": "testport", "protocol": "TCP", "port": 31900}]}})"));
  ASSERT_EQ(external.targets.size(), 1u);
  EXPECT_EQ(external.targets[0], Labels::FromPairs({
                                     {"__address__", "testservice-external.default.svc:31900"},
                                     {"__meta_kubernetes_service_type", "ExternalName"},
                                     {"__meta_kubernetes_service_port_protocol", "TCP"},
                                     {"__meta_kubernetes_service_port_name", "testport"},
                                     {"__meta_kubernetes_service_port_number", "31900"},
                                     {"__meta_kubernetes_service_external_name", "FooExternalName"},
                                 }));

  const TargetGroup requested = ServiceGroup(json::parse(R"({
    "metadata": {"name": "testservice-loadbalancer", "namespace": "default"},
    "spec": {"type": "LoadBalancer", "loadBalancerIP": "127.0.0.1", "clusterIP": "10.0.0.1",
             "ports": [{"name": "testport", "protocol": "TCP", "port": 31900}]}})"));
  ASSERT_EQ(requested.targets.size(), 1u);
  EXPECT_EQ(requested.targets[0], Labels::FromPairs({
                                      {"__address__", "testservice-loadbalancer.default.svc:31900"},
                                      {"__meta_kubernetes_service_type", "LoadBalancer"},
                                      {"__meta_kubernetes_service_port_protocol", "TCP"},
                                      {"__meta_kubernetes_service_port_name", "testport"},
                                      {"__meta_kubernetes_service_port_number", "31900"},
                                      {"__meta_kubernetes_service_cluster_ip", "10.0.0.1"},
                                      {"__meta_kubernetes_service_loadbalancer_ip", "127.0.0.1"},
                                  }));

  const TargetGroup from_ingress = ServiceGroup(json::parse(R"({
    "metadata": {"name": "testservice-lb-ingress", "namespace": "default"},
    "spec": {"type": "LoadBalancer", "clusterIP": "10.0.0.1",
             "ports": [{"name": "testport", "protocol": "TCP", "port": 31900}]},
    "status": {"loadBalancer": {"ingress": [{"ip": "192.168.1.15"}, {"hostname": "lb.example"},
                                            {"ip": "2001:db8::1"}]}}})"));
  ASSERT_EQ(from_ingress.targets.size(), 1u);
  EXPECT_EQ(from_ingress.targets[0].Get("__meta_kubernetes_service_loadbalancer_ip"),
            "192.168.1.15,2001:db8::1");
}

// ingress_test.go makeIngress with each TLS mode: one target per path ("" is "/"), none for a
// rule whose http section has no paths, https where a TLS host (or wildcard) matches.
TEST(KubernetesObjectsPrometheus, IngressTlsModes) {
  const json base = json::parse(R"({
    "metadata": {"name": "testingress", "namespace": "default",
                 "labels": {"test/label": "testvalue"},
                 "annotations": {"test/annotation": "testannotationvalue"}},
    "spec": {"ingressClassName": "testclass",
             "rules": [{"host": "example.com", "http": {"paths": [{"path": "/"}, {"path": "/foo"}]}},
                       {"host": "nobackend.example.com", "http": {"paths": null}},
                       {"host": "test.example.com", "http": {"paths": [{}]}}]}})");
  struct Case {
    const char* tls;  // spec.tls as JSON
    const char* scheme1;
    const char* scheme2;
  };
  for (const Case& c :
       {Case{"null", "http", "http"},
        Case{R"([{"hosts": ["example.com", "test.example.com"]}])", "https", "https"},
        Case{R"([{"hosts": ["example.com"]}])", "https", "http"},
        Case{R"([{"hosts": ["*.example.com"]}])", "http", "https"}}) {
    SCOPED_TRACE(c.tls);
    json ingress = base;
    ingress["spec"]["tls"] = json::parse(c.tls);
    const TargetGroup g = IngressGroup(ingress);
    EXPECT_EQ(g.source, "ingress/default/testingress");
    EXPECT_EQ(g.labels,
              Labels::FromPairs({
                  {"__meta_kubernetes_ingress_name", "testingress"},
                  {"__meta_kubernetes_namespace", "default"},
                  {"__meta_kubernetes_ingress_label_test_label", "testvalue"},
                  {"__meta_kubernetes_ingress_labelpresent_test_label", "true"},
                  {"__meta_kubernetes_ingress_annotation_test_annotation", "testannotationvalue"},
                  {"__meta_kubernetes_ingress_annotationpresent_test_annotation", "true"},
                  {"__meta_kubernetes_ingress_class_name", "testclass"},
              }));
    ASSERT_EQ(g.targets.size(), 3u);
    EXPECT_EQ(g.targets[0], Labels::FromPairs({
                                {"__address__", "example.com"},
                                {"__meta_kubernetes_ingress_scheme", c.scheme1},
                                {"__meta_kubernetes_ingress_host", "example.com"},
                                {"__meta_kubernetes_ingress_path", "/"},
                            }));
    EXPECT_EQ(g.targets[1].Get("__meta_kubernetes_ingress_path"), "/foo");
    EXPECT_EQ(g.targets[1].Get("__meta_kubernetes_ingress_scheme"), c.scheme1);
    EXPECT_EQ(g.targets[2], Labels::FromPairs({
                                {"__address__", "test.example.com"},
                                {"__meta_kubernetes_ingress_scheme", c.scheme2},
                                {"__meta_kubernetes_ingress_host", "test.example.com"},
                                {"__meta_kubernetes_ingress_path", "/"},
                            }));
  }
  // A rule without an http section: the root path. A wildcard matches one label only.
  const TargetGroup g = IngressGroup(json::parse(R"({
    "metadata": {"name": "i", "namespace": "default"},
    "spec": {"tls": [{"hosts": ["*.example.com"]}],
             "rules": [{"host": "a.b.example.com"}]}})"));
  ASSERT_EQ(g.targets.size(), 1u);
  EXPECT_EQ(g.targets[0].Get("__meta_kubernetes_ingress_path"), "/");
  EXPECT_EQ(g.targets[0].Get("__meta_kubernetes_ingress_scheme"), "http");
}

// endpoints_test.go makeEndpoints: hostname and node name, ready and not-ready addresses of
// the same IP, a targetRef to a node; with attach_metadata.node the nodes' labels
// (TestEndpointsDiscoveryWithNodeMetadata).
TEST(KubernetesObjectsPrometheus, EndpointsAddressesAndNodeMetadata) {
  const json endpoints = json::parse(R"({
    "metadata": {"name": "testendpoints", "namespace": "default",
                 "annotations": {"test.annotation": "test"}},
    "subsets": [
      {"addresses": [{"ip": "1.2.3.4", "hostname": "testendpoint1", "nodeName": "foobar"}],
       "ports": [{"name": "testport", "port": 9000, "protocol": "TCP"}]},
      {"addresses": [{"ip": "2.3.4.5"}], "notReadyAddresses": [{"ip": "2.3.4.5"}],
       "ports": [{"name": "testport", "port": 9001, "protocol": "TCP"}]},
      {"addresses": [{"ip": "6.7.8.9", "targetRef": {"kind": "Node", "name": "barbaz"}}],
       "ports": [{"name": "testport", "port": 9002, "protocol": "TCP"}]}]})");
  const TargetGroup g = EndpointsGroup(endpoints, {});
  EXPECT_EQ(g.source, "endpoints/default/testendpoints");
  EXPECT_EQ(g.labels, Labels::FromPairs({
                          {"__meta_kubernetes_namespace", "default"},
                          {"__meta_kubernetes_endpoints_name", "testendpoints"},
                          {"__meta_kubernetes_endpoints_annotation_test_annotation", "test"},
                          {"__meta_kubernetes_endpoints_annotationpresent_test_annotation", "true"},
                      }));
  const std::vector<Labels> want = {
      Labels::FromPairs({
          {"__address__", "1.2.3.4:9000"},
          {"__meta_kubernetes_endpoint_hostname", "testendpoint1"},
          {"__meta_kubernetes_endpoint_node_name", "foobar"},
          {"__meta_kubernetes_endpoint_port_name", "testport"},
          {"__meta_kubernetes_endpoint_port_protocol", "TCP"},
          {"__meta_kubernetes_endpoint_ready", "true"},
      }),
      Labels::FromPairs({
          {"__address__", "2.3.4.5:9001"},
          {"__meta_kubernetes_endpoint_port_name", "testport"},
          {"__meta_kubernetes_endpoint_port_protocol", "TCP"},
          {"__meta_kubernetes_endpoint_ready", "true"},
      }),
      Labels::FromPairs({
          {"__address__", "2.3.4.5:9001"},
          {"__meta_kubernetes_endpoint_port_name", "testport"},
          {"__meta_kubernetes_endpoint_port_protocol", "TCP"},
          {"__meta_kubernetes_endpoint_ready", "false"},
      }),
      Labels::FromPairs({
          {"__address__", "6.7.8.9:9002"},
          {"__meta_kubernetes_endpoint_address_target_kind", "Node"},
          {"__meta_kubernetes_endpoint_address_target_name", "barbaz"},
          {"__meta_kubernetes_endpoint_port_name", "testport"},
          {"__meta_kubernetes_endpoint_port_protocol", "TCP"},
          {"__meta_kubernetes_endpoint_ready", "true"},
      }),
  };
  EXPECT_EQ(g.targets, want);

  const json foobar = json::parse(R"({"metadata": {"name": "foobar",
      "labels": {"az": "us-east1"}}})");
  const json barbaz = json::parse(R"({"metadata": {"name": "barbaz",
      "labels": {"az": "us-west2"}}})");
  ObjectLookup lookup;
  lookup.node = [&](std::string_view name) -> const json* {
    return name == "foobar" ? &foobar : name == "barbaz" ? &barbaz : nullptr;
  };
  const TargetGroup with_nodes = EndpointsGroup(endpoints, lookup);
  ASSERT_EQ(with_nodes.targets.size(), 4u);
  model::LabelsBuilder first(want[0]);
  first.Set("__meta_kubernetes_node_name", "foobar");
  first.Set("__meta_kubernetes_node_label_az", "us-east1");
  first.Set("__meta_kubernetes_node_labelpresent_az", "true");
  EXPECT_EQ(with_nodes.targets[0], first.Build());
  EXPECT_EQ(with_nodes.targets[1], want[1]);
  EXPECT_EQ(with_nodes.targets[2], want[2]);
  model::LabelsBuilder last(want[3]);
  last.Set("__meta_kubernetes_node_name", "barbaz");
  last.Set("__meta_kubernetes_node_label_az", "us-west2");
  last.Set("__meta_kubernetes_node_labelpresent_az", "true");
  EXPECT_EQ(with_nodes.targets[3], last.Build());
}

// endpoints_test.go TestEndpointsDiscoveryWithService: the service's labels on the group.
TEST(KubernetesObjectsPrometheus, EndpointsWithService) {
  const json service = json::parse(R"({"metadata": {"name": "testendpoints",
      "namespace": "default", "labels": {"app/name": "test"}}})");
  ObjectLookup lookup;
  lookup.service = [&](std::string_view ns, std::string_view name) {
    return ns == "default" && name == "testendpoints" ? &service : nullptr;
  };
  const TargetGroup g = EndpointsGroup(
      json::parse(R"({"metadata": {"name": "testendpoints", "namespace": "default"}})"), lookup);
  EXPECT_EQ(g.labels, Labels::FromPairs({
                          {"__meta_kubernetes_namespace", "default"},
                          {"__meta_kubernetes_endpoints_name", "testendpoints"},
                          {"__meta_kubernetes_service_label_app_name", "test"},
                          {"__meta_kubernetes_service_labelpresent_app_name", "true"},
                          {"__meta_kubernetes_service_name", "testendpoints"},
                      }));
  EXPECT_TRUE(g.targets.empty());
}

// endpoints_test.go TestEndpointsDiscoveryAdd: the pod's labels and the matching container's on
// the endpoint's target, then a target for the container port no endpoint port covered.
TEST(KubernetesObjectsPrometheus, EndpointsPodAndUncoveredContainerPort) {
  const json pod = json::parse(R"({
    "metadata": {"name": "testpod", "namespace": "default", "uid": "deadbeef"},
    "spec": {"nodeName": "testnode",
             "containers": [
               {"name": "c1", "image": "c1:latest",
                "ports": [{"name": "mainport", "containerPort": 9000, "protocol": "TCP"}]},
               {"name": "c2", "image": "c2:latest",
                "ports": [{"name": "sideport", "containerPort": 9001, "protocol": "TCP"}]}]},
    "status": {"hostIP": "2.3.4.5", "podIP": "1.2.3.4"}})");
  ObjectLookup lookup;
  lookup.pod = [&](std::string_view ns, std::string_view name) {
    return ns == "default" && name == "testpod" ? &pod : nullptr;
  };
  const TargetGroup g = EndpointsGroup(json::parse(R"({
    "metadata": {"name": "testendpoints", "namespace": "default"},
    "subsets": [{"addresses": [{"ip": "4.3.2.1",
                                "targetRef": {"kind": "Pod", "name": "testpod",
                                              "namespace": "default"}}],
                 "ports": [{"name": "testport", "port": 9000, "protocol": "TCP"}]}]})"),
                                       lookup);
  EXPECT_EQ(g.labels, Labels::FromPairs({
                          {"__meta_kubernetes_endpoints_name", "testendpoints"},
                          {"__meta_kubernetes_namespace", "default"},
                      }));
  ASSERT_EQ(g.targets.size(), 2u);
  EXPECT_EQ(g.targets[0], Labels::FromPairs({
                              {"__address__", "4.3.2.1:9000"},
                              {"__meta_kubernetes_endpoint_port_name", "testport"},
                              {"__meta_kubernetes_endpoint_port_protocol", "TCP"},
                              {"__meta_kubernetes_endpoint_ready", "true"},
                              {"__meta_kubernetes_endpoint_address_target_kind", "Pod"},
                              {"__meta_kubernetes_endpoint_address_target_name", "testpod"},
                              {"__meta_kubernetes_pod_name", "testpod"},
                              {"__meta_kubernetes_pod_ip", "1.2.3.4"},
                              {"__meta_kubernetes_pod_ready", "unknown"},
                              {"__meta_kubernetes_pod_node_name", "testnode"},
                              {"__meta_kubernetes_pod_host_ip", "2.3.4.5"},
                              {"__meta_kubernetes_pod_container_name", "c1"},
                              {"__meta_kubernetes_pod_container_image", "c1:latest"},
                              {"__meta_kubernetes_pod_container_port_name", "mainport"},
                              {"__meta_kubernetes_pod_container_port_number", "9000"},
                              {"__meta_kubernetes_pod_container_port_protocol", "TCP"},
                              {"__meta_kubernetes_pod_uid", "deadbeef"},
                              {"__meta_kubernetes_pod_container_init", "false"},
                          }));
  EXPECT_EQ(g.targets[1], Labels::FromPairs({
                              {"__address__", "1.2.3.4:9001"},
                              {"__meta_kubernetes_pod_name", "testpod"},
                              {"__meta_kubernetes_pod_ip", "1.2.3.4"},
                              {"__meta_kubernetes_pod_ready", "unknown"},
                              {"__meta_kubernetes_pod_node_name", "testnode"},
                              {"__meta_kubernetes_pod_host_ip", "2.3.4.5"},
                              {"__meta_kubernetes_pod_container_name", "c2"},
                              {"__meta_kubernetes_pod_container_image", "c2:latest"},
                              {"__meta_kubernetes_pod_container_port_name", "sideport"},
                              {"__meta_kubernetes_pod_container_port_number", "9001"},
                              {"__meta_kubernetes_pod_container_port_protocol", "TCP"},
                              {"__meta_kubernetes_pod_uid", "deadbeef"},
                              {"__meta_kubernetes_pod_container_init", "false"},
                          }));
}

// The pod of endpoints_test.go / endpointslice_test.go TestEndpoints*SidecarContainer: init
// containers' ports, one covered by an endpoint port.
const char kSidecarPod[] = R"({
    "metadata": {"name": "testpod", "namespace": "default", "uid": "deadbeef"},
    "spec": {"nodeName": "testnode",
             "initContainers": [
               {"name": "ic1", "image": "ic1:latest",
                "ports": [{"name": "initport", "containerPort": 1111, "protocol": "TCP"}]},
               {"name": "ic2", "image": "ic2:latest",
                "ports": [{"name": "initport", "containerPort": 9111, "protocol": "TCP"}]}],
             "containers": [
               {"name": "c1", "image": "c1:latest",
                "ports": [{"name": "mainport", "containerPort": 9000, "protocol": "TCP"}]}]},
    "status": {"hostIP": "2.3.4.5", "podIP": "4.3.2.1"}})";

Labels SidecarPodLabels(std::initializer_list<std::pair<std::string_view, std::string_view>> more) {
  model::LabelsBuilder b(Labels::FromPairs({
      {"__meta_kubernetes_pod_host_ip", "2.3.4.5"},
      {"__meta_kubernetes_pod_ip", "4.3.2.1"},
      {"__meta_kubernetes_pod_name", "testpod"},
      {"__meta_kubernetes_pod_node_name", "testnode"},
      {"__meta_kubernetes_pod_ready", "unknown"},
      {"__meta_kubernetes_pod_uid", "deadbeef"},
  }));
  for (const auto& [name, value] : more) b.Set(name, value);
  return b.Build();
}

TEST(KubernetesObjectsPrometheus, EndpointsSidecarInitContainers) {
  const json pod = json::parse(kSidecarPod);
  ObjectLookup lookup;
  lookup.pod = [&](std::string_view, std::string_view name) {
    return name == "testpod" ? &pod : nullptr;
  };
  const TargetGroup g = EndpointsGroup(json::parse(R"({
    "metadata": {"name": "testsidecar", "namespace": "default"},
    "subsets": [{"addresses": [{"ip": "4.3.2.1",
                                "targetRef": {"kind": "Pod", "name": "testpod",
                                              "namespace": "default"}}],
                 "ports": [{"name": "testport", "port": 9000, "protocol": "TCP"},
                           {"name": "initport", "port": 9111, "protocol": "TCP"}]}]})"),
                                       lookup);
  const std::vector<Labels> want = {
      SidecarPodLabels({
          {"__address__", "4.3.2.1:9000"},
          {"__meta_kubernetes_endpoint_address_target_kind", "Pod"},
          {"__meta_kubernetes_endpoint_address_target_name", "testpod"},
          {"__meta_kubernetes_endpoint_port_name", "testport"},
          {"__meta_kubernetes_endpoint_port_protocol", "TCP"},
          {"__meta_kubernetes_endpoint_ready", "true"},
          {"__meta_kubernetes_pod_container_image", "c1:latest"},
          {"__meta_kubernetes_pod_container_name", "c1"},
          {"__meta_kubernetes_pod_container_port_name", "mainport"},
          {"__meta_kubernetes_pod_container_port_number", "9000"},
          {"__meta_kubernetes_pod_container_port_protocol", "TCP"},
          {"__meta_kubernetes_pod_container_init", "false"},
      }),
      SidecarPodLabels({
          {"__address__", "4.3.2.1:9111"},
          {"__meta_kubernetes_endpoint_address_target_kind", "Pod"},
          {"__meta_kubernetes_endpoint_address_target_name", "testpod"},
          {"__meta_kubernetes_endpoint_port_name", "initport"},
          {"__meta_kubernetes_endpoint_port_protocol", "TCP"},
          {"__meta_kubernetes_endpoint_ready", "true"},
          {"__meta_kubernetes_pod_container_image", "ic2:latest"},
          {"__meta_kubernetes_pod_container_name", "ic2"},
          {"__meta_kubernetes_pod_container_port_name", "initport"},
          {"__meta_kubernetes_pod_container_port_number", "9111"},
          {"__meta_kubernetes_pod_container_port_protocol", "TCP"},
          {"__meta_kubernetes_pod_container_init", "true"},
      }),
      SidecarPodLabels({
          {"__address__", "4.3.2.1:1111"},
          {"__meta_kubernetes_pod_container_image", "ic1:latest"},
          {"__meta_kubernetes_pod_container_name", "ic1"},
          {"__meta_kubernetes_pod_container_port_name", "initport"},
          {"__meta_kubernetes_pod_container_port_number", "1111"},
          {"__meta_kubernetes_pod_container_port_protocol", "TCP"},
          {"__meta_kubernetes_pod_container_init", "true"},
      }),
  };
  EXPECT_EQ(g.targets, want);
}

// endpoints_test.go TestEndpointsDiscoveryEmptyPodStatus: a pod without IP adds no targets of
// its own (the endpoints' addresses still count).
TEST(KubernetesObjectsPrometheus, EndpointsPodWithoutIpAddsNoUncoveredPorts) {
  const json pod = json::parse(R"({
    "metadata": {"name": "testpod", "namespace": "ns", "uid": "deadbeef"},
    "spec": {"nodeName": "testnode",
             "containers": [{"name": "p1", "image": "p1:latest",
                             "ports": [{"name": "mainport", "containerPort": 9000,
                                        "protocol": "TCP"}]}]},
    "status": {}})");
  ObjectLookup lookup;
  lookup.pod = [&](std::string_view, std::string_view) { return &pod; };
  const TargetGroup g = EndpointsGroup(json::parse(R"({
    "metadata": {"name": "e", "namespace": "ns"},
    "subsets": [{"addresses": [{"ip": "1.2.3.4",
                                "targetRef": {"kind": "Pod", "name": "testpod",
                                              "namespace": "ns"}}],
                 "ports": [{"name": "other", "port": 9100, "protocol": "TCP"}]}]})"),
                                       lookup);
  ASSERT_EQ(g.targets.size(), 1u);
  EXPECT_EQ(g.targets[0].Get("__address__"), "1.2.3.4:9100");
  EXPECT_FALSE(g.targets[0].Has("__meta_kubernetes_pod_container_name"));
}

// Prometheus matches an endpoint port against every container and only breaks out of the
// container's own port list: when several containers (init containers last) have the port,
// the last one's labels stand; within one container, its first such port.
TEST(KubernetesObjectsPrometheus, EndpointPortMatchingSeveralContainersTakesTheLast) {
  const json pod = json::parse(R"({
    "metadata": {"name": "dns", "namespace": "kube-system"},
    "spec": {"containers": [
               {"name": "tcp", "image": "a", "ports": [{"name": "dns-tcp", "containerPort": 53,
                                                        "protocol": "TCP"}]},
               {"name": "udp", "image": "b",
                "ports": [{"name": "dns", "containerPort": 53, "protocol": "UDP"},
                          {"name": "dns-again", "containerPort": 53, "protocol": "UDP"}]}]},
    "status": {"podIP": "10.0.0.53"}})");
  ObjectLookup lookup;
  lookup.pod = [&](std::string_view, std::string_view) { return &pod; };
  const json ref = json::parse(R"({"kind": "Pod", "name": "dns", "namespace": "kube-system"})");
  json endpoints = json::parse(R"({"metadata": {"name": "dns", "namespace": "kube-system"},
      "subsets": [{"addresses": [{"ip": "10.0.0.53"}],
                   "ports": [{"name": "dns", "port": 53, "protocol": "UDP"}]}]})");
  endpoints["subsets"][0]["addresses"][0]["targetRef"] = ref;
  const TargetGroup g = EndpointsGroup(endpoints, lookup);
  ASSERT_EQ(g.targets.size(), 1u);
  EXPECT_EQ(g.targets[0].Get("__meta_kubernetes_pod_container_name"), "udp");
  EXPECT_EQ(g.targets[0].Get("__meta_kubernetes_pod_container_image"), "b");
  EXPECT_EQ(g.targets[0].Get("__meta_kubernetes_pod_container_port_name"), "dns");

  json slice = json::parse(R"({"metadata": {"name": "dns-x", "namespace": "kube-system"},
      "addressType": "IPv4", "endpoints": [{"addresses": ["10.0.0.53"]}],
      "ports": [{"name": "dns", "port": 53, "protocol": "UDP"}]})");
  slice["endpoints"][0]["targetRef"] = ref;
  const TargetGroup s = EndpointSliceGroup(slice, lookup);
  ASSERT_EQ(s.targets.size(), 1u);
  EXPECT_EQ(s.targets[0].Get("__meta_kubernetes_pod_container_name"), "udp");
  EXPECT_EQ(s.targets[0].Get("__meta_kubernetes_pod_container_port_protocol"), "UDP");
}

// endpointslice_test.go makeEndpointSliceV1: conditions, hostname, node name, zone, deprecated
// topology, an empty targetRef, a targetRef to a node; the service-name label.
TEST(KubernetesObjectsPrometheus, EndpointSliceEndpointLabels) {
  const json slice = json::parse(R"({
    "metadata": {"name": "testendpoints", "namespace": "default",
                 "labels": {"kubernetes.io/service-name": "testendpoints"},
                 "annotations": {"test.annotation": "test"}},
    "addressType": "IPv4",
    "ports": [{"name": "testport", "port": 9000, "protocol": "TCP", "appProtocol": "http"}],
    "endpoints": [
      {"addresses": ["1.2.3.4"],
       "conditions": {"ready": true, "serving": true, "terminating": false},
       "hostname": "testendpoint1", "targetRef": {}, "nodeName": "foobar",
       "deprecatedTopology": {"topology": "value"}, "zone": "us-east-1a"},
      {"addresses": ["2.3.4.5"],
       "conditions": {"ready": true, "serving": true, "terminating": false},
       "zone": "us-east-1b"},
      {"addresses": ["3.4.5.6"],
       "conditions": {"ready": false, "serving": true, "terminating": true},
       "zone": "us-east-1c"},
      {"addresses": ["4.5.6.7"],
       "conditions": {"ready": true, "serving": true, "terminating": false},
       "targetRef": {"kind": "Node", "name": "barbaz"}, "zone": "us-east-1a"}]})");
  const TargetGroup g = EndpointSliceGroup(slice, {});
  EXPECT_EQ(g.source, "endpointslice/default/testendpoints");
  EXPECT_EQ(
      g.labels,
      Labels::FromPairs({
          {"__meta_kubernetes_endpointslice_address_type", "IPv4"},
          {"__meta_kubernetes_namespace", "default"},
          {"__meta_kubernetes_endpointslice_name", "testendpoints"},
          {"__meta_kubernetes_endpointslice_label_kubernetes_io_service_name", "testendpoints"},
          {"__meta_kubernetes_endpointslice_labelpresent_kubernetes_io_service_name", "true"},
          {"__meta_kubernetes_endpointslice_annotation_test_annotation", "test"},
          {"__meta_kubernetes_endpointslice_annotationpresent_test_annotation", "true"},
      }));
  auto port_labels = [](std::initializer_list<std::pair<std::string_view, std::string_view>> more) {
    model::LabelsBuilder b(Labels::FromPairs({
        {"__meta_kubernetes_endpointslice_port", "9000"},
        {"__meta_kubernetes_endpointslice_port_app_protocol", "http"},
        {"__meta_kubernetes_endpointslice_port_name", "testport"},
        {"__meta_kubernetes_endpointslice_port_protocol", "TCP"},
    }));
    for (const auto& [name, value] : more) b.Set(name, value);
    return b.Build();
  };
  const std::vector<Labels> want = {
      port_labels({
          {"__address__", "1.2.3.4:9000"},
          {"__meta_kubernetes_endpointslice_endpoint_conditions_ready", "true"},
          {"__meta_kubernetes_endpointslice_endpoint_conditions_serving", "true"},
          {"__meta_kubernetes_endpointslice_endpoint_conditions_terminating", "false"},
          {"__meta_kubernetes_endpointslice_endpoint_hostname", "testendpoint1"},
          {"__meta_kubernetes_endpointslice_endpoint_node_name", "foobar"},
          {"__meta_kubernetes_endpointslice_endpoint_topology_present_topology", "true"},
          {"__meta_kubernetes_endpointslice_endpoint_topology_topology", "value"},
          {"__meta_kubernetes_endpointslice_endpoint_zone", "us-east-1a"},
      }),
      port_labels({
          {"__address__", "2.3.4.5:9000"},
          {"__meta_kubernetes_endpointslice_endpoint_conditions_ready", "true"},
          {"__meta_kubernetes_endpointslice_endpoint_conditions_serving", "true"},
          {"__meta_kubernetes_endpointslice_endpoint_conditions_terminating", "false"},
          {"__meta_kubernetes_endpointslice_endpoint_zone", "us-east-1b"},
      }),
      port_labels({
          {"__address__", "3.4.5.6:9000"},
          {"__meta_kubernetes_endpointslice_endpoint_conditions_ready", "false"},
          {"__meta_kubernetes_endpointslice_endpoint_conditions_serving", "true"},
          {"__meta_kubernetes_endpointslice_endpoint_conditions_terminating", "true"},
          {"__meta_kubernetes_endpointslice_endpoint_zone", "us-east-1c"},
      }),
      port_labels({
          {"__address__", "4.5.6.7:9000"},
          {"__meta_kubernetes_endpointslice_address_target_kind", "Node"},
          {"__meta_kubernetes_endpointslice_address_target_name", "barbaz"},
          {"__meta_kubernetes_endpointslice_endpoint_conditions_ready", "true"},
          {"__meta_kubernetes_endpointslice_endpoint_conditions_serving", "true"},
          {"__meta_kubernetes_endpointslice_endpoint_conditions_terminating", "false"},
          {"__meta_kubernetes_endpointslice_endpoint_zone", "us-east-1a"},
      }),
  };
  EXPECT_EQ(g.targets, want);

  // With the service (TestEndpointSliceDiscoveryWithService) and attach_metadata.node
  // (TestEndpointsSlicesDiscoveryWithNodeMetadata): the node of nodeName, or of a Node targetRef.
  const json service = json::parse(R"({"metadata": {"name": "testendpoints",
      "namespace": "default", "labels": {"app/name": "test"}},
      "spec": {"ipFamilyPolicy": "SingleStack", "ipFamilies": ["IPv6"]}})");
  const json foobar = json::parse(R"({"metadata": {"name": "foobar", "labels": {"az": "e1"}}})");
  const json barbaz = json::parse(R"({"metadata": {"name": "barbaz", "labels": {"az": "w2"}}})");
  ObjectLookup lookup;
  lookup.service = [&](std::string_view ns, std::string_view name) {
    return ns == "default" && name == "testendpoints" ? &service : nullptr;
  };
  lookup.node = [&](std::string_view name) -> const json* {
    return name == "foobar" ? &foobar : name == "barbaz" ? &barbaz : nullptr;
  };
  const TargetGroup with = EndpointSliceGroup(slice, lookup);
  model::LabelsBuilder labels(g.labels);
  labels.Set("__meta_kubernetes_service_name", "testendpoints");
  labels.Set("__meta_kubernetes_service_label_app_name", "test");
  labels.Set("__meta_kubernetes_service_labelpresent_app_name", "true");
  EXPECT_EQ(with.labels, labels.Build());
  ASSERT_EQ(with.targets.size(), 4u);  // single-stack: its family is not compared
  EXPECT_EQ(with.targets[0].Get("__meta_kubernetes_node_label_az"), "e1");
  EXPECT_EQ(with.targets[1], want[1]);
  EXPECT_EQ(with.targets[3].Get("__meta_kubernetes_node_name"), "barbaz");
  EXPECT_EQ(with.targets[3].Get("__meta_kubernetes_node_labelpresent_az"), "true");
}

TEST(KubernetesObjectsPrometheus, EndpointSliceSidecarInitContainers) {
  const json pod = json::parse(kSidecarPod);
  ObjectLookup lookup;
  lookup.pod = [&](std::string_view, std::string_view name) {
    return name == "testpod" ? &pod : nullptr;
  };
  const TargetGroup g = EndpointSliceGroup(json::parse(R"({
    "metadata": {"name": "testsidecar", "namespace": "default"},
    "addressType": "IPv4",
    "ports": [{"name": "testport", "port": 9000, "protocol": "TCP"},
              {"name": "initport", "port": 9111, "protocol": "TCP"}],
    "endpoints": [{"addresses": ["4.3.2.1"],
                   "targetRef": {"kind": "Pod", "name": "testpod", "namespace": "default"}}]})"),
                                           lookup);
  const std::vector<Labels> want = {
      SidecarPodLabels({
          {"__address__", "4.3.2.1:9000"},
          {"__meta_kubernetes_endpointslice_address_target_kind", "Pod"},
          {"__meta_kubernetes_endpointslice_address_target_name", "testpod"},
          {"__meta_kubernetes_endpointslice_port", "9000"},
          {"__meta_kubernetes_endpointslice_port_name", "testport"},
          {"__meta_kubernetes_endpointslice_port_protocol", "TCP"},
          {"__meta_kubernetes_pod_container_image", "c1:latest"},
          {"__meta_kubernetes_pod_container_name", "c1"},
          {"__meta_kubernetes_pod_container_port_name", "mainport"},
          {"__meta_kubernetes_pod_container_port_number", "9000"},
          {"__meta_kubernetes_pod_container_port_protocol", "TCP"},
          {"__meta_kubernetes_pod_container_init", "false"},
      }),
      SidecarPodLabels({
          {"__address__", "4.3.2.1:9111"},
          {"__meta_kubernetes_endpointslice_address_target_kind", "Pod"},
          {"__meta_kubernetes_endpointslice_address_target_name", "testpod"},
          {"__meta_kubernetes_endpointslice_port", "9111"},
          {"__meta_kubernetes_endpointslice_port_name", "initport"},
          {"__meta_kubernetes_endpointslice_port_protocol", "TCP"},
          {"__meta_kubernetes_pod_container_image", "ic2:latest"},
          {"__meta_kubernetes_pod_container_name", "ic2"},
          {"__meta_kubernetes_pod_container_port_name", "initport"},
          {"__meta_kubernetes_pod_container_port_number", "9111"},
          {"__meta_kubernetes_pod_container_port_protocol", "TCP"},
          {"__meta_kubernetes_pod_container_init", "true"},
      }),
      SidecarPodLabels({
          {"__address__", "4.3.2.1:1111"},
          {"__meta_kubernetes_pod_container_image", "ic1:latest"},
          {"__meta_kubernetes_pod_container_name", "ic1"},
          {"__meta_kubernetes_pod_container_port_name", "initport"},
          {"__meta_kubernetes_pod_container_port_number", "1111"},
          {"__meta_kubernetes_pod_container_port_protocol", "TCP"},
          {"__meta_kubernetes_pod_container_init", "true"},
      }),
  };
  EXPECT_EQ(g.targets, want);
}

// endpointslice_test.go TestEndpointSliceDiscoveryDualStack* / SingleStack*: a dual-stack
// service's slice of its secondary family has no targets (its labels stay); single-stack
// services and primary-family slices are untouched; an IPv6 endpoint is bracketed.
TEST(KubernetesObjectsPrometheus, EndpointSliceDualStack) {
  auto slice = [](const char* family, const char* address) {
    json s = json::parse(R"({"metadata": {"name": "svc-x", "namespace": "default",
        "labels": {"kubernetes.io/service-name": "svc"}},
        "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
        "endpoints": [{"addresses": [], "conditions": {"ready": true}}]})");
    s["addressType"] = family;
    s["endpoints"][0]["addresses"].push_back(address);
    return s;
  };
  struct Case {
    const char* policy;
    const char* families;
    const char* slice_family;
    bool has_targets;
  };
  for (const Case& c : {
           Case{"PreferDualStack", R"(["IPv4", "IPv6"])", "IPv6", false},
           Case{"PreferDualStack", R"(["IPv4", "IPv6"])", "IPv4", true},
           Case{"RequireDualStack", R"(["IPv4", "IPv6"])", "IPv6", false},
           Case{"SingleStack", R"(["IPv4"])", "IPv4", true},
           Case{"SingleStack", R"(["IPv6"])", "IPv6", true},
           Case{"PreferDualStack", R"(["IPv6", "IPv4"])", "IPv6", true},
           Case{"PreferDualStack", R"(["IPv6", "IPv4"])", "IPv4", false},
       }) {
    SCOPED_TRACE(std::string(c.policy) + " " + c.families + " " + c.slice_family);
    json service = json::parse(R"({"metadata": {"name": "svc", "namespace": "default"}})");
    service["spec"]["ipFamilyPolicy"] = c.policy;
    service["spec"]["ipFamilies"] = json::parse(c.families);
    ObjectLookup lookup;
    lookup.service = [&](std::string_view, std::string_view) { return &service; };
    const bool v6 = std::string_view(c.slice_family) == "IPv6";
    const TargetGroup g =
        EndpointSliceGroup(slice(c.slice_family, v6 ? "fd00::1" : "10.0.0.1"), lookup);
    EXPECT_EQ(g.labels.Get("__meta_kubernetes_service_name"), "svc");
    EXPECT_EQ(g.labels.Get("__meta_kubernetes_endpointslice_address_type"), c.slice_family);
    if (!c.has_targets) {
      EXPECT_TRUE(g.targets.empty());
      continue;
    }
    ASSERT_EQ(g.targets.size(), 1u);
    EXPECT_EQ(g.targets[0].Get("__address__"), v6 ? "[fd00::1]:8080" : "10.0.0.1:8080");
  }
}

// A port without a number: the bare address and no endpointslice_port label.
TEST(KubernetesObjectsPrometheus, EndpointSlicePortWithoutNumber) {
  const TargetGroup g = EndpointSliceGroup(json::parse(R"({
    "metadata": {"name": "s", "namespace": "default"}, "addressType": "FQDN",
    "ports": [{"name": "any"}], "endpoints": [{"addresses": ["db.example.com"]}]})"),
                                           {});
  ASSERT_EQ(g.targets.size(), 1u);
  EXPECT_EQ(g.targets[0], Labels::FromPairs({
                              {"__address__", "db.example.com"},
                              {"__meta_kubernetes_endpointslice_port_name", "any"},
                          }));
}

// strutil.SanitizeLabelName replaces each character (rune), not each byte.
TEST(KubernetesObjectsPrometheus, SanitizeReplacesEachCharacterOnce) {
  EXPECT_EQ(SanitizeLabelName("caf\xC3\xA9/\xE2\x82\xAC"), "caf___");
  // Bytes that are no UTF-8 character are replaced one by one, as Go decodes them.
  EXPECT_EQ(SanitizeLabelName("a\xFF\xC3"), "a__");
  EXPECT_EQ(SanitizeLabelName("\xE2\x82"), "__");
}

}  // namespace
}  // namespace sextant::discovery::kubernetes
